/**
 * What the programs of the default allow-list do with their options. An
 * allow-list entry such as `git diff` allows the command with further
 * arguments, but not with options that make a read-only command write files
 * (`--output`), read outside the workspace (`--no-index`), load other
 * configuration (`-c`, `--userconfig`) or run programs (`--ext-diff`,
 * `--node-options`, `--script-shell`). These checks apply to the user's own
 * entries too: `git` alone in the allow-list does not allow `git -c ...`.
 *
 * Long options are matched as the programs match them: git, npm (nopt) and
 * GNU getopt accept any unambiguous abbreviation, so `--out=x` is `--output=x`.
 */

interface DangerousOption {
  /** Long name without dashes. */
  name: string;
  why: string;
}

const GIT_GLOBAL_SAFE = new Set(['--no-pager', '--no-optional-locks', '--no-replace-objects', '--literal-pathspecs', '--noglob-pathspecs', '--icase-pathspecs', '-P']);

const GIT_GLOBAL_DANGEROUS: Record<string, string> = {
  '-c': 'sets git configuration, which can name programs to run',
  '--config-env': 'sets git configuration, which can name programs to run',
  '--exec-path': 'runs git subcommands from another directory',
  '--git-dir': 'uses another repository',
  '--work-tree': 'uses another working tree',
  '-C': 'runs git in another directory',
  '--namespace': 'uses another ref namespace',
  '-p': 'starts a pager',
  '--paginate': 'starts a pager',
  '--super-prefix': 'is internal to git',
  '--bare': 'treats the directory as a bare repository',
  '--attr-source': 'reads attributes from another tree',
};

const GIT_DANGEROUS: DangerousOption[] = [
  { name: 'output', why: 'writes its output to a file' },
  { name: 'output-directory', why: 'writes files' },
  { name: 'no-index', why: 'compares files outside the repository' },
  { name: 'ext-diff', why: 'runs an external diff program' },
  { name: 'textconv', why: 'runs text conversion programs' },
  { name: 'open-files-in-pager', why: 'opens files in a pager program' },
  { name: 'exec', why: 'runs a command' },
  { name: 'upload-pack', why: 'runs a program' },
  { name: 'receive-pack', why: 'runs a program' },
  { name: 'config', why: 'sets git configuration' },
  { name: 'template', why: 'copies hooks from a template directory' },
  { name: 'git-dir', why: 'uses another repository' },
  { name: 'work-tree', why: 'uses another working tree' },
  { name: 'contents', why: 'reads another file' },
  { name: 'orderfile', why: 'reads another file' },
  { name: 'paginate', why: 'starts a pager' },
  { name: 'pager', why: 'starts a pager' },
  { name: 'editor', why: 'starts an editor' },
  { name: 'edit', why: 'starts an editor' },
  { name: 'show-signature', why: 'runs gpg to check signatures' },
];

/**
 * Format placeholders that make git verify each commit's signature, as `--show-signature` does: `%G?`, `%GG`,
 * `%GS`, `%GK`, `%GF`, `%GP`, `%GT` of log's pretty formats, and `%(signature…)` of for-each-ref. git then runs
 * gpg (or ssh-keygen) over signature packets the repository's author wrote.
 */
