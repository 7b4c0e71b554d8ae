/**
 * The conversation: user and assistant entries of the shown session. It owns
 * the entry models only as a render cache of what the extension sent (the
 * session itself lives in the language server); live events are applied with
 * the shared `applyAgentEvent`, so a replayed session and a live one look the same.
 */
import type { ChatImage } from '../protocol/chatImages';
import type { AgentEvent, ChatMode, ContextItem } from '../protocol/chat';
import { applyAgentEvent } from '../protocol/sessions';
import type { AssistantEntry, SessionEntry, SessionView } from '../protocol/sessions';
import { AssistantMessageView } from './assistantMessageView';
import type { UndoReport } from './assistantMessageView';
import { button, el } from './dom';
import type { FrameScheduler } from './frameScheduler';
import { icon } from './icons';
import { SAFE_LINK } from './markdownRenderer';
import { renderUserMessage } from './userMessageView';
import type { ViewContext } from './viewContext';
import { renderRedoBar } from './checkpointMarkerView';

/** Within this many pixels of the bottom, the transcript follows new output. */
const STICKY_THRESHOLD_PX = 48;
/** Keys that scroll the focused transcript up (Shift+Space too). */
const SCROLL_UP_KEYS: ReadonlySet<string> = new Set(['ArrowUp', 'PageUp', 'Home']);

export interface TurnStart {
  userEntryId: string;
  assistantEntryId: string;
  retry: boolean;
  /** The user's message; absent on retry, where the user entry already exists. */
  input?: { text: string; context: ContextItem[]; images?: ChatImage[] };
  model: string;
  /** The mode the reply is made in (a Plan reply offers "Run in Agent mode" once it is done). */
  mode?: ChatMode;
}

export class TranscriptView {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly emptyState: HTMLElement;
  private readonly jumpButton: HTMLButtonElement;
  private readonly redoSlot: HTMLElement;
  private entries: SessionEntry[] = [];
  private readonly assistantViews = new Map<string, AssistantMessageView>();
  private readonly entryElements = new Map<string, HTMLElement>();
  private readonly dirty = new Set<string>();
  private frameRequested = false;
  /** Whether to keep the newest output in view; cleared when the user scrolls up. */
  private stickToBottom = true;
  /** The scrollTop we set ourselves, so our own scroll events are not mistaken for the user's. */
  private programmaticTop = -1;
  /** The scrollTop at the last scroll event, to tell a scroll up from a scroll down. */
  private lastTop = 0;
  /** Called when the transcript scrolls (the app persists the position). */
  onScroll?: () => void;
  /** Called after entries were painted (the app shows approvals that have no row in the dock). */
  onPainted?: () => void;

  constructor(
    private readonly ctx: ViewContext,
    private readonly scheduler: FrameScheduler,
  ) {
    const doc = ctx.doc;
    this.list = el(doc, 'div', { className: 'entries' });
    this.redoSlot = el(doc, 'div', { className: 'redo-slot' });
    this.emptyState = renderEmptyState(doc);
    this.jumpButton = button(doc, {
      label: 'Scroll to the latest message',
      testId: 'scroll-to-bottom',
      className: 'jump-button',
      children: [icon(doc, 'insert')],
      onClick: () => {
        this.stickToBottom = true;
        this.scrollToBottom();
      },
    });
    this.jumpButton.hidden = true;
    this.element = el(doc, 'div', {
      className: 'transcript',
      attrs: { 'data-testid': 'transcript', role: 'region', 'aria-label': 'Conversation', tabindex: '0' },
      children: [this.emptyState, this.list, this.redoSlot, this.jumpButton],
    });
    this.element.addEventListener('scroll', () => this.handleScroll(), { passive: true });
    // A wheel turned up or a key that scrolls up says "stop following" before the first scroll event of
    // its smooth scroll: the next streamed frame set scrollTop to the bottom, which cancelled the
    // scroll before it moved, so the reader could not leave the bottom while an answer streamed.
    this.element.addEventListener('wheel', (event) => this.userScrollsUp(event.deltaY < 0), { passive: true });
    this.element.addEventListener('keydown', (event) => {
      // Keys typed into a field in the conversation (a form an MCP server asked for) move its caret, not the view.
      const field = (event.target as Element | null)?.closest?.('input, textarea, select, [contenteditable]');
      if (!field) this.userScrollsUp(SCROLL_UP_KEYS.has(event.key) || (event.key === ' ' && event.shiftKey));
    });
    // Off-screen messages are laid out only when they come into view (chat.css: content-visibility), so
    // the conversation changes height outside our own paints too: while following, keep to the bottom.
    const view = doc.defaultView;
    if (view && typeof view.ResizeObserver === 'function') new view.ResizeObserver(() => this.followOutput()).observe(this.list);
    // Links never navigate the webview: the extension opens them in the browser.
    this.element.addEventListener('click', (event) => this.handleLinkClick(event));
    this.render();
  }

  /** Whether the last answer is still streaming. */
  get streaming(): boolean {
    const last = this.entries[this.entries.length - 1];
    return last?.kind === 'assistant' && last.state === 'streaming';
  }

