/**
 * The chat webview: builds the layout into a root element and routes messages
 * from the extension to the views. It keeps only what it needs to render
 * (which session is shown, whether a send is pending); the sessions themselves
 * are owned by the language server and arrive through the extension.
 */
import type { ContextItem, HearthError } from '../protocol/chat';
import type { ChatImage } from '../protocol/chatImages';
import { parseSlashCommand } from '../protocol/slashCommands';
import type { ApprovalState, FromWebview, ToWebview } from '../protocol/webviewMessages';
import { approvalAnnouncement, renderApprovalCard } from './approvalCardView';
import { Composer } from './composer';
import type { ComposerOptions } from './composer';
import { button, el } from './dom';
import type { FrameScheduler } from './frameScheduler';
import { animationFrameScheduler } from './frameScheduler';
import { HistoryView } from './historyView';
import { icon } from './icons';
import { MarkdownRenderer } from './markdownRenderer';
import { ModelPicker } from './modelPicker';
import { ModeSwitch } from './modeSwitch';
import { createRenderStats } from './textPartView';
import type { RenderStats } from './textPartView';
import { TranscriptView } from './transcriptView';
import type { ViewContext } from './viewContext';
import { updateState } from './vscodeApi';
import type { HostApi } from './vscodeApi';

/** The backend status as the extension forwards it (protocol/lspMethods is off limits to the webview). */
type BackendStatus = Extract<ToWebview, { type: 'status' }>['status'];

/** How much of a finished answer the announcer reads out; the rest is in the conversation, one keystroke away. */
const ANNOUNCED_ANSWER_CHARS = 600;

export interface ChatAppOptions extends ComposerOptions {
  /** Paints streamed output; defaults to requestAnimationFrame. */
  scheduler?: FrameScheduler;
  now?: () => number;
  /** How long a send may wait for `turnStarted` or `sendFailed` before the Send button is usable again. */
  pendingTimeoutMs?: number;
}

export class ChatApp {
  readonly composer: Composer;
  readonly transcript: TranscriptView;
  readonly history: HistoryView;
  readonly models: ModelPicker;
  readonly modeSwitch: ModeSwitch;
  readonly stats: RenderStats = createRenderStats();
  private readonly doc: Document;
  private readonly statusBanner: HTMLElement;
  private readonly contextMeter: HTMLElement;
  /**
   * The view's one live region: it says that an answer is done (with its
   * start) and that a request waits for approval. Answers are not live
   * regions themselves, so nothing is read token by token or out of context.
   */
  private readonly announcer: HTMLElement;
  /** The shown answer that just finished, to announce once its last frame is painted. */
  private finishedAnswer: string | undefined;
  private backendFailing = false;
  /** The error the shown chat's last answer ended with, if it did. */
  private lastTurnError: string | undefined;
  private readonly chatPane: HTMLElement;
  /** Pending approvals whose tool call is not in the shown chat (another chat, or a row not received): shown above the input. */
  private readonly approvalDock: HTMLElement;
  /** The approvals as the extension last sent them, by id: a render cache, the extension owns the requests. */
  private readonly approvals = new Map<string, ApprovalState>();
  private dockKey = '';
  private sessionId: string | undefined;
  /** The message the user took back to edit, until the extension says the chat was rewound. */
  private editing: { entryId: string; context: ContextItem[]; images: ChatImage[] } | undefined;
  /** What the latest restore put into the composer: a Redo takes it out again, if it is still untouched. */
  private takenBack: { sessionId: string; text: string; context: ContextItem[]; images: ChatImage[] } | undefined;
  /** A Redo was asked for and its answer has not come yet. */
  private redoing = false;
  /** The message posted with `send`, kept until its turn starts or fails so it can be put back. */
  private pending: { text: string; context: ContextItem[]; model?: string; images?: ChatImage[] } | undefined;
  private pendingTimer: number | undefined;
  private restoredScroll = false;
  /** The approval whose card last had the keyboard focus (kept after the card is redrawn, which drops the focus). */
  private focusedApproval: string | undefined;
  private scrollSaveTimer: number | undefined;

