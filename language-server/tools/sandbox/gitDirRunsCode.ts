import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Config keys (lower-cased `section.key`, or `section.*.key` for a
 * subsection) whose value is a program git runs, or that pull in another
 * config that may name one.
 */
const CODE_RUNNING_KEYS = new Set([
  'core.hookspath', 'core.fsmonitor', 'core.sshcommand', 'core.pager', 'core.editor', 'core.askpass', 'core.gitproxy',
  'core.alternaterefscommand', 'core.worktree', 'sequence.editor', 'diff.external', 'diff.*.textconv', 'diff.*.command',
  'merge.*.driver', 'filter.*.clean', 'filter.*.smudge', 'filter.*.process', 'credential.helper', 'credential.*.helper',
  'gpg.program', 'gpg.*.program', 'include.path', 'includeif.*.path', 'uploadpack.packobjectshook', 'receive.procreceiverefs',
  'ssh.variant', 'remote.*.uploadpack', 'remote.*.receivepack', 'remote.*.proxy', 'http.proxy', 'web.browser', 'browser.*.cmd',
  'man.*.cmd', 'difftool.*.cmd', 'mergetool.*.cmd', 'instaweb.httpd', 'sendemail.smtpserver', 'sendemail.sendmailcmd',
  'interactive.difffilter',
]);

/**
 * Why a git directory created by a command could make git run code (or null
 * when it is as harmless as a fresh `git init`): a config key that names a
 * program, an `alias.x = !cmd`, any `pager.*`, or a hook that is not a
 * `.sample`, or a `commondir` that sends git elsewhere for both. Read
 * without running git. Unreadable or unparsable state counts
 * as code-running, since it cannot be shown harmless.
 */
export async function gitDirRunsCode(gitDir: string): Promise<string | null> {
  let stat;
  try {
    stat = await fs.lstat(gitDir);
  } catch {
    return null;
  }
  if (!stat.isDirectory()) return 'it is a link to another git directory, whose hooks and config would run';
  const configs = ['config', 'config.worktree'];
  for (const name of configs) {
    let text: string;
    try {
      text = await fs.readFile(path.join(gitDir, name), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      return `its ${name} cannot be read`;
    }
    const reason = codeRunningConfigKey(text);
    if (reason) return `its ${name} sets ${reason}, which runs a program`;
  }
  try {
    const hooks = await fs.readdir(path.join(gitDir, 'hooks'));
    const live = hooks.filter((h) => !h.endsWith('.sample'));
    if (live.length > 0) return `it has the hook ${live.slice(0, 3).join(', ')}`;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return 'its hooks folder cannot be read';
  }
  // git reads config and hooks from the folder a `commondir` file names (as linked worktrees do),
  // so one makes everything checked above someone else's; `git init` never writes it.
  if (await fs.lstat(path.join(gitDir, 'commondir')).then(() => true, () => false)) return 'it has a commondir file, which makes git take its config and hooks from another folder';
  // Worktree and submodule git dirs nest whole configs: anything there is not what `git init` makes.
  for (const nested of ['modules', 'worktrees']) {
    if (await fs.stat(path.join(gitDir, nested)).then(() => true, () => false)) return `it has ${nested}/, which holds more configs`;
  }
  return null;
}

/** The first code-running key in a git config text (`section.key` as written), or null. */
export function codeRunningConfigKey(text: string): string | null {
  let section = '';
  let subsection: string | null = null;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]\s*(.*)$/.exec(line);
    if (header) {
      // `[section.sub]` is the old spelling of `[section "sub"]`.
      const [name, ...rest] = header[1].split('.');
      section = name.toLowerCase();
      subsection = header[2] ?? (rest.length > 0 ? rest.join('.') : null);
      const after = header[3].trim();
      if (after === '' || after.startsWith('#') || after.startsWith(';')) continue;
      // A key may follow the header on the same line.
      const inline = checkKey(section, subsection, after);
      if (inline) return inline;
      continue;
    }
    if (line.startsWith('[')) return `an unreadable section header ${JSON.stringify(line.slice(0, 40))}`;
    const found = checkKey(section, subsection, line);
    if (found) return found;
  }
  return null;
}

function checkKey(section: string, subsection: string | null, line: string): string | null {
  const match = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$/.exec(line);
  if (!match) return `an unreadable line ${JSON.stringify(line.slice(0, 40))}`;
  const key = match[1].toLowerCase();
  const value = (match[2] ?? '').trim().replace(/^"/, '');
  const shown = subsection !== null ? `${section}.${subsection}.${key}` : `${section}.${key}`;
  if (section === 'alias' && value.startsWith('!')) return shown;
  if (section === 'pager') return shown;
  const generic = subsection !== null ? `${section}.*.${key}` : `${section}.${key}`;
  if (CODE_RUNNING_KEYS.has(generic)) return shown;
  return null;
}
