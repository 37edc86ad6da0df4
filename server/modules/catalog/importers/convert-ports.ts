import type { ConvertContext } from "./convert-context";
import type { Facts, SvcWork } from "./convert-types";
import { literalValue } from "./convert-variables";
import type { Draft } from "./draft";
import { classifyPort, isDatabaseImage, parsePorts } from "./ports";
import { isMapping, scalar } from "./source-text";
import { clip, toName, unique } from "./values";

// Ports and ingress classification. The web entry is the container port the platform routes to (or,
// for plain compose, the first HTTP-looking one); its host port is dropped. Other published ports become
// raw ports (well-known non-HTTP ones), extra ingresses behind PCC's sign-in (unknown TCP: a wrong guess
// fails closed), or nothing (databases).

/** A service's published and exposed ports, and the port a Traefik label routes to (a hint for the web entry). */
export function portsOf(ctx: ConvertContext, w: SvcWork) {
  const at = ctx.src(`services.${w.orig}.ports`);
  const { ports, problems } = parsePorts(w.svc.ports, (s) => literalValue(ctx, s, at));
  for (const p of problems) ctx.notes.add("dropped", at, `${p}; left out`);
  w.ports = ports;
  if (Array.isArray(w.svc.expose)) w.expose = w.svc.expose.map((x) => Number(String(scalar(x) ?? "").split("/")[0])).filter((n) => Number.isInteger(n) && n > 0 && n < 65536);
  // Traefik labels (Runtipi's old files, many compose files) name the port the proxy sends traffic to.
  const labels = w.svc.labels;
  const entries: [string, unknown][] = isMapping(labels) ? Object.entries(labels) : Array.isArray(labels) ? labels.map((l) => (scalar(l) ?? "").split("=")).map(([k, ...v]) => [k!, v.join("=")]) : [];
  for (const [k, v] of entries) {
    const m = /^traefik\.http\.services\.[^.]+\.loadbalancer\.server\.port$/.exec(k);
    const port = Number(scalar(v));
    if (m && Number.isInteger(port) && port > 0 && port < 65536) w.hintPort = port;
  }
  if (entries.some(([k]) => k.startsWith("traefik."))) ctx.notes.ignore(ctx.p.file, w.orig, "labels", "Traefik routing labels: PCC's gateway serves the app at https://<app>.<your domain> itself; dropped", "info");
}

