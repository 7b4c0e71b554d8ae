import { revealHiddenInLine } from '../../protocol/hiddenCharacters';

/** Longest server-chosen text kept: a reason or a name, not a page. */
const MAX_CHARS = 500;

/**
 * Text the team server chose (an error's details, the signed-in user's name)
 * as it may be shown in a VS Code notification or the status bar. VS Code
 * renders `[label](target)` in a notification as a link and opens `command:`
 * targets too, so a server could otherwise offer "Enter your API key again"
 * that, clicked, runs any command (a line typed into the terminal) outside
 * every approval; a space after the `]` keeps the words and drops the link.
 * Hidden characters (bidirectional overrides, zero-width ones, newlines) are
 * shown as ⟨U+XXXX⟩, so the text cannot read other than it is.
 */
export function serverText(text: string): string {
  const shown = revealHiddenInLine(text).text.replace(/\]\(/g, '] (');
  return shown.length > MAX_CHARS ? `${shown.slice(0, MAX_CHARS)}…` : shown;
}
