import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const MIGRATIONS = path.join(ROOT, "prisma/migrations");

/** Tables, their columns (name, type, not-null, default, pk) and indexes, as SQLite reports them. */
function shape(db: Database.Database) {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_prisma%' ORDER BY name").all() as { name: string }[];
  return Object.fromEntries(
    tables.map(({ name }) => [
      name,
      {
        // By name: ALTER TABLE ADD COLUMN appends, so column order is not part of the contract.
        columns: (db.prepare(`PRAGMA table_info("${name}")`).all() as { cid?: number; name: string }[])
          .map(({ cid: _cid, ...c }) => c)
          .sort((a, b) => a.name.localeCompare(b.name)),
        foreignKeys: db.prepare(`PRAGMA foreign_key_list("${name}")`).all().map((f) => JSON.stringify(f)).sort(),
        indexes: (db.prepare(`PRAGMA index_list("${name}")`).all() as { name: string; unique: number }[])
          .filter((i) => !i.name.startsWith("sqlite_autoindex"))
          .map((i) => `${i.name}:${i.unique}`)
          .sort(),
      },
    ]),
  );
}

// Migrations are written by hand (Prisma's diff cannot run its shadow database offline through the
// better-sqlite3 adapter), so this guards against a migration that does not produce the schema.
describe("prisma migrations", () => {
  it("applied in order, they build exactly the schema in prisma/schema.prisma", () => {
    const migrated = new Database(":memory:");
    for (const dir of fs.readdirSync(MIGRATIONS).filter((d) => fs.statSync(path.join(MIGRATIONS, d)).isDirectory()).sort()) {
      migrated.exec(fs.readFileSync(path.join(MIGRATIONS, dir, "migration.sql"), "utf8"));
    }
    const script = execFileSync(
      process.execPath,
      [path.join(ROOT, "node_modules/prisma/build/index.js"), "migrate", "diff", "--from-empty", "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
      { cwd: ROOT, encoding: "utf8", env: { ...process.env, DATABASE_URL: "file::memory:", CHECKPOINT_DISABLE: "1" }, timeout: 60_000 },
    );
    const expected = new Database(":memory:");
    expected.exec(script);
    expect(shape(migrated)).toEqual(shape(expected));
  }, 60_000);
});
