/**
 * A small parser for the POSIX shell command lines the agent asks to run.
 *
 * It exists for the approval policy, not to run anything: to decide whether a
 * command line may run without asking, every simple command in it (including
 * those inside subshells, `$( )` and backticks) must be known. So the parser
 * understands exactly the syntax whose meaning it can be sure of (quotes,
 * escapes, `&&`, `||`, `;`, `|`, `&`, newlines, comments, `( )`, `$( )`,
 * backticks, variables and redirections) and fails on everything else
 * (here-documents, keywords such as `if` or `{`, arithmetic, `$'...'`,
 * process substitution). A failure is not an error for the user: the policy
 * then asks for approval, which is the safe answer for what cannot be checked.
 */

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
}

export type ParsedCommandLine =
  | { ok: true; commands: SimpleCommand[] }
  | { ok: false; error: string; commands: SimpleCommand[] };

/** Thrown inside the parser; `parseShellCommand` turns it into `{ ok: false }`. */
class ShellSyntaxError extends Error {}

const MAX_LENGTH = 100_000;
const MAX_DEPTH = 32;
const OPERATOR_CHARS = ';&|()<>';
const RESERVED_WORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'case', 'esac', 'while', 'until', 'for', 'in', 'function', 'select', '!', '{', '}', '[[', ']]', 'coproc']);