  setSession(session: SessionView | null): void {
    this.entries = session ? structuredCloneEntries(session.entries) : [];
    // After a restore, until the next message: Redo sits at the end of the conversation.
    this.redoSlot.replaceChildren(...(session?.redo ? [renderRedoBar(this.ctx, session.redo)] : []));
    this.stickToBottom = true;
    this.render();
  }

  /** Adds the new turn's entries without touching the ones already shown. */
  startTurn(turn: TurnStart): void {
    this.redoSlot.replaceChildren();
    if (turn.retry) {
      // A retry reruns the last user message: drop the answers it replaces.
      const userIndex = this.entries.findIndex((e) => e.kind === 'user' && e.id === turn.userEntryId);
      if (userIndex >= 0) for (const stale of this.entries.splice(userIndex + 1)) this.removeEntryView(stale.id);
    } else if (turn.input) {
      this.appendEntry({ kind: 'user', id: turn.userEntryId, text: turn.input.text, context: turn.input.context, ...(turn.input.images?.length ? { images: turn.input.images } : {}), at: Date.now() });
    }
    // The previous answer is no longer the last one, so it loses its Retry button.
    const previous = [...this.entries].reverse().find((e): e is AssistantEntry => e.kind === 'assistant');
    if (previous) this.assistantViews.get(previous.id)?.update(previous, false);
    this.appendEntry({
      kind: 'assistant',
      id: turn.assistantEntryId,
      replyTo: turn.userEntryId,
      model: turn.model,
      ...(turn.mode ? { mode: turn.mode } : {}),
      parts: [],
      state: 'streaming',
      at: Date.now(),
    });
    this.emptyState.hidden = true;
    // Sending is an explicit request to see the answer, even if the user had scrolled up.
    this.stickToBottom = true;
    this.followOutput();
  }

