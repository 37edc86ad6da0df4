import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

export type Theme = "light" | "dark";
export type Finding = { where: string; rule: string; impact: string; targets: string[] };

/**
 * Switches the page to a theme through the system setting, as a device would, and waits until the shell
 * has applied it (a class on <html>, set by an effect) and every finite animation or colour transition
 * has ended: a scan taken mid-change sees half-faded colours and reports contrast that no one sees.
 */
export async function switchTheme(page: Page, theme: Theme) {
  await page.emulateMedia({ colorScheme: theme, reducedMotion: "reduce" });
  await settle(page, theme);
}

/** Waits for the shell's theme class to match, and for every finite animation and transition to finish. */
export async function settle(page: Page, theme?: Theme) {
  const dark = /(^|\s)dark(\s|$)/;
  if (theme === "dark") await expect(page.locator("html")).toHaveClass(dark);
  if (theme === "light") await expect(page.locator("html")).not.toHaveClass(dark);
  await page.waitForFunction(() =>
    document.getAnimations().every((a) => a.playState !== "running" || (a.effect?.getComputedTiming().endTime ?? 0) === Infinity),
  );
}

/**
 * An axe-core scan (WCAG 2.1 A and AA) of the page, or of `include`, once it has settled; app frames are
 * the apps' own business. Returns the serious and critical violations, each with where it was seen.
 */
export async function scan(page: Page, where: string, include?: string): Promise<Finding[]> {
  await settle(page);
  let builder = new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).exclude("iframe");
  if (include) builder = builder.include(include);
  const result = await builder.analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ where, rule: v.id, impact: v.impact as string, targets: v.nodes.map((n) => n.target.join(" ")).slice(0, 5) }));
}
