import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveGitDirs } from './gitDirs';
import { readSmallFile } from '../workspace/readSmallFile';

/** A config file larger than this is not a real git config, and is not read. */
const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * The folders git runs a workspace folder's hooks from when `core.hooksPath`
 * names them (`git config core.hooksPath scripts/git-hooks`, a common way to
 * share hooks in the repository): every file there named after a hook runs
 * at the user's next commit, checkout or push, outside any sandbox. The
 * value is read, without running git, from the repository's own configs
 * (`config` and `config.worktree` of each real git directory) and the
 * user's and the system's (`~/.gitconfig`, `$XDG_CONFIG_HOME/git/config`,
 * `/etc/gitconfig`); a relative value is relative to the workspace folder,
 * as git resolves it in a worktree. Returned as real paths where they exist.
 */
export async function gitHooksFolders(rootRealPath: string): Promise<string[]> {
  const configs: string[] = [];
  for (const gitDir of await resolveGitDirs(rootRealPath)) configs.push(path.join(gitDir, 'config'), path.join(gitDir, 'config.worktree'));
  const home = os.homedir();
  const xdg = process.env.XDG_CONFIG_HOME && path.isAbsolute(process.env.XDG_CONFIG_HOME) ? process.env.XDG_CONFIG_HOME : path.join(home, '.config');
  configs.push(path.join(home, '.gitconfig'), path.join(xdg, 'git', 'config'), '/etc/gitconfig');

  const folders = new Set<string>();
  for (const config of configs) {
    const text = await readSmallFile(config, { maxBytes: MAX_CONFIG_BYTES, followLinks: true }).catch(() => null);
    if (text === null) continue;
    for (const value of hooksPathValues(text)) {
      if (value === '' || value.startsWith('~')) continue;
      const lexical = path.resolve(rootRealPath, value);
      folders.add(await fs.realpath(lexical).catch(() => lexical));
    }
  }
  return [...folders];
}

/**
 * Why a path in the hooks folder `relative` (`/`-separated, below the
 * workspace folder; '' for the folder itself) matters, in the words the file
 * tools and the command audit both use.
 */
export function hooksPathReason(relative: string): string {
  return `git runs the files in ${relative || '.'}/ as hooks (core.hooksPath), outside any sandbox, at the next commit, checkout or push`;
}

/**
 * Every `core.hooksPath` value in a git config text, in order. All of them
 * count, not only the last: a value that a later file or line overrides is
 * still a folder some git invocation may use (another worktree, another
 * user's settings), and asking once too often costs little.
 */
export function hooksPathValues(text: string): string[] {
  const values: string[] = [];
  let inCore = false;
  for (const rawLine of text.split(/\r?\n/)) {
    let line = rawLine.trim();
    const header = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"(?:[^"\\]|\\.)*")?\s*\]\s*(.*)$/.exec(line);
    if (header) {
      // `[core]` only: a subsection (`[core "x"]`) or the old `[core.x]` spelling is another section.
      inCore = header[1].toLowerCase() === 'core' && !/^\[\s*[A-Za-z0-9.-]+\s+"/.test(line);
      line = header[2].trim();
    }
    if (!inCore) continue;
    const match = /^hookspath\s*=\s*(.*)$/i.exec(line);
    if (match) values.push(configValue(match[1]));
  }
  return values;
}

/** A config value as git reads it: quotes removed, an unquoted `#` or `;` starting a comment, the common escapes decoded. */
function configValue(raw: string): string {
  let out = '';
  let quoted = false;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '#' || ch === ';')) break;
    else if (ch === '\\' && i + 1 < raw.length) {
      const next = raw[++i];
      out += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'b' ? '' : next;
    } else out += ch;
  }
  return out.trim();
}
