/**
 * The one-line descriptions of a tool call in the chat, from what the tool
 * itself reported (`ToolResult.display`): the webview never re-parses a
 * tool's arguments or output to count lines. Pure functions, so they are
 * tested without a DOM.
 */
import type { ToolResultDisplay } from '../protocol/chat';
import { revealHidden, revealHiddenInLine } from '../protocol/hiddenCharacters';

/** The minus sign of a diff summary: U+2212, which lines up with "+" (a hyphen does not). */
export const MINUS = '\u2212';

/** "+12 −3": what a change added and removed, as diff tools print it. */
export function formatChangeCounts(added: number, removed: number): string {
  return `+${added} ${MINUS}${removed}`;
}

/** How a command ended, in two or three words: "exit 0", "exit 2", "killed by SIGKILL", "timed out", "cancelled". */
export function formatCommandEnd(display: Extract<ToolResultDisplay, { kind: 'command' }>): string {
  if (display.cancelled) return 'cancelled';
  if (display.timedOut) return 'timed out';
  if (display.exitCode !== null) return `exit ${display.exitCode}`;
  return display.signal ? `killed by ${display.signal}` : 'ended';
}

/** The outcome column of a tool row whose tool reported a display. */
export function describeOutcome(display: ToolResultDisplay): string {
  switch (display.kind) {
    case 'fileChange':
      return display.created ? 'created' : 'edited';
    case 'command':
      return formatCommandEnd(display);
    case 'read': {
      if (display.lines === 0) return 'empty';
      const range = display.startLine !== undefined && display.endLine !== undefined ? `lines ${display.startLine}–${display.endLine}` : `${display.lines} line${display.lines === 1 ? '' : 's'}`;
      return display.totalLines !== undefined && !(display.startLine === 1 && display.endLine === display.totalLines) ? `${range} of ${display.totalLines}` : range;
    }
    case 'search': {
      const more = display.truncated ? '+' : '';
      if (display.matches === 0) return 'no matches';
      // glob reports files only: matches and files are the same count.
      if (display.matches === display.files) return `${display.files}${more} file${display.files === 1 && !more ? '' : 's'}`;
      return `${display.matches}${more} match${display.matches === 1 && !more ? '' : 'es'} in ${display.files} file${display.files === 1 ? '' : 's'}`;
    }
  }
}

/**
 * The subject column: the file, the command line, or the pattern and where
 * it was searched. The model wrote all of it, so characters that hide or
 * reorder text show as ⟨U+XXXX⟩, as on the approval card: the row must not
 * read as a different command or file than the one that ran.
 */
export function describeSubject(display: ToolResultDisplay): string {
  switch (display.kind) {
    case 'fileChange':
    case 'read':
      return revealPath(display.path);
    case 'command':
      return `$ ${oneLine(revealHidden(display.command).text)}`;
    case 'search':
      return revealHiddenInLine(display.path ? `${display.pattern} in ${display.path}` : display.pattern).text;
  }
}

/** A path as the chat shows it: one line, every hidden character, newline and tab made visible. */
export function revealPath(path: string): string {
  return revealHiddenInLine(path).text;
}

/** A command may span lines (a heredoc); the row shows it on one, the details in full. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ⏎ ').trim();
}

/** Whether the display is one the row can trust: it came from the result, but stored sessions may hold anything. */
export function isToolResultDisplay(value: unknown): value is ToolResultDisplay {
  if (typeof value !== 'object' || value === null) return false;
  const d = value as Record<string, unknown>;
  const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  switch (d.kind) {
    case 'fileChange':
      return typeof d.path === 'string' && num(d.added) && num(d.removed) && typeof d.created === 'boolean';
    case 'command':
      return typeof d.command === 'string' && (d.exitCode === null || typeof d.exitCode === 'number');
    case 'read':
      return typeof d.path === 'string' && num(d.lines);
    case 'search':
      return typeof d.pattern === 'string' && num(d.matches) && num(d.files);
    default:
      return false;
  }
}
