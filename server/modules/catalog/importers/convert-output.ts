import type { ConvertContext } from "./convert-context";
import { storeFacts } from "./convert-store-facts";
import type { Facts } from "./convert-types";
import { emitAppYaml, placeholderIcon, type Draft } from "./draft";
import { imageBaseName } from "./ports";
import type { ImportResult } from "./types";
import { clip } from "./values";

// The last passes: notes that concern the whole app (defaults PCC applies, how its sandbox differs from
// the source platform's), then the draft spec and the files of the app folder.

/** Resource defaults, database socket folders (PCC's root filesystem is read-only) and the sandbox reminder. */
export function generalNotes(ctx: ConvertContext) {
  const noHints = ctx.work.filter((w) => !Object.keys(w.out.resources).length).map((w) => w.name);
  if (noHints.length) ctx.notes.add("review", ctx.src("services"), `no resource hints for ${noHints.join(", ")}: PCC's defaults apply (256 MB of memory, 1 CPU, 256 processes); raise them for heavier services`);
  for (const w of ctx.work) {
    const base = w.image ? imageBaseName(w.image) : "";
    const dir = /^(postgres|postgis|pgvecto-rs|timescaledb)$/.test(base) ? "/var/run/postgresql" : /^(mariadb|mysql)$/.test(base) ? "/run/mysqld" : undefined;
    if (dir && !w.out.tmpfs.includes(dir) && !w.out.volumes.some((m) => m.path === dir)) {
      w.out.tmpfs.push(dir);
      ctx.notes.add("info", ctx.src(`services.${w.orig}`), `added tmpfs ${dir}: the database writes its socket there, and PCC's root filesystem is read-only`);
    }
  }
  ctx.notes.add(
    "review",
    ctx.src("services"),
    `PCC runs every service with a read-only root filesystem, no capabilities and its own user namespace: images that write outside their volumes, or switch user at start (gosu, su-exec, PUID/PGID), need a numeric user: and tmpfs paths. Test the app.`,
  );
}

/** The app folder: app.yaml (with the notes in its review header) and the icon. */
export function output(ctx: ConvertContext, facts: Facts, ingress: Draft["ingress"], ports: Draft["ports"]): ImportResult {
  const { name, version, tagline, description, category, developer, website } = storeFacts(ctx, facts);

  const settings = [...ctx.settings.values()];
  for (const s of settings) {
    const missing = [...(s.description ? [] : ["a description"]), ...(s.default === undefined && s.type !== "password" ? ["a default"] : [])];
    if (missing.length) ctx.notes.add("review", `app.yaml: settings.${s.key}`, `the owner fills this in at install (${s.type}${s.required ? ", required" : ""}): check its label, add ${missing.join(" and ")}`);
  }
  const secrets = Object.fromEntries(ctx.secrets.all().map((e) => [e.key, e.spec]));
  const permissions: Draft["permissions"] = { internet: false };
  if (ctx.gpu || facts.gpu) permissions.devices = ["gpu"];
  ctx.notes.add("review", "app.yaml: permissions", `the app gets no internet access (PCC's default; ${ctx.p.label} gave it the whole internet): if it fetches anything, set permissions.internet to true or to the hosts it needs`);

  const draft: Draft = {
    id: facts.id,
    name,
    version,
    tagline,
    description,
    icon: facts.icon?.file ?? "icon.svg",
    category,
    developer,
    ...(website ? { website } : {}),
    ...(facts.releaseNotes?.trim() ? { releaseNotes: clip(facts.releaseNotes.trim(), 4000) } : {}),
    services: Object.fromEntries(ctx.work.map((w) => [w.name, w.out])),
    ingress,
    ports,
    volumes: Object.fromEntries(ctx.volumes.entries()),
    secrets,
    settings,
    permissions,
  };
  if (!facts.icon) ctx.notes.add("review", "icon.svg", "is a placeholder with the app's initials: replace it with the app's icon (SVG or PNG, 256×256)");
  const notes = ctx.notes.all();
  const files: Record<string, string | Buffer> = {
    "app.yaml": emitAppYaml(draft, facts.from, notes),
    [draft.icon]: facts.icon?.data ?? placeholderIcon(name, facts.id),
  };
  return { id: facts.id, files, notes };
}
