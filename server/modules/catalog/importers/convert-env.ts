import type { ConvertContext } from "./convert-context";
import { replaceSelfUrl } from "./convert-references";
import { SOCKET } from "./convert-sandbox";
import { joinSegs, litText, type EnvEntry, type Seg, type SvcWork } from "./convert-types";
import { refFor, resolveVariable } from "./convert-variables";
import { parseInterpolation } from "./interpolation";
import { isMapping, scalar } from "./source-text";

// Env values: read into segments first (environment), rewritten by later passes (host names, secrets,
// the app's own URL) once every service is known, and written out last (finishEnv).

const MAX_ENV = 400;

/** A service's env_file and environment as segments, variables resolved; what PCC cannot take is left out with a note. */
export function environment(ctx: ConvertContext, w: SvcWork) {
  const at = (f: string) => ctx.src(`services.${w.orig}.${f}`);
  const entries: [string, unknown][] = [];
  // env_file first: environment overrides it, as in compose.
  const files = Array.isArray(w.svc.env_file) ? w.svc.env_file : w.svc.env_file === undefined ? [] : [w.svc.env_file];
  for (const f of files) {
    const path = scalar(isMapping(f) ? f.path : f);
    const vars = path ? ctx.p.envFile?.(path) : undefined;
    if (!vars) ctx.notes.add("review", at("env_file"), `${path ?? "an entry"} could not be read next to the compose file; add its variables under env by hand`);
    else entries.push(...vars);
  }
  const env = w.svc.environment;
  if (Array.isArray(env)) {
    for (const e of env.slice(0, MAX_ENV)) {
      const s = scalar(e);
      if (s === undefined) continue;
      const i = s.indexOf("=");
      entries.push(i < 0 ? [s, null] : [s.slice(0, i), s.slice(i + 1)]);
    }
  } else if (isMapping(env)) entries.push(...Object.entries(env).slice(0, MAX_ENV));
  else if (env !== undefined && env !== null) ctx.notes.add("dropped", at("environment"), "is neither a list nor a mapping; ignored");

  const byName = new Map<string, EnvEntry>();
  for (const [name, raw] of entries) {
    if (name === "__proto__" || !name) continue;
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(name)) {
      ctx.notes.add("review", at(`environment.${name}`), "is not a variable name PCC accepts (letters, digits, _); left out");
      continue;
    }
    if (raw === null || raw === undefined) {
      ctx.notes.add("dropped", at(`environment.${name}`), "has no value (compose takes it from the shell that runs it); left out");
      continue;
    }
    const value = scalar(raw);
    if (value === undefined) {
      ctx.notes.add("dropped", at(`environment.${name}`), "is not text; left out");
      continue;
    }
    if (SOCKET.test(value)) continue; // refused in refuseSandboxFields()
    const segs: Seg[] = [];
    let dropped = false;
    for (const p of parseInterpolation(value)) {
      if ("text" in p) segs.push({ lit: p.text });
      else if (p.op === ":+" || p.op === "+") {
        const r = resolveVariable(ctx, { var: p.var, raw: p.raw }, name, at(`environment.${name}`));
        if (r.kind !== "empty" && !(r.kind === "literal" && r.value === "")) segs.push(...interpolatedSegs(ctx, p.arg ?? "", name, at(`environment.${name}`)));
      } else {
        const r = resolveVariable(ctx, p, name, at(`environment.${name}`));
        dropped ||= r.kind === "empty";
        segs.push(...refFor(ctx, p.var, r, at(`environment.${name}`)));
      }
    }
    // A value that only held what PCC has no value for (a Tor address, Umbrel's network) is left out, not kept as "/16".
    const emptied = dropped && segs.every((x) => "lit" in x) && /^[\s/:,;.\-_0-9]*$/.test(litText(segs));
    byName.set(name, { name, segs: emptied ? [] : segs, source: at(`environment.${name}`), ...(emptied ? { emptied: true } : dropped ? { shortened: true } : {}) });
  }
  w.env = [...byName.values()];
}

/** The alternative value of ${VAR:+alt}, itself interpolated. */
function interpolatedSegs(ctx: ConvertContext, s: string, envName: string, at: string): Seg[] {
  const segs: Seg[] = [];
  for (const p of parseInterpolation(s)) segs.push(...("text" in p ? [{ lit: p.text }] : refFor(ctx, p.var, resolveVariable(ctx, p, envName, at), at)));
  return segs;
}

/** Writes the env values out, the app's own address as ${app.url}, each within PCC's length limit. */
export function finishEnv(ctx: ConvertContext, w: SvcWork) {
  for (const e of w.env) {
    const segs = e.segs.flatMap((s) => ("lit" in s ? replaceSelfUrl(ctx, s.lit, e) : [s]));
    if (!segs.length && e.emptied) continue; // only a variable PCC has no value for (a Tor address): left out
    let value = joinSegs(segs);
    // What was left out of a list ("a ${TOR} b") leaves doubled spaces behind.
    if (e.shortened) value = value.replace(/ {2,}/g, " ").trim();
    const own = value.replace(/https?:\/\/\$\{app\.domain\}(?::443)?(?![:\d])/g, "${app.url}");
    if (own !== value) {
      ctx.notes.add("info", e.source, "the app's own address became ${app.url} (PCC serves apps over HTTPS on 443)");
      value = own;
    }
    if (value.length > 8192) {
      ctx.notes.add("review", e.source, `is ${value.length} characters long; PCC allows 8192, so it was cut`);
      value = value.slice(0, 8192);
    }
    w.out.env[e.name] = value;
  }
}
