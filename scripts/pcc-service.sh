#!/usr/bin/env bash
# PCC as a systemd service, so it (and its apps) come back after a reboot. Run by `./pcc enable|disable`.
#
#   scripts/pcc-service.sh unit ROOT      prints the unit for the checkout at ROOT
#   scripts/pcc-service.sh enable ROOT    writes it to /etc/systemd/system/pcc.service, then
#                                         `systemctl daemon-reload && systemctl enable --now pcc`
#   scripts/pcc-service.sh disable ROOT   `systemctl disable --now pcc`, removes the unit, reloads
#
# PCC's settings set when enabling (PCC_DOMAIN=box.example.com ./pcc enable) are written into the
# unit, so the service runs with the configuration the owner chose. Tests move the unit directory
# (PCC_SYSTEMD_UNIT_DIR) and where systemd's runtime directory is looked for (PCC_SYSTEMD_RUN_DIR).
set -euo pipefail

UNIT_NAME=pcc.service
UNIT_DIR=${PCC_SYSTEMD_UNIT_DIR:-/etc/systemd/system}
# systemd's own test for "booted with systemd" (sd_booted): this directory exists.
SYSTEMD_RUN_DIR=${PCC_SYSTEMD_RUN_DIR:-/run/systemd/system}
# server/main.ts SHUTDOWN_DEADLINE_MS (45 s): PCC stops its apps and helpers within it, then exits on
# its own. systemd waits a little longer, so PCC's own deadline always acts first; systemd's SIGKILL
# is only for a PCC that hangs beyond it.
PCC_SHUTDOWN_S=45
STOP_TIMEOUT_S=$((PCC_SHUTDOWN_S + 5))
# What configures PCC (README, "Configuration"; server/config.ts) and where ./pcc keeps its Node. Test
# hooks (PCC_CRASH_AT, ...) are never carried into the unit.
CONFIG_VARS=(
  PCC_DATA_DIR PCC_DOMAIN PCC_HTTPS_PORT PCC_HTTP_PORT PCC_BIND_ADDRESS PCC_CATALOG_DIR PCC_LOG_LEVEL PCC_WEB
  PCC_INSECURE_REGISTRIES PCC_SHOW_TEST_APPS PCC_NODE_DIR
)

say() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
die() { printf 'pcc: %s\n' "$*" >&2; exit 1; }

# One Environment= assignment, quoted for systemd: \ and " escaped, % doubled (a specifier otherwise).
env_line() {
  local kv=$1
  kv=${kv//\\/\\\\}
  kv=${kv//\"/\\\"}
  kv=${kv//%/%%}
  printf 'Environment="%s"\n' "$kv"
}

unit() {
  local root=$1 name
  cat <<UNIT
# Written by ./pcc enable; ./pcc disable removes it. Edits are lost at the next ./pcc enable.
[Unit]
Description=PCC, the personal cloud computer
Documentation=file://$root/README.md
# Apps and Caddy need the network up; PCC installs nothing at a normal start, so it needs no internet.
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
WorkingDirectory=$root
# ./pcc start execs the server: the main process is PCC itself.
ExecStart=$root/pcc start
# systemd runs services without HOME; npm and Node want one.
Environment=HOME=/root
UNIT
  for name in "${CONFIG_VARS[@]}"; do
    [ -n "${!name+set}" ] || continue
    [[ ${!name} != *$'\n'* ]] || die "$name contains a newline: not writing it into the unit"
    env_line "$name=${!name}"
  done
  cat <<UNIT
Restart=on-failure
RestartSec=5s
# SIGTERM to PCC alone (as Ctrl-C does): it stops its apps, Podman's service and Caddy itself, within
# its own ${PCC_SHUTDOWN_S} s deadline. Whatever is still left in the unit after that gets SIGKILL.
KillMode=mixed
KillSignal=SIGTERM
TimeoutStopSec=${STOP_TIMEOUT_S}s
# ./pcc start may install packages or rebuild the shell first (after an update of this checkout).
TimeoutStartSec=infinity

[Install]
WantedBy=multi-user.target
UNIT
}

systemd_runs() { [ -d "$SYSTEMD_RUN_DIR" ]; }

# Whether a PCC started by hand answers on this checkout's CLI socket.
running_by_hand() {
  local root=$1 sock
  sock=${PCC_DATA_DIR:-$root/data}/run/pcc.sock
  [[ $sock = /* ]] || sock=$root/$sock
  [ -S "$sock" ] && "$root/pcc" status >/dev/null 2>&1
}

enable() {
  local root=$1 path=$UNIT_DIR/$UNIT_NAME tmp
  [ -x "$root/pcc" ] || die "$root/pcc is not executable"
  mkdir -p "$UNIT_DIR"
  tmp=$(mktemp "$UNIT_DIR/.pcc.service.XXXXXX")
  unit "$root" >"$tmp"
  chmod 644 "$tmp"
  mv -f "$tmp" "$path"
  say "wrote $path"
  if ! systemd_runs; then
    cat >&2 <<MSG
systemd is not running on this machine (PID 1 is $(ps -o comm= -p 1 2>/dev/null || echo unknown)), so nothing will
start PCC at boot from this unit. Start PCC from whatever starts programs here instead: the command
is "$root/pcc start", run as root, in the foreground; it stops cleanly on SIGTERM within ${PCC_SHUTDOWN_S} s
(see "Reboot survival" in $root/README.md). Or boot this machine with systemd and run ./pcc enable again.
MSG
    return 0
  fi
  systemctl daemon-reload
  if systemctl is-active --quiet "$UNIT_NAME"; then
    systemctl enable "$UNIT_NAME"
    say "PCC already runs as a systemd service; it will start at every boot"
  elif running_by_hand "$root"; then
    # Two PCCs on one data dir must never run: leave the one in the terminal alone.
    systemctl enable "$UNIT_NAME"
    say "PCC is running in a terminal: it will start as a service from the next boot. To switch now, stop it (Ctrl-C) and run: systemctl start pcc"
  else
    systemctl enable --now "$UNIT_NAME"
    say "PCC runs as a systemd service and will start at every boot. Its console (URL, setup code): journalctl -u pcc -f"
  fi
}

disable() {
  local path=$UNIT_DIR/$UNIT_NAME
  if systemd_runs; then
    # Stopping the service stops PCC, which stops its apps; the next ./pcc start brings them back.
    systemctl disable --now "$UNIT_NAME" 2>/dev/null || true
  fi
  if [ -e "$path" ]; then
    rm -f "$path"
    say "removed $path"
  else
    say "$path was not there"
  fi
  if systemd_runs; then systemctl daemon-reload; fi
  say "PCC no longer starts at boot; run ./pcc start to run it by hand"
}

case "${1:-}" in
  unit) [ $# -eq 2 ] || die "usage: $0 unit ROOT"; unit "$2" ;;
  enable) [ $# -eq 2 ] || die "usage: $0 enable ROOT"; enable "$2" ;;
  disable) [ $# -eq 2 ] || die "usage: $0 disable ROOT"; disable "$2" ;;
  *) die "usage: $0 unit|enable|disable ROOT" ;;
esac
