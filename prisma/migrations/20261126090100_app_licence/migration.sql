-- Paid apps (issue 7): the licence key accepted at install, stored with the app. Written by hand.
-- AlterTable
ALTER TABLE "App" ADD COLUMN "licence" TEXT;
