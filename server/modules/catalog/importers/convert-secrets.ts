import type { ConvertContext } from "./convert-context";
import { allLit, litText, type Facts, type Seg, type SvcWork } from "./convert-types";
import { addSetting } from "./convert-variables";
import { isExternalCredential, isSecretName, looksLikeSecretValue } from "./secrets";
import { isMapping, scalar } from "./source-text";
import { clip, toKey } from "./values";

// Secrets found in the source: compose secrets (files), and passwords written in it as literals. Each
// becomes one generated secret, referenced wherever the same value was used, so that services which
// shared a password still agree once PCC generates it. Credentials of other services become settings.

/** compose secrets: files under /run/secrets. Their content stays behind; PCC generates one. */
export function composeSecrets(ctx: ConvertContext, w: SvcWork, topSecrets: Record<string, unknown>) {
  const at = (f: string) => ctx.src(`services.${w.orig}.${f}`);
  if (Array.isArray(w.svc.secrets)) {
    for (const s of w.svc.secrets.slice(0, 50)) {
      const source = scalar(isMapping(s) ? s.source : s);
      if (!source) continue;
      const target = scalar(isMapping(s) ? s.target : undefined) ?? source;
      const path = target.startsWith("/") ? target : `/run/secrets/${target}`;
      const key = ctx.secrets.forVariable(`compose-secret:${source}`, { length: 32, alphabet: "alphanumeric" }, at("secrets"));
      if (!/^\/[^\0]*$/.test(path) || path.split("/").includes("..")) continue;
      w.out.secretFiles.push({ secret: key, path });
      const def = topSecrets[source];
      const from = isMapping(def) ? (scalar(def.file) ? `the file ${scalar(def.file)}` : scalar(def.environment) ? `the variable ${scalar(def.environment)}` : "an external secret") : "a secret";
      ctx.notes.add("review", at(`secrets`), `${source} (from ${from}) is now the generated secret "${key}" at ${path}; its content is not carried over. If it must be a value the owner has, make it a setting instead`);
    }
  }
}

/** Literal passwords and keys become generated secrets; the same value everywhere becomes the same secret. */
export function literalSecrets(ctx: ConvertContext, facts: Facts) {
  for (const w of ctx.work) {
    for (const e of w.env) {
      if (!allLit(e.segs) || !isSecretName(e.name)) continue;
      const value = litText(e.segs);
      if (!looksLikeSecretValue(value)) continue;
      if (isExternalCredential(e.name) && !ctx.secrets.literalKey(value)) {
        const key = addSetting(ctx, { key: toKey(e.name), type: "password", label: clip(e.name, 80), required: true, ...(ctx.p.describeEnv?.(w.orig, e.name) ? { description: clip(ctx.p.describeEnv(w.orig, e.name)!, 1000) } : {}) });
        e.segs = [{ ref: `\${settings.${key}}` }];
        ctx.notes.add("review", e.source, `a credential of another service, written in the source; it became the password setting "${key}" the owner types in (the source's value is not carried over)`);
        continue;
      }
      const known = ctx.secrets.literalKey(value);
      const key = ctx.secrets.forLiteral(value, e.name, e.source);
      if (!known) ctx.notes.add("info", e.source, `the password written in the source became the generated secret "${key}"; every other use of the same value refers to it`);
    }
  }
  if (facts.shownPassword) {
    const key = ctx.secrets.literalKey(facts.shownPassword.value);
    if (key) ctx.secrets.update(key, { show: true, description: facts.shownPassword.description });
  }
  const values = ctx.secrets.literalValues();
  if (!values.length) return;
  for (const w of ctx.work) {
    for (const e of w.env) {
      e.segs = e.segs.flatMap((s) => ("lit" in s ? replaceLiterals(s.lit, values, (v) => ctx.secrets.literalKey(v)!, isSecretName(e.name)) : [s]));
    }
    const cmd = [...(w.out.command ?? []), ...(w.out.entrypoint ?? []), ...(w.out.healthcheck?.command ?? [])].join(" ");
    for (const v of values) {
      if (v.length >= 6 && cmd.includes(v)) {
        ctx.notes.add("review", ctx.src(`services.${w.orig}`), `the command or healthcheck holds the password that became the secret "${ctx.secrets.literalKey(v)}"; PCC generates a new one, so pass it through an env variable (\${secrets.…} works only in env values)`);
      }
    }
  }
}

/**
 * Replaces the literal secret values inside `lit` with references. A whole value is replaced when the variable is a
 * secret or the value is long enough to be unmistakable; inside a longer value (a database URL) only long values,
 * or any value in the password place of a URL (`:value@`).
 */
function replaceLiterals(lit: string, values: string[], keyOf: (v: string) => string, secretVar: boolean): Seg[] {
  if (values.includes(lit) && (secretVar || lit.length >= 12)) return [{ ref: `\${secrets.${keyOf(lit)}}` }];
  for (const v of values) {
    let from = 0;
    for (;;) {
      const i = lit.indexOf(v, from);
      if (i < 0) break;
      const before = lit[i - 1] ?? "";
      const after = lit[i + v.length] ?? "";
      const bounded = !/[A-Za-z0-9]/.test(before) && !/[A-Za-z0-9]/.test(after);
      if (bounded && (v.length >= 12 || (before === ":" && after === "@"))) {
        return [
          ...(i > 0 ? replaceLiterals(lit.slice(0, i), values, keyOf, false) : []),
          { ref: `\${secrets.${keyOf(v)}}` },
          ...(i + v.length < lit.length ? replaceLiterals(lit.slice(i + v.length), values, keyOf, false) : []),
        ];
      }
      from = i + 1;
    }
  }
  return [{ lit }];
}
