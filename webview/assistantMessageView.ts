/**
 * An assistant answer: its parts in order (Markdown text, tool calls, status
 * notices), then an error with the actions that can fix it, then a footer.
 * The view is updated in place from the entry model so that a streaming
 * answer re-renders only what changed, and an expanded tool call stays open.
 */
import type { HearthError } from '../protocol/chat';
import type { AssistantEntry, AssistantPart } from '../protocol/sessions';
import { button, el, withInlineCode } from './dom';
import { withoutRetryHint } from './retryHint';
import { icon } from './icons';
import type { ToolName } from '../protocol/tools';
import { TextPartView } from './textPartView';
import { SubagentCardView } from './subagentCardView';
import { ThinkingView } from './thinkingView';
import { renderAgentRoute } from './agentRouteChip';
import { TodoListView } from './todoListView';
import { ToolCallView, formatDuration } from './toolCallView';
import type { ViewContext } from './viewContext';
import { renderCheckpointMarker } from './checkpointMarkerView';
import { updateStatusNotice } from './statusNotice';
import { MODEL_NAME } from '../protocol/modelName';

/** What `turnUndone` reported for a reply. */
export interface UndoReport {
  restored: string[];
  removed: string[];
}

/**
 * Tools whose successful calls change files, so their reply offers "Undo changes".
 * The names are checked against the ToolName enum at compile time; a type-only
 * import keeps the tool schemas out of the webview bundle.
 */
const FILE_CHANGING_TOOLS: ReadonlySet<string> = new Set<`${ToolName.WriteFile}` | `${ToolName.EditFile}`>(['write_file', 'edit_file']);

type PartView =
  | { kind: 'text'; view: TextPartView }
  | { kind: 'thinking'; view: ThinkingView }
  | { kind: 'toolCall'; view: ToolCallView }
  | { kind: 'status'; element: HTMLElement }
  | { kind: 'subagent'; view: SubagentCardView };

/** Whether a reply changed files, its sub-agents' calls included. */
function changesFiles(parts: AssistantPart[]): boolean {
  return parts.some((p) =>
    p.kind === 'subagent' ? changesFiles(p.parts) : p.kind === 'toolCall' && FILE_CHANGING_TOOLS.has(p.call.name) && p.result !== undefined && !p.result.isError,
  );
}

/** Whether a reply part is, or holds (a sub-agent's card), the tool call `callId`. */
function holdsCall(part: AssistantPart, callId: string): boolean {
  if (part.kind === 'toolCall') return part.call.id === callId;
  if (part.kind === 'subagent') return part.parts.some((p) => holdsCall(p, callId));
  return false;
}

export class AssistantMessageView {
  readonly element: HTMLElement;
  private readonly partsElement: HTMLElement;
  private readonly indicator: HTMLElement;
  private readonly outcome: HTMLElement;
  private readonly parts: PartView[] = [];
  private readonly todos: TodoListView;
  private readonly compaction: HTMLElement;
  private compactionKey = '';
  private readonly route: HTMLElement;
  private routeKey = '';
  private outcomeKey = '';
  private undone: UndoReport | undefined;
  private last: { entry: AssistantEntry; isLast: boolean } | undefined;
  /** Checkpoint markers already placed on the timeline, by checkpoint id. */
  private readonly markers = new Set<string>();
  private readonly beforeSlot: HTMLElement;

