import { canonicalCommandLine } from './canonicalCommand';
import { argumentReason, wordsForMatching } from './commandArguments';
import { commandName, crudeDenyScan, denyEntries, findDenied, SHELLS, WRAPPERS } from './commandDenyList';
import { optionLikeGlobReason, outsidePathReason, type CommandPathContext } from './commandPaths';
import { assignmentReason } from './environmentAssignments';
import { networkReason } from './networkCommands';
import { environmentCreationReason } from './environmentCommands';
import { parseShellCommand, splitPolicyEntry, type SimpleCommand } from './shellCommand';
import { isStaticWord, literalValue, type ListNode, type ShellWord } from './shellWord';

/** What the policy decided about a command line before anything runs. */
export type CommandVerdict =
  /**
   * Runs without asking. `exec` is the command line regenerated from what
   * was judged (every word re-quoted); run it instead of the original so that
   * nothing the shell reads differently from the parser can run unchecked.
   */
  | { action: 'run'; exec?: string }
  /**
   * The user must approve. `reason` is `reasons[0]`, the most important one
   * ("`rm` is not in your allow-list"); `network` says the command needs the
   * network; `installs` that it installs (it needs the network, or it creates
   * a Python environment), so once approved it may write execution-sensitive
   * files such as node_modules/ or .venv/; `suggestedRule` is the allow-list entry that would let exactly
   * this command run next time, when one safely can.
   */
  | { action: 'ask'; reason: string; reasons: string[]; network: boolean; installs: boolean; suggestedRule?: string }
  /** A deny-list match: refused outright, the user is not even asked. */
  | { action: 'deny'; reason: string };

export interface CommandLists {
  allow: readonly string[];
  deny: readonly string[];
}

/** Where the command will run: the workspace folders' real paths and the working directory. */
export type CommandContext = CommandPathContext;

/**
 * Commands that run code the policy cannot see (a string, a file, stdin, or
 * another command given as arguments), so they always need approval, even
 * when the user's allow-list names them.
 */
const ALWAYS_ASK = new Set([...SHELLS, 'eval', 'exec', 'source', '.', 'alias', 'trap']);

/**
 * Never suggested as a rule: programs that run whatever code they are given
 * (the rule would allow any code) and programs that delete or overwrite
 * (`rm` as a rule would allow every `rm`).
 */
const NEVER_SUGGESTED =
  /^(node|nodejs|deno|bun|python[0-9.]*|pypy[0-9.]*|ruby|perl[0-9.]*|php[0-9.]*|lua[0-9.]*|luajit|tclsh|wish|java|jshell|osascript|r|rscript|julia|awk|gawk|mawk|nawk|sed|gsed|find|tee|vim|vi|nvim|emacs|nano|less|more|man|ssh|rm|rmdir|unlink|mv|cp|ln|install|chmod|chown|chgrp|dd|truncate|shred|kill|killall|pkill|mount|umount|crontab|launchctl|systemctl)$/;

/** Programs whose first argument (and for `run`, the script name) is part of a suggested rule. */
const SUBCOMMAND_PROGRAMS = new Set(['git', 'npm', 'pnpm', 'yarn', 'bun', 'cargo', 'go', 'make', 'gmake', 'docker', 'podman', 'pip', 'pip3', 'dotnet', 'deno', 'poetry', 'uv', 'mvn', 'gradle', 'kubectl', 'just', 'task']);

/**
 * Decides whether a command line runs without asking, needs approval, or is
 * refused. The rules, strictest first:
 * 1. A deny-list match anywhere (inside subshells, substitutions, behind
 *    wrappers such as `env` or `xargs`, inside `sh -c '...'` or `eval`), on
 *    the words after quote removal and decoding, refuses the command outright.
 *    A word only known at run time matches whatever it could become. Lines
 *    that cannot be parsed get a cruder word scan.
 * 2. A line that cannot be parsed (or contains characters the shell may read
 *    differently) needs approval.
 * 3. The line runs without asking only when every simple command in it
 *    matches an allow-list entry as a word prefix, with fixed words only (no
 *    `$X`, no `$(...)`), no option that makes the program write, run or read
 *    elsewhere, no path outside the workspace, no file-writing redirection,
 *    only harmless `NAME=value` prefixes, and no need for the network.
 */
