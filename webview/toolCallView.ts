/**
 * A tool call as a compact, collapsible row: what ran, on what, how it went
 * and how long it took. The full arguments and result are one click away and
 * are always shown as text: tool results carry file contents and command
 * output, which must never be interpreted as HTML.
 */
import type { AssistantPart } from '../protocol/sessions';
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
  readonly element: HTMLDetailsElement;
  private renderedKey = '';

  constructor(private readonly doc: Document) {
    // <details> is collapsible and keyboard-operable natively, and keeps its
    // open state across our updates because we update it in place.
    this.element = el(doc, 'details', { className: 'tool-call', attrs: { 'data-testid': 'tool-call' } });
  }

  update(part: ToolCallPart, entryLive: boolean): void {
    const { call, result } = part;
    const state = result ? (result.isError ? 'error' : 'ok') : entryLive ? 'running' : 'incomplete';
    const key = `${state}|${call.id}`;
    if (key === this.renderedKey) return;
    this.renderedKey = key;

    const doc = this.doc;
    this.element.setAttribute('data-state', state);
    const argsSummary = summarizeArguments(call.arguments);
    const resultSummary = result
      ? result.summary ?? truncate(result.content.split('\n', 1)[0] ?? '', 60)
      : state === 'running'
        ? 'running…'
        : 'no result';
    const statusIcon =
      state === 'ok' ? icon(doc, 'check') : state === 'error' ? icon(doc, 'error') : state === 'running' ? el(doc, 'span', { className: 'spinner', attrs: { 'aria-hidden': 'true' } }) : icon(doc, 'tool');
    const stateWord = { ok: 'succeeded', error: 'failed', running: 'running', incomplete: 'did not finish' }[state];

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
    this.element.replaceChildren(summary, el(doc, 'div', { className: 'tool-details', children: details }));
  }
}