  constructor(private readonly ctx: ViewContext) {
    const doc = ctx.doc;
    this.partsElement = el(doc, 'div', { className: 'parts' });
    this.indicator = el(doc, 'div', {
      className: 'streaming-indicator',
      attrs: { 'data-testid': 'streaming-indicator' },
      children: [el(doc, 'span', { className: 'spinner', attrs: { 'aria-hidden': 'true' } }), 'Thinking…'],
    });
    this.outcome = el(doc, 'div', { className: 'outcome' });
    this.compaction = el(doc, 'div', { className: 'compaction-slot' });
    this.beforeSlot = el(doc, 'div', { className: 'checkpoint-slot' });
    this.route = el(doc, 'div', { className: 'agent-route-slot' });
    this.todos = new TodoListView(doc, (items) => {
      if (this.last) ctx.editTodos(this.last.entry.id, items);
    });
    this.element = el(doc, 'article', {
      className: 'message assistant',
      attrs: { 'data-testid': 'assistant-message', 'aria-label': 'Hearth answered' },
      // The plan heads the reply: it is the summary of what the agent is doing.
      children: [this.beforeSlot, this.route, this.compaction, this.todos.element, this.partsElement, this.indicator, this.outcome],
    });
  }

  /**
   * Brings the view up to `entry`. `now` is the frame's time: with it,
   * streamed text is revealed a little per frame, and the return value says
   * whether some still waits for the next frame.
   */
  update(entry: AssistantEntry, isLast: boolean, now?: number): boolean {
    this.last = { entry, isLast };
    const live = entry.state === 'streaming';
    this.element.setAttribute('data-state', entry.state);
    this.element.setAttribute('data-entry-id', entry.id);
    // The answer itself is not a live region: one stayed live after it finished, so every later change in
    // it (a Retry button taken away, an approval card answered) was read out of context, and screen readers
    // that ignore aria-busy read the streaming tokens. The app's one announcer says when it is done instead.
    if (live) this.element.setAttribute('aria-busy', 'true');
    else this.element.removeAttribute('aria-busy');

    // Only the last reply's plan is editable, and only once it has finished: the next message starts from it.
    this.todos.update(entry.todos, !live && isLast);
    this.updateCompaction(entry, live);
    const routeKey = JSON.stringify(entry.route ?? null);
    if (routeKey !== this.routeKey) {
      this.routeKey = routeKey;
      this.route.replaceChildren(...(entry.route ? [renderAgentRoute(this.ctx.doc, entry.route)] : []));
    }
    let revealing = false;
    entry.parts.forEach((part, i) => {
      if (this.updatePart(i, part, live, i === entry.parts.length - 1, now)) revealing = true;
    });
    this.updateCheckpoints(entry);
    this.indicator.hidden = !(live && !this.hasVisibleContent(entry.parts));
    this.updateOutcome(entry, isLast);
    return revealing;
  }

  /**
   * Places each new checkpoint on the timeline: the one taken before the
   * reply at its top, each other one right after the tool row it follows
   * (a sub-agent's call: after its card). Placed once; parts never move.
   */
  private updateCheckpoints(entry: AssistantEntry): void {
    for (const mark of entry.checkpoints ?? []) {
      if (this.markers.has(mark.id)) continue;
      if (mark.callId === undefined) {
        this.beforeSlot.appendChild(renderCheckpointMarker(this.ctx, mark.id, 'before this message'));
        this.markers.add(mark.id);
        continue;
      }
      const index = entry.parts.findIndex((p) => holdsCall(p, mark.callId!));
      const view = index >= 0 ? this.parts[index] : undefined;
      if (!view || view.kind === 'text' || view.kind === 'thinking' || view.kind === 'status') continue;
      const part = entry.parts[index];
      const name = part.kind === 'toolCall' ? part.call.name : 'the sub-agents';
      view.view.element.after(renderCheckpointMarker(this.ctx, mark.id, `after ${name}`));
      this.markers.add(mark.id);
    }
  }

  /** Shows that this reply's file changes were undone, replacing the Undo button. */
  showUndone(report: UndoReport): void {
    this.undone = report;
    this.outcomeKey = '';
    if (this.last) this.updateOutcome(this.last.entry, this.last.isLast);
  }

  /** The Markdown of every text part, for "Copy answer". */
  private answerText(): string {
    return this.parts
      .flatMap((p) => (p.kind === 'text' ? [p.view.source] : []))
      .join('\n\n')
      .trim();
  }

