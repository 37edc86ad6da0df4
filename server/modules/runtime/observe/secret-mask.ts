/** What a secret value is replaced with in everything PCC shows of an app's output. */
export const MASK = "******";

/**
 * Values shorter than this are not masked: a 1-3 character "secret" would blank out ordinary words
 * and numbers all over the logs while protecting nothing. PCC's generated secrets are far longer.
 */
export const MIN_MASKED_LENGTH = 4;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * A function that replaces every occurrence of any of `secrets` in a line with MASK: as written, and as
 * it appears inside a URL (percent-encoded) or a JSON string (escaped), which is how apps usually
 * print a password they were given (a connection string, a config dump). Longest first, so a secret
 * that contains another is masked whole.
 */
export function secretMasker(secrets: Iterable<string>): (text: string) => string {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (s.length < MIN_MASKED_LENGTH) continue;
    forms.add(s);
    forms.add(encodeURIComponent(s));
    forms.add(JSON.stringify(s).slice(1, -1));
  }
  if (!forms.size) return (text) => text;
  const pattern = new RegExp([...forms].sort((a, b) => b.length - a.length).map(escape).join("|"), "g");
  return (text) => text.replace(pattern, MASK);
}
