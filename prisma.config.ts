import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { defineConfig } from "prisma/config";

// The CLI (generate, migrate deploy) runs with the JS engine and this adapter, so it never downloads
// a schema engine. DATABASE_URL is set by ./pcc to the data dir's database.
const url = process.env.DATABASE_URL ?? `file:${path.resolve("data/pcc.db")}`;

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  async adapter() {
    return new PrismaBetterSQLite3({ url });
  },
});
