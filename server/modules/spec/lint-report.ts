import path from "node:path";
import type { Issue } from "./issues";
import type { AppSpec } from "./spec.schema";

export type LintResult = { errors: Issue[]; warnings: Issue[]; spec?: AppSpec };

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const line = (kind: string, i: Issue) => `  ${kind.padEnd(8)}${i.path ? `${i.path}: ` : ""}${i.message}`;

/** The text `./pcc app lint DIR` prints: a summary line, then one line per problem, errors first. */
export function formatLintReport(result: LintResult, dir: string): string {
  const file = path.join(dir, "app.yaml");
  const head = result.errors.length
    ? `${file}: ${plural(result.errors.length, "error")}${result.warnings.length ? `, ${plural(result.warnings.length, "warning")}` : ""}`
    : `${file}: OK${result.spec ? ` (${result.spec.id} ${result.spec.version}, ${result.spec.apiVersion})` : ""}${
        result.warnings.length ? `, ${plural(result.warnings.length, "warning")}` : ""
      }`;
  return [head, ...result.errors.map((i) => line("error", i)), ...result.warnings.map((i) => line("warning", i))].join("\n") + "\n";
}
