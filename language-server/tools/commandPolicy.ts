import { parseShellCommand, splitPolicyEntry, type SimpleCommand } from './shellCommand';

/** What the policy decided about a command line before anything runs. */
export type CommandVerdict =
  | { action: 'run' }
  /** A deny-list match: refused outright, the user is not even asked. */
  | { action: 'deny'; reason: string }
  /** The user must approve; `reason` says why in one phrase ("`rm` is not in your allow-list"). */
  | { action: 'ask'; reason: string };

export interface CommandLists {
  allow: readonly string[];
  deny: readonly string[];
}

/**
 * Commands that only run other commands. A deny-list entry must still match
 * when it hides behind one (`env rm -rf /`, `xargs rm -rf`, `timeout 5 curl x`),
 * so for these every suffix of the arguments is checked as a command.
 */
const WRAPPERS = new Set([
  'sudo', 'doas', 'su', 'env', 'nice', 'nohup', 'time', 'timeout', 'stdbuf', 'xargs', 'command', 'builtin', 'exec',
  'chroot', 'watch', 'strace', 'ltrace', 'nsenter', 'unshare', 'setsid', 'flock', 'ionice', 'taskset', 'chrt', 'caffeinate',
  'runuser', 'parallel', 'unbuffer', 'script', 'busybox', 'npx', 'pnpx', 'bunx',
]);

/** Shells, whose `-c` argument is a whole new command line. */
const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'fish', 'csh', 'tcsh', 'ash']);

/**
 * Commands that run code the policy cannot see (a string, a file, stdin), so
 * they always need approval, even when the user's allow-list names them.
 */
const ALWAYS_ASK = new Set([...SHELLS, 'eval', 'exec', 'source', '.', 'alias']);

/** Variables that change which program runs or what it loads, when set in front of an allowed command. */
const DANGEROUS_ASSIGNMENT =
  /^(PATH|IFS|ENV|BASH_ENV|SHELLOPTS|BASHOPTS|PS4|PROMPT_COMMAND|CDPATH|HOME|NODE_OPTIONS|NODE_PATH|PYTHONPATH|PYTHONSTARTUP|PYTHONHOME|PERL5OPT|PERL5LIB|RUBYOPT|RUBYLIB|GIT_.*|LD_.*|DYLD_.*|npm_config_.*|NPM_CONFIG_.*)$/;

/** Long options that mean the same as the short flags deny entries usually spell. */
const LONG_FLAG_LETTERS: Record<string, string> = { '--recursive': 'r', '--force': 'f' };

const MAX_RECURSION = 8;

/**
 * Decides whether a command line runs without asking, needs approval, or is
 * refused. The rules, strictest first:
 * 1. A deny-list match anywhere (inside subshells, substitutions, behind
 *    wrappers such as `env` or `xargs`, inside `sh -c '...'` or `eval`) refuses
 *    the command outright; this also applies to lines that cannot be parsed,
 *    through a cruder word scan.
 * 2. A line that cannot be parsed needs approval.
 * 3. The line runs without asking only when every simple command in it
 *    matches the allow-list as a word prefix and does nothing the prefix does
 *    not show (no file-writing redirection, no `PATH=` in front, no command
 *    name computed at run time).
 */
export function evaluateCommand(commandLine: string, lists: CommandLists): CommandVerdict {
  const deny = lists.deny.map((entry) => ({ entry, words: splitPolicyEntry(entry) })).filter((e) => e.words.length > 0);
  const allow = lists.allow.map(splitPolicyEntry).filter((words) => words.length > 0);
  if (commandLine.trim() === '') return { action: 'ask', reason: 'the command is empty' };

  const parsed = parseShellCommand(commandLine);
  const denied = parsed.ok ? findDenied(parsed.commands, deny, 0) : crudeDenyScan(commandLine, deny);
  if (denied) return { action: 'deny', reason: `\`${denied.words.join(' ')}\` matches your deny-list entry \`${denied.entry}\`` };
  if (!parsed.ok) return { action: 'ask', reason: `the command line cannot be checked automatically (${parsed.error})` };

  for (const command of parsed.commands) {
    const reason = approvalReason(command, allow);
    if (reason) return { action: 'ask', reason };
  }
  return { action: 'run' };
}

interface DenyEntry {
  entry: string;
  words: string[];
}

interface DenyHit {
  entry: string;
  words: string[];
}

function findDenied(commands: readonly SimpleCommand[], deny: readonly DenyEntry[], recursion: number): DenyHit | null {
  for (const command of commands) {
    const hit = deniedWords(command.words, deny, recursion);
    if (hit) return hit;
  }
  return null;
}

