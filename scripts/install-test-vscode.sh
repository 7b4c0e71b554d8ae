#!/usr/bin/env bash
# Installs a real VS Code (code-server 4.100.3 = VS Code 1.100.3) for the e2e
# tests into $REPO/.vscode-test/code-server, without network access other than
# the npm registry and Debian packages.
#
# Why not @vscode/test-electron: it downloads VS Code from Microsoft's CDN,
# which this environment cannot reach. code-server ships the VS Code server and
# web workbench as an npm package, so we install that instead and serve the
# workbench to Debian's chromium.
#
# Why --ignore-scripts: code-server's postinstall (and @vscode/ripgrep's)
# download prebuilt binaries from GitHub, which fails offline. We replay the
# postinstall steps by hand and build the native modules from source against
# the system Node 20 headers.
#
# The script is idempotent: a marker file records a completed install of this
# version and a re-run exits immediately. Set HEARTH_VSCODE_TEST_FORCE=1 to
# reinstall. Any failing step aborts with a non-zero exit and a message that
# names the step.
set -Eeuo pipefail

CODE_SERVER_VERSION="4.100.3"
VSCODE_VERSION="1.100.3"
# Bump this when the steps below change, so existing installs get redone.
RECIPE_REVISION="1"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SCRIPT_DIR/.." && pwd)"
TEST_DIR="$REPO/.vscode-test"
DEST="$TEST_DIR/code-server"
MARKER="$DEST/.hearth-install-complete"
# Everything is built here first and moved to $DEST only when every step
# passed, so an interrupted run never looks like a complete install.
STAGING="$TEST_DIR/code-server.partial"
MARKER_CONTENT="code-server@$CODE_SERVER_VERSION vscode@$VSCODE_VERSION recipe=$RECIPE_REVISION node=$(node -p 'process.versions.modules' 2>/dev/null || echo none)"

START_SECONDS=$SECONDS
CURRENT_STEP="startup"

