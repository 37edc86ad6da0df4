import type { ConvertContext } from "./convert-context";
import { HOST_PATH_REASON, SOCKET, SOCKET_REASON } from "./convert-sandbox";
import type { SvcWork } from "./convert-types";
import { literalValue } from "./convert-variables";
import { isMapping, scalar } from "./source-text";
import { clip, splitColons, toName, unique } from "./values";

// Volumes and bind mounts: the app's own data (named volumes, its data folder, folders next to the compose
// file) becomes app volumes; shared and other host folders become app volumes with a review note; system
// paths, sockets and /run are refused; a single bound file becomes a declared, unmounted volume.

const SYSTEM_PATHS = /^\/(etc|proc|sys|dev|boot|root|usr|bin|sbin|lib|lib32|lib64|run|var\/run|var\/lib\/docker|var\/lib\/containers|var\/log|tmp|var\/tmp)?(\/|$)/;
const FILE_EXT = /\.(ya?ml|json|toml|ini|conf|cfg|env|xml|txt|sh|js|mjs|cjs|php|py|pem|crt|key|cert|db|sqlite3?|lua|rb|properties|htpasswd|list)$/i;

/** A service's volumes, one by one (see mount). */
export function mounts(ctx: ConvertContext, w: SvcWork, topVolumes: Record<string, unknown>) {
  const list = w.svc.volumes;
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) {
    ctx.notes.add("dropped", ctx.src(`services.${w.orig}.volumes`), "is not a list; ignored");
    return;
  }
  list.slice(0, 60).forEach((entry, i) => mount(ctx, w, entry, i, topVolumes));
}

/** One volume entry, short or long syntax: an app volume, a tmpfs, or nothing (with a note). */
function mount(ctx: ConvertContext, w: SvcWork, entry: unknown, i: number, topVolumes: Record<string, unknown>) {
  const at = ctx.src(`services.${w.orig}.volumes[${i}]`);
  let type: string | undefined;
  let source: string | undefined;
  let target: string | undefined;
  let readOnly = false;
  if (isMapping(entry)) {
    type = scalar(entry.type);
    source = scalar(entry.source);
    target = scalar(entry.target);
    readOnly = entry.read_only === true || entry.readOnly === true;
    if (isMapping(entry.volume) && entry.volume.subpath !== undefined) ctx.notes.add("review", at, "mounts a subpath of a volume; PCC mounts whole volumes, so the subpath was dropped");
  } else if (scalar(entry) !== undefined) {
    const parts = splitColons(scalar(entry)!);
    if (parts.length === 1) target = parts[0];
    else {
      source = parts[0];
      target = parts[1];
      readOnly = (parts[2] ?? "").split(",").includes("ro");
    }
  } else {
    ctx.notes.add("dropped", at, "is neither text nor a mapping; ignored");
    return;
  }
  const targetPath = target === undefined ? undefined : literalValue(ctx, target, at);
  if (!targetPath || !targetPath.startsWith("/") || targetPath === "/" || targetPath.split("/").includes("..")) {
    ctx.notes.add("review", at, `the container path "${target ?? ""}" is not an absolute path PCC accepts; the mount was left out`);
    return;
  }
  const path = targetPath.length > 1 ? targetPath.replace(/\/+$/, "") : targetPath;
  if (type === "tmpfs") {
    addTmpfs(ctx, w, path, at);
    return;
  }
  if (type === "npipe" || type === "cluster" || type === "image") {
    ctx.notes.add("dropped", at, `a ${type} mount has no PCC equivalent; left out`);
    return;
  }
  let volume: string | undefined;
  let description: string | undefined = ctx.p.describeVolume?.(w.orig, path);
  const named = source !== undefined && /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(source) && type !== "bind";
  if (source === undefined || source === "") {
    volume = appVolume(ctx, `anon:${w.orig}:${path}`, path.split("/").pop()!, description);
    ctx.notes.add("info", at, `an anonymous volume at ${path} became the app volume "${volume}" (PCC keeps it across updates)`);
  } else if (named) {
    const decl = topVolumes[source];
    const dev = isMapping(decl) && isMapping(decl.driver_opts) ? scalar(decl.driver_opts.device) : undefined;
    const bindLike = isMapping(decl) && isMapping(decl.driver_opts) && (scalar(decl.driver_opts.o)?.split(",").includes("bind") || scalar(decl.driver_opts.type) === "none");
    if (dev && bindLike) {
      volume = hostMount(ctx, w, dev, path, at, description);
      if (!volume) return;
    } else {
      volume = appVolume(ctx, `named:${source}`, source, description);
      if (isMapping(decl) && decl.external) ctx.notes.add("review", ctx.src(`volumes.${source}`), `was an external volume, shared with something outside the app; on PCC "${volume}" belongs to this app alone`);
      if (isMapping(decl) && (scalar(decl.driver) ?? "local") !== "local") ctx.notes.add("dropped", ctx.src(`volumes.${source}.driver`), `the volume driver "${scalar(decl.driver)}" is not used; PCC keeps volumes on the machine`);
    }
  } else {
    volume = hostMount(ctx, w, source, path, at, description);
    if (!volume) return;
  }
  if (path === "/tmp") {
    ctx.notes.add("dropped", at, "PCC always mounts an in-memory /tmp; a volume cannot go there. Left out");
    return;
  }
  if (w.out.volumes.some((m) => m.path === path) || w.out.tmpfs.includes(path)) {
    ctx.notes.add("dropped", at, `${path} is already mounted in this service; the second mount was left out`);
    return;
  }
  w.out.volumes.push({ volume, path, ...(readOnly ? { readOnly: true } : {}) });
}

