import fs from "node:fs";
import net from "node:net";
import { z } from "zod";
import { DomainError, toMessage } from "../errors";
import type { Logger } from "../logger";
import { appRequestSchema, dispatchApp, type AppRequest } from "./app-dispatch";
import { dispatchSource, sourceRequestSchema, type SourceRequest } from "./source-dispatch";
import type { Services } from "../services";

/** One JSON request per connection, one JSON answer. The socket is 0600: only root on the machine. */
const requestSchema = z.discriminatedUnion("cmd", [
  z.object({ cmd: z.literal("status") }),
  // Without a request id: the pending sign-in requests; with one: a code for that browser only.
  z.object({ cmd: z.literal("login-code"), requestId: z.string().trim().min(1).max(16).optional() }),
  z.object({ cmd: z.literal("audit"), limit: z.number().int().min(1).max(10_000).default(50) }),
]);
export type CliRequest = z.infer<typeof requestSchema>;
export type { CliResponse } from "./cli-protocol";
import type { CliResponse } from "./cli-protocol";

async function dispatch(s: Services, r: CliRequest): Promise<unknown> {
  switch (r.cmd) {
    case "status":
      return s.system.status();
    case "login-code":
      if (!(await s.identity.isClaimed())) throw new DomainError("CONFLICT", "Nobody has claimed this PCC yet: use the setup code.");
      return r.requestId ? s.identity.loginRequests.issueCode(r.requestId) : { pending: s.identity.loginRequests.list() };
    case "audit":
      return s.audit.list({ limit: r.limit });
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
        const raw = JSON.parse(buf.slice(0, nl)) as { cmd?: unknown };
        const isApp = typeof raw.cmd === "string" && raw.cmd.startsWith("app.");
        const isSource = typeof raw.cmd === "string" && raw.cmd.startsWith("source.");
        const parsed = (isApp ? appRequestSchema : isSource ? sourceRequestSchema : requestSchema).safeParse(raw);
        if (!parsed.success) throw new DomainError("INVALID_INPUT", parsed.error.issues.map((i) => i.message).join("; "));
        log.info({ cmd: parsed.data.cmd }, "cli request");
        const send = (event: string, data: unknown) => void (sock.writable && sock.write(JSON.stringify({ event, data }) + "\n"));
        // A followed `app logs` runs until the CLI goes away (Ctrl-C closes its socket).
        const gone = new AbortController();
        sock.once("close", () => gone.abort());
        const result = isApp
          ? await dispatchApp(services, parsed.data as AppRequest, send, gone.signal)
          : isSource
            ? await dispatchSource(services, parsed.data as SourceRequest)
            : await dispatch(services, parsed.data as CliRequest);
        answer = { ok: true, result };
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
