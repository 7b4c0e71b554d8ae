import { revealHiddenInLine } from '../../protocol/hiddenCharacters';

/**
 * The title of a diff editor that shows a change to `relativePath`, such as
 * "Hearth: src/a.ts (proposed change)". The path comes from the model, and the
 * title is read beside the approval card: a right-to-left override in it
 * would reorder the rest of the title ("src/‮txt.exe" reads as "src/exe.txt"),
 * so every character that hides or reorders text shows as ⟨U+XXXX⟩, as on the card.
 */
export function diffTitle(relativePath: string, what: string, prefix = ''): string {
  return `${prefix}${revealHiddenInLine(relativePath).text} (${what})`;
}
