/**
 * A model's reasoning (Ollama's `message.thinking`), shown apart from the
 * answer: a native <details> block, collapsed by default so the answer stays
 * the focus, that the user can open to read the reasoning as it streams.
 * While it streams the summary says "Thinking…", so a model that reasons for
 * a minute before answering is visibly working rather than silent.
 *
 * The text is plain (textContent, never parsed as HTML or Markdown): it is
 * model output the user only reads, and appending only the new characters
 * keeps a long reasoning stream linear rather than re-rendering it per token.
 */
import { el } from './dom';

export class ThinkingView {
  readonly element: HTMLDetailsElement;
  private readonly summary: HTMLElement;
  private readonly body: HTMLElement;
  private rendered = '';
  private summaryKey = '';

  constructor(private readonly doc: Document) {
    this.summary = el(doc, 'summary', { className: 'thinking-summary', attrs: { 'data-testid': 'thinking-summary' } });
    this.body = el(doc, 'div', { className: 'thinking-body', attrs: { 'data-testid': 'thinking-body' } });
    this.element = el(doc, 'details', { className: 'thinking', attrs: { 'data-testid': 'thinking' }, children: [this.summary, this.body] });
  }

  /** `streaming`: the model is still reasoning (this is the last part of a live answer). */
  update(text: string, streaming: boolean): void {
    if (text.startsWith(this.rendered)) {
      const added = text.slice(this.rendered.length);
      if (added) this.body.appendChild(this.doc.createTextNode(added));
    } else {
      this.body.textContent = text;
    }
    this.rendered = text;
    this.element.setAttribute('data-streaming', String(streaming));
    const key = streaming ? 'live' : 'done';
    if (key === this.summaryKey) return;
    this.summaryKey = key;
    // The open/closed state belongs to the user: updates never change it.
    this.summary.textContent = streaming ? 'Thinking…' : 'Reasoning';
  }

  get text(): string {
    return this.rendered;
  }
}