  constructor(
    root: HTMLElement,
    private readonly api: HostApi,
    private readonly options: ChatAppOptions = {},
  ) {
    const doc = root.ownerDocument;
    this.doc = doc;
    const view = doc.defaultView;
    if (!view) throw new Error('ChatApp needs a document with a window');
    const post = (message: FromWebview) => api.postMessage(message);

    const ctx: ViewContext = {
      doc,
      markdown: new MarkdownRenderer(doc, {
        copy: (text) => post({ type: 'copy', text }),
        insert: (text) => post({ type: 'insert', text }),
        // The chat's model merges the block, the one the picker shows.
        apply: (text, info) => post({ type: 'apply', text, info, model: this.models.selected }),
      }),
      stats: this.stats,
      post,
      retry: (model) => this.retry(model),
      runPlan: (plan) => this.runPlan(plan),
      continueReply: () => {
        if (this.sessionId) post({ type: 'continue', sessionId: this.sessionId });
      },
      selectModel: (model) => this.models.choose(model),
      openToolChange: (entryId, callId) => {
        if (this.sessionId) post({ type: 'openToolChange', sessionId: this.sessionId, entryId, callId });
      },
      downloadModel: (model) => {
        if (this.sessionId) post({ type: 'downloadModel', sessionId: this.sessionId, model });
      },
      openReference: (entryId, context, reference) => {
        if (this.sessionId) post({ type: 'openReference', sessionId: this.sessionId, entryId, context, reference });
      },
      undoTurn: (entryId) => {
        if (this.sessionId) post({ type: 'undoTurn', sessionId: this.sessionId, entryId });
      },
      undoCompaction: (entryId) => {
        if (this.sessionId) post({ type: 'undoCompaction', sessionId: this.sessionId, entryId });
      },
      editTodos: (entryId, items) => {
        if (this.sessionId) post({ type: 'editTodos', sessionId: this.sessionId, entryId, items });
      },
      approvalFor: (entryId, callId) => this.approvalFor(entryId, callId),
      restoreCheckpoint: (checkpointId, scope) => {
        if (this.sessionId) post({ type: 'restoreCheckpoint', sessionId: this.sessionId, checkpointId, scope });
      },
      redoRestore: () => {
        if (!this.sessionId) return;
        this.redoing = true;
        post({ type: 'redoRestore', sessionId: this.sessionId });
      },
      editMessage: (entry) => {
        if (!this.sessionId) return;
        // Its context and images come back from here: the chat shown after the rewind no longer holds the message.
        this.editing = { entryId: entry.id, context: entry.context, images: entry.images ?? [] };
        post({ type: 'editMessage', sessionId: this.sessionId, entryId: entry.id });
      },
    };

    this.models = new ModelPicker(doc, post);
    this.modeSwitch = new ModeSwitch(doc, post);
    this.transcript = new TranscriptView(ctx, options.scheduler ?? animationFrameScheduler(view));
    this.transcript.onScroll = () => this.saveScroll();
    this.transcript.onPainted = () => {
      this.updateDock();
      this.announceFinishedAnswer();
    };
    this.history = new HistoryView(doc, post, () => this.showChat(), options.now);
    this.composer = new Composer(
      doc,
      { api, post, send: (text, context, images) => this.send(text, context, images), stop: () => this.stop() },
      options,
    );

    this.statusBanner = el(doc, 'div', { className: 'banner banner-warning', attrs: { 'data-testid': 'status-banner', role: 'status' } });
    this.statusBanner.hidden = true;
    this.announcer = el(doc, 'div', { className: 'visually-hidden', attrs: { 'data-testid': 'announcer', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' } });
    this.approvalDock = el(doc, 'div', { className: 'approval-dock', attrs: { 'data-testid': 'approval-dock', role: 'region', 'aria-label': 'Approvals needed' } });
    this.approvalDock.hidden = true;
    this.chatPane = el(doc, 'div', { className: 'chat-pane', children: [this.transcript.element, this.approvalDock, this.composer.element] });

    this.contextMeter = el(doc, 'span', { className: 'context-meter', attrs: { 'data-testid': 'context-meter', role: 'meter', 'aria-valuemin': '0', 'aria-valuemax': '100' } });
    this.contextMeter.hidden = true;
    const header = el(doc, 'header', {
      className: 'header',
      children: [
        this.modeSwitch.element,
        this.models.element,
        el(doc, 'span', { className: 'header-spacer' }),
        this.contextMeter,
        button(doc, { label: 'New chat', testId: 'new-chat', className: 'icon-button', children: [icon(doc, 'plus')], onClick: () => this.newChat() }),
        button(doc, { label: 'Show chat history', testId: 'history-button', className: 'icon-button', children: [icon(doc, 'history')], onClick: () => this.showHistory() }),
      ],
    });

    // Answering a card by keyboard redraws it without its buttons, which drops the focus on the page's body;
    // remembering which card had it lets the app hand the focus on instead (see keepApprovalFocus).
    root.addEventListener('focusin', (event) => {
      const card = event.target instanceof view.Element ? event.target.closest('.approval-card') : null;
      this.focusedApproval = card?.getAttribute('data-approval-id') ?? undefined;
    });
    // A user who clicks away from the card (the focus goes to the body while the card's button is still there
    // and usable) chose where the focus is: only a focus dropped by a redraw or a disabled button is handed on.
    root.addEventListener('focusout', (event) => {
      const target = event.target;
      queueMicrotask(() => {
        const dropped = !(target instanceof view.HTMLElement) || !target.isConnected || (target instanceof view.HTMLButtonElement && target.disabled);
        if (!dropped && doc.activeElement === doc.body) this.focusedApproval = undefined;
      });
    });
    root.replaceChildren(
      el(doc, 'div', {
        className: 'app',
        children: [header, this.models.banner, this.statusBanner, this.announcer, el(doc, 'main', { className: 'main', children: [this.chatPane, this.history.element] })],
      }),
    );
  }

  /** Tells the extension the view is ready; it answers with the session, history and models. */
  start(): void {
    this.api.postMessage({ type: 'ready' });
    // The draft's text and chips came back from the view's state; its images are read back from the image store.
    this.composer.draftImages.load();
  }

  handleMessage(message: ToWebview): void {
    switch (message.type) {
      case 'session':
        if (message.answersSend) this.clearPending();
        this.showSession(message.session, message.restored === true);
        break;
      case 'event':
        if (message.sessionId !== this.sessionId) return;
        this.transcript.applyEvent(message.entryId, message.event);
        if (message.event.type === 'context' || message.event.type === 'compacted') this.syncContextMeter();
        if (message.event.type === 'error') {
          this.lastTurnError = message.event.error.message;
          this.syncStatusBanner();
        }
        if (message.event.type === 'done') {
          this.syncMode();
          this.finishedAnswer = message.entryId;
        }
        break;
      case 'turnStarted':
        this.lastTurnError = undefined;
        this.turnStarted(message);
        break;
      case 'sendFailed':
        this.sendFailed(message.error);
        break;
      case 'sessions':
        this.history.setSessions(message.sessions, message.hiddenNewer ?? 0);
        break;
      case 'models':
        this.models.update(message);
        break;
      case 'status':
        this.showStatus(message.status);
        break;
      case 'imagesPicked':
        this.composer.addImages(message.images, message.problems);
        break;
      case 'draftImagesSaved':
        this.composer.draftImages.onSaved(message.requestId, message.refs, message.error);
        break;
      case 'draftImagesLoaded':
        this.composer.draftImages.onLoaded(message.requestId, message.images, message.missing);
        break;
      case 'addContext':
        this.composer.addContext(message.item);
        this.composer.focus();
        break;
      case 'commands':
        this.composer.onCommands(message.requestId, message.commands);
        break;
      case 'files':
        this.composer.onFiles(message.requestId, message.paths, message.agents);
        break;
      case 'argumentSuggestions':
        this.composer.onArgumentSuggestions(message.requestId, message.values, message.hasMore);
        break;
      case 'templateExpanded':
        this.composer.onTemplateExpanded(message.requestId, message.mention);
        break;
      case 'chatConfig':
        this.modeSwitch.show(message.mode);
        this.composer.setRules(message.rules);
        break;
      case 'checkpointRestored':
        // The message a restore took back goes into the composer (before anything typed), for the user to edit and send again.
        if (message.sessionId === this.sessionId && message.draft !== undefined) {
          const edited = message.edited !== undefined && this.editing?.entryId === message.edited ? this.editing : undefined;
          const context = edited?.context ?? [];
          const images = edited?.images ?? [];
          this.composer.restore(message.draft, context, images);
          this.takenBack = { sessionId: message.sessionId, text: message.draft, context, images };
        } else if (this.redoing && this.takenBack?.sessionId === message.sessionId) {
          this.composer.withdraw(this.takenBack.text, this.takenBack.context, this.takenBack.images);
          this.takenBack = undefined;
        }
        this.editing = undefined;
        this.redoing = false;
        break;
      case 'turnUndone':
        if (message.sessionId === this.sessionId) this.transcript.markUndone(message.entryId, { restored: message.restored, removed: message.removed });
        break;
      case 'approvals': {
        const before = [...this.approvals.values()].map((a) => a.request.entryId);
        this.approvals.clear();
        for (const state of message.approvals) this.approvals.set(state.request.id, state);
        this.approvalsChanged([...before, ...message.approvals.map((a) => a.request.entryId)]);
        break;
      }
      case 'approvalRequested':
        this.approvals.set(message.approval.id, { request: message.approval });
        this.announce(approvalAnnouncement(message.approval));
        this.approvalsChanged([message.approval.entryId]);
        break;
      case 'approvalSettled': {
        const state = this.approvals.get(message.id);
        if (!state) break;
        this.approvals.set(message.id, { request: state.request, outcome: message.outcome });
        this.approvalsChanged([state.request.entryId]);
        break;
      }
      case 'show':
        if (message.what === 'history') this.showHistory();
        else {
          this.showChat();
          this.composer.focus();
        }
        break;
    }
  }

  private approvalFor(entryId: string, callId: string): ApprovalState | undefined {
    let found: ApprovalState | undefined;
    for (const state of this.approvals.values()) {
      const r = state.request;
      // A pending request wins over a settled one for the same call (a tool's approval, then its server's sampling request); among settled ones the latest.
      if (r.sessionId === this.sessionId && r.entryId === entryId && r.callId === callId && (!found || !state.outcome || found.outcome)) found = state;
    }
    return found;
  }

  /** Says `text` through the live region; a new node each time, so the same words twice are read twice. */
  private announce(text: string): void {
    this.announcer.replaceChildren(el(this.doc, 'div', { text }));
  }

  /** Announces the answer that finished, once its final frame (all its text) is painted. */
  private announceFinishedAnswer(): void {
    const id = this.finishedAnswer;
    if (id === undefined) return;
    const article = [...this.transcript.element.querySelectorAll('[data-testid="assistant-message"]')].find((a) => a.getAttribute('data-entry-id') === id);
    if (!article || article.getAttribute('data-state') === 'streaming') return;
    this.finishedAnswer = undefined;
    const text = [...article.querySelectorAll('.parts > .markdown')]
      .map((part) => part.textContent ?? '')
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim();
    if (text === '') this.announce('Hearth’s answer is done.');
    else this.announce(`Hearth answered: ${text.length > ANNOUNCED_ANSWER_CHARS ? `${text.slice(0, ANNOUNCED_ANSWER_CHARS)}… The rest is in the conversation.` : text}`);
  }

  private approvalsChanged(entryIds: string[]): void {
    this.transcript.refreshEntries(entryIds);
    this.updateDock();
  }

  /** Shows, above the input, every pending approval that has no tool-call row in the shown chat, so none is ever out of reach. */
  private updateDock(): void {
    const homeless = [...this.approvals.values()].filter((a) => !a.outcome && !(a.request.sessionId === this.sessionId && this.transcript.hasToolCall(a.request.entryId, a.request.callId)));
    const key = homeless.map((a) => a.request.id).join('|');
    if (key !== this.dockKey) {
      this.dockKey = key;
      this.renderDock(homeless);
    }
    this.keepApprovalFocus();
  }

  /**
   * When the card that had the keyboard focus was redrawn (answered, or moved
   * from the dock into its tool-call row), the focus fell to the page's body,
   * and a keyboard user had to Tab through the whole conversation to get
   * anywhere. The focus goes to the same request's card if it still waits,
   * and otherwise back to the message input, where the user continues.
   */
  private keepApprovalFocus(): void {
    const id = this.focusedApproval;
    if (id === undefined) return;
    const active = this.doc.activeElement;
    if (active && active !== this.doc.body && active.isConnected) return;
    this.focusedApproval = undefined;
    const waiting = [...this.doc.querySelectorAll<HTMLElement>('.approval-card[data-state="pending"]')].find((card) => card.getAttribute('data-approval-id') === id);
    if (waiting) waiting.focus();
    else this.composer.focus();
  }

  private renderDock(homeless: ApprovalState[]): void {
    const doc = this.doc;
    this.approvalDock.replaceChildren(
      ...homeless.map((a) =>
        el(doc, 'div', {
          className: 'approval-dock-item',
          children: [
            el(doc, 'div', { className: 'approval-dock-note', text: dockNote(a, this.sessionId) }),
            renderApprovalCard(doc, a, (m) => this.api.postMessage(m)),
          ],
        }),
      ),
    );
    this.approvalDock.hidden = homeless.length === 0;
  }

  /** The header's meter: how full the model's context was at this chat's latest request, from the budget the prompt was fitted to. */
  private syncContextMeter(): void {
    const fill = this.transcript.contextFill();
    this.contextMeter.hidden = !fill;
    if (!fill) return;
    const percent = Math.min(100, Math.round((fill.promptTokens / Math.max(1, fill.budgetTokens)) * 100));
    this.contextMeter.textContent = `${percent}%`;
    this.contextMeter.setAttribute('aria-valuenow', String(percent));
    this.contextMeter.setAttribute('data-level', percent >= 90 ? 'high' : percent >= 70 ? 'medium' : 'low');
    this.contextMeter.title = `Context: ${fill.promptTokens.toLocaleString('en')} of ${fill.budgetTokens.toLocaleString('en')} prompt tokens (num_ctx ${fill.numCtx.toLocaleString('en')}, the rest is kept for the answer)`;
    this.contextMeter.setAttribute('aria-label', this.contextMeter.title);
  }

  private showSession(session: Extract<ToWebview, { type: 'session' }>['session'], restored: boolean): void {
    // For a new chat the extension answers `send` with the new session instead of
    // `turnStarted`; once our message is in it, the send is no longer pending.
    const lastUser = session?.entries.filter((e) => e.kind === 'user').pop();
    if (this.pending && lastUser?.kind === 'user' && lastUser.text === this.pending.text) this.clearPending();
    this.sessionId = session?.summary.id || undefined;
    this.transcript.setSession(session);
    this.syncContextMeter();
    const lastAnswer = session?.entries.filter((e) => e.kind === 'assistant').pop();
    this.lastTurnError = lastAnswer?.kind === 'assistant' ? lastAnswer.error?.message : undefined;
    this.syncStatusBanner();
    this.history.setCurrent(this.sessionId);
    // A session the user opened (or a command showed) takes them to the chat; the one restored after a
    // reload arrives whenever the extension is ready, and must not close a history they opened meanwhile.
    if (this.history.isOpen && !restored) this.showChat();
    this.syncMode();
    // After a reload the extension re-sends the shown session: put the reader back where they were, once.
    const saved = this.api.getState();
    if (!this.restoredScroll && saved?.scrollTop !== undefined && saved.scrollSessionId === this.sessionId && this.sessionId) {
      this.transcript.restoreScroll(saved.scrollTop);
    }
    this.restoredScroll = true;
  }

  private turnStarted(message: Extract<ToWebview, { type: 'turnStarted' }>): void {
    const pending = this.pending;
    this.clearPending();
    // Continue grows the cut reply in place, when it is the one shown.
    if (message.continued && message.sessionId === this.sessionId && this.transcript.resumeTurn(message.assistantEntryId)) {
      this.syncMode();
      return;
    }
    if (this.sessionId !== undefined && message.sessionId !== this.sessionId && !message.retry) {
      // A turn in another session (for example started by an editor command): show that session.
      this.transcript.setSession(null);
    }
    this.sessionId = message.sessionId;
    this.history.setCurrent(this.sessionId);
    // Without our pending text or the message's `input` there is no user text to show; show the answer alone.
    const sent = message.retry ? undefined : (message.input ?? (pending ? { text: pending.text, context: pending.context, ...(pending.images ? { images: pending.images } : {}) } : undefined));
    // The references `@codebase` found are shown under its chip from the start, as the stored message has them.
    const found = new Map((message.references ?? []).map((r) => [r.context, r.references]));
    const input = sent && found.size > 0 ? { ...sent, context: sent.context.map((item, i) => (found.has(i) ? { ...item, references: found.get(i) } : item)) } : sent;
    this.transcript.startTurn({
      userEntryId: message.userEntryId,
      assistantEntryId: message.assistantEntryId,
      retry: message.retry,
      input,
      model: pending?.model ?? this.models.selected ?? '',
      mode: message.mode,
    });
    if (this.history.isOpen) this.showChat();
    this.syncMode();
  }

  private sendFailed(error: HearthError): void {
    const pending = this.pending;
    this.clearPending();
    if (pending) this.composer.restore(pending.text, pending.context, pending.images);
    this.composer.showError(error);
    this.syncMode();
  }

  private send(text: string, context: ContextItem[], images?: ChatImage[]): void {
    const model = this.models.selected;
    this.pending = { text, context, model, ...(images ? { images } : {}) };
    // A message that starts with a command goes as its name and argument text; what it means is the language server's business.
    const command = parseSlashCommand(text);
    this.api.postMessage({ type: 'send', text, context, model, sessionId: this.sessionId, ...(command ? { command } : {}), ...(images ? { images } : {}) });
    // If the extension never answers, do not leave Send disabled forever; the text stays in `pending`.
    this.pendingTimer = this.doc.defaultView?.setTimeout(() => {
      this.pendingTimer = undefined;
      this.syncMode();
    }, this.options.pendingTimeoutMs ?? 15_000);
    this.syncMode();
  }

  /**
   * "Run in Agent mode" on a plan: switches the chat to Agent mode and puts
   * the plan into the composer, so the user can edit it before sending.
   */
  private runPlan(plan: string): void {
    this.modeSwitch.show('agent');
    this.api.postMessage({ type: 'setMode', mode: 'agent' });
    this.showChat();
    this.composer.restore(`Carry out this plan:\n\n${plan.trim()}`, []);
    this.composer.focus();
  }

  private stop(): void {
    if (this.sessionId) this.api.postMessage({ type: 'stop', sessionId: this.sessionId });
  }

  private retry(model?: string): void {
    if (!this.sessionId) return;
    this.api.postMessage({ type: 'retry', sessionId: this.sessionId, model: model ?? this.models.selected });
  }

  private newChat(): void {
    // Clear at once for feedback; the extension confirms with `session: null`.
    this.sessionId = undefined;
    this.transcript.setSession(null);
    this.history.setCurrent(undefined);
    this.showChat();
    this.syncMode();
    this.api.postMessage({ type: 'newChat' });
    this.composer.focus();
  }

  private showHistory(): void {
    this.chatPane.hidden = true;
    this.history.open();
    this.api.postMessage({ type: 'listSessions' });
  }

  private showChat(): void {
    this.history.close();
    this.chatPane.hidden = false;
  }

  /**
   * The status banner says what is wrong with the backend, unless the chat's
   * last answer already says exactly that, with its Retry: the same error
   * twice on one screen only adds noise.
   */
  private syncStatusBanner(): void {
    const text = this.statusBanner.textContent ?? '';
    this.statusBanner.hidden = !this.backendFailing || text === '' || text === this.lastTurnError;
  }

  private showStatus(status: BackendStatus): void {
    this.backendFailing = status.state === 'error';
    if (!this.backendFailing) {
      this.statusBanner.hidden = true;
      return;
    }
    const where = status.backend === 'remote' ? `the team server at ${status.host}` : `Ollama at ${status.host}`;
    const message = status.message ?? `Hearth cannot reach ${where}.`;
    this.statusBanner.textContent = message;
    this.syncStatusBanner();
  }

  private clearPending(): void {
    this.pending = undefined;
    if (this.pendingTimer !== undefined) this.doc.defaultView?.clearTimeout(this.pendingTimer);
    this.pendingTimer = undefined;
  }

  private syncMode(): void {
    this.composer.setMode(this.transcript.streaming ? 'streaming' : this.pending && this.pendingTimer !== undefined ? 'pending' : 'idle');
  }

  /** Saves the scroll position at most every 250 ms: setState serializes the whole state each time. */
  private saveScroll(): void {
    const view = this.doc.defaultView;
    if (!view || this.scrollSaveTimer !== undefined) return;
    this.scrollSaveTimer = view.setTimeout(() => {
      this.scrollSaveTimer = undefined;
      updateState(this.api, { scrollTop: this.transcript.element.scrollTop, scrollSessionId: this.sessionId });
    }, 250);
  }
}

/** What the dock says above a card whose tool-call row is not in the shown chat. */
function dockNote(a: ApprovalState, shownSession: string | undefined): string {
  const server = a.request.kind === 'mcpSampling' || a.request.kind === 'mcpElicitation';
  if (server && a.request.sessionId === '') return 'An MCP server is waiting for your answer:';
  const here = a.request.sessionId === shownSession;
  if (server) return here ? 'An MCP server is waiting for your answer:' : 'An MCP server in another chat is waiting for your answer:';
  return here ? 'A tool is waiting for your approval:' : 'A tool in another chat is waiting for your approval:';
}
