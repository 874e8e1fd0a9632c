#!/usr/bin/env bash
# Install the Debian packages the test suite needs when they are missing: redis-server and
# chromium (the tests start their own instances on 127.0.0.1 with random ports), and tmux
# (the CLI's terminal test runs the demo in an 80-column tmux window), and node (edit tests re-run
# a refactored JavaScript program).
set -euo pipefail
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
command -v node >/dev/null 2>&1 || missing+=(nodejs)  # refactored ES-module programs are re-run
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "installing ${missing[*]} from Debian's packages" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
# Debian starts a system redis on 6379; the tests use their own, so stop it.
($SUDO service redis-server stop || true) >/dev/null 2>&1
