/**
 * Characters that make text look other than it is: control characters
 * except newline and tab, format characters (zero-width, bidirectional
 * overrides and isolates, the "Trojan Source" trick, and the tag characters
 * U+E0000–E007F that can carry whole invisible sentences), private-use
 * characters and unpaired surrogates, line and paragraph separators, every
 * Unicode space other than the ASCII one, variation selectors (which can
 * also carry hidden bytes) and the fillers that render as nothing.
 *
 * One definition for both sides of an approval: the language server refuses
 * to run an allow-listed command that contains one (shellCommand.ts), and
 * the webview shows each one on the cards the user decides from as a
 * visible ⟨U+XXXX⟩, and marks each in code the model wrote
 * (webview/hiddenCharacterMarks.ts). Property escapes need the `u` flag, which also makes
 * characters above U+FFFF match as one.
 */
const HIDDEN = String.raw`[^\P{Cc}\n\t]|[\p{Cf}\p{Co}\p{Cs}\p{Zl}\p{Zp}]|[^\P{Zs} ]|\p{Variation_Selector}|[\u115f\u1160\u3164\uffa0]|\u034f|\u17b4|\u17b5`;

const FIRST_HIDDEN = new RegExp(HIDDEN, 'u');
const EVERY_HIDDEN = new RegExp(HIDDEN, 'gu');

/** `U+XXXX` for a character (a whole code point, also above U+FFFF). */
export function codePointLabel(c: string): string {
  return `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The first hidden character of `text` and its index (in UTF-16 units), or undefined. */
export function findHiddenCharacter(text: string): { char: string; index: number } | undefined {
  const match = FIRST_HIDDEN.exec(text);
  return match ? { char: match[0], index: match.index } : undefined;
}

/** Every hidden character of `text` with its index (in UTF-16 units), in order. */
export function hiddenCharacters(text: string): { char: string; index: number }[] {
  return Array.from(text.matchAll(EVERY_HIDDEN), (m) => ({ char: m[0], index: m.index ?? 0 }));
}

/** `text` with every hidden character shown as ⟨U+XXXX⟩, and whether there was one. */
export function revealHidden(text: string): { text: string; hidden: boolean } {
  return revealMatches(text, EVERY_HIDDEN);
}

const EVERY_HIDDEN_IN_LINE = new RegExp(`${HIDDEN}|[\n\t]`, 'gu');

/**
 * `revealHidden` for text that is one line (a path, a folder, a host, a
 * name): a newline or a tab in it is shown as ⟨U+000A⟩ or ⟨U+0009⟩ too. On
 * a card such text wraps like prose, so a newline would read as a space:
 * `notes.txt` + newline + `../../.bashrc` would look like one path with a
 * space in it.
 */
export function revealHiddenInLine(text: string): { text: string; hidden: boolean } {
  return revealMatches(text, EVERY_HIDDEN_IN_LINE);
}

function revealMatches(text: string, pattern: RegExp): { text: string; hidden: boolean } {
  let hidden = false;
  const shown = text.replace(pattern, (c) => {
    hidden = true;
    return `⟨${codePointLabel(c)}⟩`;
  });
  return { text: shown, hidden };
}
