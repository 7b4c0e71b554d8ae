/**
 * A sub-agent as a collapsible card inside the answer that started it: its
 * name ("Explorer", or "@reviewer (explorer)" when it runs as one of the
 * user's agents), its model when that is not the turn's, its task, its tool calls as they happen (with their approval
 * cards, since an executor's edits ask the user like the main agent's), and
 * its report when it ends, with the time and tokens it took. The card is
 * open while the sub-agent works and keeps whatever state the user gives it
 * afterwards, because it is updated in place; only a new approval waiting
 * inside it opens it again, since the turn cannot go on until it is seen.
 */
import type { AssistantPart } from '../protocol/sessions';
import { el } from './dom';
import { icon } from './icons';
import { TextPartView } from './textPartView';
import { ToolCallView, formatDuration } from './toolCallView';
import type { ViewContext } from './viewContext';
import { updateStatusNotice } from './statusNotice';

type SubagentPart = Extract<AssistantPart, { kind: 'subagent' }>;

type InnerView = { kind: 'toolCall'; view: ToolCallView } | { kind: 'status'; element: HTMLElement };

const ROLE_NAMES: Record<SubagentPart['agent']['role'], string> = { explorer: 'Explorer', researcher: 'Researcher', executor: 'Executor' };

/** The card's name: the role, or the named agent it runs as with its role. */
export function subagentLabel(agent: SubagentPart['agent']): string {
  return agent.agent ? `@${agent.agent} (${agent.role})` : ROLE_NAMES[agent.role];
}

/** The model the card names: only one that differs from the turn's (an older entry without a model names it always). */
export function subagentModelText(agent: SubagentPart['agent'], turnModel: string | undefined): string {
  return agent.model === turnModel ? '' : agent.model;
}

/** The card's one-line state, as the header shows it. */
export function subagentStateText(part: SubagentPart, entryLive: boolean): string {
  const outcome = part.outcome;
  if (!outcome) return entryLive ? 'working…' : 'stopped';
  const facts: string[] = [formatDuration(outcome.durationMs)];
  if (outcome.usage) facts.push(`${outcome.usage.promptTokens + outcome.usage.completionTokens} tokens`);
  const calls = part.parts.filter((p) => p.kind === 'toolCall').length;
  facts.push(`${calls} tool call${calls === 1 ? '' : 's'}`);
  const state = outcome.reason === 'stop' ? 'done' : outcome.reason === 'cancelled' ? 'stopped' : outcome.reason === 'error' ? 'failed' : outcome.reason === 'limit' ? 'step limit' : 'cut off';
  return `${state} · ${facts.join(' · ')}`;
}

export class SubagentCardView {
  readonly element: HTMLDetailsElement;
  private readonly stateElement: HTMLElement;
  private readonly modelElement: HTMLElement;
  private readonly inner: HTMLElement;
  private readonly resultSlot: HTMLElement;
  private readonly views: InnerView[] = [];
  private result: TextPartView | undefined;
  private renderedResult = '';
  /** The approval requests this card has already opened itself for. */
  private readonly shownRequests = new Set<string>();

  constructor(
    private readonly ctx: ViewContext,
    part: SubagentPart,
  ) {
    const doc = ctx.doc;
    const { agent } = part;
    this.stateElement = el(doc, 'span', { className: 'subagent-state', attrs: { 'data-testid': 'subagent-state' } });
    this.modelElement = el(doc, 'span', { className: 'subagent-model', attrs: { 'data-testid': 'subagent-model' } });
    this.inner = el(doc, 'div', { className: 'subagent-activity' });
    this.resultSlot = el(doc, 'div', { className: 'subagent-result', attrs: { 'data-testid': 'subagent-result' } });
    this.element = el(doc, 'details', {
      className: 'subagent-card',
      attrs: { 'data-testid': 'subagent-card', 'data-role': agent.role, 'data-agent-id': agent.id, ...(agent.agent ? { 'data-agent': agent.agent } : {}), open: '' },
      children: [
        el(doc, 'summary', {
          className: 'subagent-header',
          children: [
            icon(doc, 'chevron'),
            // The agent's name comes from a file (perhaps a repository's): text, never HTML.
            el(doc, 'span', { className: 'subagent-role', attrs: { 'data-testid': 'subagent-label' }, text: subagentLabel(agent) }),
            this.modelElement,
            this.stateElement,
          ],
        }),
        // The task is the main agent's words: plain text, never HTML.
        el(doc, 'div', { className: 'subagent-task', attrs: { 'data-testid': 'subagent-task' }, text: agent.task }),
        this.inner,
        this.resultSlot,
      ],
    });
  }

  /** `turnModel` is the reply's model: the card names its own only when it differs. */
  update(part: SubagentPart, entryId: string, entryLive: boolean, turnModel: string | undefined): void {
    const model = subagentModelText(part.agent, turnModel);
    this.modelElement.textContent = model;
    this.modelElement.hidden = model === '';
    const state = part.outcome?.reason ?? (entryLive ? 'running' : 'cancelled');
    this.element.setAttribute('data-state', state);
    this.stateElement.textContent = subagentStateText(part, entryLive);
    part.parts.forEach((inner, i) => {
      let view = this.views[i];
      if (!view) {
        view =
          inner.kind === 'toolCall'
            ? // An executor's edit shows "+N −M path" like the main agent's, and must open the same diff when pressed.
              { kind: 'toolCall', view: new ToolCallView(this.ctx.doc, this.ctx.post, (callId) => this.ctx.openToolChange(entryId, callId)) }
            : { kind: 'status', element: el(this.ctx.doc, 'div', { className: 'status-notice', attrs: { 'data-testid': 'subagent-notice', role: 'note' } }) };
        this.views[i] = view;
        this.inner.appendChild(view.kind === 'toolCall' ? view.view.element : view.element);
      }
      if (view.kind === 'toolCall' && inner.kind === 'toolCall') {
        const approval = this.ctx.approvalFor(entryId, inner.call.id);
        view.view.update(inner, entryLive && !part.outcome, approval);
        // The approval card sits inside this card: a card the user folded would hide the question the turn now waits on.
        // Each new request opens it once; folding it again afterwards is the user's choice.
        if (approval && approval.outcome === undefined && !this.shownRequests.has(approval.request.id)) {
          this.shownRequests.add(approval.request.id);
          this.element.open = true;
        }
      }
      else if (view.kind === 'status' && inner.kind === 'status') updateStatusNotice(view.element, inner);
    });
    const summary = part.outcome?.summary ?? '';
    if (summary !== this.renderedResult) {
      this.renderedResult = summary;
      this.result ??= new TextPartView(this.ctx.doc, this.ctx.markdown, this.ctx.stats);
      if (!this.result.element.isConnected) this.resultSlot.appendChild(this.result.element);
      this.result.update(summary, false);
    }
  }
}
