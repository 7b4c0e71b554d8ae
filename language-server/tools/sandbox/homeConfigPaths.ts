import * as fs from 'node:fs';
import * as path from 'node:path';
import { isStrictlyInside } from '../../workspace/pathInside';

/**
 * Files under a home directory that hold the editor's settings (Hearth's
 * approval policy among them), or that the user's shell, git or desktop runs.
 * The sandbox keeps the whole file system read-only, so they are safe, except
 * when the home directory itself is (inside) a workspace folder, which the
 * sandbox makes writable: then these are made read-only again.
 */
const HOME_CONFIG = [
  '.config/Code/User', '.config/Code - OSS/User', '.config/Code - Insiders/User', '.config/VSCodium/User', '.config/Cursor/User',
  '.vscode-server/data/User', '.vscode-server/data/Machine', '.vscode-server/extensions', '.vscode/extensions', '.vscode-oss/extensions',
  '.local/share/code-server/User', '.local/share/code-server/extensions', '.config/code-server',
  '.bashrc', '.bash_profile', '.bash_login', '.bash_logout', '.profile', '.zshrc', '.zshenv', '.zprofile', '.zlogin', '.config/fish',
  '.inputrc', '.gitconfig', '.config/git', '.hgrc', '.npmrc', '.yarnrc', '.config/autostart', '.config/systemd', '.config/environment.d',
  '.local/bin', '.local/share/applications', '.pam_environment', '.xprofile', '.xsessionrc', '.ssh', '.gnupg', '.config/direnv',
];

/** The existing HOME_CONFIG paths of every home directory that lies inside one of `roots`. */
export function homeConfigPaths(homes: readonly string[], roots: readonly string[]): string[] {
  const found: string[] = [];
  for (const home of new Set(homes.filter((h) => path.isAbsolute(h) && h !== '/'))) {
    if (!roots.some((root) => home === root || isStrictlyInside(root, home))) continue;
    for (const rel of HOME_CONFIG) {
      const full = path.join(home, rel);
      try {
        fs.statSync(full);
        found.push(full);
      } catch {
        // Not there: nothing to protect (a new one is outside what the audit knows; see the report).
      }
    }
  }
  return found;
}


/**
 * The editor's own settings folders around a hidden `User/globalStorage`
 * (see hearthPrivateFolders): `User` (settings.json with Hearth's approval
 * policy, keybindings, user tasks and snippets) and `Machine` beside it (a
 * remote editor's settings). With `--user-data-dir` or a portable editor the
 * data folder can sit inside a workspace folder, which the sandbox makes
 * writable; these are made read-only again there, as a home directory's are.
 */
export function editorConfigPaths(hidden: readonly string[], roots: readonly string[]): string[] {
  const found: string[] = [];
  for (const storage of hidden) {
    if (path.basename(storage) !== 'globalStorage') continue;
    const user = path.dirname(storage);
    for (const folder of [user, path.join(path.dirname(user), 'Machine')]) {
      if (!roots.some((root) => isStrictlyInside(root, folder))) continue;
      try {
        fs.statSync(folder);
        found.push(folder);
      } catch {
        // Not there: nothing to protect.
      }
    }
  }
  return found;
}
