import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import { CLIENT_IP_HEADER } from "../adapters/caddy/caddy-config";
import type { ClientInfo } from "../modules/identity/rate-limit";

/**
 * Who sent a request to the shell. The address comes only from the header Caddy sets from the
 * connection's peer (overwriting any client copy); X-Forwarded-For, Forwarded, X-Real-IP and the like
 * are never read. A request that did not come through Caddy (root on the unix socket) has no address.
 */
export function clientInfo(req: IncomingMessage): ClientInfo {
  const raw = req.headers[CLIENT_IP_HEADER.toLowerCase()];
  const ip = typeof raw === "string" && isIP(raw.trim()) ? raw.trim() : null;
  const ua = req.headers["user-agent"];
  return { ip, userAgent: typeof ua === "string" ? ua.slice(0, 300) : null };
}
