#!/usr/bin/env bash
# Installs everything Hearth's tests need on a fresh Debian machine:
# Debian packages (Chromium for the end-to-end tests, ripgrep, the headers the
# test VS Code's native modules build against), the npm packages, and the
# browser VS Code (code-server) the end-to-end tests drive.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v rg >/dev/null 2>&1 || need_apt+=(ripgrep)
command -v git >/dev/null 2>&1 || need_apt+=(git)
# The OS sandbox every agent command runs in (see language-server/tools/sandbox/).
command -v bwrap >/dev/null 2>&1 || need_apt+=(bubblewrap)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
command -v make >/dev/null 2>&1 || need_apt+=(build-essential)
# The replica test runs a real Redis and a real gRPC load balancer (test/integration/teamServerReplicas.test.ts).
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
command -v haproxy >/dev/null 2>&1 || need_apt+=(haproxy)
if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "Installing Debian packages: ${need_apt[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need_apt[@]}"
fi

echo "Installing npm packages (npm ci)…"
npm ci --no-audit --no-fund

bash scripts/install-test-vscode.sh
