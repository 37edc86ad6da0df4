-- App spec v1: the stored spec's format version, the Podman names fixed at install, the owner's grants
-- and settings, and sealed secrets. Existing rows keep their manifest as format 0 (migrated on read).
ALTER TABLE "App" ADD COLUMN "specVersion" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "App" ADD COLUMN "resources" TEXT NOT NULL DEFAULT '{}';
ALTER TABLE "App" ADD COLUMN "grants" TEXT NOT NULL DEFAULT '{}';
ALTER TABLE "App" ADD COLUMN "settings" TEXT NOT NULL DEFAULT '{}';

-- CreateTable
CREATE TABLE "AppSecret" (
    "appId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    PRIMARY KEY ("appId", "name"),
    CONSTRAINT "AppSecret_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- Kept data keeps its secrets too: a reinstall must open a database whose password was generated before.
ALTER TABLE "KeptData" ADD COLUMN "secrets" TEXT NOT NULL DEFAULT '{}';
