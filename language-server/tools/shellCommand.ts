/**
 * A small parser for the POSIX shell command lines the agent asks to run.
 *
 * It exists for the approval policy: to decide whether a command line may run
 * without asking, every simple command in it (including those inside
 * subshells, `$( )` and backticks) must be known, and known the way /bin/sh
 * (dash, or bash in POSIX mode) will read it. So the parser understands
 * exactly the syntax whose meaning it can be sure of (quotes, escapes, `&&`,
 * `||`, `;`, `|`, `&`, newlines, comments, `( )`, `$( )`, backticks,
 * variables, globs and redirections) and fails on everything else: control
 * characters other than newline and tab (dash does not treat `\r` as a blank),
 * invisible or look-alike Unicode spaces, here-documents, keywords such as
 * `if` or `{`, arithmetic, process substitution. A failure is not an error for
 * the user: the policy then asks for approval, which is the safe answer for
 * what cannot be checked. Words that bash and dash read differently (`$'...'`,
 * brace expansion) parse, but are marked `unusual`.
 *
 * The result is a tree (`program`) from which the policy regenerates the
 * command line it judged, and a flat list of simple commands (`commands`).
 */
import type { CommandNode, ListNode, PipelineNode, RedirectionNode, ShellWord, SimpleCommandNode, WordPart } from './shellWord';
import { codePointLabel, findHiddenCharacter } from '../../protocol/hiddenCharacters';

export interface Redirection {
  /** `>`, `>>`, `>|`, `<`, `<>`, `>&` or `<&`. */
  readonly op: string;
  /** The explicit file descriptor (`2` in `2>&1`), if any. */
  readonly fd?: number;
  /** The target after quote removal. */
  readonly target: string;
  /** The target contains an expansion or a substitution, so its value is only known at run time. */
  readonly dynamicTarget: boolean;
}

export interface SimpleCommand {
  /** Command name and arguments after quote removal; empty for pure assignments or redirections. */
  readonly words: string[];
  /** `NAME=value` words before the command name. */
  readonly assignments: { name: string; value: string }[];
  readonly redirections: Redirection[];
  /** The command name contains `$VAR`, a substitution or a glob, so what runs is decided at run time. */
  readonly dynamicName: boolean;
  /** 0 at the top level; 1 or more inside subshells and substitutions. */
  readonly depth: number;
  /** The same command as parsed words, for checks that need to know what is quoted or expanded. */
  readonly node: SimpleCommandNode;
}

export type ParsedCommandLine =
  | { ok: true; commands: SimpleCommand[]; program: ListNode }
  | { ok: false; error: string; commands: SimpleCommand[] };

/** Thrown inside the parser; `parseShellCommand` turns it into `{ ok: false }`. */
class ShellSyntaxError extends Error {}

const MAX_LENGTH = 100_000;
const MAX_DEPTH = 32;
const OPERATOR_CHARS = ';&|()<>';
const RESERVED_WORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'case', 'esac', 'while', 'until', 'for', 'in', 'function', 'select', '!', '{', '}', '[[', ']]', 'coproc']);

/** Names for the characters the parser refuses, so the reason tells the user what is hidden in the line. */
const CHARACTER_NAMES: Record<string, string> = {
  '\r': 'a carriage return (\\r)',
  '\v': 'a vertical tab (\\v)',
  '\f': 'a form feed (\\f)',
  '\0': 'a NUL character',
  '\x1b': 'an escape character (ESC)',
  '\x7f': 'a DEL character',
  '\u00a0': 'a no-break space',
  '\u200b': 'a zero-width space',
  '\u200c': 'a zero-width non-joiner',
  '\u200d': 'a zero-width joiner',
  '\u2028': 'a line separator',
  '\u202e': 'a right-to-left override',
  '\ufeff': 'a zero-width no-break space (BOM)',
};

/** Why the line contains a character the shell and a reader (or this parser) may see differently, or null. */
export function suspiciousCharacter(source: string): string | null {
  const found = findHiddenCharacter(source);
  if (!found) return null;
  return `it contains ${CHARACTER_NAMES[found.char] ?? 'an invisible or control character'} (${codePointLabel(found.char)}) at position ${found.index + 1}, which the shell may read differently from how it looks`;
}