  /** The notice that older messages were summarised for this reply, with the summary and a way back. */
  private updateCompaction(entry: AssistantEntry, live: boolean): void {
    const c = entry.compaction;
    const key = JSON.stringify([c, live]);
    if (key === this.compactionKey) return;
    this.compactionKey = key;
    if (!c) {
      this.compaction.replaceChildren();
      return;
    }
    const doc = this.ctx.doc;
    const n = c.summarizedExchanges;
    const text = c.undone
      ? `Compaction undone: the ${n} earlier exchange${n === 1 ? ' is' : 's are'} sent in full again, and this chat no longer compacts.`
      : `To fit the model’s context, ${n} earlier exchange${n === 1 ? ' was' : 's were'} summarised into a note; the messages are kept.`;
    this.compaction.replaceChildren(
      el(doc, 'details', {
        className: 'compaction-notice',
        attrs: { 'data-testid': 'compaction-notice', 'data-undone': c.undone ? 'true' : 'false' },
        children: [
          el(doc, 'summary', { text }),
          // The summary is the model's words: shown as text.
          el(doc, 'div', { className: 'compaction-summary', attrs: { 'data-testid': 'compaction-summary' }, text: c.summary }),
          !c.undone &&
            !live &&
            button(doc, { label: 'Undo compaction: send the full history again', testId: 'undo-compaction', className: 'text-button', children: ['Undo compaction'], onClick: () => this.ctx.undoCompaction(entry.id) }),
        ],
      }),
    );
  }

  private hasVisibleContent(parts: AssistantPart[]): boolean {
    return parts.some((p) => p.kind !== 'text' || p.text.trim() !== '');
  }

  /** Updates one part's view; true while its streamed text is still being revealed. */
  private updatePart(index: number, part: AssistantPart, live: boolean, isLastPart: boolean, now: number | undefined): boolean {
    let view: PartView | undefined = this.parts[index];
    if (view && view.kind !== part.kind) {
      // Parts only ever get appended, so a kind change means a different entry model: start over from here.
      for (const stale of this.parts.splice(index)) (stale.kind === 'status' ? stale.element : stale.view.element).remove();
      view = undefined;
    }
    if (!view) {
      view = this.createPart(part);
      this.parts[index] = view;
      this.partsElement.appendChild(view.kind === 'status' ? view.element : view.view.element);
    }
    // Text is still streaming only while nothing has come after it; a part that is done shows all its text at once.
    if (view.kind === 'text' && part.kind === 'text') return view.view.update(part.text, live && isLastPart, now);
    // Reasoning is still streaming only while nothing has come after it.
    else if (view.kind === 'thinking' && part.kind === 'thinking') view.view.update(part.text, live && isLastPart);
    else if (view.kind === 'toolCall' && part.kind === 'toolCall') view.view.update(part, live, this.ctx.approvalFor(this.last?.entry.id ?? '', part.call.id));
    else if (view.kind === 'subagent' && part.kind === 'subagent') view.view.update(part, this.last?.entry.id ?? '', live, this.last?.entry.model);
    // A note with an id is replaced in place (a model load's outcome, a tool's progress).
    else if (view.kind === 'status' && part.kind === 'status') updateStatusNotice(view.element, part);
    return false;
  }

  private createPart(part: AssistantPart): PartView {
    const doc = this.ctx.doc;
    switch (part.kind) {
      case 'text':
        return { kind: 'text', view: new TextPartView(doc, this.ctx.markdown, this.ctx.stats) };
      case 'thinking':
        return { kind: 'thinking', view: new ThinkingView(doc) };
      case 'toolCall':
        return { kind: 'toolCall', view: new ToolCallView(doc, this.ctx.post, (callId) => this.ctx.openToolChange(this.last?.entry.id ?? '', callId)) };
      case 'subagent':
        return { kind: 'subagent', view: new SubagentCardView(this.ctx, part) };
      case 'status':
        return { kind: 'status', element: el(doc, 'div', { className: 'status-notice', attrs: { 'data-testid': 'status-notice', role: 'note' } }) };
    }
  }

