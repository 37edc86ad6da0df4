import type { ConvertContext } from "./convert-context";
import type { SvcWork } from "./convert-types";
import { imageBaseName } from "./ports";
import { isMapping, scalar } from "./source-text";
import { toName, unique } from "./values";

// The compose document itself: its top-level keys, which services are kept (and under which PCC names,
// reached by which host names), the order they start in, and the service fields PCC has no use for.

/** Images of the other platform's infrastructure: a proxy, an updater, a socket proxy. */
const INFRA_IMAGE = /^(traefik|watchtower|autoheal|nginx-proxy|acme-companion|docker-socket-proxy|app-proxy|tor|ouroboros|diun)$/;

/** Top-level keys other than services, volumes and secrets: noted, never carried over. */
export function topLevel(ctx: ConvertContext, doc: Record<string, unknown>) {
  for (const k of Object.keys(doc)) {
    if (["services", "volumes", "secrets", "name", "version", "networks"].includes(k) || k.startsWith("x-")) continue;
    if (k === "include" || k === "configs") ctx.notes.add("review", ctx.src(k), `${k} is not carried over: merge what it brings into the app by hand`);
    else ctx.notes.add("dropped", ctx.src(k), "is not a compose field the importer knows; ignored");
  }
  if (doc.networks !== undefined) ctx.notes.add("dropped", ctx.src("networks"), "PCC gives each app its own isolated network, where services reach each other by ${services.NAME.host}; the source's networks are not needed");
}

/** The services PCC runs (the platform's own are dropped), their PCC names and every host name they are reached by. */
export function pickServices(ctx: ConvertContext, services: Record<string, unknown>) {
  const taken = new Set<string>();
  for (const [orig, svc] of Object.entries(services)) {
    if (orig === "__proto__") continue;
    if (!isMapping(svc)) {
      ctx.notes.add("dropped", ctx.src(`services.${orig}`), "is not a mapping; ignored");
      continue;
    }
    const image = scalar(svc.image);
    const drop = ctx.p.dropService?.(orig, svc) ?? (image && INFRA_IMAGE.test(imageBaseName(image)) ? `runs ${imageBaseName(image)}, infrastructure of the source platform (a proxy, an updater or a socket proxy) that PCC does itself or never allows` : undefined);
    if (drop) {
      ctx.notes.add("dropped", ctx.src(`services.${orig}`), drop);
      continue;
    }
    const name = unique(toName(orig, "service"), taken);
    if (name !== orig) ctx.notes.add("info", ctx.src(`services.${orig}`), `renamed to "${name}" (PCC names are lower-case letters, digits and dashes)`);
    const w: SvcWork = { orig, name, svc, out: { env: {}, volumes: [], tmpfs: [], secretFiles: [], dependsOn: {}, resources: {} }, env: [], ports: [], expose: [], dependsOn: {} };
    ctx.work.push(w);
    ctx.byOrig.set(orig, w);
  }
  // Every name a service is reached by: its own, container_name, hostname, network aliases, links, the platform's.
  for (const w of ctx.work) {
    const names = [w.orig, scalar(w.svc.container_name), scalar(w.svc.hostname), ...(ctx.p.hostAliases?.(w.orig, w.svc) ?? [])];
    if (isMapping(w.svc.networks)) {
      for (const n of Object.values(w.svc.networks)) if (isMapping(n) && Array.isArray(n.aliases)) names.push(...n.aliases.map(scalar));
    }
    for (const n of names) if (n && /^[A-Za-z0-9][A-Za-z0-9_.-]{0,100}$/.test(n) && !ctx.aliases.has(n.toLowerCase())) ctx.aliases.set(n.toLowerCase(), w.orig);
  }
  for (const w of ctx.work) {
    if (!Array.isArray(w.svc.links)) continue;
    for (const l of w.svc.links) {
      const [target, alias] = (scalar(l) ?? "").split(":");
      if (target && alias && ctx.byOrig.has(target) && !ctx.aliases.has(alias.toLowerCase())) ctx.aliases.set(alias.toLowerCase(), target);
    }
  }
}

/** depends_on as written: the conditions are judged once every service is converted (dependencies). */
export function dependsOnOf(ctx: ConvertContext, w: SvcWork) {
  const d = w.svc.depends_on;
  const at = ctx.src(`services.${w.orig}.depends_on`);
  const add = (name: string, cond: string) => {
    if (ctx.byOrig.has(name)) w.dependsOn[name] = cond;
  };
  if (Array.isArray(d)) d.forEach((x) => scalar(x) && add(scalar(x)!, "service_started"));
  else if (isMapping(d)) for (const [k, v] of Object.entries(d)) add(k, (isMapping(v) && scalar(v.condition)) || "service_started");
  else if (d !== undefined) ctx.notes.add("dropped", at, "is neither a list nor a mapping; ignored");
}

