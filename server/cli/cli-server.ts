import fs from "node:fs";
import net from "node:net";
import { z } from "zod";
import { DomainError, toMessage } from "../errors";
import type { Logger } from "../logger";
import { appIdSchema } from "../modules/apps/manifest";
import type { Services } from "../services";

/** One JSON request per connection, one JSON answer. The socket is 0600: only root on the machine. */
const requestSchema = z.discriminatedUnion("cmd", [
  z.object({ cmd: z.literal("status") }),
  z.object({ cmd: z.literal("login-code") }),
  z.object({ cmd: z.literal("app.list") }),
  z.object({ cmd: z.literal("app.install"), id: appIdSchema }),
  z.object({ cmd: z.literal("app.start"), id: appIdSchema }),
  z.object({ cmd: z.literal("app.stop"), id: appIdSchema }),
  z.object({ cmd: z.literal("app.remove"), id: appIdSchema, purge: z.boolean() }),
]);
export type CliRequest = z.infer<typeof requestSchema>;
export type CliResponse = { ok: true; result: unknown } | { ok: false; code: string; message: string };

async function dispatch(s: Services, r: CliRequest): Promise<unknown> {
  switch (r.cmd) {
    case "status":
      return s.system.status();
    case "login-code":
      return { code: await s.auth.issueLoginCode() };
    case "app.list":
      return s.apps.list();
    case "app.install":
      return s.apps.install(r.id);
    case "app.start":
      return s.apps.start(r.id).then(() => s.apps.get(r.id));
    case "app.stop":
      return s.apps.stop(r.id).then(() => s.apps.get(r.id));
    case "app.remove":
      return s.apps.remove(r.id, { keepData: !r.purge }).then(() => ({ id: r.id, keptData: !r.purge }));
  }
}

export function startCliServer(socketPath: string, services: Services, log: Logger) {
  fs.rmSync(socketPath, { force: true });
  const open = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    open.add(sock);
    sock.once("close", () => open.delete(sock));
    let buf = "";
    sock.setEncoding("utf8");
    sock.on("data", async (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf("\n");
      if (nl < 0) return;
      let answer: CliResponse;
      try {
        const parsed = requestSchema.safeParse(JSON.parse(buf.slice(0, nl)));
        if (!parsed.success) throw new DomainError("INVALID_INPUT", parsed.error.issues.map((i) => i.message).join("; "));
        log.info({ cmd: parsed.data.cmd }, "cli request");
        answer = { ok: true, result: await dispatch(services, parsed.data) };
      } catch (e) {
        answer = { ok: false, code: e instanceof DomainError ? e.code : "INTERNAL", message: toMessage(e) };
      }
      sock.end(JSON.stringify(answer) + "\n");
    });
    sock.on("error", () => undefined);
  });
  server.listen(socketPath, () => fs.chmodSync(socketPath, 0o600));
  // So that stopping PCC does not wait for a CLI call that is still running.
  return Object.assign(server, { closeAllConnections: () => open.forEach((s) => s.destroy()) });
}