  /** Error, stop notice and footer; rebuilt only when one of their inputs changes, not on every streamed frame. */
  private updateOutcome(entry: AssistantEntry, isLast: boolean): void {
    const changedFiles = changesFiles(entry.parts);
    const key = JSON.stringify([entry.state, entry.doneReason, entry.error, entry.usage, entry.model, entry.mode, isLast, changedFiles, this.undone]);
    if (key === this.outcomeKey) return;
    this.outcomeKey = key;
    const doc = this.ctx.doc;
    const nodes: Node[] = [];
    const error = entry.error && entry.error.code !== 'cancelled' ? entry.error : undefined;
    if (error) {
      nodes.push(this.errorBox(error, isLast));
    } else if (entry.state === 'interrupted') {
      nodes.push(this.notice('This answer was interrupted before it finished.', 'interrupted-notice', isLast));
    } else if (entry.doneReason === 'cancelled' || entry.error?.code === 'cancelled') {
      nodes.push(this.notice('Stopped.', 'stopped-notice', false));
    } else if (entry.doneReason === 'length') {
      const notice = this.notice('The answer reached the model’s length limit and was cut off.', 'length-notice', false);
      // Continue resumes this answer where it stopped; only the last answer can be continued.
      if (isLast) notice.appendChild(this.continueButton());
      nodes.push(notice);
    } else if (entry.doneReason === 'limit') {
      nodes.push(this.notice('The agent stopped at its step limit.', 'limit-notice', false));
    }
    if (this.undone) nodes.push(this.undoneNotice(this.undone));
    if (entry.state !== 'streaming') {
      const hasText = entry.parts.some((p) => p.kind === 'text' && p.text.trim() !== '');
      // A finished plan can be run: it goes into the composer in Agent mode, for the user to edit and send.
      if (entry.mode === 'plan' && entry.state === 'done' && entry.doneReason === 'stop' && !error && hasText) {
        nodes.push(
          el(doc, 'div', {
            className: 'plan-actions',
            children: [
              button(doc, {
                label: 'Run this plan in Agent mode (you can edit it before sending)',
                testId: 'run-plan',
                className: 'text-button primary',
                children: [icon(doc, 'send'), el(doc, 'span', { text: 'Run in Agent mode' })],
                onClick: () => this.ctx.runPlan(this.answerText()),
              }),
            ],
          }),
        );
      }
      const meta: string[] = [];
      if (entry.model) meta.push(entry.model);
      if (entry.usage) {
        meta.push(`${entry.usage.completionTokens} tokens`);
        if (entry.usage.totalDurationMs !== undefined) meta.push(formatDuration(entry.usage.totalDurationMs));
      }
      nodes.push(
        el(doc, 'div', {
          className: 'message-footer',
          children: [
            el(doc, 'span', { className: 'message-meta', text: meta.join(' · ') }),
            changedFiles &&
              !this.undone &&
              button(doc, {
                label: 'Undo the file changes of this reply',
                testId: 'undo-turn',
                className: 'text-button',
                children: [icon(doc, 'undo'), el(doc, 'span', { text: 'Undo changes' })],
                onClick: () => this.ctx.undoTurn(entry.id),
              }),
            hasText && button(doc, {
              label: 'Copy answer',
              testId: 'copy-message',
              className: 'icon-button subtle',
              children: [icon(doc, 'copy')],
              onClick: () => this.ctx.post({ type: 'copy', text: this.answerText() }),
            }),
          ],
        }),
      );
    }
    this.outcome.replaceChildren(...nodes);
  }

