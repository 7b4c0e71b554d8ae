/**
 * A tool call as a compact, collapsible row: what ran, on what, how it went
 * and how long it took, read at a glance from what the tool reported
 * (`ToolResult.display`): an edit as "+12 −3 src/math.ts" that opens its
 * diff, a command as its command line with the exit code, a read or a search
 * as the path and the count. The result (a command's output) and the raw
 * arguments are one click away and are always shown as text: tool results
 * carry file contents and command output, which must never be interpreted
 * as HTML.
 */
import type { ToolResultDisplay } from '../protocol/chat';
import type { AssistantPart } from '../protocol/sessions';
import type { ApprovalState, FromWebview } from '../protocol/webviewMessages';
import { renderApprovalCard } from './approvalCardView';
import { el } from './dom';
import { markHiddenCharacters } from './hiddenCharacterMarks';
import { icon } from './icons';
import { revealHidden } from '../protocol/hiddenCharacters';
import { describeOutcome, describeSubject, isToolResultDisplay, MINUS, revealPath } from './toolCallSummary';

type ToolCallPart = Extract<AssistantPart, { kind: 'toolCall' }>;

/** Argument names that best describe a call in one line, in order of preference. */
const SUMMARY_KEYS = ['path', 'file', 'filePath', 'command', 'query', 'pattern', 'url', 'name', 'glob'];

/** Results longer than this are cut in the expanded view; the model still got all of it. */
const MAX_RESULT_CHARS = 20_000;

/** The arguments in one line; hidden characters show as ⟨U+XXXX⟩ (before the line is cut, which would fold some of them into spaces). */
export function summarizeArguments(args: Record<string, unknown>): string {
  for (const key of SUMMARY_KEYS) {
    const value = args[key];
    if (typeof value === 'string' && value !== '') return truncate(revealHidden(value).text, 80);
  }
  const json = safeJson(args, 0);
  return json === '{}' ? '' : truncate(revealHidden(json).text, 80);
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
    /** Opens the change a file tool made (the extension shows it in the diff editor). */
    private readonly openChange: (callId: string) => void = () => undefined,
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

    const display = result && isToolResultDisplay(result.display) ? result.display : undefined;
    const subject = display ? describeSubject(display) : argsSummary;
    const outcome = display ? describeOutcome(display) : resultSummary;
    const label = `Tool ${call.name} ${stateWord}${subject ? `: ${subject}` : ''}${display ? `, ${outcome}` : ''}`;
    const duration = result?.durationMs !== undefined ? el(doc, 'span', { className: 'tool-duration', text: formatDuration(result.durationMs) }) : null;
    const subjectElement = subject ? el(doc, 'span', { className: display?.kind === 'command' ? 'tool-args tool-command' : 'tool-args', attrs: { title: subject }, text: subject }) : null;
    const outcomeElement = el(doc, 'span', {
      className: 'tool-result-summary',
      attrs: { 'data-testid': 'tool-result-summary', ...(display?.kind === 'command' ? { 'data-exit': display.exitCode === 0 ? 'ok' : 'fail' } : {}) },
      text: outcome,
    });
    markHiddenCharacters(outcomeElement);

    const summary = el(doc, 'summary', {
      className: 'tool-summary',
      attrs: { 'aria-label': label },
      children: [
        el(doc, 'span', { className: 'tool-chevron', children: [icon(doc, 'chevron')] }),
        el(doc, 'span', { className: 'tool-status', children: [statusIcon] }),
        // "$ npm test" and "+12 −3 path" say what ran; in a narrow sidebar the tool's name would take the room the command or path needs (the row's label still names it).
        el(doc, 'span', { className: display?.kind === 'command' || display?.kind === 'fileChange' ? 'tool-name visually-hidden' : 'tool-name', attrs: { 'data-testid': 'tool-name' }, text: call.name }),
        display?.kind === 'fileChange' ? this.changeButton(display, call.id) : subjectElement,
        outcomeElement,
        duration,
      ],
    });

    const details: Node[] = [];
    // JSON keeps a right-to-left override or a zero-width space as it is: shown revealed, like the row.
    const argumentsText = el(doc, 'pre', { className: 'tool-text', attrs: { 'data-testid': 'tool-arguments' }, text: revealHidden(safeJson(call.arguments, 2)).text });
    if (!display) details.push(el(doc, 'div', { className: 'tool-section-title', text: 'Arguments' }), argumentsText);
    if (result) {
      const content = result.content.length > MAX_RESULT_CHARS ? `${result.content.slice(0, MAX_RESULT_CHARS)}\n… (${result.content.length - MAX_RESULT_CHARS} more characters)` : result.content;
      const resultText = el(doc, 'pre', { className: 'tool-text', attrs: { 'data-testid': 'tool-result' }, text: content || '(empty)' });
      // A file's contents or a command's output can carry Trojan Source characters (a hostile repository's): marked as in
      // code blocks, so the text reads as it is, while a selection still copies exactly what the tool returned.
      markHiddenCharacters(resultText);
      details.push(el(doc, 'div', { className: 'tool-section-title', text: result.isError ? 'Error' : display?.kind === 'command' ? 'Output' : 'Result' }), resultText);
    }
    if (display) {
      // The raw arguments stay one more click away for power users: file contents and edits arrive as JSON with \n escapes, which nobody wants by default.
      details.push(
        el(doc, 'details', {
          className: 'tool-raw',
          attrs: { 'data-testid': 'tool-raw' },
          children: [el(doc, 'summary', { className: 'tool-section-title', text: 'Raw arguments' }), argumentsText],
        }),
      );
    }
    this.details.replaceChildren(summary, el(doc, 'div', { className: 'tool-details', children: details }));
  }

  /**
   * "+12 −3 src/math.ts" as a button that opens the change in VS Code's diff
   * editor. It sits in the row's summary line so it is visible while the row
   * is collapsed; it is a real button (Tab reaches it, Enter and Space press
   * it), and pressing it does not also fold the row open.
   */
  private changeButton(display: Extract<ToolResultDisplay, { kind: 'fileChange' }>, callId: string): HTMLElement {
    const doc = this.doc;
    const lines = (n: number) => `${n} line${n === 1 ? '' : 's'}`;
    const button = el(doc, 'button', {
      className: 'tool-change',
      attrs: {
        type: 'button',
        'data-testid': 'tool-change',
        title: `Open the diff of ${revealPath(display.path)}`,
        'aria-label': `Open the diff of ${revealPath(display.path)}: ${lines(display.added)} added, ${lines(display.removed)} removed`,
      },
      children: [
        el(doc, 'span', { className: 'tool-added', text: `+${display.added}` }),
        el(doc, 'span', { className: 'tool-removed', text: `${MINUS}${display.removed}` }),
        el(doc, 'span', { className: 'tool-args', text: revealPath(display.path) }),
      ],
    }) as HTMLButtonElement;
    button.addEventListener('click', (event) => {
      event.preventDefault();
      event.stopPropagation();
      this.openChange(callId);
    });
    // Space on a button inside <summary> would otherwise also toggle the row in some engines.
    button.addEventListener('keyup', (event) => {
      if (event.key === ' ') event.preventDefault();
    });
    return button;
  }

  private updateApproval(approval: ApprovalState | undefined): void {
    if (approval === this.renderedApproval) return;
    this.renderedApproval = approval;
    this.approvalSlot.replaceChildren(...(approval ? [renderApprovalCard(this.doc, approval, this.post)] : []));
  }
}