  /** How full the context was at the shown chat's latest model request, for the header's meter. */
  contextFill(): AssistantEntry['context'] {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const entry = this.entries[i];
      if (entry.kind === 'assistant' && entry.context) return entry.context;
    }
    return undefined;
  }

  /** Continue: the cut reply streams again in its own bubble; returns false when it is not shown. */
  resumeTurn(entryId: string): boolean {
    const entry = this.entries.find((e): e is AssistantEntry => e.kind === 'assistant' && e.id === entryId);
    if (!entry) return false;
    entry.state = 'streaming';
    entry.doneReason = undefined;
    entry.error = undefined;
    this.assistantViews.get(entry.id)?.update(entry, this.entries[this.entries.length - 1]?.id === entry.id);
    this.stickToBottom = true;
    this.followOutput();
    return true;
  }

  /** Applies one live event to the model now and schedules a paint of that entry only. Returns false for unknown entries. */
  applyEvent(entryId: string, event: AgentEvent): boolean {
    const entry = this.entries.find((e): e is AssistantEntry => e.kind === 'assistant' && e.id === entryId);
    if (!entry) return false;
    applyAgentEvent(entry, event);
    this.dirty.add(entryId);
    this.requestPaint();
    return true;
  }

  /** Repaints these entries on the next frame (their approvals changed). */
  refreshEntries(entryIds: Iterable<string>): void {
    for (const id of entryIds) if (this.assistantViews.has(id)) this.dirty.add(id);
    this.requestPaint();
  }

  /** Whether the shown session has this tool call, so its approval card can sit in its row. */
  hasToolCall(entryId: string, callId: string): boolean {
    const entry = this.entries.find((e): e is AssistantEntry => e.kind === 'assistant' && e.id === entryId);
    return entry?.parts.some((p) => p.kind === 'toolCall' && p.call.id === callId) ?? false;
  }

  /** Shows the result of undoing a reply's file changes on that reply. */
  markUndone(entryId: string, report: UndoReport): void {
    this.assistantViews.get(entryId)?.showUndone(report);
  }

  /** Paints pending changes now (used when a frame is due, and by tests). */
  flush(): void {
    const lastId = this.entries[this.entries.length - 1]?.id;
    const now = this.scheduler.now();
    // Entries whose streamed text is still being revealed paint again next frame, with no new event.
    const revealing: string[] = [];
    for (const id of this.dirty) {
      const entry = this.entries.find((e): e is AssistantEntry => e.kind === 'assistant' && e.id === id);
      const view = this.assistantViews.get(id);
      if (entry && view && view.update(entry, entry.id === lastId, now)) revealing.push(id);
    }
    this.dirty.clear();
    this.followOutput();
    this.onPainted?.();
    if (revealing.length > 0) {
      for (const id of revealing) this.dirty.add(id);
      this.requestPaint();
    }
  }

  /** Restores a scroll position saved before the webview was reloaded. */
  restoreScroll(scrollTop: number): void {
    this.stickToBottom = false;
    this.element.scrollTop = scrollTop;
    this.updateJumpButton();
  }

  private requestPaint(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    this.scheduler.request(() => {
      this.frameRequested = false;
      this.flush();
    });
  }

  /** Rebuilds every entry view; used only when the whole session is replaced, never per token or per turn. */
  private render(): void {
    this.assistantViews.clear();
    this.entryElements.clear();
    this.dirty.clear();
    this.list.replaceChildren();
    const lastId = this.entries[this.entries.length - 1]?.id;
    for (const entry of this.entries) this.list.appendChild(this.createEntryView(entry, entry.id === lastId));
    this.emptyState.hidden = this.entries.length > 0;
    this.followOutput();
    this.onPainted?.();
  }

  private appendEntry(entry: SessionEntry): void {
    this.entries.push(entry);
    this.list.appendChild(this.createEntryView(entry, true));
  }

  private createEntryView(entry: SessionEntry, isLast: boolean): HTMLElement {
    let element: HTMLElement;
    if (entry.kind === 'user') {
      element = renderUserMessage(
        this.ctx.doc,
        entry,
        (context, reference) => this.ctx.openReference(entry.id, context, reference),
        () => this.ctx.editMessage(entry),
      );
    } else {
      const view = new AssistantMessageView(this.ctx);
      view.update(entry, isLast);
      this.assistantViews.set(entry.id, view);
      element = view.element;
    }
    this.entryElements.set(entry.id, element);
    return element;
  }

  private removeEntryView(id: string): void {
    this.entryElements.get(id)?.remove();
    this.entryElements.delete(id);
    this.assistantViews.delete(id);
    this.dirty.delete(id);
  }

  private followOutput(): void {
    if (this.stickToBottom) this.scrollToBottom();
    this.updateJumpButton();
  }

  private scrollToBottom(): void {
    const target = Math.max(0, this.element.scrollHeight - this.element.clientHeight);
    this.programmaticTop = target;
    this.element.scrollTop = target;
  }

  private userScrollsUp(up: boolean): void {
    if (up && this.element.scrollTop > 0) {
      this.stickToBottom = false;
      this.updateJumpButton();
    }
  }

  private handleScroll(): void {
    const top = this.element.scrollTop;
    const distance = this.element.scrollHeight - this.element.clientHeight - top;
    const movedUp = top < this.lastTop - 1;
    this.lastTop = top;
    if (Math.abs(top - this.programmaticTop) > 1) {
      // Any scroll up by the user stops the following, however small: an arrow key moves 40 pixels,
      // a wheel step's first frames a few, and while that still counted as "at the bottom" the next
      // streamed frame pulled the view back, so the reader could not leave the bottom at all. Only
      // reaching the bottom again (or sending, or the jump button) follows the stream again. A scroll
      // up that ends at the bottom is the browser clamping after the content shrank, not the user.
      this.stickToBottom = movedUp && distance > 1 ? false : distance <= STICKY_THRESHOLD_PX;
    }
    this.updateJumpButton();
    this.onScroll?.();
  }

  private updateJumpButton(): void {
    const distance = this.element.scrollHeight - this.element.clientHeight - this.element.scrollTop;
    this.jumpButton.hidden = this.stickToBottom || distance <= STICKY_THRESHOLD_PX;
  }

  private handleLinkClick(event: MouseEvent): void {
    const target = event.target as Element | null;
    const link = target?.closest?.('a');
    if (!link || !this.element.contains(link)) return;
    event.preventDefault();
    const href = link.getAttribute('href');
    if (href && SAFE_LINK.test(href)) this.ctx.post({ type: 'openLink', url: href });
  }
}

/** A deep copy, so applying live events never mutates the message object we were given. */
function structuredCloneEntries(entries: SessionEntry[]): SessionEntry[] {
  return JSON.parse(JSON.stringify(entries)) as SessionEntry[];
}

function renderEmptyState(doc: Document): HTMLElement {
  const shortcut = (keys: string, what: string) => el(doc, 'li', { children: [el(doc, 'kbd', { text: keys }), ` ${what}`] });
  return el(doc, 'div', {
    className: 'empty-state',
    attrs: { 'data-testid': 'empty-state' },
    children: [
      el(doc, 'h2', { text: 'Ask Hearth' }),
      el(doc, 'p', {
        text: 'Hearth is a coding assistant that runs on your own Ollama models, on this machine or on your team’s server. It can explain and write code, and its agent can read, search, edit and run commands in your workspace — always on your machine, and only with your approval.',
      }),
      el(doc, 'ul', {
        className: 'shortcuts',
        attrs: { 'aria-label': 'Keyboard shortcuts' },
        children: [
          shortcut('Enter', 'send'),
          shortcut('Shift+Enter', 'new line'),
          shortcut('@', 'add context (files, @codebase, @problems, @changes, the terminal) or pick an agent'),
          shortcut('/', 'commands: /explain, /fix, /tests, /doc, /new, your prompts (at the start)'),
          shortcut('↑', 'edit your last message (empty input)'),
          shortcut('Esc', 'close suggestions'),
        ],
      }),
      el(doc, 'p', { className: 'hint', text: 'Attach the current selection or file with the buttons under the input.' }),
    ],
  });
}