/** The web entry first (the platform's, else a guess), then every other published port classified. */
export function ingressAndPorts(ctx: ConvertContext, facts: Facts): { ingress: Draft["ingress"]; ports: Draft["ports"] } {
  const ingress: Draft["ingress"] = [];
  const ports: Draft["ports"] = [];
  let main: { w: SvcWork; port: number; source: string } | undefined;
  const pm = ctx.p.main;
  if (pm) {
    const w = ctx.byOrig.get(pm.service);
    if (!w) ctx.notes.add("review", pm.source, `names the service "${pm.service}", which is not in the compose file; the web entry was guessed instead`);
    else {
      const port =
        pm.port ??
        w.hintPort ??
        w.ports.find((p) => p.protocol === "tcp" && classifyPort(p, w.image) === "http")?.container ??
        w.ports.find((p) => p.protocol === "tcp")?.container ??
        w.expose[0] ??
        w.healthHttpPort;
      if (port) main = { w, port, source: pm.source };
      else ctx.notes.add("review", pm.source, `the service "${pm.service}" has no port the importer can find; add its HTTP port under ingress`);
    }
  }
  if (!main && !facts.noGui) main = guessMain(ctx);
  if (main) {
    const pub = ctx.p.publicPaths?.length ? { public: ctx.p.publicPaths } : {};
    ingress.push({ service: main.w.name, port: main.port, ...pub });
    ctx.notes.add("info", main.source, `the app's web entry is port ${main.port} of "${main.w.name}" inside the container; PCC serves it at https://${facts.id}.<your PCC domain>`);
    if ([443, 8443, 9443].includes(main.port)) ctx.notes.add("review", main.source, `port ${main.port} usually speaks HTTPS; PCC's gateway speaks plain HTTP to the app: use the app's HTTP port if it has one`);
  } else if (!facts.noGui) {
    ctx.notes.add("review", ctx.src("services"), "no web entry was found (no published HTTP port); if the app has a web interface, add it under ingress");
  }

  const portNames = new Set<string>();
  const ingressNames = new Set<string>(["main"]);
  const seenHost = new Set<string>();
  for (const w of ctx.work) {
    for (const p of w.ports) {
      const at = ctx.src(`services.${w.orig}.ports`);
      if (main && w === main.w && p.container === main.port && p.protocol === "tcp") {
        if (p.host !== undefined) ctx.mainHostPorts.add(p.host);
        if (p.host !== undefined || p.hostVar) ctx.notes.add("info", at, `host port ${p.host ?? `\${${p.hostVar}}`} → ${p.container} is not needed: PCC's gateway serves the web entry over HTTPS`);
        continue;
      }
      if (p.hostIp && p.hostIp !== "0.0.0.0" && p.hostIp !== "::") ctx.notes.add("info", at, `the bind address ${p.hostIp} is not carried over; the owner decides where PCC publishes ports`);
      if (p.protocol === "sctp") {
        ctx.notes.add("dropped", at, `${p.raw}: SCTP ports are not supported; left out`);
        continue;
      }
      const kind = classifyPort(p, w.image);
      if (kind === "database") {
        ctx.notes.add("dropped", at, `${p.raw}: "${w.name}" is a database or cache the other services reach as \${services.${w.name}.host}; PCC does not publish it to the network`);
        continue;
      }
      if (kind === "http" || kind === "https") {
        if (ingress.some((g) => g.service === w.name && g.port === p.container)) continue;
        const name = unique(toName(ingress.some((g) => g.service === w.name) ? `${w.name}-${p.container}` : w.name, "web"), ingressNames);
        ingress.push({ name, service: w.name, port: p.container });
        ctx.notes.add(
          "review",
          at,
          `${p.raw}: port ${p.container} looks like HTTP, so it became the ingress "${name}" (behind PCC's sign-in, at https://${name}-${facts.id}.<domain>)${kind === "https" ? "; it usually speaks HTTPS, which PCC's gateway does not speak to apps" : ""}; if it is not HTTP, move it to ports`,
        );
        continue;
      }
      const proto = p.protocol === "udp" ? "udp" : "tcp";
      const hostKey = `${proto}/${p.host ?? p.container}`;
      if (ports.some((x) => x.service === w.name && x.containerPort === p.container && (x.protocol ?? "tcp") === proto) || seenHost.has(hostKey)) continue;
      seenHost.add(hostKey);
      const name = unique(toName(`${w.name}-${p.container}${proto === "udp" ? "-udp" : ""}`, "port"), portNames);
      const described = ctx.p.describePort?.(w.orig, p.container);
      ports.push({
        name,
        service: w.name,
        containerPort: p.container,
        ...(proto === "udp" ? { protocol: "udp" as const } : {}),
        ...(p.host !== undefined && p.host !== p.container ? { hostPort: p.host } : {}),
        description: clip(described && described.trim() ? described.trim() : `Port ${p.container}/${proto} of ${w.name} (imported from ${ctx.p.label}): say what the owner's devices use it for`, 200),
      });
      ctx.notes.add("review", at, `${p.raw}: published as the raw ${proto} port "${name}"; write its description for owners (why the app needs a port on the host)`);
    }
  }
  return { ingress, ports };
}

/** Without a marker, the web entry is the first published HTTP-looking port, else a hint (Traefik label, expose, healthcheck). */
function guessMain(ctx: ConvertContext): { w: SvcWork; port: number; source: string } | undefined {
  for (const w of ctx.work) if (w.hintPort) return { w, port: w.hintPort, source: ctx.src(`services.${w.orig}.labels`) };
  for (const kind of ["http", "https"] as const) {
    for (const w of ctx.work) {
      const p = w.ports.find((x) => classifyPort(x, w.image) === kind);
      if (p) return { w, port: p.container, source: ctx.src(`services.${w.orig}.ports`) };
    }
  }
  for (const w of ctx.work) {
    if (isDatabaseImage(w.image)) continue;
    const port = w.expose.find((x) => classifyPort({ container: x, protocol: "tcp", raw: "" }, w.image) === "http") ?? w.healthHttpPort;
    if (port) {
      ctx.notes.add("review", ctx.src(`services.${w.orig}`), `no port is published; port ${port} (from expose or the healthcheck) was taken as the web entry`);
      return { w, port, source: ctx.src(`services.${w.orig}`) };
    }
  }
  return undefined;
}