/** Parses a command line into its simple commands, or says why it cannot. */
export function parseShellCommand(source: string): ParsedCommandLine {
  const commands: SimpleCommand[] = [];
  if (source.length > MAX_LENGTH) return { ok: false, error: 'the command line is too long to check', commands };
  try {
    new ShellParser(source, commands, 0).parseProgram();
    return { ok: true, commands };
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

interface WordState {
  value: string;
  quoted: boolean;
  expansion: boolean;
  substitution: boolean;
  glob: boolean;
}

class ShellParser {
  private pos = 0;

  constructor(
    private readonly src: string,
    private readonly commands: SimpleCommand[],
    private depth: number,
  ) {}

  parseProgram(): void {
    this.parseList(null);
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
      if (c === ' ' || c === '\t' || c === '\r') this.pos++;
      else if (c === '\\' && this.peek(1) === '\n') this.pos += 2;
      else return;
    }
  }

  private skipComment(): void {
    while (!this.eof() && this.peek() !== '\n') this.pos++;
  }

  /** Parses commands and operators up to `closer` (consumed) or the end of input. */
  private parseList(closer: ')' | null): void {
    let afterCommand = false;
    let needCommand = false;
    for (;;) {
      this.skipBlanks();
      if (this.eof()) {
        if (closer) this.fail('a "(" is never closed');
        if (needCommand) this.fail('the command line ends with an operator');
        return;
      }
      const c = this.peek();
      if (c === '#') {
        this.skipComment();
        continue;
      }
      if (c === '\n') {
        this.pos++;
        afterCommand = false;
        continue;
      }
      if (c === ')') {
        if (closer !== ')') this.fail('unexpected ")"');
        if (needCommand) this.fail('an operator has no command after it');
        this.pos++;
        return;
      }
      if (c === ';' || c === '&' || c === '|') {
        const two = this.src.slice(this.pos, this.pos + 2);
        const op = two === '&&' || two === '||' || two === ';;' || two === '|&' ? two : c;
        this.pos += op.length;
        if (op === ';;' || op === '|&') this.fail(`"${op}" is not supported`);
        if (!afterCommand) this.fail(`syntax error near "${op}"`);
        afterCommand = false;
        needCommand = op === '&&' || op === '||' || op === '|';
        continue;
      }
      if (afterCommand) this.fail(`unexpected text after a command: "${this.src.slice(this.pos, this.pos + 20)}"`);
      if (c === '(') {
        this.pos++;
        this.nested(() => this.parseList(')'));
        this.parseSubshellRedirections();
      } else {
        this.parseSimpleCommand();
      }
      afterCommand = true;
      needCommand = false;
    }
  }

  private nested(parse: () => void): void {
    if (this.depth >= MAX_DEPTH) this.fail('the command line is nested too deeply to check');
    this.depth++;
    try {
      parse();
    } finally {
      this.depth--;
    }
  }

  /** `( ... ) > file`: the redirections apply to the whole subshell, recorded as a command without words. */
  private parseSubshellRedirections(): void {
    const redirections: Redirection[] = [];
    for (;;) {
      this.skipBlanks();
      const redirection = this.tryRedirection();
      if (!redirection) break;
      redirections.push(redirection);
    }
    const c = this.peek();
    if (!this.eof() && c !== '\n' && c !== '#' && !OPERATOR_CHARS.includes(c)) this.fail('unexpected text after ")"');
    if (redirections.length > 0) this.commands.push({ words: [], assignments: [], redirections, dynamicName: false, depth: this.depth });
  }

  private parseSimpleCommand(): void {
    const words: string[] = [];
    const assignments: { name: string; value: string }[] = [];
    const redirections: Redirection[] = [];
    let dynamicName = false;
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
        redirections.push(redirection);
        continue;
      }
      const assignment = words.length === 0 ? /^[A-Za-z_][A-Za-z0-9_]*=/.exec(this.src.slice(this.pos, this.pos + 256)) : null;
      if (assignment) {
        this.pos += assignment[0].length;
        const value = this.parseWord(true);
        assignments.push({ name: assignment[0].slice(0, -1), value: value.value });
        continue;
      }
      const word = this.parseWord(false);
      if (words.length === 0) {
        if (!word.quoted && RESERVED_WORDS.has(word.value)) this.fail(`the shell keyword "${word.value}" is not supported`);
        dynamicName = word.expansion || word.substitution || word.glob;
      }
      words.push(word.value);
    }
    this.commands.push({ words, assignments, redirections, dynamicName, depth: this.depth });
  }

  private tryRedirection(): Redirection | null {
    const match = /^(\d*)(>>|>\||>&|<<<|<<-|<<|<&|<>|>|<)/.exec(this.src.slice(this.pos, this.pos + 32));
    if (!match) return null;
    const op = match[2];
    if (op === '<<' || op === '<<-') this.fail('here-documents ("<<") are not supported');
    if (op === '<<<') this.fail('here-strings ("<<<") are not supported by /bin/sh');
    this.pos += match[0].length;
    if ((op === '<' || op === '>') && this.peek() === '(') this.fail('process substitution is not supported by /bin/sh');
    this.skipBlanks();
    const c = this.peek();
    if (this.eof() || c === '\n' || OPERATOR_CHARS.includes(c)) this.fail(`the redirection "${op}" has no target`);
    const word = this.parseWord(false);
    return {
      op,
      fd: match[1] === '' ? undefined : Number(match[1]),
      target: word.value,
      dynamicTarget: word.expansion || word.substitution || word.glob,
    };
  }

  /** Reads one word, removing quotes and parsing any substitutions it contains. */
  private parseWord(isAssignmentValue: boolean): WordState {
    const w: WordState = { value: '', quoted: false, expansion: false, substitution: false, glob: false };
    while (!this.eof()) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || OPERATOR_CHARS.includes(c)) break;
      if (c === '\\') {
        const next = this.peek(1);
        if (next === '') {
          this.pos++;
          break;
        }
        this.pos += 2;
        if (next !== '\n') {
          w.value += next;
          w.quoted = true;
        }
        continue;
      }
      if (c === "'") {
        const end = this.src.indexOf("'", this.pos + 1);
        if (end < 0) this.fail('a single quote is never closed');
        w.value += this.src.slice(this.pos + 1, end);
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
      if (!isAssignmentValue && (c === '*' || c === '?' || c === '[')) w.glob = true;
      w.value += c;
      this.pos++;
    }
    return w;
  }

  private parseDoubleQuoted(w: WordState): void {
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
          w.value += next;
          this.pos += 2;
        } else if (next === '\n') {
          this.pos += 2;
        } else {
          w.value += c;
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
      w.value += c;
      this.pos++;
    }
  }

  private parseDollar(w: WordState, inDoubleQuotes: boolean): void {
    const next = this.peek(1);
    if (next === '(') {
      if (this.peek(2) === '(') this.fail('arithmetic expansion "$((...))" is not supported');
      this.pos += 2;
      this.nested(() => this.parseList(')'));
      w.substitution = true;
      w.value += '$(...)';
      return;
    }
    if (next === '{') {
      const end = this.src.indexOf('}', this.pos + 2);
      if (end < 0) this.fail('a "${" is never closed');
      const inner = this.src.slice(this.pos + 2, end);
      // Defaults such as ${X:-$(cmd)} can hide commands the simple scan above would miss.
      if (/[$`'"{\\]/.test(inner)) this.fail('nested expansions inside "${...}" are not supported');
      w.expansion = true;
      w.value += this.src.slice(this.pos, end + 1);
      this.pos = end + 1;
      return;
    }
    if (next === "'" && !inDoubleQuotes) this.fail(`"$'...'" quoting is not supported by /bin/sh`);
    const name = /^[A-Za-z_][A-Za-z0-9_]*|^[0-9@*#?$!-]/.exec(this.src.slice(this.pos + 1, this.pos + 257));
    if (name) {
      w.expansion = true;
      w.value += '$' + name[0];
      this.pos += 1 + name[0].length;
      return;
    }
    w.value += '$';
    this.pos++;
  }

  private parseBackticks(w: WordState, inDoubleQuotes: boolean): void {
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
    this.nested(() => new ShellParser(inner, this.commands, this.depth).parseProgram());
    w.substitution = true;
    w.value += '`...`';
  }
}
