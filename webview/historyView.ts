/**
 * The list of saved chats. Sessions are stored by the language server; this
 * view only shows the summaries it is sent, filters them as the user types in
 * its search box, and asks to open, rename, export or delete one.
 * Deleting takes a second click to confirm: the webview cannot show modal
 * dialogs, and a chat deleted by a stray click cannot be brought back.
 */
import type { SessionSummary } from '../protocol/sessions';
import type { FromWebview } from '../protocol/webviewMessages';
import { button, el } from './dom';
import { icon } from './icons';
import { formatRelativeTime } from './relativeTime';

const CONFIRM_WINDOW_MS = 4000;

export class HistoryView {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly empty: HTMLElement;
  private sessions: SessionSummary[] = [];
  private currentId: string | undefined;
  private confirming: string | undefined;
  private confirmTimer: number | undefined;
  private readonly search: HTMLInputElement;
  private readonly noMatch: HTMLElement;
  /** Says how many chats a newer Hearth saved: they are on disk but this version does not show them. */
  private readonly newer: HTMLElement;
  private hiddenNewer = 0;
  /** The chat whose title is being edited in place. */
  private renaming: string | undefined;

  constructor(
    private readonly doc: Document,
    private readonly post: (message: FromWebview) => void,
    private readonly onBack: () => void,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.list = el(doc, 'ul', { className: 'history-list', attrs: { 'aria-label': 'Saved chats' } });
    this.empty = el(doc, 'p', { className: 'history-empty', attrs: { 'data-testid': 'history-empty' }, text: 'No saved chats yet. Your conversations appear here after the first message.' });
    this.noMatch = el(doc, 'p', { className: 'history-empty', attrs: { 'data-testid': 'history-no-match' }, text: 'No chat title matches.' });
    this.newer = el(doc, 'p', { className: 'history-empty', attrs: { 'data-testid': 'history-newer', role: 'note' } });
    this.search = el(doc, 'input', {
      className: 'history-search',
      attrs: { type: 'search', placeholder: 'Search chats', 'aria-label': 'Search chats by title', 'data-testid': 'history-search' },
    }) as HTMLInputElement;
    this.search.addEventListener('input', () => this.render());
    this.element = el(doc, 'section', {
      className: 'history',
      attrs: { 'data-testid': 'history-view', 'aria-label': 'Chat history' },
      children: [
        el(doc, 'div', {
          className: 'history-header',
          children: [
            button(doc, { label: 'Back to the chat', testId: 'history-back', className: 'icon-button', children: [icon(doc, 'back')], onClick: () => this.onBack() }),
            el(doc, 'h2', { text: 'History' }),
          ],
        }),
        this.newer,
        this.search,
        this.empty,
        this.noMatch,
        this.list,
      ],
    });
    this.element.hidden = true;
    this.element.addEventListener('keydown', (event) => {
      // Escape in the title editor cancels the rename (handled there), not the whole view.
      if (event.key === 'Escape' && !event.defaultPrevented) {
        event.preventDefault();
        this.onBack();
      }
    });
    this.render();
  }

  get isOpen(): boolean {
    return !this.element.hidden;
  }

  /** `hiddenNewer`: chats a newer Hearth saved, which this version leaves on disk untouched and does not list. */
  setSessions(sessions: SessionSummary[], hiddenNewer = 0): void {
    this.sessions = [...sessions].sort((a, b) => b.updatedAt - a.updatedAt);
    this.hiddenNewer = hiddenNewer;
    this.render();
  }

  setCurrent(sessionId: string | undefined): void {
    this.currentId = sessionId;
    this.render();
  }

  /** Shows the list and puts focus on the first chat, for keyboard users. */
  open(): void {
    this.element.hidden = false;
    this.render();
    const first = this.list.querySelector<HTMLElement>('.history-open') ?? this.element.querySelector<HTMLElement>('[data-testid="history-back"]');
    first?.focus();
  }

  close(): void {
    this.element.hidden = true;
    this.resetConfirm();
  }

