/** tRPC sends dates as ISO strings (no transformer): accept either. */
export const asDate = (d: Date | string) => (d instanceof Date ? d : new Date(d));

export function ago(d: Date | string): string {
  const s = Math.max(0, Math.round((Date.now() - asDate(d).getTime()) / 1000));
  if (s < 60) return "just now";
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

export const when = (d: Date | string) => asDate(d).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

export const ORIGINS: Record<string, string> = {
  claim: "Claimed the PCC",
  paired: "Paired",
  recovery: "Recovered with a code",
  "cli-code": "Signed in with a server code",
};
