-- Automatic updates: a policy per app, the journal of an update in progress, and the history.
ALTER TABLE "App" ADD COLUMN "updatePolicy" TEXT NOT NULL DEFAULT 'auto';

-- CreateTable
CREATE TABLE "AppUpdate" (
    "appId" TEXT NOT NULL PRIMARY KEY,
    "fromSpec" TEXT NOT NULL,
    "fromSpecVersion" INTEGER NOT NULL,
    "toSpec" TEXT NOT NULL,
    "step" TEXT NOT NULL,
    "snapshot" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "UpdateHistory" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "appId" TEXT NOT NULL,
    "fromVersion" TEXT NOT NULL,
    "toVersion" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "message" TEXT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "UpdateHistory_appId_idx" ON "UpdateHistory"("appId");
