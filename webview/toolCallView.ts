/**
 * A tool call as a compact, collapsible row: what ran, on what, how it went
 * and how long it took. The full arguments and result are one click away and
 * are always shown as text: tool results carry file contents and command
 * output, which must never be interpreted as HTML.
 */
import type { AssistantPart } from '../protocol/sessions';
import type { ApprovalState, FromWebview } from '../protocol/webviewMessages';
import { renderApprovalCard } from './approvalCardView';
import { el } from './dom';
import { icon } from './icons';

type ToolCallPart = Extract<AssistantPart, { kind: 'toolCall' }>;

/** Argument names that best describe a call in one line, in order of preference. */
const SUMMARY_KEYS = ['path', 'file', 'filePath', 'command', 'query', 'pattern', 'url', 'name', 'glob'];

/** Results longer than this are cut in the expanded view; the model still got all of it. */
const MAX_RESULT_CHARS = 20_000;

export function summarizeArguments(args: Record<string, unknown>): string {
  for (const key of SUMMARY_KEYS) {
    const value = args[key];
    if (typeof value === 'string' && value !== '') return truncate(value, 80);
  }
  const json = safeJson(args, 0);
  return json === '{}' ? '' : truncate(json, 80);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function truncate(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function safeJson(value: unknown, indent: number): string {
  try {
    return JSON.stringify(value, null, indent) ?? String(value);
  } catch {
    return String(value);
  }
}

export class ToolCallView {
  /** The row: the collapsible call and, under it, its approval card (outside <details>, so it shows while the call is collapsed). */
  readonly element: HTMLElement;
  private readonly details: HTMLDetailsElement;
  private readonly approvalSlot: HTMLElement;
  private renderedKey = '';
  /** The approval last rendered; the app replaces the object whenever the extension sends news of it. */
  private renderedApproval: ApprovalState | undefined;

  constructor(
    private readonly doc: Document,
    private readonly post: (message: FromWebview) => void = () => undefined,
  ) {
    // <details> is collapsible and keyboard-operable natively, and keeps its
    // open state across our updates because we update it in place.
    this.details = el(doc, 'details', { className: 'tool-call', attrs: { 'data-testid': 'tool-call' } });
    this.approvalSlot = el(doc, 'div', { className: 'tool-approval' });
    this.element = el(doc, 'div', { className: 'tool-row', attrs: { 'data-testid': 'tool-row' }, children: [this.details, this.approvalSlot] });
  }

  update(part: ToolCallPart, entryLive: boolean, approval?: ApprovalState): void {
    const { call, result } = part;
    this.element.setAttribute('data-call-id', call.id);
    this.updateApproval(approval);
    const waiting = !result && approval !== undefined && approval.outcome === undefined;
    const state = result ? (result.isError ? 'error' : 'ok') : waiting ? 'waiting' : entryLive ? 'running' : 'incomplete';
    const key = `${state}|${call.id}`;
    if (key === this.renderedKey) return;
    this.renderedKey = key;

    const doc = this.doc;
    this.details.setAttribute('data-state', state);
    const argsSummary = summarizeArguments(call.arguments);
    const resultSummary = result
      ? result.summary ?? truncate(result.content.split('\n', 1)[0] ?? '', 60)
      : state === 'running'
        ? 'running…'
        : state === 'waiting'
          ? 'waiting for your approval'
          : 'no result';
    const statusIcon =
      state === 'ok'
        ? icon(doc, 'check')
        : state === 'error'
          ? icon(doc, 'error')
          : state === 'running'
            ? el(doc, 'span', { className: 'spinner', attrs: { 'aria-hidden': 'true' } })
            : state === 'waiting'
              ? icon(doc, 'hand')
              : icon(doc, 'tool');
    const stateWord = { ok: 'succeeded', error: 'failed', running: 'running', waiting: 'is waiting for your approval', incomplete: 'did not finish' }[state];

    const summary = el(doc, 'summary', {
      className: 'tool-summary',
      attrs: { 'aria-label': `Tool ${call.name} ${stateWord}${argsSummary ? `: ${argsSummary}` : ''}` },
      children: [
        el(doc, 'span', { className: 'tool-chevron', children: [icon(doc, 'chevron')] }),
        el(doc, 'span', { className: 'tool-status', children: [statusIcon] }),
        el(doc, 'span', { className: 'tool-name', attrs: { 'data-testid': 'tool-name' }, text: call.name }),
        argsSummary ? el(doc, 'span', { className: 'tool-args', text: argsSummary }) : null,
        el(doc, 'span', { className: 'tool-result-summary', attrs: { 'data-testid': 'tool-result-summary' }, text: resultSummary }),
        result?.durationMs !== undefined ? el(doc, 'span', { className: 'tool-duration', text: formatDuration(result.durationMs) }) : null,
      ],
    });

    const details: Node[] = [
      el(doc, 'div', { className: 'tool-section-title', text: 'Arguments' }),
      el(doc, 'pre', { className: 'tool-text', attrs: { 'data-testid': 'tool-arguments' }, text: safeJson(call.arguments, 2) }),
    ];
    if (result) {
      const content = result.content.length > MAX_RESULT_CHARS ? `${result.content.slice(0, MAX_RESULT_CHARS)}\n… (${result.content.length - MAX_RESULT_CHARS} more characters)` : result.content;
      details.push(
        el(doc, 'div', { className: 'tool-section-title', text: result.isError ? 'Error' : 'Result' }),
        el(doc, 'pre', { className: 'tool-text', attrs: { 'data-testid': 'tool-result' }, text: content || '(empty)' }),
      );
    }
    this.details.replaceChildren(summary, el(doc, 'div', { className: 'tool-details', children: details }));
  }

  private updateApproval(approval: ApprovalState | undefined): void {
    if (approval === this.renderedApproval) return;
    this.renderedApproval = approval;
    this.approvalSlot.replaceChildren(...(approval ? [renderApprovalCard(this.doc, approval, this.post)] : []));
  }
}
