#!/usr/bin/env bash
# Runs the three test tiers and ends with one line over all of them: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
rc=0
say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

say "unit tests"
npx vitest run --project unit --reporter=default --reporter=json --outputFile.json="$out/unit.json" || rc=1
say "integration tests (real Podman, Caddy, SQLite)"
npx vitest run --project integration --reporter=default --reporter=json --outputFile.json="$out/integration.json" || rc=1
say "end-to-end tests (Chromium)"
PLAYWRIGHT_JSON_OUTPUT_NAME="$out/e2e.json" npx playwright test --reporter=list,json || rc=1

# shellcheck disable=SC2016 # a JavaScript snippet, not shell
node -e '
const fs = require("fs"); const dir = process.argv[1];
let passed = 0, failed = 0;
for (const t of ["unit", "integration"]) {
  try { const j = JSON.parse(fs.readFileSync(`${dir}/${t}.json`, "utf8")); passed += j.numPassedTests; failed += j.numFailedTests + (j.numTotalTests === 0 ? 1 : 0); }
  catch { failed += 1; console.log(`${t}: no results`); }
}
try { const s = JSON.parse(fs.readFileSync(`${dir}/e2e.json`, "utf8")).stats; passed += s.expected + s.flaky; failed += s.unexpected; if (s.expected + s.unexpected + s.flaky === 0) failed += 1; }
catch { failed += 1; console.log("e2e: no results"); }
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
' "$out" || rc=1
exit $rc
