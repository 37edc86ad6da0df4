import { DIGEST } from "../../spec/spec-fields";
import { dependsOnOf, otherFields } from "./convert-compose";
import type { ConvertContext } from "./convert-context";
import { environment } from "./convert-env";
import { healthcheck } from "./convert-healthcheck";
import { portsOf } from "./convert-ports";
import { refuseSandboxFields, SOCKET } from "./convert-sandbox";
import { composeSecrets } from "./convert-secrets";
import type { SvcWork } from "./convert-types";
import { literalValue } from "./convert-variables";
import { mounts, tmpfsMounts } from "./convert-volumes";
import { isMapping, scalar } from "./source-text";
import { clamp, parseBytes, splitWords } from "./values";

// One service, field by field: the image (kept with its digest, never invented), the command line, the
// user and working directory, resources and GPU requests here; env, volumes, health checks and ports
// through their own passes. Fields no pass reads are noted (otherFields), never copied.

/** Converts one kept service into its PCC form (w.out), noting everything it leaves out. */
export function convertService(ctx: ConvertContext, w: SvcWork, topVolumes: Record<string, unknown>, topSecrets: Record<string, unknown>) {
  const { svc, out } = w;
  const at = (f: string) => ctx.src(`services.${w.orig}.${f}`);
  refuseSandboxFields(ctx, w);

  // image / build
  const image = scalar(svc.image);
  if (svc.build !== undefined) {
    ctx.notes.add(
      "blocking",
      at("build"),
      image
        ? `the service builds its own image; PCC does not run such builds (RUN steps would run as root on the server), so the image "${image}" is used as published: push it to a registry first`
        : "the service builds its own image; PCC builds only COPY-only Containerfiles: publish the image to a registry and name it here (pinned by digest)",
    );
  }
  if (image) serviceImage(ctx, w, image);
  else if (svc.build === undefined) ctx.notes.add("blocking", at("image"), "the service names no image; add one (registry/name:tag@sha256:…)");

  // user
  const user = scalar(svc.user);
  if (user !== undefined) {
    const u = literalValue(ctx, user, at("user"));
    if (u !== undefined && /^\d{1,10}(:\d{1,10})?$/.test(u)) out.user = u;
    else if (u === "root" || u === "root:root" || u === "0") out.user = u === "0" ? "0" : "0:0";
    else ctx.notes.add("review", at("user"), `"${user}" is not numeric; PCC needs a uid or uid:gid ("1000:1000"): look up the image's user and write its numbers`);
  }

  const wd = scalar(svc.working_dir);
  if (wd !== undefined) {
    const v = literalValue(ctx, wd, at("working_dir"));
    if (v && v.startsWith("/") && !v.split("/").includes("..") && v !== "/") out.workingDir = v;
    else ctx.notes.add("dropped", at("working_dir"), `"${wd}" is not an absolute path PCC accepts; left out`);
  }
  for (const f of ["entrypoint", "command"] as const) {
    const v = commandLine(ctx, svc[f], at(f));
    if (v) out[f] = v;
  }

  environment(ctx, w);
  composeSecrets(ctx, w, topSecrets);
  mounts(ctx, w, topVolumes);
  tmpfsMounts(ctx, w);
  healthcheck(ctx, w);
  resources(ctx, w);
  portsOf(ctx, w);
  dependsOnOf(ctx, w);
  otherFields(ctx, w);
}

/** The image with its registry written out; a tag without a digest stays as is, with a blocking note. */
function serviceImage(ctx: ConvertContext, w: SvcWork, raw: string) {
  const at = ctx.src(`services.${w.orig}.image`);
  const ref = literalValue(ctx, raw, at);
  if (ref === undefined) {
    ctx.notes.add("blocking", at, `"${raw}" uses a variable the importer cannot resolve; write the image in full`);
    return;
  }
  let [name, digest] = ref.trim().split("@") as [string, string | undefined];
  const first = name.split("/")[0]!;
  if (!name.includes("/")) name = `docker.io/library/${name}`;
  else if (first === "index.docker.io" || first === "registry-1.docker.io") name = `docker.io/${name.slice(first.length + 1)}`;
  else if (first !== "localhost" && !first.includes(".") && !first.includes(":")) name = `docker.io/${name}`;
  const lastPart = name.split("/").pop()!;
  const tagged = lastPart.includes(":");
  const full = digest ? `${name}@${digest}` : name;
  w.image = full;
  w.out.image = full;
  if (full !== ref) ctx.notes.add("info", at, `"${ref}" written with its registry: ${full}`);
  if (!DIGEST.test(full) && !name.startsWith("localhost/")) {
    const tag = tagged ? lastPart.split(":").pop() : "latest";
    ctx.notes.add(
      "blocking",
      at,
      `${full} is not pinned by digest, so lint refuses it: resolve the digest of ${tagged ? `tag ${tag}` : "the latest tag (name a version!)"} (for example \`skopeo inspect --format '{{.Digest}}' docker://${name}${tagged ? "" : ":latest"}\`) and append @sha256:<digest>. The importer works offline and cannot look it up.`,
    );
  }
}

