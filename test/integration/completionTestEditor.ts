/**
 * A scripted editor for inline-suggestion tests and the benchmark: it keeps a
 * document's text and cursor, sends real didOpen/didChange notifications, and
 * asks for inline completions the way VS Code does (each keystroke sends the
 * edit, then a new request, and cancels the previous request).
 */
import {
  CancellationTokenSource,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  InlineCompletionRequest,
  InlineCompletionTriggerKind,
  type InlineCompletionList,
  type InlineCompletionItem,
  type Position,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { preciseNow } from '../fixtures/preciseRequestTiming';

export interface InlineAnswer {
  /** The first item's text, or '' when the server had nothing. */
  text: string;
  /** Milliseconds from sending the request to its answer (high resolution). */
  ms: number;
  /** Wall-clock times (performance.timeOrigin based) of the request and its answer. */
  sentAt: number;
  answeredAt: number;
}

function firstText(result: InlineCompletionList | InlineCompletionItem[] | null): string {
  const items = Array.isArray(result) ? result : result?.items ?? [];
  const insert = items[0]?.insertText;
  return typeof insert === 'string' ? insert : insert?.value ?? '';
}

export class CompletionTestEditor {
  private version = 1;
  private pending: CancellationTokenSource | undefined;

  constructor(
    private readonly connection: ProtocolConnection,
    readonly uri: string,
    readonly languageId: string,
    public text: string,
    public cursor = 0,
  ) {}

  async open(): Promise<void> {
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: this.uri, languageId: this.languageId, version: this.version, text: this.text },
    });
  }

  async close(): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: this.uri } });
  }

  positionAt(offset: number): Position {
    const before = this.text.slice(0, offset);
    const line = before.split('\n').length - 1;
    return { line, character: offset - (before.lastIndexOf('\n') + 1) };
  }

  get position(): Position {
    return this.positionAt(this.cursor);
  }

  /** Moves the cursor to just after the first occurrence of `marker` (or to an offset). */
  moveTo(target: string | number): void {
    if (typeof target === 'number') {
      this.cursor = target;
      return;
    }
    const at = this.text.indexOf(target);
    if (at < 0) throw new Error(`"${target}" is not in the document`);
    this.cursor = at + target.length;
  }

  /** Replaces `length` characters at `offset` with `insert`, as an incremental didChange. */
  async edit(offset: number, length: number, insert: string): Promise<void> {
    const range = { start: this.positionAt(offset), end: this.positionAt(offset + length) };
    this.text = this.text.slice(0, offset) + insert + this.text.slice(offset + length);
    this.version++;
    if (this.cursor >= offset + length) this.cursor += insert.length - length;
    else if (this.cursor > offset) this.cursor = offset + insert.length;
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: this.uri, version: this.version },
      contentChanges: [{ range, text: insert }],
    });
  }

  /** Types text at the cursor (one didChange, no request). */
  async insert(text: string): Promise<void> {
    const at = this.cursor;
    await this.edit(at, 0, text);
    this.cursor = at + text.length;
  }

  async backspace(count = 1): Promise<void> {
    const from = Math.max(0, this.cursor - count);
    await this.edit(from, this.cursor - from, '');
    this.cursor = from;
  }

  /**
   * Asks for an inline completion at the cursor. Like VS Code, a new request
   * cancels the previous one unless `keepPrevious` is set.
   */
  request(options: { keepPrevious?: boolean } = {}): Promise<InlineAnswer> {
    if (!options.keepPrevious) this.cancelPending();
    const source = new CancellationTokenSource();
    this.pending = source;
    const sentAt = preciseNow();
    const started = performance.now();
    return this.connection
      .sendRequest(
        InlineCompletionRequest.type,
        { textDocument: { uri: this.uri }, position: this.position, context: { triggerKind: InlineCompletionTriggerKind.Automatic } },
        source.token,
      )
      .then((result) => {
        const ms = performance.now() - started;
        return { text: firstText(result), ms, sentAt, answeredAt: sentAt + ms };
      });
  }

  /** Cancels the request in flight, as VS Code does the moment the text changes. */
  cancelPending(): void {
    this.pending?.cancel();
    this.pending = undefined;
  }

  /**
   * One keystroke as VS Code sends it: the edit, then a request that cancels
   * the previous one. Resolves once both are sent; `answer` settles later.
   */
  async keystroke(ch: string): Promise<{ answer: Promise<InlineAnswer> }> {
    await this.insert(ch);
    return { answer: this.request() };
  }
}
