# Starts GoToSocial. On the very first start it also creates, confirms and promotes the admin
# account from PCC_ADMIN_* (GoToSocial creates accounts only through its CLI, and only once the
# server has initialised its database), then restarts the server so the promotion takes effect.
set -eu
bb=/bin/busybox
gts=/gotosocial/gotosocial
marker=/gotosocial/storage/.pcc-admin-created

if [ ! -f "$marker" ]; then
  echo "pcc: first start, creating the admin account ${PCC_ADMIN_USERNAME}"
  "$gts" server start &
  pid=$!
  tries=0
  until $bb wget -q -O /dev/null "http://127.0.0.1:${GTS_PORT:-8080}/readyz"; do
    tries=$((tries + 1))
    if [ "$tries" -gt 300 ]; then echo "pcc: GoToSocial did not become ready" >&2; kill "$pid"; exit 1; fi
    $bb sleep 1
  done
  "$gts" admin account create --username "$PCC_ADMIN_USERNAME" --email "$PCC_ADMIN_EMAIL" --password "$PCC_ADMIN_PASSWORD" \
    || echo "pcc: the account exists already; confirming and promoting it"
  "$gts" admin account confirm --username "$PCC_ADMIN_USERNAME"
  "$gts" admin account promote --username "$PCC_ADMIN_USERNAME"
  kill "$pid"
  wait "$pid" || true
  : > "$marker"
fi
exec "$gts" server start