/** Parses a command line into its simple commands, or says why it cannot. */
export function parseShellCommand(source: string): ParsedCommandLine {
  const commands: SimpleCommand[] = [];
  if (source.length > MAX_LENGTH) return { ok: false, error: 'the command line is too long to check', commands };
  const suspicious = suspiciousCharacter(source);
  if (suspicious) return { ok: false, error: suspicious, commands };
  try {
    const program = new ShellParser(source, commands, 0).parseProgram();
    return { ok: true, commands, program };
  } catch (e) {
    if (e instanceof ShellSyntaxError) return { ok: false, error: e.message, commands };
    // Deep nesting can overflow the stack; that is also "cannot be checked".
    return { ok: false, error: `the command line could not be parsed (${(e as Error).message})`, commands };
  }
}

/**
 * Splits one allow- or deny-list entry ("npm test", "git push --force") into
 * words with the same quote rules as commands, so entries and commands are
 * compared word by word.
 */
export function splitPolicyEntry(entry: string): string[] {
  const parsed = parseShellCommand(entry.trim());
  if (parsed.ok && parsed.commands.length === 1 && parsed.commands[0].words.length > 0) return parsed.commands[0].words;
  return entry.trim().split(/\s+/).filter(Boolean);
}

/** Decodes bash's `$'...'` escapes (the body without the quotes). */
export function decodeAnsiCQuoted(body: string): string {
  return body.replace(/\\(x[0-9A-Fa-f]{1,2}|u[0-9A-Fa-f]{1,4}|U[0-9A-Fa-f]{1,8}|[0-7]{1,3}|c.|.)/gs, (_m, esc: string) => {
    const simple: Record<string, string> = { a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };
    if (esc.length === 1 && esc in simple) return simple[esc];
    if (/^x/.test(esc)) return String.fromCharCode(parseInt(esc.slice(1), 16));
    if (/^[uU]/.test(esc)) return String.fromCodePoint(Math.min(parseInt(esc.slice(1), 16), 0x10ffff));
    if (/^[0-7]/.test(esc)) return String.fromCharCode(parseInt(esc, 8) & 0xff);
    if (/^c/.test(esc)) return String.fromCharCode(esc.charCodeAt(1) & 0x1f);
    return '\\' + esc;
  });
}

class WordBuilder {
  readonly parts: WordPart[] = [];
  value = '';
  quoted = false;
  unusual: string | null = null;
  unquotedText = '';

  text(text: string, quoted: boolean): void {
    if (text === '') return;
    const last = this.parts[this.parts.length - 1];
    if (last && last.kind === 'text' && last.quoted === quoted) last.text += text;
    else this.parts.push({ kind: 'text', text, quoted });
    this.value += text;
    if (quoted) this.quoted = true;
    else this.unquotedText += text;
  }

  push(part: WordPart, display: string): void {
    this.parts.push(part);
    this.value += display;
    if (part.kind === 'glob') this.unquotedText += display;
  }

  mark(reason: string): void {
    this.unusual ??= reason;
  }

  build(): ShellWord {
    // Bash expands `{a,b}` and `{1..3}`; dash leaves them as they are.
    if (/\{[^{}]*(,|\.\.)[^{}]*\}/.test(this.unquotedText)) this.mark('it uses brace expansion (`{a,b}`), which bash performs and dash does not');
    return { parts: this.parts, value: this.value, quoted: this.quoted, unusual: this.unusual };
  }
}

class ShellParser {
  private pos = 0;

  constructor(
    private readonly src: string,
    private readonly commands: SimpleCommand[],
    private depth: number,
  ) {}

  parseProgram(): ListNode {
    return this.parseList(null);
  }

  private fail(message: string): never {
    throw new ShellSyntaxError(message);
  }

  private eof(): boolean {
    return this.pos >= this.src.length;
  }

  private peek(offset = 0): string {
    return this.src[this.pos + offset] ?? '';
  }

