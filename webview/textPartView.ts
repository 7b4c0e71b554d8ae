/**
 * One text part of an assistant answer, rendered as Markdown, incrementally.
 *
 * Re-rendering a whole answer on every frame makes streaming quadratic: a
 * 10,000-token answer would be parsed, sanitized and highlighted hundreds of
 * times. Instead the view keeps the top-level blocks it has already rendered
 * ("frozen": a block followed by another block cannot change any more) and on
 * each frame re-lexes and re-renders only the text from the last block on.
 * When the answer completes, one full lex checks that the frozen blocks still
 * match how the whole text parses; only if not (for example a reference link
 * defined at the end) is the part rendered again from scratch.
 */
import type { MarkdownRenderer } from './markdownRenderer';
import type { Token } from 'marked';
import { el } from './dom';

/** Counters the streaming test reads to prove rendering stays linear. */
export interface RenderStats {
  /** Renders of a whole text part from scratch. */
  fullRenders: number;
  /** Incremental renders of a part's tail (the last block). */
  tailRenders: number;
  /** Characters passed through the Markdown pipeline, summed over all renders. */
  renderedChars: number;
}

export function createRenderStats(): RenderStats {
  return { fullRenders: 0, tailRenders: 0, renderedChars: 0 };
}

/**
 * Streamed text that arrives in bursts is revealed over about this long
 * rather than all at once: a busy team server sends a few words every
 * 100 ms (agent-host/server/ops/loadGauge.ts), and shown as they
 * come they would read as jumps. Each frame shows the share
 * 1 - e^(-frame / this) of what waits, so the text flows at the model's
 * pace, about this far behind it.
 */
const REVEAL_TIME_CONSTANT_MS = 60;
/** A frame's length at 60 Hz: the step for text that arrives after the view had caught up. */
const FRAME_MS = 16;
/** Frames further apart than this (a hidden view) show everything that waits at once. */
const CATCH_UP_AFTER_MS = 250;
/**
 * While a part streams, its last block is drawn again at most once per this
 * many characters of it per millisecond: a block of 8,000 characters every
 * frame, one of 100,000 every 200 ms, a single line of a megabyte every two
 * seconds. The last block is parsed, sanitized and highlighted whole on each
 * draw, so a block that never ends (a hostile megabyte line, a long code
 * fence) drawn every frame made the work grow with the square of its length
 * and froze the chat; this way drawing it takes a bounded share of the time.
 */
const TAIL_CHARS_PER_MS = 500;

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

export class TextPartView {
  readonly element: HTMLElement;
  /** All the text received so far. */
  private text = '';
  /** How many characters of `text` are rendered; less than all only while text streams in. */
  private shown = 0;
  /** The frame time of the last update, while text waits to be revealed. */
  private revealedAt: number | undefined;
  private streaming = false;
  /** How many characters of `text` the frozen blocks cover. */
  private frozenChars = 0;
  /** The nodes rendered from the unfrozen tail; they are replaced on every update. */
  private tailNodes: Node[] = [];
  /** Whether the frozen blocks were built incrementally (and so need the final check). */
  private incremental = false;
  /** How many characters of `text` are drawn, and the frame time they were drawn at (undefined: not by a timed frame). */
  private drawn = 0;
  private drawnAt: number | undefined;

  constructor(
    doc: Document,
    private readonly markdown: MarkdownRenderer,
    private readonly stats: RenderStats,
  ) {
    this.element = el(doc, 'div', { className: 'markdown' });
  }

  /** The Markdown source, for "copy answer". */
  get source(): string {
    return this.text;
  }

