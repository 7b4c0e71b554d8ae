#!/usr/bin/env bash
# Installs and starts Hearth in a real VS Code.
#   - With `code` on the PATH: desktop VS Code with this folder as the extension
#     under development (`code --extensionDevelopmentPath`).
#   - Otherwise: the browser VS Code the tests use (VS Code 1.100.3 server from
#     code-server), on 127.0.0.1, with the packaged .vsix installed; the URL is printed.
# Options (environment): HEARTH_PORT (default 8765), HEARTH_WORKSPACE (folder to open, default the current one).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"
WORKSPACE="${HEARTH_WORKSPACE:-$REPO}"

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
SERVER_DIR="$REPO/.vscode-test/code-server/node_modules/code-server/lib/vscode"
DATA="$REPO/.vscode-test/start"
mkdir -p "$DATA/extensions" "$DATA/user-data/User"
[ -f "$DATA/user-data/User/settings.json" ] || cat > "$DATA/user-data/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "security.workspace.trust.startupPrompt": "never",
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false
}
JSON
node "$SERVER_DIR/out/server-main.js" --extensions-dir "$DATA/extensions" --user-data-dir "$DATA/user-data" --install-extension "$REPO/hearth.vsix" --force
PORT="${HEARTH_PORT:-8765}"
echo
echo "Hearth is running in VS Code at: http://127.0.0.1:$PORT/?folder=$WORKSPACE"
echo "(Ollama is expected at \$OLLAMA_HOST or http://127.0.0.1:11434; change it with the hearth.ollama.host setting.)"
echo
exec node "$SERVER_DIR/out/server-main.js" --host 127.0.0.1 --port "$PORT" --without-connection-token --accept-server-license-terms \
  --extensions-dir "$DATA/extensions" --user-data-dir "$DATA/user-data" --server-data-dir "$DATA/server-data"