const SIGNATURE_PLACEHOLDER = /%G[?GSKFPT]|%\(signature/;

/** Short git options that take their value glued on (`-n5`, `-Sfoo`): the rest of the word is a value, not flags. */
const GIT_SHORT_WITH_VALUE = new Set(['n', 'S', 'G', 'U', 'l', 'M', 'C', 'B', 'L', 'X', 'm', 'A']);
const GIT_SHORT_DANGEROUS: Record<string, string> = {
  O: 'opens files in a pager or reads an order file',
  o: 'writes its output to a file',
};

/** Real git options that are also prefixes of dangerous ones (`--text` of `--textconv`): exact names win over abbreviations. */
const GIT_SAFE_LONG: ReadonlySet<string> = new Set(['text', 'exit-code', 'cached', 'staged', 'stat', 'patch', 'name-only', 'name-status', 'oneline', 'output-indicator-new', 'output-indicator-old', 'output-indicator-context']);

/** Subcommands that run other programs or change configuration, for users who allow-list `git` itself. */
const GIT_DANGEROUS_SUBCOMMANDS = new Set(['difftool', 'mergetool', 'config', 'filter-branch', 'bisect', 'submodule', 'daemon', 'instaweb', 'web--browse', 'credential', 'send-email', 'svn', 'p4', 'cvsimport', 'archimport', 'upload-pack', 'receive-pack', 'shell', 'help', 'hook', 'am', 'rebase', 'var', 'remote-ext']);

const NPM_SAFE = new Set(['-s', '--silent', '-q', '--quiet', '-d', '--verbose', '--if-present', '--no-color', '--color', '--no-progress', '--json']);
const NPM_SAFE_VALUE: Record<string, RegExp> = {
  '--loglevel': /^(silent|error|warn|notice|http|timing|info|verbose|silly)$/,
  '--color': /^(always|true|false)$/,
  '--progress': /^(true|false)$/,
};
const NPM_DANGEROUS: DangerousOption[] = [
  { name: 'prefix', why: 'runs the scripts of another directory' },
  { name: 'node-options', why: 'passes options to node, which can load code' },
  { name: 'userconfig', why: 'reads another npm configuration' },
  { name: 'globalconfig', why: 'reads another npm configuration' },
  { name: 'logs-dir', why: 'writes logs to another directory' },
  { name: 'cache', why: 'uses another cache directory' },
  { name: 'script-shell', why: 'runs scripts with another program' },
  { name: 'init-module', why: 'runs another init module' },
  { name: 'registry', why: 'uses another registry' },
  { name: 'call', why: 'runs a command' },
  { name: 'workspace', why: 'runs the scripts of another package' },
  { name: 'workspaces', why: 'runs the scripts of other packages' },
  { name: 'node-gyp', why: 'runs another program' },
  { name: 'shell', why: 'runs another shell' },
];
const NPM_SHORT_DANGEROUS: Record<string, string> = {
  '-C': 'runs the scripts of another directory',
  '-c': 'runs a command',
  '-w': 'runs the scripts of another package',
  '-ws': 'runs the scripts of other packages',
};

/** Options of other common programs that write, run programs or read lists of paths. */
const OTHER_DANGEROUS: Record<string, { long: DangerousOption[]; short?: Record<string, string>; words?: Record<string, string> }> = {
  wc: { long: [{ name: 'files0-from', why: 'reads a list of files to count' }] },
  ls: { long: [{ name: 'dereference', why: 'follows symbolic links, which may lead outside the workspace' }], short: { L: 'follows symbolic links, which may lead outside the workspace' } },
  du: { long: [{ name: 'files0-from', why: 'reads a list of files' }] },
  sort: { long: [{ name: 'output', why: 'writes a file' }, { name: 'compress-program', why: 'runs a program' }, { name: 'files0-from', why: 'reads a list of files' }], short: { o: 'writes a file' } },
  rg: { long: [{ name: 'pre', why: 'runs a preprocessor program' }] },
  find: {
    long: [],
    words: {
      '-exec': 'runs a command',
      '-execdir': 'runs a command',
      '-ok': 'runs a command',
      '-okdir': 'runs a command',
      '-delete': 'deletes files',
      '-fprint': 'writes a file',
      '-fprint0': 'writes a file',
      '-fprintf': 'writes a file',
      '-fls': 'writes a file',
    },
  },
};

/** The dangerous long option `--name` abbreviates (as getopt and git accept), or null. */
function dangerousLong(arg: string, options: readonly DangerousOption[], safeExact?: ReadonlySet<string>): DangerousOption | null {
  if (!arg.startsWith('--') || arg === '--') return null;
  const name = arg.slice(2).split('=')[0].toLowerCase();
  if (name.length === 0) return null;
  if (safeExact?.has(name)) return null;
  return options.find((o) => o.name.startsWith(name)) ?? null;
}

/** Why the arguments of an allow-listed command need approval, or null. `words` are the literal words. */
export function argumentReason(words: readonly string[]): string | null {
  // `/usr/bin/git` and `Git` (on a case-insensitive disk) are git too.
  const name = (words[0].split('/').pop() ?? '').toLowerCase();
  if (name === 'git') return gitReason(words);
  if (name === 'npm') return npmReason(words);
  if (name === 'cd') {
    const operands = words.slice(1).filter((w) => !/^-[LPe]+$/.test(w));
    if (operands.length === 0) return '`cd` without a directory goes to your home directory';
    if (operands[0] === '-') return '`cd -` goes back to a directory outside what the command shows';
  }
  const rules = OTHER_DANGEROUS[name];
  if (!rules) return null;
  for (const arg of words.slice(1)) {
    const long = dangerousLong(arg, rules.long);
    if (long) return `\`${name} ${arg}\` ${long.why}`;
    const word = rules.words?.[arg];
    if (word) return `\`${name} ${arg}\` ${word}`;
    if (rules.short && /^-[A-Za-z]+/.test(arg) && !arg.startsWith('--')) {
      for (const letter of arg.slice(1)) if (rules.short[letter]) return `\`${name} -${letter}\` ${rules.short[letter]}`;
    }
  }
  return null;
}

/**
 * The words an allow-list entry is compared with: for git, harmless global
 * options such as `--no-pager` are dropped, so `git --no-pager log` is
 * covered by `git log`.
 */
export function wordsForMatching(words: readonly string[]): readonly string[] {
  if (words[0] !== 'git') return words;
  let i = 1;
  while (i < words.length && GIT_GLOBAL_SAFE.has(words[i])) i++;
  return [words[0], ...words.slice(i)];
}

function gitReason(words: readonly string[]): string | null {
  let i = 1;
  // Global options come before the subcommand.
  for (; i < words.length && words[i].startsWith('-'); i++) {
    const arg = words[i];
    const key = arg.startsWith('--') ? arg.split('=')[0] : arg.slice(0, 2);
    const why = GIT_GLOBAL_DANGEROUS[key] ?? (arg.startsWith('--') ? Object.entries(GIT_GLOBAL_DANGEROUS).find(([k]) => k.startsWith('--') && k.startsWith(key) && key.length > 3)?.[1] : undefined);
    if (why) return `\`git ${arg}\` ${why}`;
    if (!GIT_GLOBAL_SAFE.has(arg)) return `\`git ${arg}\` is a git option this policy does not know to be safe`;
  }
  const subcommand = words[i] ?? '';
  if (GIT_DANGEROUS_SUBCOMMANDS.has(subcommand)) return `\`git ${subcommand}\` can run other programs or change git's configuration`;
  // Options are checked after `--` too: one stray `--output` is not worth the risk of misreading where options end.
  for (const arg of words.slice(i + 1)) {
    if (SIGNATURE_PLACEHOLDER.test(arg)) return `\`git ${subcommand} ${arg}\` runs gpg to check signatures`;
    const long = dangerousLong(arg, GIT_DANGEROUS, GIT_SAFE_LONG);
    if (long) return `\`git ${subcommand} ${arg}\` ${long.why}`;
    if (/^-[A-Za-z]/.test(arg) && !arg.startsWith('--')) {
      for (const letter of arg.slice(1)) {
        if (GIT_SHORT_DANGEROUS[letter]) return `\`git ${subcommand} ${arg}\` ${GIT_SHORT_DANGEROUS[letter]}`;
        if (GIT_SHORT_WITH_VALUE.has(letter) || !/[A-Za-z]/.test(letter)) break;
      }
    }
  }
  return null;
}

function npmReason(words: readonly string[]): string | null {
  for (const arg of words.slice(1)) {
    if (arg === '--') return null; // What follows goes to the project's own script.
    if (!arg.startsWith('-')) continue;
    if (NPM_SAFE.has(arg)) continue;
    const [key, value] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (value !== undefined && NPM_SAFE_VALUE[key]?.test(value)) continue;
    const short = NPM_SHORT_DANGEROUS[key];
    if (short) return `\`npm ${arg}\` ${short}`;
    const long = dangerousLong(arg, NPM_DANGEROUS);
    if (long) return `\`npm ${arg}\` ${long.why}`;
    return `\`npm ${arg}\` is an npm option this policy does not know to be safe (npm options can change which files and programs it uses)`;
  }
  return null;
}
