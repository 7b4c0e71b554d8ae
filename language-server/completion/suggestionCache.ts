/** Characters before the cursor that identify a position for the cache. */
const KEY_PREFIX_CHARS = 1000;
/** Characters after the cursor that identify a position for the cache. */
const KEY_SUFFIX_CHARS = 300;
/** Suggestions remembered per document for type-through. */
const RECENT_PER_DOCUMENT = 8;
/** Closing characters an editor inserts by itself when the user types their opener. */
const AUTO_CLOSING = ')]}"\'`';

/** The one or two closers the editor inserted at `offset` in front of the unchanged `suffixHead`, if that is what happened. */
function autoClosed(text: string, offset: number, suffixHead: string): string | undefined {
  for (let n = 1; n <= 2; n++) {
    const inserted = text.slice(offset, offset + n);
    if (inserted.length < n || ![...inserted].every((c) => AUTO_CLOSING.includes(c))) return undefined;
    if (text.startsWith(suffixHead, offset + n)) return inserted;
  }
  return undefined;
}

/** Where a suggestion was shown: enough to recognise the user typing into it. */
interface ShownSuggestion {
  scope: string;
  offset: number;
  prefixTail: string;
  suffixHead: string;
  text: string;
}

/** A cache answer: the suggestion (empty when the model had nothing for this position) and how it was found. */
export interface CacheHit {
  text: string;
  kind: 'exact' | 'typeThrough';
}

/**
 * Suggestions already computed, so the model is asked once per position:
 * - an LRU map keyed by the text around the cursor, for positions seen again
 *   (backspace, moving the cursor back, the editor asking twice);
 * - type-through: when the user types the first characters of a suggestion,
 *   the rest is served from memory, even though that exact position was never
 *   asked for.
 * `scope` separates models and settings, so a changed model never serves old suggestions.
 */
export class SuggestionCache {
  private readonly entries = new Map<string, string>();
  private readonly recent = new Map<string, ShownSuggestion[]>();

  constructor(private readonly capacity = 500) {}

  /** The LRU key of a position: scope plus the text around the cursor. */
  static keyOf(scope: string, text: string, offset: number): string {
    return `${scope}\u0000${text.slice(Math.max(0, offset - KEY_PREFIX_CHARS), offset)}\u0000${text.slice(offset, offset + KEY_SUFFIX_CHARS)}`;
  }

  lookup(uri: string, scope: string, text: string, offset: number, key = SuggestionCache.keyOf(scope, text, offset)): CacheHit | undefined {
    const exact = this.entries.get(key);
    if (exact !== undefined) {
      // Re-inserting marks the entry as the most recently used.
      this.entries.delete(key);
      this.entries.set(key, exact);
      return { text: exact, kind: 'exact' };
    }
    const typed = this.typeThrough(uri, scope, text, offset);
    return typed === undefined ? undefined : { text: typed, kind: 'typeThrough' };
  }

  /** Remembers the suggestion (or the absence of one, as '') for a position. */
  store(uri: string, scope: string, text: string, offset: number, suggestion: string, key = SuggestionCache.keyOf(scope, text, offset)): void {
    this.entries.delete(key);
    this.entries.set(key, suggestion);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    if (suggestion.trim() === '') return;
    const shown: ShownSuggestion = {
      scope,
      offset,
      prefixTail: text.slice(Math.max(0, offset - KEY_PREFIX_CHARS), offset),
      suffixHead: text.slice(offset, offset + KEY_SUFFIX_CHARS),
      text: suggestion,
    };
    const list = this.recent.get(uri) ?? [];
    list.unshift(shown);
    if (list.length > RECENT_PER_DOCUMENT) list.length = RECENT_PER_DOCUMENT;
    this.recent.set(uri, list);
  }

  forgetDocument(uri: string): void {
    this.recent.delete(uri);
  }

  clear(): void {
    this.entries.clear();
    this.recent.clear();
  }

  /**
   * The rest of a suggestion whose first characters the user has typed since
   * it was shown: the text before its position is unchanged, what follows it
   * is exactly the start of the suggestion, and the text after the cursor is
   * unchanged (or preceded by the closer the editor auto-inserted, which the
   * rest then leaves out).
   */
  private typeThrough(uri: string, scope: string, text: string, offset: number): string | undefined {
    for (const shown of this.recent.get(uri) ?? []) {
      if (shown.scope !== scope) continue;
      const typedLength = offset - shown.offset;
      if (typedLength <= 0 || typedLength >= shown.text.length) continue;
      if (!text.startsWith(shown.text.slice(0, typedLength), shown.offset)) continue;
      const before = shown.offset - shown.prefixTail.length;
      if (before < 0 || !text.startsWith(shown.prefixTail, before)) continue;
      let rest = shown.text.slice(typedLength);
      if (!text.startsWith(shown.suffixHead, offset)) {
        const auto = autoClosed(text, offset, shown.suffixHead);
        if (!auto || !rest.endsWith(auto)) continue;
        rest = rest.slice(0, rest.length - auto.length);
      }
      if (rest.trim() === '') continue;
      return rest;
    }
    return undefined;
  }
}
