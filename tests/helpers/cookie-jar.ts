/** The cookies one test "browser" holds: sent back on each request, like a browser would. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  get header(): string | undefined {
    return this.cookies.size ? [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ") : undefined;
  }

  take(headers: Record<string, string | string[] | undefined>) {
    for (const c of ([] as string[]).concat(headers["set-cookie"] ?? [])) {
      const [pair = ""] = c.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (/Max-Age=0/i.test(c) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return this;
  }

  /** The session cookie as a Cookie header, or an error with `failure`. */
  session(failure: string): string {
    const v = this.cookies.get("__Host-pcc_session");
    if (!v) throw new Error(failure);
    return `__Host-pcc_session=${v}`;
  }
}
