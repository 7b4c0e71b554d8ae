/* eslint-disable no-control-regex -- this file is about control characters. */

export interface ReadableOutput {
  /** The text the model (and the chat) reads. */
  text: string;
  /** Escape sequences (colours, cursor moves, titles, links) were taken out. */
  removedSequences: boolean;
  /** Lines a progress bar redrew with carriage returns or backspaces were reduced to what they show last. */
  redrewLines: boolean;
  /** Other control characters were written as \xNN. */
  escapedControls: boolean;
  /** The output is mostly not text; `text` is empty. */
  binary: boolean;
}

/** CSI (ESC [ … final byte), the sequences colours and cursor moves use. */
const CSI = /\x1b\[[0-?]*[ -/]*[@-~]/g;
/** OSC, DCS, SOS, PM, APC: a string ended by BEL or ST (ESC \); titles, hyperlinks (OSC 8), clipboard writes. */
const STRING_SEQUENCE = /\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)/g;
/** Character-set selection (ESC ( B and the like). */
const CHARSET = /\x1b[()*+#%][\x20-\x7e]/g;
/** The other two-character escapes (ESC 7, ESC 8, ESC M, ESC c, ESC =, ESC >); not the introducers above, left incomplete. */
const SHORT_ESCAPE = /\x1b[0-9<=>@-OQ-WYZ\\`-~]/g;
/** Control characters nothing above consumed (C0 but tab and newline, DEL, C1). */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/**
 * A command's output as the model should read it: what a terminal would end
 * up showing, as plain text. Programs write for terminals (colours, `\r`
 * progress bars that redraw one line thousands of times, titles, OSC 8
 * links), and a hostile repository's files can carry any sequence; raw,
 * they cost the model tokens, hide the text it needs between escape codes,
 * and reach the chat as invisible characters. So sequences are taken out,
 * a line redrawn with `\r` keeps what it showed last, backspaces erase, and
 * any other control character is written as `\xNN` so nothing is invisible.
 * Output that is mostly not text (a binary written to stdout) is not shown
 * at all: decoded as UTF-8 it is noise.
 */
export function readableCommandOutput(raw: string): ReadableOutput {
  const result: ReadableOutput = { text: raw, removedSequences: false, redrewLines: false, escapedControls: false, binary: false };
  if (looksBinary(raw)) return { ...result, text: '', binary: true };
  let text = raw.replace(STRING_SEQUENCE, '').replace(CSI, '').replace(CHARSET, '').replace(SHORT_ESCAPE, '');
  result.removedSequences = text.length !== raw.length;
  const lines = text.split('\n').map((line) => {
    // A line ending in CR LF is an ordinary line; a CR inside one returns to its start.
    const body = line.endsWith('\r') ? line.slice(0, -1) : line;
    let shown = body;
    if (shown.includes('\r')) {
      // What the line shows last: its last non-empty redraw (a progress bar's final state).
      shown = shown.split('\r').reduce((last, part) => (part !== '' ? part : last), '');
    }
    if (shown.includes('\b')) shown = eraseBackspaces(shown);
    if (shown !== body) result.redrewLines = true;
    return shown;
  });
  text = lines.join('\n');
  const escaped = text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  result.escapedControls = escaped !== text;
  result.text = escaped;
  return result;
}

/** Applies backspaces as a terminal shows them: each erases the character before it (man pages' overstrike becomes plain text). */
function eraseBackspaces(line: string): string {
  const out: string[] = [];
  for (const c of line) {
    if (c === '\b') out.pop();
    else out.push(c);
  }
  return out.join('');
}

/**
 * Whether the output is mostly not text: more than one in ten characters
 * undecodable (U+FFFD) or NUL and other controls that text does not use.
 * Escape sequences and CR, BS, tab and newline are text's own.
 */
function looksBinary(text: string): boolean {
  if (text.length < 16) return false;
  let odd = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0xfffd || (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d && code !== 0x08 && code !== 0x1b && code !== 0x0c)) odd++;
  }
  return odd * 10 > text.length;
}
