import { revealHidden, revealHiddenInLine } from './hiddenCharacters';

/**
 * Text Hearth did not write (a model's words, an MCP server's or a team
 * server's error, a file name) made inert for a VS Code notification or the
 * status bar. VS Code renders `[label](target)` there as a link and opens
 * `command:` targets too, so such text could otherwise offer "Enter your API
 * key again" that, clicked, runs any command (a line typed into the
 * terminal) outside every approval; a space after the `]` keeps the words
 * and drops the link. Hidden characters (bidirectional overrides, zero-width
 * ones, and line breaks unless `multiline`) are shown as ⟨U+XXXX⟩, so the
 * text cannot read other than it is.
 */
export function inertText(text: string, multiline = true): string {
  return (multiline ? revealHidden(text) : revealHiddenInLine(text)).text.replace(/\]\(/g, '] (');
}
