/**
 * What the "Hearth Agent" terminal prints, as pure functions (no `vscode`),
 * so the formatting and, above all, the filtering are unit-tested.
 *
 * The output comes from commands the model chose, so it is untrusted: it may
 * carry escape sequences that a terminal acts on (set the window title, write
 * the clipboard with OSC 52, hyperlinks with OSC 8, move the cursor to paint
 * over the exit code). Only colours and text styles (SGR, `ESC [ … m`) pass,
 * without "conceal"; every other escape sequence and control character is
 * dropped.
 */

const ESC = '\x1b';
const RESET = `${ESC}[0m`;
const BOLD = `${ESC}[1m`;
const DIM = `${ESC}[2m`;
const GREEN = `${ESC}[32m`;
const RED = `${ESC}[31m`;
const YELLOW = `${ESC}[33m`;
const CYAN = `${ESC}[36m`;

export const AGENT_TERMINAL_NAME = 'Hearth Agent';

/** Drops everything that is not printable text, a tab or a line break, from text we print ourselves (the command line). */
function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, '');
}

/** The lines before a command's output: where it runs, then the command line itself (continuation lines marked with "> "). */
export function formatCommandStart(command: string, cwd: string): string {
  const lines = plain(command.replace(/\r\n?/g, '\n')).split('\n');
  const shown = lines.map((line, i) => (i === 0 ? `${BOLD}${CYAN}$${RESET} ${BOLD}${line}${RESET}` : `${DIM}>${RESET} ${BOLD}${line}${RESET}`));
  return `${DIM}# ${plain(cwd)}${RESET}\r\n${shown.join('\r\n')}\r\n`;
}

export interface CommandEnd {
  exitCode: number | null;
  signal?: string;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
}

/** "1.2 s", "350 ms", "2 min 5 s". */
export function formatElapsed(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** The line after a command's output: how it ended and how long it took, then a blank line before the next command. */
export function formatCommandEnd(end: CommandEnd): string {
  const elapsed = `${DIM}(${formatElapsed(end.durationMs)})${RESET}`;
  let outcome: string;
  if (end.cancelled) outcome = `${YELLOW}■ cancelled${RESET}`;
  else if (end.timedOut) outcome = `${YELLOW}■ timed out${RESET}`;
  else if (end.exitCode === 0) outcome = `${GREEN}✓ exit 0${RESET}`;
  else if (end.exitCode !== null) outcome = `${RED}✗ exit ${end.exitCode}${RESET}`;
  else outcome = `${RED}✗ killed by ${plain(end.signal ?? 'a signal')}${RESET}`;
  return `${outcome} ${elapsed}\r\n\r\n`;
}

/** What the terminal says when the user types into it: it is a view, and input goes nowhere. */
export const READ_ONLY_NOTICE = `\r\n${DIM}(This terminal shows the commands Hearth's agent runs. It does not take input: the commands run in Hearth's sandbox.)${RESET}\r\n`;

/**
 * Filters one command's output for the terminal, chunk by chunk: an escape
 * sequence split across two chunks is held back until it is complete, then
 * kept (SGR) or dropped (everything else). Also turns LF into CRLF and
 * remembers whether the output ended mid-line, so the end line starts on a
 * line of its own.
 */
export class TerminalOutputFilter {
  private pending = '';
  private lastChar = '\n';

  /** The printable form of `chunk`. */
  push(chunk: string): string {
    const text = this.pending + chunk;
    this.pending = '';
    let out = '';
    let i = 0;
    while (i < text.length) {
      const c = text[i];
      if (c === ESC) {
        const seq = escapeSequenceAt(text, i);
        if (seq === 'incomplete') {
          // Hold it back, within reason: a sequence that never ends must not hold back all output.
          if (text.length - i < 256) this.pending = text.slice(i);
          break;
        }
        if (seq.keep) out += visibleSgr(text.slice(i, seq.end));
        i = seq.end;
        continue;
      }
      const code = c.charCodeAt(0);
      if (c === '\n') out += this.lastOf(out) === '\r' ? '\n' : '\r\n';
      else if (c === '\t' || c === '\r' || c === '\b' || (code >= 0x20 && code !== 0x7f && !(code >= 0x80 && code <= 0x9f))) out += c;
      i++;
    }
    if (out !== '') this.lastChar = out[out.length - 1];
    return out;
  }

  /** What the end line needs first: a line break when the output did not end with one. */
  finish(): string {
    this.pending = '';
    return this.lastChar === '\n' ? '' : `${RESET}\r\n`;
  }

  private lastOf(out: string): string {
    return out === '' ? this.lastChar : out[out.length - 1];
  }
}

/**
 * An SGR sequence without "conceal" (parameter 8), which would print text the
 * user cannot see while the model reads it: a prompt injection in a hostile
 * repository's output could hide in the terminal that way. The other styles
 * stay. Extended colours (38, 48 and 58 followed by 5;N or 2;R;G;B) are
 * skipped whole, so a colour index or a component of 8 is not taken for it.
 */
function visibleSgr(sequence: string): string {
  const params = sequence.slice(2, -1).split(';');
  const kept: string[] = [];
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    if ((p === '38' || p === '48' || p === '58') && (params[i + 1] === '5' || params[i + 1] === '2')) {
      const length = params[i + 1] === '5' ? 3 : 5;
      kept.push(...params.slice(i, i + length));
      i += length - 1;
      continue;
    }
    if (p === '8' || p === '08') continue;
    kept.push(p);
  }
  if (kept.length === params.length) return sequence;
  // Everything was conceal: print nothing rather than ESC [ m, which would reset the styles before it.
  return kept.length === 0 ? '' : `\x1b[${kept.join(';')}m`;
}

