import { z } from "zod";
import { API_VERSION } from "./api-version";
import { appSpecSchema } from "./spec.schema";

/** Where the generated schema is committed, relative to the repository root. */
export const APP_SCHEMA_FILE = "apps-catalog/schema/app.schema.json";
export const APP_SCHEMA_COMMAND = "node --import tsx scripts/gen-app-schema.ts";

/**
 * The JSON Schema of app.yaml, for editors (yaml-language-server) and other tools. It describes the input: what
 * an author writes. Cross-field rules, the sandbox rules and the digest policy are only checked by lint.
 * Draft 7, which every editor understands.
 */
export function appSpecJsonSchema(): Record<string, unknown> {
  const { $schema, ...schema } = z.toJSONSchema(appSpecSchema, { io: "input", target: "draft-7" });
  return {
    $schema,
    title: `PCC app spec (${API_VERSION})`,
    description: `apps-catalog/<id>/app.yaml. Generated from server/modules/spec by \`${APP_SCHEMA_COMMAND}\`; do not edit.`,
    ...schema,
  };
}

export const appSpecJsonSchemaText = () => `${JSON.stringify(appSpecJsonSchema(), null, 2)}\n`;
