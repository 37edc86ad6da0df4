/**
 * The postMessage bridge between an app (in its iframe) and the shell.
 *
 * An app may ask the shell for three things. Anything else, and anything not sent by that very
 * iframe from that very origin, is dropped without a word: a page can post to the shell from
 * anywhere (another app, a popup, an iframe inside the app), and only the two checks below tie a
 * message to the app whose window it claims to be.
 */

export type BridgeMessage =
  | { type: "pcc:title"; title: string }
  | { type: "pcc:notify"; title: string; body: string }
  | { type: "pcc:open"; url: string }
  | { type: "pcc:open"; appId: string };

/** The iframe a window owns: its live contentWindow and the origin its app is served from. */
export type BridgeEndpoint = { source: unknown; origin: string };

/** What the shell sees of a MessageEvent (kept structural so unit tests need no DOM). */
export type IncomingMessage = { source: unknown; origin: string; data: unknown };

export const TITLE_MAX = 120;
export const BODY_MAX = 500;
const APP_ID = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Accepts a message only if it came from the endpoint's own iframe window (`event.source`) AND from
 * the app's origin (`event.origin`). Both matter: the source alone does not stop an iframe that was
 * navigated to another site, the origin alone does not tell one window of an app from another page
 * of the same origin (a popup it opened).
 */
export function acceptBridgeMessage(event: IncomingMessage, endpoint: BridgeEndpoint): BridgeMessage | null {
  if (endpoint.source == null || event.source !== endpoint.source) return null;
  if (!endpoint.origin || event.origin !== endpoint.origin) return null;
  return parseBridgeMessage(event.data);
}

/** Validates the message's shape; text is trimmed, stripped of control characters and capped. */
export function parseBridgeMessage(data: unknown): BridgeMessage | null {
  if (typeof data !== "object" || data === null) return null;
  const m = data as Record<string, unknown>;
  switch (m.type) {
    case "pcc:title": {
      const title = cleanText(m.title, TITLE_MAX);
      return title === null ? null : { type: "pcc:title", title };
    }
    case "pcc:notify": {
      const title = cleanText(m.title, TITLE_MAX);
      const body = m.body === undefined ? "" : cleanText(m.body, BODY_MAX);
      if (!title || body === null) return null;
      return { type: "pcc:notify", title, body };
    }
    case "pcc:open": {
      const hasUrl = m.url !== undefined;
      const hasApp = m.appId !== undefined;
      if (hasUrl === hasApp) return null;
      if (hasApp) return typeof m.appId === "string" && APP_ID.test(m.appId) ? { type: "pcc:open", appId: m.appId } : null;
      const url = webUrl(m.url);
      return url ? { type: "pcc:open", url } : null;
    }
    default:
      return null;
  }
}

function cleanText(v: unknown, max: number): string | null {
  if (typeof v !== "string") return null;
  // Control and bidi-override characters could make a title impersonate the origin shown next to it.
  // eslint-disable-next-line no-control-regex
  const text = v.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, " ").replace(/\s+/g, " ").trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Only absolute http(s) URLs: javascript:, data: and friends must never reach window.open or an iframe. */
function webUrl(v: unknown): string | null {
  if (typeof v !== "string" || v.length > 2048) return null;
  try {
    const u = new URL(v);
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
  } catch {
    return null;
  }
}

/** Origin of a URL, or "" if it has none (an app's URL always has one). */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "";
  }
}

/** host[:port] as shown in a title bar: what the owner needs to see to know which app they talk to. */
export function displayOrigin(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