export function evaluateCommand(commandLine: string, lists: CommandLists, context?: CommandContext): CommandVerdict {
  const deny = denyEntries(lists.deny);
  const allow = lists.allow.map(splitPolicyEntry).filter((words) => words.length > 0);
  if (commandLine.trim() === '') return ask(['the command is empty'], false, false);

  const parsed = parseShellCommand(commandLine);
  const denied = parsed.ok ? findDenied(parsed.commands, deny) : crudeDenyScan(commandLine, deny);
  if (denied) return { action: 'deny', reason: denied.reason };
  if (!parsed.ok) {
    const network = crudeNeedsNetwork(commandLine);
    return ask([`the command line cannot be checked automatically (${parsed.error})`], network, network);
  }

  const reasons: string[] = [];
  let network = false;
  let installs = false;
  for (const command of parsed.commands) {
    const judged = judgeCommand(command, allow, context);
    reasons.push(...judged.reasons);
    network ||= judged.network;
    installs ||= judged.installs;
  }
  if (reasons.length === 0) {
    const exec = canonicalOrNull(parsed.program);
    if (exec !== null) return { action: 'run', exec };
    reasons.push('the command line cannot be rewritten in a form that is sure to run as checked');
  }
  const suggestedRule = suggestRule(parsed.program, parsed.commands, lists, context);
  return ask([...new Set(reasons)], network, installs, suggestedRule);
}

function canonicalOrNull(program: ListNode): string | null {
  try {
    return canonicalCommandLine(program);
  } catch {
    return null;
  }
}

function ask(reasons: string[], network: boolean, installs: boolean, suggestedRule?: string): CommandVerdict {
  return { action: 'ask', reason: reasons[0], reasons, network, installs, ...(suggestedRule ? { suggestedRule } : {}) };
}

interface Judgement {
  reasons: string[];
  network: boolean;
  /** It needs the network or creates a Python environment (see CommandVerdict). */
  installs: boolean;
  /** Only "not in your allow-list" stood in the way. */
  onlyNotAllowed: boolean;
}

/** Every reason one simple command needs approval (empty when the allow-list covers it). */
function judgeCommand(command: SimpleCommand, allow: readonly string[][], context: CommandContext | undefined): Judgement {
  const { node } = command;
  const reasons: string[] = [];
  let notAllowed = false;
  const unusual = [...node.words, ...node.assignments.map((a) => a.value), ...node.redirections.map((r) => r.target)].find((w) => w.unusual);
  if (unusual) reasons.push(`\`${unusual.value}\` is read differently by different shells: ${unusual.unusual}`);

  for (const r of node.redirections) {
    const reason = redirectionReason(r.op, r.target, context);
    if (reason) reasons.push(reason);
  }
  if (node.words.length === 0) {
    if (node.assignments.length > 0) reasons.push(`it sets \`${node.assignments[0].name}\` for the commands after it`);
    return { reasons, network: false, installs: false, onlyNotAllowed: false };
  }

  const nameWord = node.words[0];
  const name = literalValue(nameWord);
  if (name === null) {
    reasons.push(`the command name \`${nameWord.value}\` is only known when it runs`);
    return { reasons, network: false, installs: false, onlyNotAllowed: false };
  }
  if (nameWord.quoted) reasons.push(`the command name \`${name}\` is quoted or escaped, which can hide what runs`);
  if (/[^\x21-\x7e]/.test(name)) reasons.push(`the command name \`${name}\` contains characters other than plain ASCII letters, which may imitate another command`);
  const base = commandName(name);
  if (ALWAYS_ASK.has(base)) reasons.push(`\`${base}\` runs code that cannot be checked in advance`);
  else if (WRAPPERS.has(base)) reasons.push(`\`${base}\` runs another command, which cannot be checked in advance`);

  for (const a of node.assignments) {
    const reason = isStaticWord(a.value) && literalValue(a.value) !== null ? assignmentReason(a.name, literalValue(a.value) ?? '') : `it sets \`${a.name}\` to a value only known when it runs`;
    if (reason) reasons.push(reason);
  }

  const dynamicArg = node.words.slice(1).find((w) => !isStaticWord(w));
  if (dynamicArg) reasons.push(`the argument \`${dynamicArg.value}\` is only known when it runs, so what it names cannot be checked`);

  const words = node.words.map((w) => w.value);
  const matched = wordsForMatching(words);
  const allowed = node.words.every(isStaticWord) && allow.some((entry) => entry.length <= matched.length && entry.every((w, i) => matched[i] === w));
  if (!dynamicArg) {
    const optionReason = argumentReason(words);
    if (optionReason) reasons.push(optionReason);
    // The option checks read the words as written; a pattern the shell expands into an option slips past them.
    for (const word of node.words.slice(1)) {
      const reason = optionLikeGlobReason(word, context);
      if (reason) {
        reasons.push(reason);
        break;
      }
    }
    for (const word of node.words.slice(1)) {
      const eq = word.value.startsWith('-') ? word.value.indexOf('=') : -1;
      const reason = outsidePathReason(word, context, eq >= 0 ? eq + 1 : 0);
      if (reason) {
        reasons.push(reason.replace(/^it names/, 'it reads or writes'));
        break;
      }
    }
  }
  const network = commandNetworkReason(words);
  if (network) reasons.push(network);
  const environment = environmentCreationReason(words);
  if (environment) reasons.push(environment);
  // Last: what the command would do matters more to the user than that no rule covers it.
  if (!allowed && !dynamicArg) {
    notAllowed = true;
    const shown = words.slice(0, words[1] === 'run' || words[1] === 'run-script' ? 3 : 2).join(' ');
    reasons.push(`\`${shown}\` is not in your allow-list`);
  }
  return { reasons, network: network !== null, installs: network !== null || environment !== null, onlyNotAllowed: notAllowed && reasons.length === 1 };
}

