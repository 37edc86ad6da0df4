import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "../../generated/prisma/client";

export type Db = PrismaClient;

export function openDb(file: string): Db {
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: `file:${file}` }) });
}

/** Applies pending migrations with Prisma's own CLI (JS engine, no download). Idempotent. */
export async function migrate(root: string, file: string) {
  const cli = path.join(root, "node_modules", "prisma", "build", "index.js");
  await promisify(execFile)(process.execPath, [cli, "migrate", "deploy"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: `file:${file}`, CHECKPOINT_DISABLE: "1", PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    timeout: 60_000,
  });
}
