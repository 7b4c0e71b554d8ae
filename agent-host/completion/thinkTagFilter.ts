const OPEN = '<think>';
const CLOSE = '</think>';

/**
 * Keeps a reasoning block out of a suggestion. With `think: false` Ollama
 * does not split reasoning out of the text, and a raw prompt bypasses its
 * thinking parser altogether, so a reasoning model can still start its answer
 * with `<think>…</think>`. Ghost text must never show that: the block (and
 * the whitespace after it) is dropped, and what follows is the suggestion.
 * Only a block at the very start counts; `<think>` later is code.
 */
export class ThinkTagFilter {
  private pending = '';
  private state: 'start' | 'inside' | 'after' | 'passthrough' = 'start';

  push(delta: string): string {
    if (this.state === 'passthrough') return delta;
    this.pending += delta;
    if (this.state === 'start') {
      const trimmed = this.pending.trimStart();
      if (trimmed.length < OPEN.length && OPEN.startsWith(trimmed)) return '';
      if (!trimmed.startsWith(OPEN)) return this.release();
      this.state = 'inside';
      this.pending = trimmed.slice(OPEN.length);
    }
    if (this.state === 'inside') {
      const end = this.pending.indexOf(CLOSE);
      if (end < 0) {
        // Only the tail that could be the start of the closing tag needs keeping.
        this.pending = this.pending.slice(-CLOSE.length);
        return '';
      }
      this.pending = this.pending.slice(end + CLOSE.length);
      this.state = 'after';
    }
    // Whitespace between the block and the answer is not part of the suggestion.
    this.pending = this.pending.replace(/^\s+/, '');
    return this.pending === '' ? '' : this.release();
  }

  /** What is still held back at the end of the stream (never part of a reasoning block). */
  flush(): string {
    return this.state === 'start' ? this.release() : '';
  }

  private release(): string {
    const out = this.pending;
    this.pending = '';
    this.state = 'passthrough';
    return out;
  }
}
