#!/bin/sh
# Playwright starts this instead of Chromium: the same browser, inside the test's network namespace
# (see tests/helpers/browser-netns.ts). Playwright talks to it over a pipe, which crosses namespaces.
exec ip netns exec "$PCC_E2E_NETNS" /usr/bin/chromium "$@"
