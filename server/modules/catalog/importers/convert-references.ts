import type { ConvertContext } from "./convert-context";
import type { EnvEntry, Seg, SvcWork } from "./convert-types";

// References rewriting in env values: where the source names another service or the app's own published
// address, PCC has a reference (${services.NAME.host}, ${app.url}) that stays right wherever the app runs.

const HOSTISH = /(HOST|HOSTNAME|SERVER|ADDR|ADDRESS|URL|URI|DSN|ENDPOINT|BROKER|CONNECTION|CONN)$/i;

/** Host names of the app's services in env values (before secrets, so a URL's user:password@ is still whole). */
export function hostNames(ctx: ConvertContext, w: SvcWork) {
  const hosts = [...ctx.aliases.keys()].sort((a, b) => b.length - a.length);
  if (!hosts.length) return;
  for (const e of w.env) e.segs = e.segs.flatMap((s) => ("lit" in s ? replaceHosts(ctx, s.lit, e, hosts) : [s]));
}

/** http://localhost:18080 (the published web port) is the app's own address: on PCC, ${app.url}. */
export function replaceSelfUrl(ctx: ConvertContext, lit: string, e: EnvEntry): Seg[] {
  if (!ctx.mainHostPorts.size) return [{ lit }];
  const re = /https?:\/\/(localhost|127\.0\.0\.1|0\.0\.0\.0)(?::(\d{1,5}))?(?=[/?#\s"',]|$)/g;
  const out: Seg[] = [];
  let last = 0;
  for (const m of lit.matchAll(re)) {
    if (!m[2] || !ctx.mainHostPorts.has(Number(m[2]))) continue;
    if (m.index! > last) out.push({ lit: lit.slice(last, m.index) });
    out.push({ ref: "${app.url}" });
    last = m.index! + m[0].length;
    ctx.notes.add("review", e.source, `${m[0]} was the app's own address (its published web port); on PCC it is \${app.url}`);
  }
  if (last < lit.length) out.push({ lit: lit.slice(last) });
  return out.length ? out : [{ lit }];
}

/** Host names of other services become ${services.NAME.host}, where they are clearly used as host names. */
function replaceHosts(ctx: ConvertContext, lit: string, e: EnvEntry, hosts: string[]): Seg[] {
  const re = new RegExp(`(?<![A-Za-z0-9_.-])(${hosts.map((h) => h.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})(?![A-Za-z0-9_.-])`, "gi");
  const out: Seg[] = [];
  let last = 0;
  for (const m of lit.matchAll(re)) {
    const host = m[1]!;
    const i = m.index!;
    const before = lit.slice(0, i);
    const after = lit.slice(i + host.length);
    const whole = lit.trim().toLowerCase() === host.toLowerCase();
    // In scheme://user:password@host:port, only what follows the @ (or a // without one) is a host.
    const userinfo = /^(:[^/\s@]*)?@/.test(after);
    const urlish = !userinfo && (before.endsWith("@") || before.endsWith("//") || /^:\d/.test(after));
    const distinctive = host.length >= 6 && /[-_.]/.test(host);
    const listed = HOSTISH.test(e.name) && /(^|[\s,;=])$/.test(before) && /^($|[\s,;/])/.test(after);
    if (!(urlish || (whole && (HOSTISH.test(e.name) || distinctive)) || listed)) continue;
    const w = ctx.byOrig.get(ctx.aliases.get(host.toLowerCase())!)!;
    if (i > last) out.push({ lit: lit.slice(last, i) });
    out.push({ ref: `\${services.${w.name}.host}` });
    last = i + host.length;
  }
  if (last < lit.length) out.push({ lit: lit.slice(last) });
  return out;
}
