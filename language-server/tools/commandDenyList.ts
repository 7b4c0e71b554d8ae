import { decodeAnsiCQuoted, parseShellCommand, splitPolicyEntry, suspiciousCharacter, type SimpleCommand } from './shellCommand';
import { literalValue, wordPatternSource, wordWildcard, type ShellWord, type WordPart } from './shellWord';

/**
 * The deny-list: the user's hard line, checked on what the shell will really
 * run. Words are compared after quote removal and escape decoding (`r""m`,
 * `\rm`, `$'\x72\x6d'`), behind wrappers (`env`, `xargs`, `timeout`…), inside
 * `sh -c '...'`, `eval` and `find -exec`. A word whose value is only known at
 * run time (`$X`, `$(echo rm)`, a glob) is a wildcard: the command is refused
 * if any value it could take matches an entry. With single-word entries such
 * as `sudo` that means every command whose name is computed at run time.
 */

export interface DenyEntry {
  readonly entry: string;
  readonly words: readonly string[];
}

export interface DenyHit {
  readonly entry: string;
  /** Why, in words for the user and the model. */
  readonly reason: string;
}

/** One argument of a candidate: fixed text, or a pattern for every value it could take. */
type Arg = { exact: string } | { wild: RegExp; multi: boolean; display: string; name: RegExp };

/**
 * Commands that only run other commands. A deny-list entry must still match
 * when it hides behind one (`env rm -rf /`, `xargs rm -rf`, `timeout 5 curl x`),
 * so for these every suffix of the arguments is checked as a command.
 */
export const WRAPPERS = new Set([
  'sudo', 'doas', 'su', 'env', 'nice', 'nohup', 'time', 'timeout', 'stdbuf', 'xargs', 'command', 'builtin', 'exec',
  'chroot', 'watch', 'strace', 'ltrace', 'nsenter', 'unshare', 'setsid', 'flock', 'ionice', 'taskset', 'chrt', 'caffeinate',
  'runuser', 'parallel', 'unbuffer', 'script', 'busybox', 'npx', 'pnpx', 'bunx',
]);

/** Wrappers that add arguments read from their input to the command they run. */
const APPENDING_WRAPPERS = new Set(['xargs', 'parallel']);

/** Shells, whose `-c` argument is a whole new command line. */
export const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'fish', 'csh', 'tcsh', 'ash', 'yash', 'posh']);

/** Long options that mean the same as the short flags deny entries usually spell. */
const LONG_FLAG_LETTERS: Record<string, string> = { '--recursive': 'r', '--force': 'f' };

const MAX_RECURSION = 8;
const ANYTHING: Arg = { wild: /^[\s\S]*$/, multi: true, display: '…', name: /^[\s\S]*$/ };

export function denyEntries(deny: readonly string[]): DenyEntry[] {
  return deny.map((entry) => ({ entry, words: splitPolicyEntry(entry) })).filter((e) => e.words.length > 0);
}

export function commandName(word: string): string {
  const base = word.split('/').pop() ?? word;
  return base.toLowerCase();
}

/** Finds a deny-list match in a parsed line (every simple command, at any depth). */
export function findDenied(commands: readonly SimpleCommand[], deny: readonly DenyEntry[], recursion = 0): DenyHit | null {
  if (deny.length === 0) return null;
  for (const command of commands) {
    const hit = deniedArgs(command.node.words.map(toArg), deny, recursion);
    if (hit) return hit;
  }
  return null;
}

/** The basename part of a word, as a pattern for what command name it could be. */
function namePattern(parts: readonly WordPart[]): RegExp {
  let start = 0;
  let cut: WordPart | null = null;
  parts.forEach((p, i) => {
    if (p.kind === 'text' && p.text.includes('/')) {
      start = i;
      cut = { ...p, text: p.text.slice(p.text.lastIndexOf('/') + 1) };
    }
  });
  const tail = cut ? [cut, ...parts.slice(start + 1)] : parts;
  return new RegExp(`^${wordPatternSource(tail)}$`, 'is');
}

