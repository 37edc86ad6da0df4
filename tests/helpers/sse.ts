import { request } from "undici";
import { agentFor, type PccInstance } from "./pcc-instance";

export type SseEvent = { event: string; data: unknown };

/**
 * Reads a tRPC subscription over HTTPS as httpSubscriptionLink does (GET, text/event-stream), until
 * `until` says enough (it sees every event so far after each chunk) or the time is up.
 */
export async function sse(pcc: PccInstance, proc: string, input: unknown, cookie: string | undefined, until: (events: SseEvent[]) => boolean, timeoutMs = 30_000) {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  const url = `${pcc.shellUrl}/api/trpc/${proc}?input=${encodeURIComponent(JSON.stringify(input))}`;
  const res = await request(url, { headers: { accept: "text/event-stream", ...(cookie ? { cookie } : {}) }, dispatcher: agentFor("127.0.0.1"), signal: ac.signal });
  const events: SseEvent[] = [];
  let raw = "";
  let buf = "";
  try {
    for await (const chunk of res.body) {
      raw += chunk.toString();
      buf += chunk.toString();
      let end: number;
      while ((end = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
        const data = block
          .split("\n")
          .filter((l) => l.startsWith("data: "))
          .map((l) => l.slice(6))
          .join("\n");
        if (block.trim()) events.push({ event, data: data ? JSON.parse(data) : null });
      }
      if (until(events)) break;
    }
  } catch (e) {
    if (!ac.signal.aborted) throw e;
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  return { status: res.statusCode, contentType: String(res.headers["content-type"]), events, raw };
}