function redirectionReason(op: string, target: ShellWord, context: CommandContext | undefined): string | null {
  const literal = literalValue(target);
  if ((op === '>&' || op === '<&') && literal !== null && /^(\d|-)$/.test(literal)) return null;
  if (!isStaticWord(target)) return `the redirection target \`${target.value}\` is only known when it runs`;
  if (op === '<') {
    const outside = outsidePathReason(target, context);
    return outside ? outside.replace(/^it names/, 'it reads') : null;
  }
  if (literal === '/dev/null') return null;
  return `it writes to \`${target.value}\` through a redirection`;
}

/** The allow-list entry that would let exactly this command run, when it is one plain command. */
function suggestRule(program: ListNode, commands: readonly SimpleCommand[], lists: CommandLists, context: CommandContext | undefined): string | undefined {
  if (commands.length !== 1 || program.items.length !== 1 || program.items[0].pipeline.commands.length !== 1) return undefined;
  const [command] = commands;
  const node = command.node;
  if (node.kind !== 'simple' || node.words.length === 0 || node.assignments.length > 0) return undefined;
  const words = node.words.map(literalValue);
  if (words.some((w) => w === null)) return undefined;
  const literal = words as string[];
  const name = literal[0];
  if (!/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(name) || NEVER_SUGGESTED.test(name.toLowerCase())) return undefined;
  if (!judgeCommand(command, [], context).onlyNotAllowed) return undefined;
  let rule = [name];
  if (SUBCOMMAND_PROGRAMS.has(name)) {
    const sub = literal[1];
    if (!sub || !/^[A-Za-z0-9][A-Za-z0-9:._-]*$/.test(sub)) return undefined;
    rule = [name, sub];
    if ((sub === 'run' || sub === 'run-script') && literal[2] && /^[A-Za-z0-9][A-Za-z0-9:._-]*$/.test(literal[2])) rule.push(literal[2]);
  }
  const entry = rule.join(' ');
  // The rule is only worth suggesting if it really lets this command run.
  const check = evaluateCommand(canonicalCommandLine(program), { allow: [entry], deny: lists.deny }, context);
  return check.action === 'run' ? entry : undefined;
}

/** Whether the command, or one it wraps (`env npm install`, `sh -c 'git fetch'`), needs the network. */
function commandNetworkReason(words: readonly string[]): string | null {
  const direct = networkReason(words);
  if (direct) return direct;
  const base = commandName(words[0]);
  if (WRAPPERS.has(base)) {
    for (let i = 1; i < words.length; i++) {
      const inner = networkReason(words.slice(i));
      if (inner) return inner;
    }
  }
  if (SHELLS.has(base) || base === 'eval') {
    const flag = words.findIndex((w, i) => i > 0 && /^-[A-Za-z]*c[A-Za-z]*$/.test(w));
    const script = base === 'eval' ? words.slice(1).join(' ') : flag > 0 ? words[flag + 1] ?? '' : '';
    if (crudeNeedsNetwork(script)) return `\`${base}\` runs a command that needs network access`;
  }
  return null;
}

/** For lines that do not parse: does any plausible command in them need the network? */
function crudeNeedsNetwork(text: string): boolean {
  for (const segment of text.replace(/[\\'"]/g, '').split(/[;&|()<>`\n{}$#]+/)) {
    const words = segment.trim().split(/\s+/).filter(Boolean);
    for (let i = 0; i < words.length; i++) if (networkReason(words.slice(i))) return true;
  }
  return false;
}