  /**
   * Shows `rawText`. While it streams and `now` (the frame's time) is given,
   * text beyond the first burst is revealed a share per frame; the return
   * value says whether some still waits, so the caller paints again next
   * frame. The first text, a finished part and a part updated without a
   * frame time show everything at once.
   */
  update(rawText: string, streaming: boolean, now?: number): boolean {
    // marked normalizes line endings; doing it first keeps token offsets equal to string offsets.
    const text = rawText.includes('\r') ? rawText.replace(/\r\n?/g, '\n') : rawText;
    if (text === this.text && streaming === this.streaming && this.drawn === text.length) return false;
    const appended = text.startsWith(this.text);
    this.text = text;
    this.streaming = streaming;
    if (!appended || !streaming) {
      this.shown = text.length;
      this.revealedAt = undefined;
      if (appended) this.finish();
      else this.renderAll();
      return false;
    }
    this.shown = this.revealTo(now);
    if (this.tailDue(now)) {
      this.renderTail(true);
      this.drawnAt = now;
    }
    return this.drawn < this.text.length;
  }

  /** Whether the last block may be drawn again in the frame at `now`: see TAIL_CHARS_PER_MS. */
  private tailDue(now: number | undefined): boolean {
    if (now === undefined || this.drawnAt === undefined) return true;
    return now - this.drawnAt >= (this.shown - this.frozenChars) / TAIL_CHARS_PER_MS;
  }

  /** How much of the text to show in the frame at `now`. */
  private revealTo(now: number | undefined): number {
    // Text that arrives after the view had caught up is timed from its own first frame.
    const elapsed = now === undefined || this.revealedAt === undefined ? FRAME_MS : now - this.revealedAt;
    let shown = this.text.length;
    if (now !== undefined && this.shown > 0 && elapsed <= CATCH_UP_AFTER_MS) {
      const step = Math.ceil((this.text.length - this.shown) * (1 - Math.exp(-elapsed / REVEAL_TIME_CONSTANT_MS)));
      shown = Math.min(this.text.length, this.shown + Math.max(1, step));
      // Never half a surrogate pair: an emoji cut in two would flash a replacement glyph.
      if (shown < this.text.length && isHighSurrogate(this.text.charCodeAt(shown - 1))) shown++;
    }
    this.revealedAt = shown < this.text.length ? now : undefined;
    return shown;
  }

  private finish(): void {
    if (!this.incremental) {
      this.renderAll();
      return;
    }
    // One lex of the whole text (no rendering) to confirm the frozen blocks are right.
    const tokens = this.markdown.lex(this.text);
    let offset = 0;
    let i = 0;
    while (offset < this.frozenChars && i < tokens.length) offset += tokens[i++].raw.length;
    const hasLinkDefinitions = Object.keys(tokens.links).length > 0;
    if (offset !== this.frozenChars || hasLinkDefinitions) this.renderAll();
    else this.renderTail(false);
  }

  private renderAll(): void {
    this.stats.fullRenders++;
    this.stats.renderedChars += this.text.length;
    const fragment = this.markdown.render(this.text);
    this.element.replaceChildren(fragment);
    this.frozenChars = 0;
    this.tailNodes = Array.from(this.element.childNodes);
    this.incremental = false;
    this.drawn = this.text.length;
    this.drawnAt = undefined;
  }

  /** Re-renders the text after the frozen blocks; while streaming, freezes every block but the last. */
  private renderTail(freeze: boolean): void {
    this.stats.tailRenders++;
    const tail = this.text.slice(this.frozenChars, this.shown);
    this.stats.renderedChars += tail.length;
    let tokens: Token[] = this.markdown.lex(tail);
    for (const node of this.tailNodes) node.parentNode?.removeChild(node);
    // Freezing relies on the tokens covering the tail exactly; if the lexer
    // ever rewrote the text, render the tail as one piece instead.
    if (freeze && tokens.map((t) => t.raw).join('') === tail) {
      let last = tokens.length - 1;
      while (last > 0 && tokens[last].type === 'space') last--;
      if (last > 0) {
        const done = tokens.slice(0, last);
        this.element.appendChild(this.markdown.renderTokens(done));
        this.frozenChars += done.reduce((n, t) => n + t.raw.length, 0);
        tokens = tokens.slice(last);
      }
    }
    const fragment = this.markdown.renderTokens(tokens);
    this.tailNodes = Array.from(fragment.childNodes);
    this.element.appendChild(fragment);
    this.incremental = true;
    this.drawn = this.shown;
  }
}
