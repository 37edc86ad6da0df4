import { appsRouter } from "../modules/apps/apps.router";
import { authRouter } from "../modules/auth/auth.router";
import { systemRouter } from "../modules/system/system.router";
import { router } from "./init";

export const appRouter = router({
  auth: authRouter,
  apps: appsRouter,
  system: systemRouter,
});

export type AppRouter = typeof appRouter;
