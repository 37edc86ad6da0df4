import { request } from "undici";

/** True if something answers HTTP at url with a status below 500, within timeoutMs. */
export async function httpProbe(url: string, timeoutMs = 2_000): Promise<boolean> {
  try {
    const r = await request(url, { method: "GET", headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs) });
    await r.body.dump();
    return r.statusCode < 500;
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
