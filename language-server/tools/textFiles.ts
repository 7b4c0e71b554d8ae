import type { FileHandle } from 'node:fs/promises';

/** How many leading bytes are inspected to tell text from binary (Git uses the same amount). */
export const BINARY_SNIFF_BYTES = 8000;

/**
 * Whether bytes look binary: a NUL byte in the first 8000 bytes, as Git and
 * ripgrep decide. UTF-16 text also contains NULs and is reported as binary,
 * which is what the tools say in their error.
 */
export function looksBinary(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, BINARY_SNIFF_BYTES);
  for (let i = 0; i < end; i++) if (bytes[i] === 0) return true;
  return false;
}

export interface LineWindow {
  /** The selected lines, without line terminators. */
  lines: string[];
  firstLine: number;
  /** Total number of lines in the file. */
  totalLines: number;
  /** Lines were cut short because the byte budget ran out. */
  truncatedAtBytes: boolean;
  /** A line longer than the per-line limit was shortened. */
  longLinesShortened: number;
  binary: boolean;
}

export interface ReadLinesOptions {
  startLine: number;
  endLine: number;
  maxBytes: number;
  maxLineChars: number;
  signal: AbortSignal;
}

/**
 * Reads an open file in chunks and keeps the lines in [startLine, endLine]
 * until `maxBytes` of text is collected, still counting the remaining lines so
 * the model knows how much is left. Chunks keep huge files (logs, generated
 * code) from being loaded whole just to show their first lines. It reads
 * through the descriptor the caller opened and verified (pinnedFiles.ts),
 * never by name.
 *
 * Each chunk is scanned once, and of a line only its first `maxLineChars`
 * characters are kept (its length is counted): a repository's minified
 * bundle or log with one 100 MB line must cost one pass over the bytes, not
 * a copy of the whole line so far for every chunk, which took minutes and
 * held the line in memory whole even when it was outside the window.
 */
export async function readLineWindow(file: FileHandle, options: ReadLinesOptions): Promise<LineWindow> {
  const result: LineWindow = { lines: [], firstLine: options.startLine, totalLines: 0, truncatedAtBytes: false, longLinesShortened: 0, binary: false };
  let bytesKept = 0;
  let lineNo = 0;
  // The current line: its first characters (one more than shown, so a final CR can be told from a long line), its length and its last character.
  let head = '';
  let length = 0;
  let lastChar = '';
  const keep = options.maxLineChars + 1;
  let sniffed = false;
  const decoder = new TextDecoder('utf-8');

  const wanted = (): boolean => lineNo + 1 >= options.startLine && lineNo + 1 <= options.endLine && !result.truncatedAtBytes;

  const append = (text: string, from: number, to: number): void => {
    if (to <= from) return;
    length += to - from;
    lastChar = text[to - 1];
    if (head.length < keep && wanted()) head += text.slice(from, Math.min(to, from + keep - head.length));
  };

  const endLine = (): void => {
    const inWindow = wanted();
    lineNo++;
    const lineLength = lastChar === '\r' ? length - 1 : length;
    const line = head.slice(0, lineLength);
    head = '';
    length = 0;
    lastChar = '';
    if (!inWindow) return;
    let text = line;
    if (lineLength > options.maxLineChars) {
      text = `${line.slice(0, options.maxLineChars)} [... line shortened: ${lineLength} characters]`;
      result.longLinesShortened++;
    }
    const size = Buffer.byteLength(text) + 1;
    if (bytesKept + size > options.maxBytes && result.lines.length > 0) {
      result.truncatedAtBytes = true;
      return;
    }
    bytesKept += size;
    result.lines.push(text);
  };

  const consume = (text: string): void => {
    let from = 0;
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', from)) {
      append(text, from, newline);
      endLine();
      from = newline + 1;
    }
    append(text, from, text.length);
  };

  const buffer = Buffer.alloc(64 * 1024);
  let position = 0;
  for (;;) {
    if (options.signal.aborted) throw Object.assign(new Error('The read was cancelled.'), { name: 'AbortError' });
    const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    const chunk = buffer.subarray(0, bytesRead);
    if (!sniffed) {
      sniffed = true;
      if (looksBinary(chunk)) {
        result.binary = true;
        return result;
      }
    }
    consume(decoder.decode(chunk, { stream: true }));
  }
  consume(decoder.decode());
  if (length > 0) endLine();
  result.totalLines = lineNo;
  return result;
}

/** Splits text into lines the way editors number them (a final newline does not start a new line). */
export function splitLines(text: string): string[] {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
