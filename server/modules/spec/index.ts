// The app spec v1 (pcc.app/v1): what an app folder declares, checked and normalized for the runtime.
export { API_MAJOR, API_MINOR, API_VERSION } from "./api-version";
export type { Issue } from "./issues";
export { APP_SCHEMA_COMMAND, APP_SCHEMA_FILE, appSpecJsonSchema, appSpecJsonSchemaText } from "./json-schema";
export { formatLintReport, lintAppDir, type LintResult } from "./lint";
export { scanReferences, substituteReferences, type Reference } from "./references";
export { appSpecSchema, DEVICES, parseAppSpec, type AppSpec, type ParseMode, type SpecResult } from "./spec.schema";
export { CATEGORIES, type Category } from "./spec-fields";
export type { Healthcheck, Service } from "./spec-service";
export type { Setting } from "./spec-settings";
export { fromStored, migrations, STORED_SPEC_VERSION, toStored } from "./stored-spec";
export { MAX_YAML_BYTES, parseAppYaml } from "./yaml-source";