/**
 * The escape sequence starting at `i` (text[i] is ESC): where it ends and
 * whether to keep it. Only SGR (`ESC [ digits;… m`) is kept.
 */
function escapeSequenceAt(text: string, i: number): { end: number; keep: boolean } | 'incomplete' {
  const next = text[i + 1];
  if (next === undefined) return 'incomplete';
  if (next === '[') {
    // CSI: parameter bytes 0x30–0x3F, intermediate bytes 0x20–0x2F, one final byte 0x40–0x7E.
    let j = i + 2;
    while (j < text.length && text.charCodeAt(j) >= 0x20 && text.charCodeAt(j) <= 0x3f) j++;
    if (j >= text.length) return 'incomplete';
    const final = text.charCodeAt(j);
    if (final < 0x40 || final > 0x7e) return { end: j, keep: false };
    const params = text.slice(i + 2, j);
    return { end: j + 1, keep: text[j] === 'm' && /^[\d;:]*$/.test(params) };
  }
  if (next === ']' || next === 'P' || next === '_' || next === '^' || next === 'X') {
    // OSC, DCS, APC, PM, SOS: a string ended by BEL or ST (ESC \). All dropped (titles, clipboard, links).
    for (let j = i + 2; j < text.length; j++) {
      if (text[j] === '\x07') return { end: j + 1, keep: false };
      if (text[j] === ESC) {
        if (j + 1 >= text.length) return 'incomplete';
        if (text[j + 1] === '\\') return { end: j + 2, keep: false };
      }
    }
    return 'incomplete';
  }
  // Any other two-character escape (charset selection takes one more): dropped.
  if (next === '(' || next === ')' || next === '*' || next === '+' || next === '#' || next === '%') {
    return i + 2 < text.length ? { end: i + 3, keep: false } : 'incomplete';
  }
  return { end: i + 2, keep: false };
}

/** Plain text of what the terminal showed (for `@terminal`): colours removed, CRLF back to LF. */
export function terminalTextToPlain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[\d;:]*m/g, '').replace(/\r\n/g, '\n');
}