/** A bind mount: the app's own data becomes an app volume; host system paths and sockets are refused. Null: left out. */
function hostMount(ctx: ConvertContext, w: SvcWork, raw: string, path: string, at: string, description: string | undefined): string | undefined {
  const resolved = literalValue(ctx, raw, at, true);
  const shown = resolved ?? raw;
  if (SOCKET.test(shown) || /^\/(var\/)?run(\/|$)/.test(shown)) {
    ctx.notes.add("refused", at, `${shown} → ${path} dropped: ${SOCKET_REASON}${SOCKET.test(shown) ? " The app used it to manage containers; that part cannot work on PCC." : ""}`, { breaksApp: SOCKET.test(shown) });
    return undefined;
  }
  const appData = ctx.p.appData?.(raw);
  const shared = appData === undefined ? ctx.p.sharedFolder?.(raw) : undefined;
  const relative = /^\.\.?(\/|$)/.test(raw) ? raw.replace(/^(\.\.?\/)+/, "").replace(/^\.+$/, "") : undefined;
  const inApp = appData ?? relative;
  if (inApp === undefined && shared === undefined && resolved !== undefined) {
    if (/^\/etc\/(localtime|timezone)$/.test(resolved)) {
      ctx.notes.add("dropped", at, `${resolved} of the host is not mounted; set the TZ variable instead (PCC apps can take a time zone setting)`);
      return undefined;
    }
    if (SYSTEM_PATHS.test(resolved)) {
      ctx.notes.add("refused", at, `the host's ${resolved} → ${path} dropped: ${HOST_PATH_REASON} The app gets no view of the host's system files.`);
      return undefined;
    }
  }
  const file = FILE_EXT.test(path) || FILE_EXT.test(shown);
  const rel = (inApp ?? shared ?? (resolved ?? raw).replace(/^[~$]/, "")).replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/g, "").replace(/^\/+|\/+$/g, "");
  const parts = rel.split("/").filter((s) => s && s !== ".");
  if (parts.length > 1 && /^(data|appdata)$/i.test(parts[0]!)) parts.shift();
  const base = file ? parts.pop()?.replace(FILE_EXT, "") ?? path.split("/").pop()!.replace(FILE_EXT, "") : parts.slice(-2).join("-") || (inApp !== undefined ? "data" : path.split("/").pop()!);
  if (file) {
    // A single file (a config) cannot be a PCC volume, which is a folder. If a folder the service mounts already
    // holds it, the app finds it there; otherwise the volume is declared for the author to place.
    const parent = path.slice(0, path.lastIndexOf("/")) || "/";
    const covering = w.out.volumes.find((m) => parent === m.path || parent.startsWith(`${m.path}/`));
    if (covering) {
      ctx.notes.add("review", at, `the file ${shown} was mounted at ${path}, which is inside the volume "${covering.volume}" (${covering.path}): put the file there after install, or bake it into the image`);
      return undefined;
    }
    const volume = appVolume(ctx, `file:${shown}`, `${base}-file`, `Held ${shown}, mounted as the file ${path} in the source: mount this volume at a folder the app reads its configuration from`);
    ctx.notes.add(
      "review",
      at,
      `${shown} was mounted as the single file ${path}; PCC volumes are folders, so the volume "${volume}" is declared but not mounted: mount it at a folder the app reads its configuration from, or bake the file into the image (see apps-catalog/blocky)`,
    );
    return undefined;
  }
  const volume = appVolume(ctx, `bind:${(resolved ?? raw).replace(/\/+$/, "")}`, base, description);
  if (relative !== undefined && appData === undefined) {
    const top = relative.split("/")[0];
    const there = top && ctx.p.listing?.includes(`${top}/`);
    ctx.notes.add("review", at, `the folder ${raw} next to the compose file became the app volume "${volume}", which starts empty${there ? `: the files in ${raw} are not copied; bake them into the image or add them after install` : ""}`);
  } else if (inApp !== undefined) ctx.notes.add("info", at, `the app's data folder ${raw} became the app volume "${volume}"`);
  else if (shared !== undefined) ctx.notes.add("review", at, `${raw} is a folder the ${ctx.p.label} owner shares between apps; on PCC it is the app volume "${volume}", which starts empty and belongs to this app alone`);
  else ctx.notes.add("review", at, `the host folder ${shown} became the app volume "${volume}"; it starts empty (files already on the host are not visible to the app)`);
  return volume;
}

/** The app volume for a source (the same source, the same volume), named after it. */
function appVolume(ctx: ConvertContext, identity: string, nameHint: string, description?: string): string {
  const found = ctx.volumeBySource.get(identity);
  if (found) return found;
  const name = unique(toName(nameHint, "data"), ctx.volumeTaken);
  ctx.volumeBySource.set(identity, name);
  ctx.volumes.set(name, description ? { description: clip(description.trim(), 500) } : {});
  return name;
}

/** tmpfs entries: the path is kept, its options (size, mode) are not. */
export function tmpfsMounts(ctx: ConvertContext, w: SvcWork) {
  const t = w.svc.tmpfs;
  const list = Array.isArray(t) ? t : t === undefined || t === null ? [] : [t];
  for (const x of list.slice(0, 20)) {
    const p = scalar(x)?.split(":")[0];
    if (p) addTmpfs(ctx, w, p, ctx.src(`services.${w.orig}.tmpfs`));
  }
}

function addTmpfs(ctx: ConvertContext, w: SvcWork, p: string, at: string) {
  const path = p.length > 1 ? p.replace(/\/+$/, "") : p;
  if (!path.startsWith("/") || path === "/" || path.split("/").includes("..")) {
    ctx.notes.add("dropped", at, `"${p}" is not an absolute path; left out`);
    return;
  }
  if (!w.out.tmpfs.includes(path) && !w.out.volumes.some((m) => m.path === path)) w.out.tmpfs.push(path);
}
