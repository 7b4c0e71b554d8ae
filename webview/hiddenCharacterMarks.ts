import { codePointLabel, findHiddenCharacter, hiddenCharacters } from '../protocol/hiddenCharacters';

/**
 * Names for the bidirectional controls, the characters of the "Trojan
 * Source" trick: they reorder what follows them, so code can display in an
 * order other than the one a compiler or a shell reads.
 */
const BIDI_NAMES: Record<string, string> = {
  '\u061c': 'ARABIC LETTER MARK',
  '\u200e': 'LEFT-TO-RIGHT MARK',
  '\u200f': 'RIGHT-TO-LEFT MARK',
  '\u202a': 'LEFT-TO-RIGHT EMBEDDING',
  '\u202b': 'RIGHT-TO-LEFT EMBEDDING',
  '\u202c': 'POP DIRECTIONAL FORMATTING',
  '\u202d': 'LEFT-TO-RIGHT OVERRIDE',
  '\u202e': 'RIGHT-TO-LEFT OVERRIDE',
  '\u2066': 'LEFT-TO-RIGHT ISOLATE',
  '\u2067': 'RIGHT-TO-LEFT ISOLATE',
  '\u2068': 'FIRST STRONG ISOLATE',
  '\u2069': 'POP DIRECTIONAL ISOLATE',
};

/**
 * Marks the hidden characters (protocol/hiddenCharacters.ts) in the text
 * under `root`, code the model wrote, which may repeat them from a hostile
 * file: each is wrapped in a span that shows its code point (`data-label`,
 * drawn by CSS, so the text, and what Copy, Insert and Apply take, stays
 * exactly the code) and isolates it, so a bidirectional control no longer
 * reorders the text after it. Returns the characters found, each once, in
 * the order first seen, as the user reads them ("U+202E RIGHT-TO-LEFT
 * OVERRIDE").
 */
export function markHiddenCharacters(root: Element): string[] {
  if (!findHiddenCharacter(root.textContent ?? '')) return [];
  const doc = root.ownerDocument;
  const walker = doc.createTreeWalker(root, 4 /* NodeFilter.SHOW_TEXT */);
  const texts: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) texts.push(node as Text);
  const found = new Set<string>();
  for (const text of texts) {
    const value = text.data;
    const hidden = hiddenCharacters(value);
    if (hidden.length === 0) continue;
    const parts: (string | Node)[] = [];
    let last = 0;
    for (const { char, index } of hidden) {
      if (index > last) parts.push(value.slice(last, index));
      const label = codePointLabel(char);
      const description = BIDI_NAMES[char] ? `${label} ${BIDI_NAMES[char]}` : label;
      found.add(description);
      const span = doc.createElement('span');
      span.className = 'hidden-char';
      span.dataset.label = label;
      span.title = `${description}: a character you cannot see`;
      span.textContent = char;
      parts.push(span);
      last = index + char.length;
    }
    if (last < value.length) parts.push(value.slice(last));
    text.replaceWith(...parts);
  }
  return [...found];
}
