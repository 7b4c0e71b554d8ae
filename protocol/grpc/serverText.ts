import { revealHidden, revealHiddenInLine } from '../hiddenCharacters';

/** Longest one-line server-chosen text kept: a reason or a name, not a page. */
const MAX_CHARS = 500;

/**
 * Text the team server chose (an error's details or message, the signed-in user's name)
 * as it may be shown in a VS Code notification or the status bar. VS Code
 * renders `[label](target)` in a notification as a link and opens `command:`
 * targets too, so a server could otherwise offer "Enter your API key again"
 * that, clicked, runs any command (a line typed into the terminal) outside
 * every approval; a space after the `]` keeps the words and drops the link.
 * Hidden characters (bidirectional overrides, zero-width ones, and newlines
 * unless `multiline`) are shown as ⟨U+XXXX⟩, so the text cannot read other
 * than it is. A multi-line message keeps its own length limit (the decoder's).
 */
export function serverText(text: string, multiline = false): string {
  const shown = (multiline ? revealHidden(text) : revealHiddenInLine(text)).text.replace(/\]\(/g, '] (');
  return !multiline && shown.length > MAX_CHARS ? `${shown.slice(0, MAX_CHARS)}…` : shown;
}
