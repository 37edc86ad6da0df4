// Creates prisma/migrations/<timestamp>_<name>/migration.sql from the schema diff, offline
// (`prisma migrate dev` needs a schema engine binary that cannot be downloaded here).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const name = (process.argv[2] ?? "").replace(/[^a-z0-9_]/gi, "_");
if (!name) {
  console.error("usage: npm run db:new -- <name>");
  process.exit(2);
}
const dir = "prisma/migrations";
fs.mkdirSync(dir, { recursive: true });
const lock = path.join(dir, "migration_lock.toml");
if (!fs.existsSync(lock)) fs.writeFileSync(lock, 'provider = "sqlite"\n');
const sql = execFileSync(
  "npx",
  ["prisma", "migrate", "diff", "--from-migrations", dir, "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
  { encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } },
);
if (!sql.trim() || /^-- This is an empty migration/.test(sql.trim())) {
  console.log("No schema changes; nothing created.");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const target = path.join(dir, `${stamp}_${name}`);
fs.mkdirSync(target);
fs.writeFileSync(path.join(target, "migration.sql"), sql);
console.log(`Created ${target}/migration.sql`);