/** Start order: a healthy condition needs a healthcheck PCC can run; a one-off job becomes "started". */
export function dependencies(ctx: ConvertContext) {
  for (const w of ctx.work) {
    for (const [dep, cond] of Object.entries(w.dependsOn)) {
      const target = ctx.byOrig.get(dep)!;
      const at = ctx.src(`services.${w.orig}.depends_on.${dep}`);
      let condition: "healthy" | "started" = cond === "service_healthy" ? "healthy" : "started";
      if (cond === "service_completed_successfully") ctx.notes.add("review", at, `waited for "${dep}" to finish (a one-off job); PCC has no one-off jobs: it waits for it to start, and restarts it when it exits`);
      if (condition === "healthy" && !target.out.healthcheck) {
        condition = "started";
        ctx.notes.add("review", at, `waited for "${dep}" to be healthy, but it has no healthcheck PCC can run: now waits for it to start (add a healthcheck to "${dep}" and set healthy)`);
      }
      if (target.name !== w.name) w.out.dependsOn[target.name] = { condition };
    }
  }
}

/** Service fields read nowhere else: noted as ignored (folded across services) or for review. */
export function otherFields(ctx: ConvertContext, w: SvcWork) {
  const ignoreInfo: Record<string, string> = {
    restart: "PCC restarts services itself",
    container_name: "PCC names containers itself; other services reach this one by ${services.NAME.host}",
    hostname: "other services reach this one by ${services.NAME.host}",
    networks: "PCC gives each app its own network",
    links: "services reach each other by ${services.NAME.host}",
    stop_grace_period: "PCC stops services with its own grace period",
    stop_signal: "PCC stops services with SIGTERM",
    logging: "PCC keeps each service's logs (./pcc app logs)",
    init: "PCC runs its own init in every container",
    tty: "not needed for a service",
    stdin_open: "not needed for a service",
    cap_drop: "PCC drops every capability anyway",
    read_only: "PCC's root filesystem is always read-only",
    pull_policy: "PCC pulls the pinned image",
    platform: "PCC pulls the image for the machine's architecture",
    labels: "labels have no effect on PCC",
    expose: "services reach each other on any port inside the app",
    cpu_shares: "PCC sets CPU limits (resources.cpus), not shares",
    cpu_quota: "PCC sets CPU limits (resources.cpus)",
    cpu_period: "PCC sets CPU limits (resources.cpus)",
    cpuset: "PCC does not pin CPUs",
    mem_swappiness: "PCC sets memory limits only",
    memswap_limit: "PCC sets memory limits only",
    oom_score_adj: "PCC sets memory limits only",
    profiles: "every service of the app runs",
    scale: "PCC runs one instance of each service",
    domainname: "not used",
    mac_address: "PCC assigns addresses",
    dns: "PCC's app network resolves names itself",
    dns_search: "PCC's app network resolves names itself",
    dns_opt: "PCC's app network resolves names itself",
    extra_hosts: "PCC's app network resolves names itself",
    annotations: "not used",
    attach: "not used",
    develop: "not used",
  };
  const review: Record<string, string> = {
    shm_size: "PCC gives services the default /dev/shm; an app that needs a large one (browsers, some databases) may fail",
    ulimits: "PCC sets its own limits (resources.pids)",
    group_add: "extra groups are not granted; give file access through volumes",
    volumes_from: "mount the same app volume in both services instead",
    configs: "config files are not carried over: bake them into the image or set them through env",
    extends: "is not resolved: merge the extended service into this one by hand",
    external_links: "an app cannot reach containers outside itself",
    storage_opt: "not supported",
    isolation: "not supported",
    oom_kill_disable: "not supported: PCC's memory limit always applies",
    post_start: "lifecycle hooks are not supported",
    pre_stop: "lifecycle hooks are not supported",
    blkio_config: "not supported",
  };
  const handled = new Set([
    "image", "build", "command", "entrypoint", "working_dir", "user", "environment", "env_file", "volumes", "tmpfs", "healthcheck", "depends_on", "ports", "deploy",
    "mem_limit", "mem_reservation", "cpus", "pids_limit", "secrets", "gpus", "runtime",
    // refused in refuseSandboxFields()
    "privileged", "network_mode", "net", "pid", "ipc", "uts", "cgroup", "cgroupns_mode", "cgroup_parent", "cap_add", "devices", "device_cgroup_rules", "security_opt", "sysctls", "userns_mode",
  ]);
  for (const k of Object.keys(w.svc)) {
    if (handled.has(k) || k.startsWith("x-") || ctx.p.ownFields?.includes(k)) continue;
    if (k === "read_only" && w.svc.read_only === false) continue; // refused in refuseSandboxFields()
    if (ignoreInfo[k]) ctx.notes.ignore(ctx.p.file, w.orig, k, `${ignoreInfo[k]}; ignored`, k === "labels" || k === "restart" || k === "container_name" ? "info" : "dropped");
    else if (review[k]) ctx.notes.add("review", ctx.src(`services.${w.orig}.${k}`), review[k]!);
    else ctx.notes.ignore(ctx.p.file, w.orig, k, "is not a compose field the importer knows; ignored");
  }
}