function toArg(word: ShellWord): Arg {
  const wildcard = wordWildcard(word);
  if (!wildcard) return { exact: literalValue(word)! };
  return { wild: wildcard.pattern, multi: wildcard.multi, display: word.value, name: namePattern(word.parts) };
}

function isExact(arg: Arg): arg is { exact: string } {
  return 'exact' in arg;
}

function candidates(args: readonly Arg[]): Arg[][] {
  const out: Arg[][] = [[...args]];
  const first = args[0];
  const name = isExact(first) ? commandName(first.exact) : null;
  // A name only known at run time could itself be a wrapper.
  if (name === null || WRAPPERS.has(name)) {
    const extra = name !== null && APPENDING_WRAPPERS.has(name) ? [ANYTHING] : [];
    for (let i = 1; i < args.length; i++) out.push([...args.slice(i), ...extra]);
  }
  if (name === 'find') {
    args.forEach((a, i) => {
      if (isExact(a) && /^-(exec|execdir|ok|okdir)$/.test(a.exact)) {
        // `{}` becomes the names find finds: any value.
        out.push(args.slice(i + 1).map((x) => (isExact(x) && x.exact.includes('{}') ? ANYTHING : x)));
      }
    });
  }
  return out;
}

function deniedArgs(args: readonly Arg[], deny: readonly DenyEntry[], recursion: number): DenyHit | null {
  if (args.length === 0 || recursion > MAX_RECURSION) return null;
  for (const candidate of candidates(args)) {
    for (const entry of deny) {
      const hit = matchEntry(candidate, entry);
      if (hit) return hit;
    }
    const inner = innerCommandLine(candidate);
    if (inner === null) continue;
    if (typeof inner !== 'string') {
      const entry = deny[0];
      return { entry: entry.entry, reason: `the command line \`${inner.display}\` runs is only known at run time and could be \`${entry.words.join(' ')}\` (deny-list \`${entry.entry}\`)` };
    }
    const parsed = parseShellCommand(inner);
    const hit = parsed.ok ? findDenied(parsed.commands, deny, recursion + 1) : crudeDenyScan(inner, deny);
    if (hit) return hit;
  }
  return null;
}

/** The command line a candidate runs as a string (`sh -c '...'`, `eval ...`), a wildcard when unknown, or null. */
function innerCommandLine(args: readonly Arg[]): string | Extract<Arg, { wild: RegExp }> | null {
  const first = args[0];
  if (!first || !isExact(first)) return null;
  const name = commandName(first.exact);
  let script: readonly Arg[] = [];
  if (name === 'eval') script = args.slice(1);
  else if (SHELLS.has(name)) {
    const flag = args.findIndex((a, i) => i > 0 && isExact(a) && /^-[A-Za-z]*c[A-Za-z]*$/.test(a.exact));
    if (flag < 0) return null;
    script = args.slice(flag + 1, flag + 2);
  } else return null;
  if (script.length === 0) return null;
  const wild = script.find((a) => !isExact(a));
  if (wild && !isExact(wild)) return wild;
  return script.map((a) => (a as { exact: string }).exact).join(' ');
}

/**
 * A deny entry matches when the command name is the same (by base name,
 * case-folded: `/bin/RM` on a case-insensitive disk is `rm`), every flag of
 * the entry is present in any order or spelling (`-rf`, `-fr`, `-r -f`,
 * `--recursive --force`), and its other words appear in order. A wildcard can
 * stand for any of these. This errs on the side of refusing.
 */
