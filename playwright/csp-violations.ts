import type { Page } from "@playwright/test";

/**
 * Collects every Content-Security-Policy violation in a page and its frames: Chromium's console errors
 * ("Refused to execute inline script because it violates the following Content Security Policy ...") and
 * the securitypolicyviolation events, which also report what the console may word differently.
 * Call before the first navigation.
 */
export async function watchCspViolations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) seen.push(`${m.location().url}: ${m.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      console.error(`Content Security Policy violation: ${e.effectiveDirective} blocked ${e.blockedURI || "inline"} in ${e.documentURI}`),
    );
  });
  return seen;
}
