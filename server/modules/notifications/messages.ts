import type { PccEvents } from "../../events";

/**
 * What a push carries, as the service worker shows it. Deliberately small and plain: push services
 * cap payloads (~4 KB), and a notification can be read on a lock screen, so no error text, host
 * name, token or setting value ever goes in, only app and device names PCC shows anyway.
 */
export type PushMessage = { title: string; body: string; url: string; tag: string };

/** An event the notifier reacts to, with the name the owner knows the app by. */
export type NotifyEvent =
  | { kind: "app.done"; payload: PccEvents["app.done"]; appName: string; /** false: no web page to open (a DNS or game server). */ web?: boolean }
  | { kind: "app.state"; payload: PccEvents["app.state"]; appName: string }
  | { kind: "device.joined"; payload: PccEvents["device.joined"] };

/** App states that mean the owner's app is not serving: what "app down" is. */
export const DOWN_STATES = new Set(["failed", "unhealthy"]);

const SHELL = "/";
const SECURITY = "/?open=system";

/** The message for an event, or null when it is not worth a notification (removals, app recovering). */
export function messageFor(e: NotifyEvent): PushMessage | null {
  if (e.kind === "device.joined") {
    const how = e.payload.how === "paired" ? "was paired with" : "signed in to";
    return {
      title: "New device on your PCC",
      body: `“${short(e.payload.name)}” ${how} your PCC. If this wasn't you, remove it in Settings → Security.`,
      url: SECURITY,
      tag: `device-${e.payload.deviceId}`,
    };
  }
  const app = short(e.appName);
  const tag = (what: string) => `app-${e.payload.appId}-${what}`;
  if (e.kind === "app.state") {
    if (!DOWN_STATES.has(e.payload.status)) return null;
    const body = e.payload.status === "failed" ? `${app} stopped and could not be restarted.` : `${app} is not answering its health check.`;
    return { title: `${app} is down`, body, url: SHELL, tag: tag("down") };
  }
  const { action, ok } = e.payload;
  switch (action) {
    case "install":
      return ok
        ? { title: `${app} is installed`, body: e.web === false ? `${app} runs in the background; its settings show its ports.` : `${app} is ready to open.`, url: SHELL, tag: tag("install") }
        : { title: `${app} could not be installed`, body: "Open PCC to see what went wrong and try again.", url: SHELL, tag: tag("install") };
    case "update":
      return ok
        ? { title: `${app} was updated`, body: `${app} is running its new version.`, url: SHELL, tag: tag("update") }
        : { title: `${app} could not be updated`, body: "It keeps running the version it had.", url: SHELL, tag: tag("update") };
    case "rollback":
      return { title: `${app} update rolled back`, body: `The new version of ${app} did not work, so PCC put the previous one back. Your data is as it was.`, url: SHELL, tag: tag("update") };
    default:
      return null;
  }
}

/** The test notification the owner asks for from Settings. */
export const TEST_MESSAGE: PushMessage = { title: "PCC notifications work", body: "This device will tell you when apps install, update or go down.", url: SECURITY, tag: "pcc-test" };

/** Names come from catalogs and browsers: keep them one short line. */
function short(name: string): string {
  const clean = name.replace(/\s+/g, " ").trim();
  return clean.length > 40 ? `${clean.slice(0, 39)}…` : clean;
}
