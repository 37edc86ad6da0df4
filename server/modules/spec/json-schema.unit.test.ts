import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { APP_SCHEMA_COMMAND, APP_SCHEMA_FILE, appSpecJsonSchema, appSpecJsonSchemaText } from "./json-schema";

const committed = path.resolve(__dirname, "../../..", APP_SCHEMA_FILE);

describe("the JSON Schema of app.yaml", () => {
  it(`is committed up to date in ${APP_SCHEMA_FILE}`, () => {
    const onDisk = fs.existsSync(committed) ? fs.readFileSync(committed, "utf8") : "";
    // toBe on a boolean keeps the failure to one readable line instead of a 1000-line diff.
    expect(onDisk === appSpecJsonSchemaText(), `${APP_SCHEMA_FILE} is stale: run \`${APP_SCHEMA_COMMAND}\` and commit the result`).toBe(true);
  });

  it("describes the input: apiVersion required, durations as text, no unknown fields", () => {
    const schema = appSpecJsonSchema() as any;
    expect(schema.required).toContain("apiVersion");
    expect(schema.additionalProperties).toBe(false);
    const service = schema.properties.services.additionalProperties;
    expect(service.properties.healthcheck.properties.interval).toMatchObject({ type: "string", default: "10s" });
    expect(service.properties).not.toHaveProperty("privileged");
  });
});
