-- OpenID Connect: oidc-provider's artifacts (sessions, interactions, grants, codes, tokens), keyed by a
-- hash of their id with the payload sealed; grants remember the owner session that approved them.
-- (Written by hand: `prisma migrate diff` fails on this machine's shadow database; same shape as its output.)
-- CreateTable
CREATE TABLE "OidcArtifact" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "model" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "grantId" TEXT,
    "clientId" TEXT,
    "uid" TEXT,
    "sessionId" TEXT,
    "expiresAt" DATETIME
);

-- CreateIndex
CREATE INDEX "OidcArtifact_grantId_idx" ON "OidcArtifact"("grantId");

-- CreateIndex
CREATE INDEX "OidcArtifact_clientId_idx" ON "OidcArtifact"("clientId");

-- CreateIndex
CREATE INDEX "OidcArtifact_uid_idx" ON "OidcArtifact"("uid");

-- CreateIndex
CREATE INDEX "OidcArtifact_sessionId_idx" ON "OidcArtifact"("sessionId");
