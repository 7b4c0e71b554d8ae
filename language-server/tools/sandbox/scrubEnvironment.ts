import * as path from 'node:path';
import { absolutePathEntries } from '../absolutePathEntries';

/**
 * Environment variables a sandboxed command must not see: credentials (the
 * language server inherits the editor's environment, which often holds a
 * GITHUB_TOKEN or cloud keys) and handles that lead out of the sandbox (agent
 * sockets, the session bus, VS Code's IPC and git credential helpers, the
 * display server).
 */
const SECRET_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|_KEY$|^KEY$|_PAT$|_AUTH$|AUTH_/i;

const ESCAPE_HATCH =
  /^(AWS_.*|AZURE_.*|GOOGLE_APPLICATION_CREDENTIALS|GOOGLE_GHA_CREDS_PATH|CLOUDSDK_.*|SSH_AUTH_SOCK|SSH_AGENT_PID|GPG_AGENT_INFO|GNUPGHOME|DBUS_SESSION_BUS_ADDRESS|DBUS_SYSTEM_BUS_ADDRESS|VSCODE_IPC_HOOK.*|VSCODE_GIT_.*|VSCODE_HANDLES_.*|VSCODE_PID|VSCODE_AMD_ENTRYPOINT|ELECTRON_RUN_AS_NODE|GIT_ASKPASS|SSH_ASKPASS|SUDO_ASKPASS|.*_ASKPASS|DOCKER_HOST|DOCKER_CONFIG|CONTAINER_HOST|KUBECONFIG|DISPLAY|WAYLAND_DISPLAY|XAUTHORITY|KRB5CCNAME|NETRC|NPM_CONFIG_USERCONFIG|npm_config_userconfig|PGPASSFILE|VAULT_.*|OP_.*|BW_SESSION|HEARTH_(?!AGENT$).*)$/;

/** Whether a variable is removed before a sandboxed command starts. */
export function isScrubbedVariable(name: string): boolean {
  return SECRET_NAME.test(name) || ESCAPE_HATCH.test(name);
}

/** A copy of `env` without secrets and escape hatches; names that are kept keep their values (PATH its absolute folders). */
export function scrubEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const result: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || isScrubbedVariable(name)) continue;
    // Relative PATH entries resolve in the workspace: an allow-listed `ls` would run the repository's `bin/ls`.
    result[name] = name === 'PATH' ? absolutePathEntries(value).join(path.delimiter) : value;
  }
  return result;
}
