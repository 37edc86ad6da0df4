import type { IncomingMessage, ServerResponse } from "node:http";
import type { Services } from "../services";

/**
 * GET /.well-known/pcc-card.json: the owner's public card, for friends' PCCs (read server-side) and
 * anything else that wants to show it (CORS-readable, no credentials involved). It holds only what the
 * owner chose in the Contacts window; an unclaimed PCC has no owner and so no card.
 */
export async function serveCard(req: IncomingMessage, res: ServerResponse, services: Services) {
  res.setHeader("Access-Control-Allow-Origin", "*");
  res.setHeader("X-Content-Type-Options", "nosniff");
  if (req.method === "OPTIONS") {
    res.setHeader("Access-Control-Allow-Methods", "GET, HEAD");
    res.setHeader("Access-Control-Max-Age", "86400");
    res.statusCode = 204;
    return res.end();
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.statusCode = 405;
    res.setHeader("Allow", "GET, HEAD, OPTIONS");
    return res.end();
  }
  const card = await services.contacts.publicCard();
  if (!card) {
    res.statusCode = 404;
    res.setHeader("Cache-Control", "no-store");
    return res.end("This PCC has no owner yet, so no card.");
  }
  const body = JSON.stringify(card);
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  // Briefly: an edit in the Contacts window shows on friends' next refresh within minutes.
  res.setHeader("Cache-Control", "public, max-age=300");
  res.setHeader("Content-Length", Buffer.byteLength(body));
  res.end(req.method === "HEAD" ? undefined : body);
}
