import * as fs from 'node:fs';
import * as path from 'node:path';

/** Folders under a home directory that hold keys, tokens or agent sockets; a sandboxed command sees them empty. */
const SECRET_DIRECTORIES = [
  '.ssh', '.aws', '.gnupg', '.azure', '.kube', '.docker', '.password-store', '.1password', '.vault-token.d',
  '.config/gh', '.config/hub.d', '.config/gcloud', '.config/op', '.config/rclone', '.config/Bitwarden', '.config/keybase',
  '.config/Code/User/globalStorage', '.config/Code - OSS/User/globalStorage', '.config/VSCodium/User/globalStorage',
  '.vscode-server/data/User/globalStorage', '.local/share/code-server/User/globalStorage',
  '.local/share/keyrings', '.local/share/kwalletd', '.mozilla', '.config/google-chrome', '.config/chromium',
  '.terraform.d', '.oci', '.cloudflared', '.fly', '.netlify', '.vercel', '.config/heroku',
  // Other editors' and coding assistants' stored sign-ins (GitHub tokens among them).
  '.config/Code - Insiders/User/globalStorage', '.config/Cursor/User/globalStorage', '.cursor-server/data/User/globalStorage',
  '.vscode-server-insiders/data/User/globalStorage', '.config/github-copilot', '.claude', '.codeium', '.continue', '.config/JetBrains',
  // Command-line tools that keep tokens in their config folders.
  '.config/glab-cli', '.config/configstore', '.pulumi', '.config/doctl', '.config/hcloud', '.config/stripe', '.config/sentry',
  '.wrangler', '.config/netlify', '.config/vercel', '.config/firebase', '.config/twilio-cli', '.huggingface', '.config/ngrok', '.ngrok2',
];

/** Single files under a home directory that hold credentials; a sandboxed command reads them as empty. */
const SECRET_FILES = [
  '.netrc', '.npmrc', '.yarnrc', '.yarnrc.yml', '.git-credentials', '.pypirc', '.config/hub', '.gem/credentials',
  '.cargo/credentials', '.cargo/credentials.toml', '.m2/settings.xml', '.gradle/gradle.properties', '.pgpass',
  '.my.cnf', '.vault-token', '.boto', '.s3cfg', '.dockercfg', '.config/git/credentials', '.composer/auth.json',
  '.nuget/NuGet/NuGet.Config', '.terraformrc', '.bash_history', '.zsh_history', '.python_history', '.node_repl_history',
  '.psql_history', '.mysql_history', '.lesshst', '.viminfo', '.local/share/fish/fish_history', '.sqlite_history', '.rediscli_history',
  '.cache/huggingface/token', '.claude.json', '.config/pip/pip.conf', '.pip/pip.conf',
];

/** Unix sockets outside the home that grant more than the user's own rights (docker is root), or reach the desktop. */
const SECRET_SOCKETS = ['/var/run/docker.sock', '/run/docker.sock', '/run/podman/podman.sock', '/run/containerd/containerd.sock', '/run/dbus/system_bus_socket'];

export interface HiddenSecrets {
  /** Existing folders to cover with an empty tmpfs. */
  directories: string[];
  /** Existing files (and sockets) to cover with /dev/null. */
  files: string[];
}

type Kind = 'directory' | 'file' | null;

function kindOf(p: string): Kind {
  try {
    // Synchronous: a few dozen stat calls in a row are much faster than through the thread pool.
    const stat = fs.statSync(p);
    return stat.isDirectory() ? 'directory' : 'file';
  } catch {
    return null;
  }
}

/**
 * The secret folders and files that exist for these home directories (the
 * one in the command's environment and the process's own, which differ in
 * tests and under `sudo -E`), the per-user runtime folder (the session bus,
 * VS Code's IPC sockets, ssh and gpg agents, keyring sockets) and the agent
 * socket named by SSH_AUTH_SOCK, and `extraDirectories`, the folders the
 * caller knows hold secrets wherever they are (Hearth's own storage). Only existing paths are returned: a mount
 * needs a mount point, and creating one would change the user's disk.
 */
export async function hiddenSecrets(homes: readonly string[], env: NodeJS.ProcessEnv, uid: number | undefined, extraDirectories: readonly string[] = []): Promise<HiddenSecrets> {
  const directories = new Set<string>();
  const files = new Set<string>();
  const add = (p: string): void => {
    const kind = kindOf(p);
    if (kind === 'directory') directories.add(p);
    else if (kind === 'file') files.add(p);
  };
  const candidates: string[] = [];
  for (const home of new Set(homes.filter((h) => path.isAbsolute(h) && h !== '/'))) {
    for (const rel of [...SECRET_DIRECTORIES, ...SECRET_FILES]) candidates.push(path.join(home, rel));
  }
  // Checked at every command: a folder created since the last one must be hidden too.
  candidates.forEach(add);
  for (const dir of extraDirectories) if (path.isAbsolute(dir) && dir !== '/' && kindOf(dir) === 'directory') directories.add(dir);
  const runtimeDirs = new Set<string>();
  if (env.XDG_RUNTIME_DIR && path.isAbsolute(env.XDG_RUNTIME_DIR)) runtimeDirs.add(env.XDG_RUNTIME_DIR);
  if (process.env.XDG_RUNTIME_DIR && path.isAbsolute(process.env.XDG_RUNTIME_DIR)) runtimeDirs.add(process.env.XDG_RUNTIME_DIR);
  if (uid !== undefined) runtimeDirs.add(`/run/user/${uid}`);
  for (const dir of runtimeDirs) if (kindOf(dir) === 'directory') directories.add(dir);
  const sockets = [env.SSH_AUTH_SOCK, process.env.SSH_AUTH_SOCK, ...SECRET_SOCKETS].filter((s): s is string => !!s && path.isAbsolute(s));
  sockets.forEach(add);
  // Sorted so a folder is hidden before anything inside it (mount order) and the arguments are stable.
  return { directories: [...directories].sort(), files: [...files].sort() };
}
