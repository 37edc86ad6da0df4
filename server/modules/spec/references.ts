// References inside env values: `${secrets.NAME}`, `${settings.KEY}`, `${app.domain}`, `${app.url}`,
// `${ingress.NAME.url}`, `${services.NAME.host}`, and for apps that sign the owner in by OpenID Connect
// `${oidc.issuer}`, `${oidc.clientId}`, `${oidc.clientSecret}`, `${oidc.caFile}`. `$${` writes a literal `${`. The spec only checks that
// each reference names something declared; the runtime substitutes them (substituteReferences) at start.

export type Reference =
  | { kind: "secret"; name: string }
  | { kind: "setting"; name: string }
  | { kind: "app"; name: "domain" | "url" }
  | { kind: "ingress"; name: string }
  | { kind: "service"; name: string }
  | { kind: "oidc"; name: OidcValue };

export const OIDC_VALUES = ["issuer", "clientId", "clientSecret", "caFile"] as const;
export type OidcValue = (typeof OIDC_VALUES)[number];

type Piece = { literal: string } | { ref: Reference; raw: string } | { error: string };

const FORMS: Array<[RegExp, (m: RegExpExecArray) => Reference]> = [
  [/^secrets\.([a-z][a-z0-9-]{0,40})$/, (m) => ({ kind: "secret", name: m[1] })],
  [/^settings\.([a-z][a-z0-9-]{0,40})$/, (m) => ({ kind: "setting", name: m[1] })],
  [/^app\.(domain|url)$/, (m) => ({ kind: "app", name: m[1] as "domain" | "url" })],
  [/^ingress\.([a-z][a-z0-9-]{0,30})\.url$/, (m) => ({ kind: "ingress", name: m[1] })],
  [/^services\.([a-z][a-z0-9-]{0,30})\.host$/, (m) => ({ kind: "service", name: m[1] })],
  [/^oidc\.(issuer|clientId|clientSecret|caFile)$/, (m) => ({ kind: "oidc", name: m[1] as OidcValue })],
];

const KNOWN = "${secrets.NAME}, ${settings.KEY}, ${app.domain}, ${app.url}, ${ingress.NAME.url}, ${services.NAME.host} or ${oidc.issuer|clientId|clientSecret|caFile}";

function pieces(value: string): Piece[] {
  const out: Piece[] = [];
  let literal = "";
  let i = 0;
  while (i < value.length) {
    if (value.startsWith("$${", i)) {
      literal += "${";
      i += 3;
    } else if (value.startsWith("${", i)) {
      const end = value.indexOf("}", i + 2);
      if (end < 0) {
        out.push({ error: `has a "\${" that is never closed (write "$\${" for a literal "\${")` });
        return out;
      }
      const body = value.slice(i + 2, end);
      const form = FORMS.map(([re, make]) => {
        const m = re.exec(body);
        return m ? make(m) : null;
      }).find((r) => r !== null);
      if (literal) out.push({ literal });
      literal = "";
      const raw = value.slice(i, end + 1);
      out.push(form ? { ref: form, raw } : { error: `has an unknown reference "${raw.slice(0, 60)}": use ${KNOWN}` });
      i = end + 1;
    } else {
      literal += value[i];
      i += 1;
    }
  }
  if (literal) out.push({ literal });
  return out;
}

/** The references in a value, and the problems with malformed ones. */
export function scanReferences(value: string): { refs: Reference[]; errors: string[] } {
  const refs: Reference[] = [];
  const errors: string[] = [];
  for (const p of pieces(value)) {
    if ("ref" in p) refs.push(p.ref);
    if ("error" in p) errors.push(p.error);
  }
  return { refs, errors };
}

/** Replaces every reference with resolve(ref); `$${` becomes `${`. Throws on a malformed value. */
export function substituteReferences(value: string, resolve: (ref: Reference) => string): string {
  return pieces(value)
    .map((p) => {
      if ("error" in p) throw new Error(`The value ${p.error}.`);
      return "ref" in p ? resolve(p.ref) : p.literal;
    })
    .join("");
}
