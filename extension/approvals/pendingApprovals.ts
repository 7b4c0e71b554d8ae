/**
 * The approvals waiting for the user, owned by the extension: the chat view
 * only renders them (it holds no agent state) and answers with an id. Each
 * request is settled exactly once, by whichever comes first: the chat card,
 * the diff editor's own actions, or a cancelled request. This file does not
 * import `vscode`, so its rules (which answer fits which request, and that
 * "Always allow" adds only the rule that was offered) are tested in plain Node.
 */
import { validateElicitation, type ElicitationValue } from '../../protocol/elicitationForm';
import type { ApprovalDecision, ApprovalOutcome, ApprovalRequest, ApprovalState } from '../../protocol/webviewMessages';

/** The part of a cancellation token we need (vscode's and vscode-languageclient's both fit). */
export interface CancelSignal {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

export type ApprovalChange = { type: 'requested'; request: ApprovalRequest } | { type: 'settled'; id: string; outcome: ApprovalOutcome };

/** What `ask` resolves to: the user's answer, or `cancelled`/`expired` when nobody answered. */
export type ApprovalAnswer = ApprovalDecision | 'cancelled' | 'expired';

type NewRequest = ApprovalRequest extends infer R ? (R extends ApprovalRequest ? Omit<R, 'id'> : never) : never;

interface Entry {
  state: ApprovalState;
  resolve?: (answer: ApprovalAnswer) => void;
  cancelListener?: { dispose(): void };
  /** Shows the request's diff again ("Open diff" on the card), while it is pending. */
  showDiff?: () => Promise<void>;
  /** The checked answers of an accepted form (an MCP elicitation). */
  content?: Record<string, ElicitationValue>;
}

/** Which answers each kind of request accepts; anything else from the webview is refused. */
const DECISIONS: Record<ApprovalRequest['kind'], readonly ApprovalDecision[]> = {
  command: ['accept', 'reject', 'alwaysAllow'],
  edit: ['accept', 'reject', 'acceptAllForTurn'],
  read: ['accept', 'reject'],
  // Each address is asked about: what a model puts in one is what leaves the machine.
  webPage: ['accept', 'reject'],
  mcpTool: ['accept', 'reject', 'alwaysAllow'],
  // Sampling is never always allowed: each request shows its exact prompt.
  mcpSampling: ['accept', 'reject'],
  mcpElicitation: ['accept', 'reject', 'cancel'],
};

const OUTCOME: Record<ApprovalDecision, ApprovalOutcome> = { accept: 'accepted', reject: 'rejected', alwaysAllow: 'alwaysAllowed', acceptAllForTurn: 'acceptedAll', cancel: 'cancelled' };

/** Settled approvals kept so a reloaded view still shows how recent ones ended. */
const SETTLED_KEPT = 50;

export class PendingApprovals {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(change: ApprovalChange) => void>();
  private counter = 0;

  /**
   * @param addAllowRule saves an "Always allow" rule to the user's settings; a
   *   failure answers `accept` (the command runs once) and is reported by the caller's logger.
   */
  constructor(
    private readonly addAllowRule: (rule: string) => Promise<void>,
    private readonly onError: (message: string) => void = () => undefined,
  ) {}