  private render(): void {
    const doc = this.doc;
    const query = this.search.value.trim().toLowerCase();
    const shown = query ? this.sessions.filter((s) => (s.title.trim() || 'Untitled chat').toLowerCase().includes(query)) : this.sessions;
    this.newer.hidden = this.hiddenNewer === 0;
    this.newer.textContent = hiddenNewerText(this.hiddenNewer);
    this.empty.hidden = this.sessions.length > 0 || this.hiddenNewer > 0;
    this.search.hidden = this.sessions.length === 0;
    this.noMatch.hidden = this.sessions.length === 0 || shown.length > 0;
    this.list.replaceChildren(
      ...shown.map((session) => {
        const title = session.title.trim() || 'Untitled chat';
        const when = formatRelativeTime(session.updatedAt, this.now());
        const confirming = this.confirming === session.id;
        const open = button(doc, {
          label: `Open chat “${title}”, ${when}`,
          className: 'history-open',
          title,
          children: [el(doc, 'span', { className: 'history-title', text: title }), el(doc, 'span', { className: 'history-date', text: when })],
          onClick: () => this.post({ type: 'openSession', sessionId: session.id }),
        });
        if (session.id === this.currentId) open.setAttribute('aria-current', 'true');
        const renameButton = button(doc, {
          label: `Rename chat “${title}”`,
          testId: 'history-rename',
          className: 'history-action icon-button',
          children: [icon(doc, 'edit')],
          onClick: () => this.startRename(session.id),
        });
        const exportButton = button(doc, {
          label: `Export chat “${title}”`,
          testId: 'history-export',
          className: 'history-action icon-button',
          children: [icon(doc, 'export')],
          onClick: () => this.post({ type: 'exportSession', sessionId: session.id }),
        });
        const remove = button(doc, {
          label: confirming ? `Confirm deleting “${title}”` : `Delete chat “${title}”`,
          testId: 'history-delete',
          className: confirming ? 'history-action history-delete confirming' : 'history-action history-delete icon-button',
          children: confirming ? ['Delete?'] : [icon(doc, 'trash')],
          onClick: () => this.onDelete(session.id),
        });
        return el(doc, 'li', {
          className: 'history-item',
          attrs: { 'data-testid': 'history-item', 'data-session-id': session.id },
          children: [this.renaming === session.id ? this.titleEditor(session.id, title) : open, renameButton, exportButton, remove],
        });
      }),
    );
  }

  private startRename(sessionId: string): void {
    this.renaming = sessionId;
    this.render();
    const input = this.list.querySelector<HTMLInputElement>('[data-testid="history-title-input"]');
    input?.focus();
    input?.select();
  }

  /** The title as an input: Enter saves (an empty title is not sent), Escape or leaving it cancels. */
  private titleEditor(sessionId: string, title: string): HTMLInputElement {
    const input = el(this.doc, 'input', {
      className: 'history-title-input',
      attrs: { type: 'text', value: title, maxlength: '200', 'aria-label': 'New title for the chat', 'data-testid': 'history-title-input' },
    }) as HTMLInputElement;
    input.value = title;
    const finish = (save: boolean) => {
      if (this.renaming !== sessionId) return;
      this.renaming = undefined;
      const next = input.value.replace(/\s+/g, ' ').trim();
      if (save && next !== '' && next !== title) {
        // Optimistic, like delete: the extension answers with a fresh `sessions` list.
        this.sessions = this.sessions.map((s) => (s.id === sessionId ? { ...s, title: next } : s));
        this.post({ type: 'renameSession', sessionId, title: next });
      }
      this.render();
      this.list.querySelector<HTMLElement>(`[data-session-id="${escapeAttributeValue(sessionId)}"] .history-open`)?.focus();
    };
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        finish(true);
      } else if (event.key === 'Escape') {
        event.preventDefault();
        finish(false);
      }
    });
    input.addEventListener('blur', () => finish(false));
    return input;
  }

  private onDelete(sessionId: string): void {
    const view = this.doc.defaultView;
    if (this.confirming !== sessionId) {
      this.resetConfirm();
      this.confirming = sessionId;
      this.confirmTimer = view?.setTimeout(() => {
        this.confirming = undefined;
        this.render();
      }, CONFIRM_WINDOW_MS);
      this.render();
      this.focusDelete(sessionId);
      return;
    }
    this.resetConfirm();
    // Optimistic: the extension answers with a fresh `sessions` list.
    this.sessions = this.sessions.filter((s) => s.id !== sessionId);
    this.post({ type: 'deleteSession', sessionId });
    this.render();
    this.list.querySelector<HTMLElement>('.history-open')?.focus();
  }

  private focusDelete(sessionId: string): void {
    this.list.querySelector<HTMLElement>(`[data-session-id="${escapeAttributeValue(sessionId)}"] [data-testid="history-delete"]`)?.focus();
  }

  private resetConfirm(): void {
    if (this.confirmTimer !== undefined) this.doc.defaultView?.clearTimeout(this.confirmTimer);
    this.confirmTimer = undefined;
    if (this.confirming !== undefined) {
      this.confirming = undefined;
      this.render();
    }
  }
}

/** What History says about chats a newer Hearth saved. */
function hiddenNewerText(count: number): string {
  return count === 1
    ? '1 chat was saved by a newer version of Hearth and is hidden until you update Hearth. It stays on disk untouched.'
    : `${count} chats were saved by a newer version of Hearth and are hidden until you update Hearth. They stay on disk untouched.`;
}

/** Escapes an id for an attribute selector (CSS.escape is missing in jsdom). */
function escapeAttributeValue(value: string): string {
  return value.replace(/["\\]/g, '\\$&');
}
