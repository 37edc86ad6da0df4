// Writes apps-catalog/schema/app.schema.json from the zod schema of the app spec. A unit test fails when the
// committed file is stale. Run from the repository root: node --import tsx scripts/gen-app-schema.ts
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { APP_SCHEMA_FILE, appSpecJsonSchemaText } from "../server/modules/spec/json-schema";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const file = path.join(root, APP_SCHEMA_FILE);
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, appSpecJsonSchemaText());
console.log(`wrote ${APP_SCHEMA_FILE}`);
