const OPEN = '<think>';
const CLOSE = '</think>';

/** One piece of a model's text, split into the reasoning and the answer it holds. */
export interface ThinkSplit {
  thinking: string;
  text: string;
}

/**
 * Splits a reasoning block written into the text itself off the start of a
 * model's answer. Ollama splits reasoning into `message.thinking` only when it
 * runs its thinking parser (routes.go ChatHandler: `think` true and a template
 * with thinking tags); before 0.9, with `think: false`, or through a raw
 * prompt, a reasoning model writes `<think>…</think>` into its answer instead.
 * The user must never get that as the answer (ghost text, an edit, a chat
 * reply), so the block and the whitespace after it come out as `thinking`,
 * and what follows is the text. Only a block at the very start counts;
 * `<think>` later is the answer's own text (code that mentions the tag).
 */
export class LeadingThinkSplitter {
  private pending = '';
  private state: 'start' | 'inside' | 'after' | 'passthrough' = 'start';

  push(delta: string): ThinkSplit {
    if (this.state === 'passthrough') return { thinking: '', text: delta };
    this.pending += delta;
    let thinking = '';
    if (this.state === 'start') {
      const trimmed = this.pending.trimStart();
      if (trimmed.length < OPEN.length && OPEN.startsWith(trimmed)) return { thinking: '', text: '' };
      if (!trimmed.startsWith(OPEN)) return { thinking: '', text: this.release() };
      this.state = 'inside';
      this.pending = trimmed.slice(OPEN.length);
    }
    if (this.state === 'inside') {
      const end = this.pending.indexOf(CLOSE);
      if (end < 0) {
        // Only the tail that could be the start of the closing tag is held back; the rest is reasoning now.
        const keep = Math.min(this.pending.length, CLOSE.length - 1);
        thinking = this.pending.slice(0, this.pending.length - keep);
        this.pending = this.pending.slice(this.pending.length - keep);
        return { thinking, text: '' };
      }
      thinking = this.pending.slice(0, end);
      this.pending = this.pending.slice(end + CLOSE.length);
      this.state = 'after';
    }
    // Whitespace between the block and the answer is not part of the answer.
    this.pending = this.pending.replace(/^\s+/, '');
    return { thinking, text: this.pending === '' ? '' : this.release() };
  }

  /** What is still held back at the end of the answer. */
  flush(): ThinkSplit {
    if (this.state === 'start') return { thinking: '', text: this.release() };
    // A reply cut inside its reasoning (num_predict) holds back at most a partial closing tag, which is reasoning.
    if (this.state === 'inside') {
      const thinking = this.pending;
      this.pending = '';
      return { thinking, text: '' };
    }
    return { thinking: '', text: '' };
  }

  private release(): string {
    const out = this.pending;
    this.pending = '';
    this.state = 'passthrough';
    return out;
  }
}