function deniedWords(words: readonly string[], deny: readonly DenyEntry[], recursion: number): DenyHit | null {
  if (words.length === 0 || recursion > MAX_RECURSION) return null;
  const candidates: (readonly string[])[] = [words];
  const name = commandName(words[0]);
  if (WRAPPERS.has(name)) {
    for (let i = 1; i < words.length; i++) candidates.push(words.slice(i));
  }
  if (name === 'find') {
    words.forEach((w, i) => {
      if (/^-(exec|execdir|ok|okdir)$/.test(w)) candidates.push(words.slice(i + 1));
    });
  }
  for (const candidate of candidates) {
    for (const entry of deny) {
      if (matchesDenyEntry(candidate, entry.words)) return { entry: entry.entry, words: [...candidate] };
    }
    const inner = innerCommandLine(candidate);
    if (inner !== null) {
      const parsed = parseShellCommand(inner);
      const hit = parsed.ok ? findDenied(parsed.commands, deny, recursion + 1) : crudeDenyScan(inner, deny);
      if (hit) return hit;
    }
  }
  return null;
}

/** The command line a candidate runs as a string: `sh -c '...'`, `eval ...`. */
function innerCommandLine(words: readonly string[]): string | null {
  const name = commandName(words[0] ?? '');
  if (name === 'eval') return words.slice(1).join(' ');
  if (SHELLS.has(name)) {
    const flag = words.findIndex((w, i) => i > 0 && /^-[A-Za-z]*c[A-Za-z]*$/.test(w));
    if (flag > 0 && flag + 1 < words.length) return words[flag + 1];
  }
  return null;
}

/**
 * A deny entry matches when the command name is the same (by base name,
 * case-folded: `/bin/RM` on a case-insensitive disk is `rm`), every flag of
 * the entry is present in any order or spelling (`-rf`, `-fr`, `-r -f`,
 * `--recursive --force`), and its other words appear in order. This errs on
 * the side of refusing: the deny-list is the user's hard line.
 */
function matchesDenyEntry(words: readonly string[], entry: readonly string[]): boolean {
  if (words.length === 0 || commandName(words[0]) !== commandName(entry[0])) return false;
  const args = words.slice(1);
  const shortFlags = new Set<string>();
  const longFlags = new Set<string>();
  for (const arg of args) {
    if (/^-[A-Za-z0-9]+$/.test(arg)) for (const letter of arg.slice(1)) shortFlags.add(letter.toLowerCase());
    else if (arg.startsWith('--')) {
      const long = arg.split('=')[0];
      longFlags.add(long);
      const letter = LONG_FLAG_LETTERS[long];
      if (letter) shortFlags.add(letter);
    }
  }
  let next = 0;
  for (const part of entry.slice(1)) {
    if (/^-[A-Za-z0-9]+$/.test(part)) {
      for (const letter of part.slice(1)) if (!shortFlags.has(letter.toLowerCase())) return false;
    } else if (part.startsWith('--')) {
      const letter = LONG_FLAG_LETTERS[part];
      if (!longFlags.has(part) && !(letter && shortFlags.has(letter))) return false;
    } else {
      const index = args.indexOf(part, next);
      if (index < 0) return false;
      next = index + 1;
    }
  }
  return true;
}

/**
 * For lines that do not parse: splits on every shell metacharacter after
 * dropping quotes and backslashes, and checks every word sequence. Cruder and
 * stricter than the parser (`echo 'rm -rf'` matches), which is right for a
 * line that needs the user's attention anyway.
 */
function crudeDenyScan(text: string, deny: readonly DenyEntry[]): DenyHit | null {
  const cleaned = text.replace(/\\\n/g, '').replace(/[\\'"]/g, '');
  for (const segment of cleaned.split(/[;&|()<>`\n{}$]+/)) {
    const words = segment.trim().split(/\s+/).filter(Boolean);
    for (let i = 0; i < words.length; i++) {
      const candidate = words.slice(i);
      for (const entry of deny) if (matchesDenyEntry(candidate, entry.words)) return { entry: entry.entry, words: candidate };
    }
  }
  return null;
}

/** Why one simple command needs approval, or null when the allow-list covers it. */
function approvalReason(command: SimpleCommand, allow: readonly string[][]): string | null {
  const writes = command.redirections.find((r) => writesFile(r.op, r.target));
  if (command.words.length === 0) {
    if (writes) return `it writes to \`${writes.target}\` through a redirection`;
    if (command.assignments.length > 0) return `it sets \`${command.assignments[0].name}\` for the commands after it`;
    return null;
  }
  const name = commandName(command.words[0]);
  if (command.dynamicName) return `the command name \`${command.words[0]}\` is only known when it runs`;
  if (ALWAYS_ASK.has(name)) return `\`${name}\` runs code that cannot be checked in advance`;
  const risky = command.assignments.find((a) => DANGEROUS_ASSIGNMENT.test(a.name));
  if (risky) return `it sets \`${risky.name}\`, which changes what the command runs`;
  if (writes) return `it writes to \`${writes.target}\` through a redirection`;
  const allowed = allow.some((entry) => entry.length <= command.words.length && entry.every((w, i) => command.words[i] === w));
  if (!allowed) return `\`${command.words.slice(0, 2).join(' ')}\` is not in your allow-list`;
  return null;
}

function writesFile(op: string, target: string): boolean {
  if (op === '<' || op === '<&') return false;
  if (op === '>&') return !/^(\d+|-)$/.test(target);
  return target !== '/dev/null';
}

function commandName(word: string): string {
  const base = word.split('/').pop() ?? word;
  return base.toLowerCase();
}
