import { clamp, toKey, unique } from "./values";

// Which values of a source are passwords and keys, and the one PCC secret each becomes. The same value
// used in two places (a database password given to the app and to the database) is one secret, so the
// two services still agree once PCC generates it.

export type SecretSpec = { length: number; alphabet: "alphanumeric" | "hex" | "base64url" | "numeric"; show?: boolean; description?: string };

const SECRET_WORDS = ["PASSWORD", "PASSWD", "PASSPHRASE", "PASS", "PWD", "SECRET", "SECRETS", "TOKEN", "SALT", "KEY", "APIKEY", "PSK", "SEED", "CREDENTIALS"];
const SECRET_SUFFIXES = ["PASSWORD", "PASSWD", "PASS", "SECRET", "TOKEN", "SALT", "APIKEY", "SECRETKEY", "PRIVATEKEY"];
/** Parts of a name that make it about a secret without being one: a path to it, its length, a public key. */
const NOT_SECRET_WORDS = ["FILE", "PATH", "DIR", "LENGTH", "LEN", "MIN", "MAX", "HASH", "ALGORITHM", "ALGO", "ID", "USER", "USERNAME", "NAME", "EXPIRY", "EXPIRES", "TTL", "TYPE", "MODE", "ENABLED", "ENABLE", "DISABLE", "DISABLED", "REQUIRED", "RESET", "POLICY", "HEADER", "URL", "HOST", "PORT", "LOGIN", "AUTH", "ROTATION", "PROMPT"];

/**
 * PASSWORD, DB_PASS, ADMIN_USER_PASSWORD, JWT_SECRET, API_KEY, APP_SALT… but not PASSWORD_FILE, KEYBOARD,
 * PUBLIC_KEY, PASSWORD_MIN_LENGTH or DB_USER.
 */
export function isSecretName(name: string): boolean {
  const up = name.toUpperCase();
  const words = up.split(/[^A-Z0-9]+/).filter(Boolean);
  if (!words.length || words.includes("PUBLIC") || words.includes("PUB")) return false;
  let last = -1;
  words.forEach((w, i) => {
    if (SECRET_WORDS.includes(w)) last = i;
  });
  if (last < 0) return SECRET_SUFFIXES.some((s) => words[words.length - 1]!.endsWith(s));
  // A word after the secret one says what about it the variable holds: PASSWORD_FILE, TOKEN_TTL.
  return !words.slice(last + 1).some((w) => NOT_SECRET_WORDS.includes(w));
}

const EXTERNAL_WORDS = ["SMTP", "MAIL", "EMAIL", "IMAP", "POP3", "S3", "AWS", "AZURE", "GCS", "B2", "OPENAI", "ANTHROPIC", "OAUTH", "OIDC", "OAUTH2", "SSO", "GOOGLE", "GITHUB", "GITLAB", "DISCORD", "TELEGRAM", "SLACK", "TWILIO", "STRIPE", "MAPBOX", "TMDB", "EXCHANGE", "BINANCE", "LDAP", "VPN", "WIREGUARD", "CLOUDFLARE", "DUCKDNS", "PUSHOVER", "SENTRY"];

/** A credential of another service (SMTP_PASSWORD, OPENAI_API_KEY): the owner has it, PCC cannot generate it. */
export function isExternalCredential(name: string): boolean {
  const words = name.toUpperCase().split(/[^A-Z0-9]+/);
  return isSecretName(name) && words.some((w) => EXTERNAL_WORDS.includes(w));
}

/** A literal that could be a password: not empty, not a flag or a number, not a path, URL or reference. */
export function looksLikeSecretValue(v: string): boolean {
  const s = v.trim();
  if (s.length < 4 || s.length > 1024) return false;
  if (/^(true|false|yes|no|on|off|none|null|nil|disabled?|enabled?)$/i.test(s)) return false;
  if (/^-?\d+(\.\d+)?$/.test(s)) return false;
  if (/^[./~]/.test(s) || /^[a-z][a-z0-9+.-]*:\/\//i.test(s)) return false;
  if (s.includes("${")) return false;
  return true;
}

/** Generated secrets keep the look of the value they replace: long hex stays hex, anything else becomes 32 letters and digits. */
export function specForLiteral(v: string): SecretSpec {
  if (/^[0-9a-f]+$/i.test(v) && v.length >= 32) return { length: clamp(v.length, 32, 256), alphabet: "hex" };
  return { length: clamp(Math.max(32, v.length), 8, 256), alphabet: "alphanumeric" };
}

export type SecretEntry = { key: string; spec: SecretSpec; origin: string };

/** One secret per identity: a variable ("var:APP_SEED") or a literal value ("lit:…"), several identities may share one. */
export class SecretRegistry {
  private readonly byIdentity = new Map<string, string>();
  private readonly entries = new Map<string, SecretEntry>();
  private readonly literals = new Map<string, string>();
  private readonly taken = new Set<string>();

  /** The secret for variable `name`, created with `spec` on first use. */
  forVariable(name: string, spec: SecretSpec, origin: string): string {
    return this.get(`var:${name}`, name, spec, origin);
  }

  /** The secret for a literal value found under the env variable `envName`; the same value gets the same secret. */
  forLiteral(value: string, envName: string, origin: string): string {
    const key = this.get(`lit:${value}`, envName, specForLiteral(value), origin);
    this.literals.set(value, key);
    return key;
  }

  /** Makes a variable and a literal value the same secret (a .env value used by name in one place and literally in another). */
  alias(varName: string, value: string): void {
    const key = this.byIdentity.get(`var:${varName}`);
    if (key && !this.byIdentity.has(`lit:${value}`)) {
      this.byIdentity.set(`lit:${value}`, key);
      this.literals.set(value, key);
    }
  }

  literalKey(value: string): string | undefined {
    return this.literals.get(value);
  }

  /** Literal values that became secrets, longest first (so a longer value is replaced before one inside it). */
  literalValues(): string[] {
    return [...this.literals.keys()].sort((a, b) => b.length - a.length);
  }

  update(key: string, change: Partial<SecretSpec>): void {
    const e = this.entries.get(key);
    if (e) e.spec = { ...e.spec, ...change };
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  all(): SecretEntry[] {
    return [...this.entries.values()];
  }

  private get(identity: string, nameHint: string, spec: SecretSpec, origin: string): string {
    const found = this.byIdentity.get(identity);
    if (found) return found;
    const key = unique(toKey(nameHint.replace(/_/g, "-"), "secret"), this.taken, 41);
    this.byIdentity.set(identity, key);
    this.entries.set(key, { key, spec: { ...spec }, origin });
    return key;
  }
}
