-- Catalog sources (issue 7): folders or HTTPS URLs serving a signed index of apps, beside the built-in
-- catalog. Written by hand (Prisma's diff cannot run offline here); migrations.unit.test.ts checks it.
-- CreateTable
CREATE TABLE "CatalogSource" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "location" TEXT NOT NULL,
    "publicKey" TEXT,
    "trustUnsigned" BOOLEAN NOT NULL DEFAULT false,
    "addedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastRefresh" DATETIME,
    "lastError" TEXT
);

-- CreateIndex
CREATE UNIQUE INDEX "CatalogSource_location_key" ON "CatalogSource"("location");