function matchEntry(args: readonly Arg[], entry: DenyEntry): DenyHit | null {
  const [first, ...rest] = args;
  const entryName = commandName(entry.words[0]);
  let dynamicName = false;
  if (isExact(first)) {
    if (commandName(first.exact) !== entryName) return null;
  } else {
    if (!first.name.test(entryName)) return null;
    dynamicName = true;
    // One unquoted word can split into the whole command: `X="rm -rf"; $X /`.
    if (first.multi) return wildHit(entry, first.display);
  }
  const shortFlags = new Set<string>();
  const longFlags = new Set<string>();
  const exact: string[] = [];
  const wild: { wild: RegExp }[] = [];
  for (const arg of rest) {
    if (!isExact(arg)) {
      wild.push(arg);
      continue;
    }
    exact.push(arg.exact);
    if (/^-[A-Za-z0-9]+$/.test(arg.exact)) for (const letter of arg.exact.slice(1)) shortFlags.add(letter.toLowerCase());
    else if (arg.exact.startsWith('--')) {
      const long = arg.exact.split('=')[0].toLowerCase();
      longFlags.add(long);
      // Programs accept unambiguous abbreviations (`--rec`, `--forc`): they count as the full option.
      for (const [full, letter] of Object.entries(LONG_FLAG_LETTERS)) if (long.length >= 4 && full.startsWith(long)) shortFlags.add(letter);
    }
  }
  const wildCould = (text: string) => wild.some((w) => w.wild.test(text));
  let usedWild = false;
  let next = 0;
  for (const part of entry.words.slice(1)) {
    if (/^-[A-Za-z0-9]+$/.test(part)) {
      for (const letter of part.slice(1)) {
        if (shortFlags.has(letter.toLowerCase())) continue;
        if (!wildCould(`-${letter}`) && !wildCould(part)) return null;
        usedWild = true;
      }
    } else if (part.startsWith('--')) {
      const letter = LONG_FLAG_LETTERS[part];
      const wanted = part.toLowerCase();
      if ([...longFlags].some((l) => l === wanted || (l.length >= 4 && wanted.startsWith(l))) || (letter && shortFlags.has(letter))) continue;
      if (!wildCould(part)) return null;
      usedWild = true;
    } else {
      const index = exact.indexOf(part, next);
      if (index >= 0) {
        next = index + 1;
        continue;
      }
      if (!wildCould(part)) return null;
      usedWild = true;
    }
  }
  if (dynamicName) return wildHit(entry, (first as { display: string }).display);
  const shown = args.map((a) => (isExact(a) ? a.exact : a.display)).join(' ');
  if (usedWild) {
    return { entry: entry.entry, reason: `\`${shown}\` could become \`${entry.words.join(' ')}\` when it runs: some of its arguments are only known at run time (deny-list \`${entry.entry}\`)` };
  }
  return { entry: entry.entry, reason: `\`${shown}\` matches your deny-list entry \`${entry.entry}\`` };
}

function wildHit(entry: DenyEntry, display: string): DenyHit {
  return {
    entry: entry.entry,
    reason: `the command name \`${display}\` is only known at run time and could be \`${commandName(entry.words[0])}\` (deny-list \`${entry.entry}\`)`,
  };
}

/**
 * For lines that do not parse: splits on every shell metacharacter after
 * decoding `$'...'` and dropping quotes and backslashes, and checks every word
 * sequence, once with invisible and control characters as separators and
 * once with them removed (a shell may do either). Cruder and stricter than
 * the parser (`echo 'rm -rf'` matches), which is right for a line that needs
 * the user's attention anyway.
 */
export function crudeDenyScan(text: string, deny: readonly DenyEntry[]): DenyHit | null {
  if (deny.length === 0) return null;
  const decoded = text.replace(/\$'((?:[^'\\]|\\[\s\S])*)'/g, (_m, body: string) => decodeAnsiCQuoted(body)).replace(/\\\n/g, '');
  const variants = [spaceOut(decoded), strip(decoded)];
  for (const variant of variants) {
    const cleaned = variant.replace(/[\\'"]/g, '');
    for (const segment of cleaned.split(/[;&|()<>`\n{}$#]+/)) {
      const words = segment.trim().split(/\s+/).filter(Boolean);
      for (let i = 0; i < words.length; i++) {
        const args = words.slice(i).map((w): Arg => ({ exact: w }));
        for (const entry of deny) {
          const hit = matchEntry(args, entry);
          if (hit) return hit;
        }
      }
    }
  }
  return null;
}

function spaceOut(text: string): string {
  let out = '';
  for (const c of text) out += suspiciousCharacter(c) ? ' ' : c;
  return out;
}

function strip(text: string): string {
  let out = '';
  for (const c of text) out += suspiciousCharacter(c) ? '' : c;
  return out;
}