  private undoneNotice(report: UndoReport): HTMLElement {
    const parts: string[] = [];
    if (report.restored.length > 0) parts.push(`restored ${plural(report.restored.length, 'file')} (${report.restored.join(', ')})`);
    if (report.removed.length > 0) parts.push(`removed ${plural(report.removed.length, 'new file')} (${report.removed.join(', ')})`);
    const text = parts.length > 0 ? `Changes undone: ${parts.join('; ')}.` : 'Changes undone: there was nothing left to restore.';
    return el(this.ctx.doc, 'div', { className: 'notice', attrs: { 'data-testid': 'undo-notice', role: 'status' }, text });
  }

  private notice(text: string, testId: string, withRetry: boolean): HTMLElement {
    const doc = this.ctx.doc;
    return el(doc, 'div', {
      className: 'notice',
      attrs: { 'data-testid': testId },
      children: [el(doc, 'span', { text }), withRetry ? this.retryButton() : null],
    });
  }

  private continueButton(): HTMLButtonElement {
    return button(this.ctx.doc, {
      label: 'Continue the answer where it stopped',
      testId: 'continue',
      className: 'text-button',
      children: [el(this.ctx.doc, 'span', { text: 'Continue' })],
      onClick: () => this.ctx.continueReply(),
    });
  }

  private retryButton(model?: string): HTMLButtonElement {
    return button(this.ctx.doc, {
      label: 'Retry',
      testId: 'retry',
      className: 'text-button',
      children: [icon(this.ctx.doc, 'refresh'), el(this.ctx.doc, 'span', { text: 'Retry' })],
      onClick: () => this.ctx.retry(model),
    });
  }

  private errorBox(error: HearthError, isLast: boolean): HTMLElement {
    const doc = this.ctx.doc;
    const actions: Node[] = [];
    // Retrying only makes sense for the session's last turn: that is what `retry` reruns.
    if (error.retryable && isLast) actions.push(this.retryButton());
    if (error.code === 'ollamaUnreachable') {
      actions.push(
        button(doc, {
          label: 'Open the Ollama host setting',
          testId: 'open-settings',
          className: 'text-button',
          children: ['Settings'],
          onClick: () => this.ctx.post({ type: 'openSettings', setting: 'hearth.ollama.host' }),
        }),
      );
    }
    // A model Ollama does not have (not a provider's: those are loaded on their own server) can be downloaded from here.
    if (error.code === 'modelNotFound' && isLast && error.pullable && error.model && MODEL_NAME.test(error.model)) {
      const model = error.model;
      actions.push(
        button(doc, {
          label: `Download ${model} into Ollama, then retry`,
          testId: 'download-model',
          className: 'text-button',
          children: [icon(doc, 'export'), el(doc, 'span', { text: `Download ${model}` })],
          onClick: () => this.ctx.downloadModel(model),
        }),
      );
    }
    let choices: HTMLElement | null = null;
    if (error.code === 'modelNotFound' && error.installedModels && error.installedModels.length > 0) {
      choices = el(doc, 'div', {
        className: 'model-choices',
        attrs: { role: 'group', 'aria-label': 'Installed models' },
        children: [
          el(doc, 'span', { className: 'model-choices-label', text: isLast ? 'Use an installed model:' : 'Installed models:' }),
          ...error.installedModels.map((model) =>
            button(doc, {
              label: isLast ? `Use ${model} and retry` : `Use ${model}`,
              testId: 'model-choice',
              className: 'chip-button',
              children: [model],
              onClick: () => {
                this.ctx.selectModel(model);
                if (isLast) this.ctx.retry(model);
              },
            }),
          ),
        ],
      });
    }
    return el(doc, 'div', {
      className: 'error-box',
      attrs: { role: 'alert', 'data-code': error.code },
      children: [
        el(doc, 'div', { className: 'error-title', children: [icon(doc, 'error'), el(doc, 'span', { attrs: { 'data-testid': 'error' }, children: withInlineCode(doc, isLast ? error.message : withoutRetryHint(error.message)) })] }),
        choices,
        actions.length > 0 ? el(doc, 'div', { className: 'error-actions', children: actions }) : null,
      ],
    });
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
