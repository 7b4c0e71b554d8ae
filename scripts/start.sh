#!/usr/bin/env bash
# Installs and starts Hearth in a real VS Code.
#   - With `code` on the PATH: desktop VS Code with this folder as the extension
#     under development (`code --extensionDevelopmentPath`).
#   - Otherwise: the browser VS Code the tests use (VS Code 1.100.3 server from
#     code-server), on 127.0.0.1, with the packaged .vsix installed; the URL is printed.
# Options (environment): HEARTH_PORT (default 8765), HEARTH_WORKSPACE (folder to
# open; default a copy of scripts/sample-project, a small project to try Hearth on).
#
# Why nothing lives inside the folder VS Code opens: VS Code disables
# extensions installed inside a workspace it does not trust yet (Restricted
# Mode), so the editor's data and extensions go to $HEARTH_DATA (default
# ~/.local/share/hearth-start), outside any workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"
DATA="${HEARTH_DATA:-${XDG_DATA_HOME:-$HOME/.local/share}/hearth-start}"
if [ -n "${HEARTH_WORKSPACE:-}" ]; then
  WORKSPACE="$HEARTH_WORKSPACE"
else
  WORKSPACE="$DATA/sample-project"
  if [ ! -d "$WORKSPACE" ]; then
    mkdir -p "$DATA"
    cp -R "$REPO/scripts/sample-project" "$WORKSPACE"
    (cd "$WORKSPACE" && git init -q && git add -A && git -c user.name=Hearth -c user.email=hearth@localhost commit -qm "Sample project") >/dev/null 2>&1 || true
  fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing npm packages…"
  npm ci --no-audit --no-fund
fi

if command -v code >/dev/null 2>&1 && [ -z "${HEARTH_BROWSER:-}" ]; then
  npm run --silent build
  echo "Starting VS Code with Hearth from $REPO…"
  exec code --extensionDevelopmentPath="$REPO" "$WORKSPACE"
fi

bash scripts/install-test-vscode.sh
npm run --silent package
CODE_SERVER="$REPO/.vscode-test/code-server/node_modules/code-server/out/node/entry.js"
mkdir -p "$DATA/extensions" "$DATA/user-data/User"
[ -f "$DATA/user-data/User/settings.json" ] || cat > "$DATA/user-data/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false
}
JSON
COMMON=(--config "$DATA/code-server.yaml" --user-data-dir "$DATA/user-data" --extensions-dir "$DATA/extensions" --disable-telemetry --disable-update-check)
node "$CODE_SERVER" "${COMMON[@]}" --install-extension "$REPO/hearth.vsix" --force
PORT="${HEARTH_PORT:-8765}"
echo
echo "Hearth is running in VS Code at: http://127.0.0.1:$PORT/?folder=$WORKSPACE"
echo "  - The folder is $WORKSPACE (set HEARTH_WORKSPACE to open another; HEARTH_PORT changes the port)."
echo "  - VS Code asks whether you trust the folder: choose Trust to let the agent edit and run commands;"
echo "    in Restricted Mode its tools are read-only."
echo "  - Ollama is expected at \$OLLAMA_HOST or http://127.0.0.1:11434 (the hearth.ollama.host setting changes it)."
echo "  - Ctrl+C stops the editor."
echo
exec node "$CODE_SERVER" "${COMMON[@]}" --auth none --bind-addr "127.0.0.1:$PORT" --disable-getting-started-override "$WORKSPACE"
