/**
 * The PCC side of the app gateway, for app-proxy.bench.ts: the real GatewayFiles, gate and
 * IngressForwarder in their own process (as in PCC's server), forwarding host "app" to an upstream.
 * Usage: node --import tsx bench/gateway-host.ts DIR UPSTREAM_PORT DOMAIN SHELL_ORIGIN
 */
import http from "node:http";
import path from "node:path";
import pino from "pino";
import { handleGate } from "../server/modules/gateway/gate";
import { GatewayFiles } from "../server/modules/gateway/gateway-files";
import { IngressForwarder } from "../server/modules/gateway/ingress-forwarder";
import { randomToken } from "../server/modules/identity/tokens";

const [dir, upstreamPort, domain, shellOrigin] = process.argv.slice(2) as [string, string, string, string];
const files = new GatewayFiles(path.join(dir, "gateway"));
await files.init();
const token = randomToken(32);
await files.writeGrant("app", token, { appId: "app", sessionId: "bench", expiresAt: Date.now() + 3600_000 });
const forwarder = new IngressForwarder((h) => files.socketPath(h), async () => ({ host: "127.0.0.1", port: Number(upstreamPort) }), pino({ level: "silent" }));
await forwarder.open("app");
const gate = http.createServer((req, res) => handleGate(req, res, { domain, shellOrigin, lookup: (h) => (h === "app" ? { appId: "app", publicPaths: [] } : null) }));
await new Promise<void>((r) => gate.listen(path.join(dir, "gate.sock"), r));
process.stdout.write(`${JSON.stringify({ token, gateway: { grants: files.grants, stopped: files.stopped, sockets: files.sockets, signIn: files.signIn }, gateSocket: path.join(dir, "gate.sock") })}\n`);
