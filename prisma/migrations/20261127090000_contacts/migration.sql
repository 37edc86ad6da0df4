-- Contacts: the owner's public card (one row) and friends' PCCs with the last card read from each.
-- Written by hand in Prisma's form: `migrate diff` fails on this machine's shadow database.
-- CreateTable
CREATE TABLE "OwnerCard" (
    "id" TEXT NOT NULL PRIMARY KEY DEFAULT 'card',
    "displayName" TEXT NOT NULL DEFAULT '',
    "avatar" TEXT,
    "listed" TEXT NOT NULL DEFAULT '[]',
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Contact" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "domain" TEXT NOT NULL,
    "card" TEXT NOT NULL,
    "addedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "fetchedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "Contact_domain_key" ON "Contact"("domain");