  onDidChange(listener: (change: ApprovalChange) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Every known approval, pending and recently settled, oldest first. */
  list(): ApprovalState[] {
    return [...this.entries.values()].map((e) => ({ request: e.state.request, outcome: e.state.outcome }));
  }

  get pendingCount(): number {
    let count = 0;
    for (const e of this.entries.values()) if (!e.state.outcome) count++;
    return count;
  }

  get(id: string): ApprovalState | undefined {
    return this.entries.get(id)?.state;
  }

  /**
   * Adds a request and waits for its answer. A cancelled token settles it as
   * `cancelled` (the turn was stopped); the caller treats that as a rejection.
   */
  ask(request: NewRequest, token: CancelSignal): { id: string; answer: Promise<ApprovalAnswer> } {
    const id = `approval-${++this.counter}-${Date.now().toString(36)}`;
    const full = { ...request, id } as ApprovalRequest;
    const entry: Entry = { state: { request: full } };
    const answer = new Promise<ApprovalAnswer>((resolve) => {
      entry.resolve = resolve;
    });
    this.entries.set(id, entry);
    this.emit({ type: 'requested', request: full });
    if (token.isCancellationRequested) this.settle(id, 'cancelled');
    else entry.cancelListener = token.onCancellationRequested(() => this.settle(id, 'cancelled'));
    return { id, answer };
  }

  /**
   * The user's answer, from the chat card or the diff editor. Refused (and
   * nothing changes) when the request is not pending, the answer does not fit
   * its kind, or an "Always allow" rule is not exactly the one offered for this
   * request: a compromised webview must not be able to add rules of its own.
   */
  async decide(id: string, decision: ApprovalDecision, rule?: string, values?: Record<string, unknown>): Promise<{ ok: true } | { ok: false; reason: string }> {
    const entry = this.entries.get(id);
    if (!entry) return { ok: false, reason: 'no such approval (it may have expired)' };
    if (entry.state.outcome) return { ok: false, reason: `already ${entry.state.outcome}` };
    if (!entry.resolve) return { ok: false, reason: 'already being answered' };
    const request = entry.state.request;
    if (!DECISIONS[request.kind].includes(decision)) return { ok: false, reason: `${decision} does not apply to a ${request.kind} approval` };
    if (values !== undefined && !(request.kind === 'mcpElicitation' && decision === 'accept')) return { ok: false, reason: 'only an accepted form carries values' };
    if (request.kind === 'mcpElicitation' && decision === 'accept') {
      // The form's answers are checked here against the form the server asked for, and again in the language server.
      const checked = validateElicitation(request.fields, values ?? {});
      if (!checked.ok) return { ok: false, reason: `the form's values do not fit it (${Object.keys(checked.errors).join(', ')})` };
      entry.content = checked.content;
    }
    if (decision !== 'alwaysAllow') {
      this.settle(id, OUTCOME[decision]);
      return { ok: true };
    }
    if (request.kind === 'mcpTool') {
      // The language server remembers an always-allowed MCP tool (with its definition's hash); there is no rule to add here.
      if (rule !== undefined) return { ok: false, reason: 'an MCP tool approval takes no rule' };
      this.settle(id, 'alwaysAllowed');
      return { ok: true };
    }
    if (request.kind !== 'command' || request.suggestedRule === undefined) return { ok: false, reason: 'this command has no rule to always allow' };
    if (rule !== request.suggestedRule) return { ok: false, reason: 'the rule is not the one offered for this command' };
    // Mark it answered before the settings write, so a second click cannot add the rule twice.
    const resolve = this.take(entry);
    try {
      await this.addAllowRule(rule);
    } catch (err) {
      this.onError(`Hearth could not add "${rule}" to hearth.agent.commandAllowList (${err instanceof Error ? err.message : String(err)}). The command runs this once; add the rule in Settings to always allow it.`);
      this.finish(id, entry, resolve, 'accepted', 'accept');
      return { ok: true };
    }
    this.finish(id, entry, resolve, 'alwaysAllowed', 'alwaysAllow');
    return { ok: true };
  }

  /** The answers of an accepted form, once its request was accepted. */
  formContent(id: string): Record<string, ElicitationValue> | undefined {
    return this.entries.get(id)?.content;
  }

  /** Lets the card's "Open diff" show this pending request's diff again. */
  setDiff(id: string, show: () => Promise<void>): void {
    const entry = this.entries.get(id);
    if (entry && !entry.state.outcome) entry.showDiff = show;
  }

  async showDiff(id: string): Promise<void> {
    await this.entries.get(id)?.showDiff?.();
  }

  /** Ends a pending request without a user decision: `cancelled` (the turn stopped) or `expired` (the server went away). */
  settle(id: string, outcome: ApprovalOutcome): void {
    const entry = this.entries.get(id);
    if (!entry || entry.state.outcome || !entry.resolve) return;
    const resolve = this.take(entry);
    const answer: ApprovalAnswer = outcome === 'cancelled' || outcome === 'expired' ? outcome : decisionOf(outcome);
    this.finish(id, entry, resolve, outcome, answer);
  }

  /** Expires every pending request (the language server stopped: nobody is waiting for the answers). */
  expireAll(): void {
    for (const [id, entry] of this.entries) if (!entry.state.outcome) this.settle(id, 'expired');
  }

  private take(entry: Entry): (answer: ApprovalAnswer) => void {
    const resolve = entry.resolve ?? (() => undefined);
    entry.resolve = undefined;
    entry.cancelListener?.dispose();
    entry.showDiff = undefined;
    return resolve;
  }

  private finish(id: string, entry: Entry, resolve: (answer: ApprovalAnswer) => void, outcome: ApprovalOutcome, answer: ApprovalAnswer): void {
    entry.state = { request: entry.state.request, outcome };
    this.prune();
    this.emit({ type: 'settled', id, outcome });
    resolve(answer);
  }

  private prune(): void {
    const settled = [...this.entries].filter(([, e]) => e.state.outcome);
    for (const [id] of settled.slice(0, Math.max(0, settled.length - SETTLED_KEPT))) this.entries.delete(id);
  }

  private emit(change: ApprovalChange): void {
    for (const listener of this.listeners) listener(change);
  }
}

function decisionOf(outcome: Exclude<ApprovalOutcome, 'cancelled' | 'expired'>): ApprovalDecision {
  return ({ accepted: 'accept', rejected: 'reject', alwaysAllowed: 'alwaysAllow', acceptedAll: 'acceptAllForTurn' } as const)[outcome];
}
