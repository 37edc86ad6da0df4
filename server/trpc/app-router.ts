import { appsRouter } from "../modules/apps/apps.router";
import { auditRouter } from "../modules/audit/audit.router";
import { contactsRouter } from "../modules/contacts/contacts.router";
import { sourcesRouter } from "../modules/catalog/sources.router";
import { identityRouter } from "../modules/identity/identity.router";
import { notificationsRouter } from "../modules/notifications/notifications.router";
import { systemRouter } from "../modules/system/system.router";
import { updatesRouter } from "../modules/updates/updates.router";
import { router } from "./init";

export const appRouter = router({
  updates: updatesRouter,
  identity: identityRouter,
  audit: auditRouter,
  notifications: notificationsRouter,
  apps: appsRouter,
  sources: sourcesRouter,
  system: systemRouter,
  contacts: contactsRouter,
});

export type AppRouter = typeof appRouter;
