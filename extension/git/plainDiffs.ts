import { execFile } from 'node:child_process';
import * as path from 'node:path';
import type { GitRepository } from './gitApi';

/** A diff larger than this is not read (the largest any Hearth feature shows the model is far smaller). */
const MAX_DIFF_BYTES = 64 * 1024 * 1024;

/**
 * The options that make `git diff` print a plain patch whatever the user's
 * or the repository's config says. The Git extension's `diff` runs `git diff`
 * as is, so `diff.external` (difftastic, or any program a repository's
 * `.git/config` names), a `textconv` driver or a per-path diff driver would
 * run a program and replace the patch with its output, and `color.diff=always`
 * would wrap every line in escape codes; `diff.noprefix` would drop the
 * `a/` and `b/` the readers rely on. Hearth parses the patch (the review's
 * line numbers, the files a commit message lists), so those are turned off,
 * and `core.fsmonitor` (a program git runs to learn what changed) is not run
 * for Hearth's reads either, nor is a clean filter (see withoutFilters). The path after `--` is a file's name, which the
 * repository chooses, so it is read literally (`--literal-pathspecs`): else
 * git takes it as a pattern, and the diff of a file named `*` or `:(glob)**`
 * would be the diff of every changed file, listed to the model as that one
 * file's lines, with the changes of files the review withheld among them.
 *
 * A submodule is a repository of its own, with a config the filters above do
 * not reach: `diff.submodule=diff` (or `log`) makes git run a second git in
 * it, which runs that config's filters. So a submodule shows only as the
 * commit it points at (`--submodule=short`), and git does not look inside it
 * for uncommitted changes (`--ignore-submodules=dirty`), which no commit of
 * this repository holds anyway.
 */
const PLAIN_DIFF = [
  '--literal-pathspecs',
  '-c',
  'core.fsmonitor=false',
  'diff',
  '--no-ext-diff',
  '--no-textconv',
  '--no-color',
  '--submodule=short',
  '--ignore-submodules=dirty',
  '--src-prefix=a/',
  '--dst-prefix=b/',
];

/**
 * The names of the filters (`filter.<name>.clean`, `.process`) the config
 * sets, as git prints them. A filter is a program git runs on a file of the
 * working tree before comparing it, so `git diff` runs the one that a
 * `.gitattributes` line names and the repository's `.git/config` defines.
 */
function configuredFilters(gitPath: string, root: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(gitPath, ['config', '-z', '--name-only', '--get-regexp', '^filter\\..*\\.(clean|process)$'], { cwd: root, encoding: 'utf8' }, (err, stdout, stderr) => {
      // Exit code 1: no such key, so no filter.
      if (err && err.code !== 1) reject(new Error(stderr.trim() || err.message));
      else resolve(stdout.split('\0').filter((name) => name !== ''));
    });
  });
}

/**
 * The environment that turns each configured filter off for one read: an
 * empty command is no filter. Through GIT_CONFIG_KEY_n, after any the user
 * set, since a filter's name is the repository's to choose and `-c` would
 * split one holding "=" in the wrong place. A filter marked `required` then
 * makes git fail with its name, and the file is left out, saying so.
 */
function withoutFilters(env: NodeJS.ProcessEnv, filters: readonly string[]): NodeJS.ProcessEnv {
  const first = Number(env.GIT_CONFIG_COUNT ?? 0) || 0;
  const out: NodeJS.ProcessEnv = { ...env, GIT_CONFIG_COUNT: String(first + filters.length) };
  filters.forEach((name, i) => {
    out[`GIT_CONFIG_KEY_${first + i}`] = name;
    out[`GIT_CONFIG_VALUE_${first + i}`] = '';
  });
  return out;
}

async function runGitDiff(gitPath: string, root: string, args: readonly string[]): Promise<string> {
  const env = withoutFilters({ ...process.env, GIT_PAGER: 'cat', GIT_OPTIONAL_LOCKS: '0' }, await configuredFilters(gitPath, root));
  return new Promise((resolve, reject) => {
    // execFile, never a shell: paths are arguments, not text a shell parses. GIT_OPTIONAL_LOCKS=0 (as VS Code's own
    // background git uses): a read never takes index.lock, so a commit the user runs meanwhile does not fail on it.
    execFile(gitPath, [...PLAIN_DIFF, ...args], { cwd: root, maxBuffer: MAX_DIFF_BYTES, encoding: 'utf8', env }, (err, stdout, stderr) => {
      if (err && (err as { code?: unknown }).code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') reject(new Error(`the diff is larger than ${MAX_DIFF_BYTES / 1024 / 1024} MB`));
      else if (err) reject(new Error(stderr.trim() || err.message));
      else resolve(stdout);
    });
  });
}

/**
 * `repo` with its four diff methods reading plain patches (see PLAIN_DIFF)
 * with the git the Git extension uses; everything else is the extension's
 * own repository. Only a repository the Git extension opened gets here, so,
 * as before, git never runs in Restricted Mode, where the extension does not.
 */
export function withPlainDiffs(repo: GitRepository, gitPath: string): GitRepository {
  const root = repo.rootUri.fsPath;
  const relative = (file: string) => path.relative(root, path.resolve(root, file)).split(path.sep).join('/');
  const read = (...args: string[]) => runGitDiff(gitPath, root, args);
  const diffs: Pick<GitRepository, 'diff' | 'diffWith' | 'diffIndexWithHEAD' | 'diffWithHEAD'> = {
    diff: (cached) => (cached ? read('--cached') : read()),
    diffWith: (ref, file) => read(ref, '--', relative(file)),
    diffIndexWithHEAD: (file) => read('--cached', '--', relative(file)),
    diffWithHEAD: (file) => read('--', relative(file)),
  };
  return new Proxy(repo, {
    get(target, key) {
      if (typeof key === 'string' && Object.hasOwn(diffs, key)) return diffs[key as keyof typeof diffs];
      // The extension's repository keeps its state in private fields: its getters and methods must see the real object.
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
