#!/usr/bin/env bash
# Runs the whole suite (scripts/test-all.sh) N times in a row, to tell flaky tests from broken ones.
# `./pcc test --repeat N` calls it once everything is installed. For each run it prints the run's result
# line ("N passed, N failed") and wall time, keeps the run's full output in a log file, and ends with a
# summary; it exits non-zero when any run failed.
# Usage: scripts/test-repeat.sh N [args for test-all.sh]
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

runs=${1:-}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 N (a positive number of runs)" >&2; exit 2; }
shift

logs=${PCC_TEST_LOGS:-$(mktemp -d "${TMPDIR:-/tmp}/pcc-test-repeat.XXXXXX")}
mkdir -p "$logs"

fmt() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

failed_runs=0
results=()
times=()
echo "running the whole suite $runs times; each run's output goes to $logs/run-K.log"
for ((i = 1; i <= runs; i++)); do
  log="$logs/run-$i.log"
  start=$(date +%s)
  # Every test PCC's own log and Caddy's, kept only for a run that failed (tests/helpers/pcc-instance.ts).
  PCC_TEST_KEEP_LOGS="$logs/run-$i-pcc-logs" bash scripts/test-all.sh "$@" >"$log" 2>&1
  rc=$?
  [ $rc -ne 0 ] || rm -rf "$logs/run-$i-pcc-logs"
  secs=$(($(date +%s) - start))
  result=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
  [ -n "$result" ] || result="no result line (the suite crashed; see the log)"
  if [ $rc -ne 0 ]; then failed_runs=$((failed_runs + 1)); status=FAIL; else status=ok; fi
  printf 'run %d/%d: %-4s %s  (%s)  %s\n' "$i" "$runs" "$status" "$result" "$(fmt "$secs")" "$log"
  if [ $rc -ne 0 ]; then
    # The failing tests' names, as vitest (FAIL) and Playwright (✘) print them.
    sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -aE '^\s*(FAIL\s|✘)' | sort -u | head -15 | sed 's/^\s*/      /'
  fi
  results+=("$result")
  times+=("$secs")
done

sorted=$(printf '%s\n' "${times[@]}" | sort -n)
min=$(head -1 <<<"$sorted")
max=$(tail -1 <<<"$sorted")
median=$(sed -n "$(((runs + 1) / 2))p" <<<"$sorted")
total=0
for t in "${times[@]}"; do total=$((total + t)); done
echo
echo "summary: $((runs - failed_runs)) of $runs runs passed, $failed_runs failed; wall time per run min $(fmt "$min"), median $(fmt "$median"), max $(fmt "$max"); total $(fmt "$total")"
[ $failed_runs -eq 0 ]