  /** Skips spaces, tabs and backslash-newline continuations (not newlines: they separate commands). */
  private skipBlanks(): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t') this.pos++;
      else if (c === '\\' && this.peek(1) === '\n') this.pos += 2;
      else return;
    }
  }

  private skipComment(): void {
    while (!this.eof() && this.peek() !== '\n') this.pos++;
  }

  /** Parses pipelines and operators up to `closer` (consumed) or the end of input. */
  private parseList(closer: ')' | null): ListNode {
    const items: ListNode['items'] = [];
    let current: PipelineNode | null = null;
    let needCommand = false;
    let inPipe = false;
    for (;;) {
      this.skipBlanks();
      if (this.eof()) {
        if (closer) this.fail('a "(" is never closed');
        if (needCommand) this.fail('the command line ends with an operator');
        if (current) items.push({ pipeline: current, separator: ';' });
        return { kind: 'list', items };
      }
      const c = this.peek();
      if (c === '#') {
        this.skipComment();
        continue;
      }
      if (c === '\n') {
        this.pos++;
        // After `&&`, `||` or `|` the command may continue on the next line.
        if (!needCommand && current) {
          items.push({ pipeline: current, separator: ';' });
          current = null;
        }
        continue;
      }
      if (c === ')') {
        if (closer !== ')') this.fail('unexpected ")"');
        if (needCommand) this.fail('an operator has no command after it');
        this.pos++;
        if (current) items.push({ pipeline: current, separator: ';' });
        return { kind: 'list', items };
      }
      if (c === ';' || c === '&' || c === '|') {
        const two = this.src.slice(this.pos, this.pos + 2);
        const op = two === '&&' || two === '||' || two === ';;' || two === '|&' || two === ';&' ? two : c;
        this.pos += op.length;
        if (op === ';;' || op === '|&' || op === ';&') this.fail(`"${op}" is not supported`);
        if (!current || needCommand) this.fail(`syntax error near "${op}"`);
        if (op === '|') {
          needCommand = true;
          inPipe = true;
          continue;
        }
        items.push({ pipeline: current, separator: op as ';' | '&' | '&&' | '||' });
        current = null;
        needCommand = op === '&&' || op === '||';
        continue;
      }
      if (current && !inPipe) this.fail(`unexpected text after a command: "${this.src.slice(this.pos, this.pos + 20)}"`);
      let node: CommandNode;
      if (c === '(') {
        if (this.peek(1) === '(') this.fail('"((" is arithmetic in bash but two subshells in dash; it is not supported');
        this.pos++;
        const body = this.nested(() => this.parseList(')'));
        if (body.items.length === 0) this.fail('an empty "( )" is a syntax error');
        node = { kind: 'subshell', body, redirections: this.parseSubshellRedirections() };
      } else {
        node = this.parseSimpleCommand();
      }
      if (current && inPipe) current.commands.push(node);
      else current = { kind: 'pipeline', commands: [node] };
      needCommand = false;
      inPipe = false;
    }
  }

  private nested<T>(parse: () => T): T {
    if (this.depth >= MAX_DEPTH) this.fail('the command line is nested too deeply to check');
    this.depth++;
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  /** `( ... ) > file`: the redirections apply to the whole subshell, also recorded as a command without words. */
  private parseSubshellRedirections(): RedirectionNode[] {
    const redirections: RedirectionNode[] = [];
    for (;;) {
      this.skipBlanks();
      const redirection = this.tryRedirection();
      if (!redirection) break;
      redirections.push(redirection);
    }
    const c = this.peek();
    if (!this.eof() && c !== '\n' && c !== '#' && !OPERATOR_CHARS.includes(c)) this.fail('unexpected text after ")"');
    if (redirections.length > 0) {
      const node: SimpleCommandNode = { kind: 'simple', assignments: [], words: [], redirections };
      this.commands.push(flatten(node, this.depth));
    }
    return redirections;
  }

  private parseSimpleCommand(): SimpleCommandNode {
    const node: SimpleCommandNode = { kind: 'simple', assignments: [], words: [], redirections: [] };
    for (;;) {
      this.skipBlanks();
      if (this.eof()) break;
      const c = this.peek();
      if (c === '\n' || c === ';' || c === '&' || c === '|' || c === ')') break;
      if (c === '(') this.fail('"(" inside a command (a function definition or an array) is not supported');
      if (c === '#') {
        this.skipComment();
        continue;
      }
      const redirection = this.tryRedirection();
      if (redirection) {
        node.redirections.push(redirection);
        continue;
      }
      const assignment = node.words.length === 0 ? /^[A-Za-z_][A-Za-z0-9_]*=/.exec(this.src.slice(this.pos, this.pos + 256)) : null;
      if (assignment) {
        this.pos += assignment[0].length;
        node.assignments.push({ name: assignment[0].slice(0, -1), value: this.parseWord(true) });
        continue;
      }
      const word = this.parseWord(false);
      if (node.words.length === 0 && !word.quoted && word.parts.length === 1 && RESERVED_WORDS.has(word.value)) {
        this.fail(`the shell keyword "${word.value}" is not supported`);
      }
      node.words.push(word);
    }
    this.commands.push(flatten(node, this.depth));
    return node;
  }

  private tryRedirection(): RedirectionNode | null {
    const match = /^(\d*)(>>|>\||>&|<<<|<<-|<<|<&|<>|>|<)/.exec(this.src.slice(this.pos, this.pos + 32));
    if (!match) return null;
    const op = match[2];
    if (op === '<<' || op === '<<-') this.fail('here-documents ("<<") are not supported');
    if (op === '<<<') this.fail('here-strings ("<<<") are not supported by /bin/sh');
    // Dash reads only one digit as a file descriptor; bash reads more. Neither reading can be trusted.
    if (match[1].length > 1) this.fail(`the file descriptor "${match[1]}" is read differently by different shells`);
    this.pos += match[0].length;
    if ((op === '<' || op === '>') && this.peek() === '(') this.fail('process substitution is not supported by /bin/sh');
    this.skipBlanks();
    const c = this.peek();
    if (this.eof() || c === '\n' || OPERATOR_CHARS.includes(c)) this.fail(`the redirection "${op}" has no target`);
    const target = this.parseWord(false);
    return { op, fd: match[1] === '' ? undefined : Number(match[1]), target };
  }

  /** Reads one word, removing quotes and parsing any substitutions it contains. */
  private parseWord(isAssignmentValue: boolean): ShellWord {
    const w = new WordBuilder();
    const start = this.pos;
    while (!this.eof()) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\n' || OPERATOR_CHARS.includes(c)) break;
      if (c === '\\') {
        const next = this.peek(1);
        if (next === '') {
          // Shells disagree on a backslash at the very end: dash keeps it, this parser would drop it.
          w.mark('it ends with a lone backslash');
          this.pos++;
          break;
        }
        this.pos += 2;
        if (next === '\n') w.mark('a backslash-newline joins it across lines');
        else w.text(next, true);
        continue;
      }
      if (c === "'") {
        const end = this.src.indexOf("'", this.pos + 1);
        if (end < 0) this.fail('a single quote is never closed');
        w.text(this.src.slice(this.pos + 1, end), true);
        w.quoted = true;
        this.pos = end + 1;
        continue;
      }
      if (c === '"') {
        this.pos++;
        w.quoted = true;
        this.parseDoubleQuoted(w);
        continue;
      }
      if (c === '$') {
        this.parseDollar(w, false);
        continue;
      }
      if (c === '`') {
        this.parseBackticks(w, false);
        continue;
      }
      if (c === '~' && (this.pos === start || (isAssignmentValue && this.src[this.pos - 1] === ':'))) {
        // A tilde prefix expands to a home directory: a value only known at run time.
        const prefix = /^~[A-Za-z0-9._-]*/.exec(this.src.slice(this.pos, this.pos + 64))?.[0] ?? '~';
        w.push({ kind: 'param', text: prefix, quoted: false }, prefix);
        this.pos += prefix.length;
        continue;
      }
      if (!isAssignmentValue && (c === '*' || c === '?')) {
        w.push({ kind: 'glob', text: c }, c);
        this.pos++;
        continue;
      }
      if (!isAssignmentValue && c === '[') {
        // Only simple bracket expressions: `^` negates in bash but not in every dash, and classes such as [[:alpha:]] vary.
        const bracket = /^\[!?\]?[A-Za-z0-9_.,:+-]*\]/.exec(this.src.slice(this.pos, this.pos + 256));
        if (bracket) {
          w.push({ kind: 'glob', text: bracket[0] }, bracket[0]);
          this.pos += bracket[0].length;
          continue;
        }
        w.mark('it contains a "[" that may or may not start a pattern');
      }
      w.text(c, false);
      this.pos++;
    }
    return w.build();
  }

  private parseDoubleQuoted(w: WordBuilder): void {
    for (;;) {
      if (this.eof()) this.fail('a double quote is never closed');
      const c = this.peek();
      if (c === '"') {
        this.pos++;
        return;
      }
      if (c === '\\') {
        const next = this.peek(1);
        if (next === '$' || next === '`' || next === '"' || next === '\\') {
          w.text(next, true);
          this.pos += 2;
        } else if (next === '\n') {
          w.mark('a backslash-newline joins it across lines');
          this.pos += 2;
        } else {
          w.text(c, true);
          this.pos++;
        }
        continue;
      }
      if (c === '$') {
        this.parseDollar(w, true);
        continue;
      }
      if (c === '`') {
        this.parseBackticks(w, true);
        continue;
      }
      w.text(c, true);
      this.pos++;
    }
  }

  private parseDollar(w: WordBuilder, inDoubleQuotes: boolean): void {
    const next = this.peek(1);
    if (next === '(') {
      if (this.peek(2) === '(') this.fail('arithmetic expansion "$((...))" is not supported');
      this.pos += 2;
      const body = this.nested(() => this.parseList(')'));
      w.push({ kind: 'substitution', quoted: inDoubleQuotes, body }, '$(...)');
      return;
    }
    if (next === '{') {
      const end = this.src.indexOf('}', this.pos + 2);
      if (end < 0) this.fail('a "${" is never closed');
      const inner = this.src.slice(this.pos + 2, end);
      // Defaults such as ${X:-$(cmd)} can hide commands the simple scan above would miss.
      if (/[$`'"{\\]/.test(inner)) this.fail('nested expansions inside "${...}" are not supported');
      const text = this.src.slice(this.pos, end + 1);
      w.push({ kind: 'param', text, quoted: inDoubleQuotes }, text);
      this.pos = end + 1;
      return;
    }
    if (next === '[') this.fail('"$[...]" is arithmetic in bash but text in dash; it is not supported');
    if ((next === "'" || next === '"') && !inDoubleQuotes) {
      // Bash decodes $'\x72\x6d' to "rm" (and translates $"..."); dash reads a literal "$" and a quoted string.
      // The word keeps bash's reading, the one that can run something, and is marked so it always asks.
      if (next === "'") {
        let end = this.pos + 2;
        while (end < this.src.length && this.src[end] !== "'") end += this.src[end] === '\\' ? 2 : 1;
        if (end >= this.src.length) this.fail(`a "$'" quote is never closed`);
        w.text(decodeAnsiCQuoted(this.src.slice(this.pos + 2, end)), true);
        w.mark(`it uses $'...' quoting, which bash decodes and dash does not`);
        this.pos = end + 1;
      } else {
        this.pos++;
        w.mark('it uses $"..." quoting, which bash translates and dash does not');
      }
      return;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*|^[0-9@*#?$!-]/.exec(this.src.slice(this.pos + 1, this.pos + 257));
    if (name) {
      w.push({ kind: 'param', text: '$' + name[0], quoted: inDoubleQuotes }, '$' + name[0]);
      this.pos += 1 + name[0].length;
      return;
    }
    w.text('$', inDoubleQuotes);
    this.pos++;
  }

  private parseBackticks(w: WordBuilder, inDoubleQuotes: boolean): void {
    this.pos++;
    let inner = '';
    for (;;) {
      if (this.eof()) this.fail('a backquote is never closed');
      const c = this.peek();
      if (c === '\\') {
        const next = this.peek(1);
        if (next === '$' || next === '`' || next === '\\' || (inDoubleQuotes && next === '"')) {
          inner += next;
          this.pos += 2;
          continue;
        }
      }
      if (c === '`') {
        this.pos++;
        break;
      }
      inner += c;
      this.pos++;
    }
    const body = this.nested(() => new ShellParser(inner, this.commands, this.depth).parseProgram());
    w.push({ kind: 'substitution', quoted: inDoubleQuotes, body }, '`...`');
  }
}

function dynamic(word: ShellWord): boolean {
  return word.parts.some((p) => p.kind !== 'text');
}

function flatten(node: SimpleCommandNode, depth: number): SimpleCommand {
  return {
    words: node.words.map((w) => w.value),
    assignments: node.assignments.map((a) => ({ name: a.name, value: a.value.value })),
    redirections: node.redirections.map((r) => ({
      op: r.op,
      fd: r.fd,
      target: r.target.value,
      dynamicTarget: dynamic(r.target),
    })),
    dynamicName: node.words.length > 0 && dynamic(node.words[0]),
    depth,
    node,
  };
}