log() { printf '[install-test-vscode] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
step() { CURRENT_STEP="$1"; log "$1 ($((SECONDS - START_SECONDS))s)"; }
# Report which step failed, because set -e alone would exit silently.
trap 'rc=$?; log "FAILED during step: $CURRENT_STEP (exit code $rc). The partial install in $STAGING is left for inspection and will be replaced by the next run."; exit $rc' ERR

if [[ "${HEARTH_VSCODE_TEST_FORCE:-}" != "1" && -f "$MARKER" && "$(cat "$MARKER")" == "$MARKER_CONTENT" ]]; then
  log "already installed ($MARKER_CONTENT) in $DEST; set HEARTH_VSCODE_TEST_FORCE=1 to reinstall"
  exit 0
fi

step "checking prerequisites"
command -v node >/dev/null || die "node is not on PATH (Node 20 is required)"
command -v npm >/dev/null || die "npm is not on PATH"
NODE_MAJOR="$(node -p 'process.versions.node.split(".")[0]')"
# code-server 4.100.x is built for Node 20; native modules are compiled for
# whichever Node runs the server, so the tests must use this same Node.
[[ "$NODE_MAJOR" == "20" ]] || die "Node 20 is required (found $(node -v)); code-server $CODE_SERVER_VERSION only supports Node 20"

# Debian packages: chromium drives the workbench, ripgrep replaces the binary
# @vscode/ripgrep would download, libkrb5-dev is needed to compile kerberos,
# and build-essential/python3 are what node-gyp compiles with. Install the
# missing ones when we can (CI runs as root on a fresh Debian machine).
missing_pkgs=()
command -v chromium >/dev/null || missing_pkgs+=(chromium)
command -v rg >/dev/null || missing_pkgs+=(ripgrep)
[[ -f /usr/include/krb5.h || -f /usr/include/krb5/krb5.h ]] || missing_pkgs+=(libkrb5-dev)
command -v g++ >/dev/null && command -v make >/dev/null || missing_pkgs+=(build-essential)
command -v python3 >/dev/null || missing_pkgs+=(python3)
if ((${#missing_pkgs[@]})); then
  step "installing Debian packages: ${missing_pkgs[*]}"
  if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || die "apt-get update failed"
    apt-get install -y -qq --no-install-recommends "${missing_pkgs[@]}" >/dev/null ||
      die "apt-get install ${missing_pkgs[*]} failed"
  else
    die "missing Debian packages: ${missing_pkgs[*]} (install them with apt-get as root)"
  fi
fi

# node-gyp would otherwise download the Node headers from nodejs.org, which is
# unreachable. The Debian/NodeSource node ships them under /usr/include/node.
if [[ -z "${npm_config_nodedir:-}" ]]; then
  NODE_PREFIX="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
  if [[ -f "$NODE_PREFIX/include/node/node.h" ]]; then
    export npm_config_nodedir="$NODE_PREFIX"
  elif [[ -f /usr/include/node/node.h ]]; then
    export npm_config_nodedir=/usr
  else
    log "warning: no local Node headers found; node-gyp will try to download them"
  fi
fi
export JOBS="${JOBS:-$(nproc 2>/dev/null || echo 2)}"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
export npm_config_loglevel="${npm_config_loglevel:-warn}"

step "preparing $STAGING"
rm -rf "$STAGING"
mkdir -p "$STAGING"
# A package.json of its own stops npm from walking up and installing into the
# repository's node_modules.
printf '{ "name": "hearth-vscode-test", "private": true }\n' >"$STAGING/package.json"

step "npm install code-server@$CODE_SERVER_VERSION --ignore-scripts"
npm install --prefix "$STAGING" --ignore-scripts --no-save --no-package-lock \
  "code-server@$CODE_SERVER_VERSION" >&2

CS="$STAGING/node_modules/code-server"
VS="$CS/lib/vscode"
[[ -f "$VS/out/server-main.js" ]] || die "code-server package has no lib/vscode/out/server-main.js"

step "npm install --omit=dev --ignore-scripts in lib/vscode"
(cd "$VS" && npm install --omit=dev --ignore-scripts >&2)

step "building VS Code's native modules and code-server's argon2"
# npm's own bundled node-gyp, so nothing is fetched with npx.
NPM_ROOT="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
NODE_GYP="$NPM_ROOT/node_modules/node-gyp/bin/node-gyp.js"
[[ -f "$NODE_GYP" ]] || die "npm's bundled node-gyp not found at $NODE_GYP"
# Each build logs to its own file, shown only when it fails.
build_log() { printf '%s/build-%s.log' "$TEST_DIR" "${1//\//_}"; }
# Plain node-gyp packages are compiled directly: node-pty's postinstall runs
# `npx node-gyp configure -f compile_commands_json`, an editor-tooling step
# that would fetch node-gyp from the registry and that the server never needs.
gyp_build() {
  local mod="$1" logf
  logf="$(build_log "$mod")"
  (cd "$VS/node_modules/$mod" && node "$NODE_GYP" rebuild) >"$logf" 2>&1 || {
    log "node-gyp rebuild of $mod failed; last lines of $logf:"; tail -n 40 "$logf" >&2; return 1; }
}
# Packages whose install script first tries to download a prebuilt binary
# (kerberos: prebuild-install, argon2: node-pre-gyp) go through npm rebuild
# with build-from-source, so they compile at once instead of timing out.
npm_build() {
  local dir="$1" mod="$2" logf
  logf="$(build_log "$mod")"
  (cd "$dir" && npm_config_build_from_source=true npm rebuild "$mod" --foreground-scripts) >"$logf" 2>&1 || {
    log "npm rebuild $mod failed; last lines of $logf:"; tail -n 40 "$logf" >&2; return 1; }
}
# The builds run in parallel because each one is mostly single-threaded.
# @parcel/watcher needs no build: its registry package ships a prebuilt
# linux binary (@parcel/watcher-linux-x64-glibc), checked by the load test.
pids=()
for mod in node-pty native-watchdog @vscode/spdlog; do gyp_build "$mod" & pids+=($!); done
npm_build "$VS" kerberos & pids+=($!)
# npm hoists code-server's own dependencies to the top of the staging tree.
npm_build "$STAGING" argon2 & pids+=($!)
build_failed=0
for pid in "${pids[@]}"; do wait "$pid" || build_failed=1; done
((build_failed == 0)) || die "a native module failed to build (see the log above)"

step "verifying native modules load under $(node -v)"
# Loading each module proves the ABI matches the Node that will run the server.
(cd "$VS" && node --input-type=module -e '
  import { createRequire } from "node:module";
  const require = createRequire(process.cwd() + "/");
  for (const m of ["node-pty", "native-watchdog", "@vscode/spdlog", "kerberos", "@parcel/watcher", "@vscode/deviceid"]) {
    require(m);
  }
  // node-pty loads its binary lazily, so spawn something to be sure.
  const pty = require("node-pty").spawn("/bin/sh", ["-c", "exit 0"], {});
  await new Promise((resolve) => pty.onExit(resolve));
') || die "a native module of lib/vscode does not load"
(cd "$CS" && node -e 'require("argon2")') || die "argon2 does not load"

step "installing ripgrep from Debian"
RG_DIR="$VS/node_modules/@vscode/ripgrep/bin"
mkdir -p "$RG_DIR"
cp "$(command -v rg)" "$RG_DIR/rg"
chmod 755 "$RG_DIR/rg"
"$RG_DIR/rg" --version >/dev/null || die "copied rg does not run"

step "replaying code-server's postinstall links"
# VS Code and built-in extensions look up files under node_modules.asar.
ln -sfn node_modules "$VS/node_modules.asar"
# The integrated terminal's `code` command and the browser helper.
ln -sfn code-linux.sh "$VS/bin/remote-cli/code-server"
ln -sfn browser-linux.sh "$VS/bin/helpers/browser.sh"

step "npm install --omit=dev --ignore-scripts in lib/vscode/extensions"
(cd "$VS/extensions" && npm install --omit=dev --ignore-scripts >&2)

step "smoke test: server-main.js --version"
# Even --version creates ~/.vscode-server-oss, so give it a throwaway HOME.
SMOKE_HOME="$(mktemp -d)"
version_out="$(HOME="$SMOKE_HOME" node "$VS/out/server-main.js" --version 2>&1)" || die "server-main.js --version failed: $version_out"
rm -rf "$SMOKE_HOME"
grep -q "^$VSCODE_VERSION\$" <<<"$version_out" || die "unexpected VS Code version: $version_out"

step "moving the install into place"
rm -rf "$DEST"
mv "$STAGING" "$DEST"
rm -f "$TEST_DIR"/build-*.log
printf '%s\n' "$MARKER_CONTENT" >"$MARKER"

log "done in $((SECONDS - START_SECONDS))s: VS Code $VSCODE_VERSION server at $DEST/node_modules/code-server/lib/vscode/out/server-main.js"
