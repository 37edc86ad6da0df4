import { z } from "zod";
import { appIdSchema } from "../modules/apps/app-id";
import { grantsExcept, settingsInput } from "../modules/apps/install-request";
import type { Services } from "../services";
import { dispatchObserve, observeRequestSchemas } from "./observe-cli";

/** The `app …` requests of the CLI (root on the machine, over the 0600 socket). */
export const appRequestSchema = z.discriminatedUnion("cmd", [
  z.object({ cmd: z.literal("app.list") }),
  z.object({
    cmd: z.literal("app.install"),
    id: appIdSchema,
    deny: z.object({ internet: z.boolean().optional(), lan: z.boolean().optional() }).default({}),
    ports: z.record(z.string().max(40), z.number().int().min(1).max(65535).nullable()).default({}),
    settings: settingsInput.optional(),
    licence: z.string().max(4096).optional(),
  }),
  z.object({ cmd: z.literal("app.start"), id: appIdSchema }),
  z.object({ cmd: z.literal("app.stop"), id: appIdSchema }),
  z.object({ cmd: z.literal("app.restart"), id: appIdSchema }),
  z.object({ cmd: z.literal("app.status"), id: appIdSchema }),
  z.object({ cmd: z.literal("app.remove"), id: appIdSchema, purge: z.boolean() }),
  z.object({ cmd: z.literal("app.update"), id: appIdSchema }),
  z.object({ cmd: z.literal("app.updates"), check: z.boolean() }),
  z.object({ cmd: z.literal("app.update-policy"), id: appIdSchema, policy: z.enum(["auto", "notify", "off"]) }),
  ...observeRequestSchemas,
]);
export type AppRequest = z.infer<typeof appRequestSchema>;

/** Runs one app request; `send` streams progress to the CLI while it runs; `signal` aborts when the CLI goes away. */
export async function dispatchApp(s: Services, r: AppRequest, send: (event: string, data: unknown) => void, signal?: AbortSignal): Promise<unknown> {
  const follow = (id: string) => s.events.subscribe("app.progress", (p) => p.appId === id && send("progress", p));
  switch (r.cmd) {
    case "app.list":
      return s.apps.list();
    case "app.status":
      return s.apps.get(r.id);
    case "app.install": {
      const stop = follow(r.id);
      try {
        const { spec } = await s.catalog.get(r.id);
        return await s.apps.install(r.id, { grants: grantsExcept(spec, r.deny, r.ports), settings: r.settings, licence: r.licence });
      } finally {
        stop();
      }
    }
    case "app.start": {
      const stop = follow(r.id);
      try {
        await s.apps.start(r.id);
      } finally {
        stop();
      }
      return s.apps.get(r.id);
    }
    case "app.stop":
      return s.apps.stop(r.id).then(() => s.apps.get(r.id));
    case "app.restart":
      return s.apps.restart(r.id).then(() => s.apps.get(r.id));
    case "app.update": {
      const stop = follow(r.id);
      try {
        await s.updates.update(r.id, (step, percent) => send("progress", { appId: r.id, step, ...(percent !== undefined ? { percent } : {}) }));
      } finally {
        stop();
      }
      return s.apps.get(r.id);
    }
    case "app.updates":
      return { available: r.check ? await s.updates.check({ fresh: true }) : s.updates.list(), history: await s.updates.history() };
    case "app.update-policy":
      return s.updates.setPolicy(r.id, r.policy).then(() => ({ id: r.id, policy: r.policy }));
    case "app.remove":
      return s.apps.remove(r.id, { keepData: !r.purge }).then(() => ({ id: r.id, keptData: !r.purge }));
    case "app.logs":
    case "app.stats":
      return dispatchObserve(s, r, send, signal);
  }
}
