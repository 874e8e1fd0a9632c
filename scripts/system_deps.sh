#!/usr/bin/env bash
# Install the Debian packages the test suite needs when they are missing: redis-server and
# chromium (the tests start their own instances on 127.0.0.1 with random ports).
set -euo pipefail
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "installing ${missing[*]} from Debian's packages" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
# Debian starts a system redis on 6379; the tests use their own, so stop it.
($SUDO service redis-server stop || true) >/dev/null 2>&1