/** command / entrypoint: a list, or a string split into words the way compose splits it. */
function commandLine(ctx: ConvertContext, v: unknown, at: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  let list: string[] | null;
  if (Array.isArray(v)) list = v.map((x) => scalar(x) ?? "").slice(0, 100);
  else if (scalar(v) !== undefined) list = splitWords(scalar(v)!);
  else list = null;
  if (!list) {
    ctx.notes.add("review", at, "cannot be read as a command line (unbalanced quotes?); left out");
    return undefined;
  }
  if (list.some((a) => SOCKET.test(a))) return undefined; // refused in refuseSandboxFields()
  const out: string[] = [];
  for (const a of list) {
    const v2 = literalValue(ctx, a, at);
    out.push(v2 ?? a.replace(/\$\$/g, "$"));
    if (v2 === undefined) ctx.notes.add("review", at, `"${a.slice(0, 60)}" uses a variable that is now a secret or setting; PCC fills references in only in env values: pass it through an env variable`);
  }
  return out.length ? out.map((a) => a.slice(0, 4096)) : undefined;
}

/** Memory, CPU and process limits, and a GPU asked for by name (a permission the owner grants). */
function resources(ctx: ConvertContext, w: SvcWork) {
  const { svc, out } = w;
  const at = (f: string) => ctx.src(`services.${w.orig}.${f}`);
  const deploy = isMapping(svc.deploy) ? svc.deploy : {};
  const res = isMapping(deploy.resources) ? deploy.resources : {};
  const limits = isMapping(res.limits) ? res.limits : {};
  const reservations = isMapping(res.reservations) ? res.reservations : {};
  const limit = parseBytes(limits.memory ?? svc.mem_limit);
  const reserved = parseBytes(reservations.memory ?? svc.mem_reservation);
  if (limit !== null) {
    const mb = Math.ceil(limit / 1024 / 1024);
    out.resources.memoryMb = clamp(mb, 16, 65536);
    if (mb !== out.resources.memoryMb) ctx.notes.add("info", at("deploy.resources.limits.memory"), `${mb} MB is outside PCC's range; ${out.resources.memoryMb} MB used`);
  } else if (reserved !== null) {
    const mb = Math.ceil(reserved / 1024 / 1024);
    if (mb > 256) {
      out.resources.memoryMb = clamp(mb, 16, 65536);
      ctx.notes.add("review", at("deploy.resources.reservations.memory"), `the source reserves ${mb} MB; PCC sets a limit, not a reservation, so the limit is ${out.resources.memoryMb} MB: raise it if the app needs more`);
    } else ctx.notes.add("info", at("deploy.resources.reservations.memory"), `the source reserves ${mb} MB; PCC's default limit (256 MB) is above it`);
  }
  const cpus = Number(scalar(limits.cpus ?? svc.cpus));
  if ((limits.cpus ?? svc.cpus) !== undefined && Number.isFinite(cpus) && cpus > 0) out.resources.cpus = Math.round(clamp(cpus, 0.1, 64) * 100) / 100;
  const pids = Number(scalar(limits.pids ?? svc.pids_limit));
  if ((limits.pids ?? svc.pids_limit) !== undefined && Number.isInteger(pids) && pids > 0) out.resources.pids = clamp(pids, 8, 32768);
  // A GPU asked for by name (compose device reservations, `gpus:`, the nvidia runtime) is a permission the owner grants.
  const devices = Array.isArray(reservations.devices) ? reservations.devices : [];
  const wantsGpu =
    devices.some((d) => isMapping(d) && (JSON.stringify(d.capabilities ?? "").includes("gpu") || /nvidia|amd|intel/i.test(scalar(d.driver) ?? ""))) ||
    svc.gpus !== undefined ||
    scalar(svc.runtime) === "nvidia";
  if (wantsGpu) {
    ctx.gpu = true;
    ctx.notes.add("review", at(svc.gpus !== undefined ? "gpus" : svc.runtime !== undefined ? "runtime" : "deploy.resources.reservations.devices"), "asks for a GPU: the app now asks for permissions.devices [gpu], which the owner approves at install");
  }
  for (const f of ["replicas", "mode", "placement", "restart_policy", "update_config", "rollback_config", "labels", "endpoint_mode"]) {
    if (deploy[f] !== undefined) ctx.notes.ignore(ctx.p.file, w.orig, `deploy.${f}`, "is for Swarm; PCC runs one instance of each service and restarts it itself; ignored");
  }
}
