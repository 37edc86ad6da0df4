import { scanSandbox } from "../../spec/sandbox-rules";
import type { ConvertContext } from "./convert-context";
import type { SvcWork } from "./convert-types";
import { isMapping, scalar } from "./source-text";

// Nothing is copied wholesale: fields that would loosen the sandbox are found with PCC's own lint rules
// (sandbox-rules.ts) and refused with its reasons, so the importer and lint never disagree.

/** A container engine's socket; values naming it are left out wherever they appear (env, command, healthcheck, volumes). */
export const SOCKET = /(docker|podman|containerd|crio|cri-dockerd)\.sock/i;

/** The reason PCC's own lint gives for a field (sandbox-rules.ts), so the importer says it the same way. */
function sandboxReason(field: string, value: unknown = true): string {
  return scanSandbox({ services: { s: { [field]: value } } }).issues[0]?.message ?? "PCC never loosens an app's sandbox.";
}
export const SOCKET_REASON = sandboxReason("volumes", ["/var/run/docker.sock:/var/run/docker.sock"]);
export const HOST_PATH_REASON = sandboxReason("volumes", ["/srv/data:/data"]);

/** Refuses, with PCC's own reasons, every field that would loosen the sandbox. */
export function refuseSandboxFields(ctx: ConvertContext, w: SvcWork) {
  const { svc } = w;
  const at = (f: string) => ctx.src(`services.${w.orig}.${f}`);
  // Volumes are judged one by one in mount(); labels and x-* metadata (CasaOS descriptions) configure nothing.
  const fields = Object.fromEntries(Object.entries(svc).filter(([k]) => !k.startsWith("x-") && !["volumes", "networks", "labels"].includes(k)));
  const scan = scanSandbox({ services: { [w.orig]: fields } });
  const prefix = `services.${w.orig}.`;
  const seen = new Set<string>();
  for (const issue of scan.issues) {
    const field = issue.path.startsWith(prefix) ? issue.path.slice(prefix.length) : issue.path;
    const top = field.split(/[.[]/)[0]!;
    if (seen.has(field)) continue;
    seen.add(field);
    const value = svc[top];
    // Values that loosen nothing are not worth a refusal: network_mode: bridge, privileged: false, cap_add: [].
    if (top === "network_mode" || top === "net") {
      const mode = scalar(value) ?? "";
      if (mode === "bridge" || mode === "default" || mode === "") {
        ctx.notes.ignore(ctx.p.file, w.orig, top, "PCC gives each app its own isolated network (as bridge did); ignored", "info");
        continue;
      }
      const shared = /^(service|container):/.test(mode);
      ctx.notes.add("refused", at(top), `"${mode}" dropped: ${issue.message}${shared ? " The app shared another container's network (a VPN sidecar, say): it will not work as designed." : mode === "host" ? " If the app relies on it (LAN discovery, DHCP), that part will not work." : ""}`, {
        breaksApp: shared,
      });
      continue;
    }
    if (top === "privileged" && value !== true) continue;
    if (top === "security_opt" && Array.isArray(value) && value.every((o) => /^no-new-privileges([:=]true)?$/.test(scalar(o) ?? ""))) {
      ctx.notes.ignore(ctx.p.file, w.orig, top, "no-new-privileges: PCC sets it for every app; ignored", "info");
      continue;
    }
    if (Array.isArray(value) && value.length === 0) continue;
    if (isMapping(value) && Object.keys(value).length === 0) continue;
    if (top === "environment" || top === "command" || top === "entrypoint" || top === "healthcheck") {
      ctx.notes.add("refused", at(field), `names a container engine's socket; left out: ${issue.message}`, { breaksApp: true });
      continue;
    }
    const shown = JSON.stringify(value ?? null).slice(0, 80);
    let extra = "";
    if (top === "devices" && /\/dev\/(dri|nvidia)/.test(shown)) extra = " For hardware video or ML acceleration, ask for `permissions: { devices: [gpu] }` instead; the owner approves it at install.";
    if (top === "devices" && /\/dev\/net\/tun/.test(shown)) extra = " A VPN inside the app cannot work on PCC.";
    if (top === "cap_add") extra = " Most images run without added capabilities when given a numeric `user:` and high ports; test the app.";
    ctx.notes.add("refused", at(field), `${shown} dropped: ${issue.message}${extra}`, { breaksApp: top === "devices" && /\/dev\/net\/tun/.test(shown) });
  }
}
