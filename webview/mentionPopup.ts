/**
 * The `@` completion list. It never takes focus: the textarea keeps it and
 * forwards arrow keys, Enter, Tab and Escape here, and the textarea points at
 * the highlighted option with aria-activedescendant so screen readers follow.
 */
import { CODEBASE_MENTION, parseResourceMention } from '../protocol/chat';
import { el } from './dom';

let popupCount = 0;

export class MentionPopup {
  readonly element: HTMLElement;
  private paths: string[] = [];
  private selected = 0;
  private readonly idPrefix: string;

  constructor(
    private readonly doc: Document,
    private readonly onChoose: (path: string) => void,
  ) {
    this.idPrefix = `mention-${++popupCount}`;
    this.element = el(doc, 'ul', {
      className: 'mention-popup',
      attrs: { id: `${this.idPrefix}-list`, role: 'listbox', 'aria-label': 'Files', 'data-testid': 'mention-popup' },
    });
    this.element.hidden = true;
    // mousedown, not click: choosing must not blur the textarea first.
    this.element.addEventListener('mousedown', (event) => {
      const option = (event.target as Element | null)?.closest?.('[role="option"]');
      if (!option) return;
      event.preventDefault();
      const index = Number(option.getAttribute('data-index'));
      const path = this.paths[index];
      if (path !== undefined) this.onChoose(path);
    });
  }

  get isOpen(): boolean {
    return !this.element.hidden;
  }

  get listId(): string {
    return this.element.id;
  }

  /** The id of the highlighted option, for aria-activedescendant. */
  get activeId(): string | undefined {
    return this.isOpen && this.paths.length > 0 ? `${this.idPrefix}-${this.selected}` : undefined;
  }

  show(paths: string[]): void {
    this.paths = paths.slice(0, 50);
    this.selected = 0;
    const doc = this.doc;
    if (this.paths.length === 0) {
      this.element.replaceChildren(el(doc, 'li', { className: 'mention-empty', attrs: { role: 'presentation' }, text: 'No matching files or resources' }));
    } else {
      this.element.replaceChildren(
        ...this.paths.map((path, index) => {
          const resource = parseResourceMention(path);
          const slash = path.lastIndexOf('/');
          // A resource shows its last URI segment and where it comes from; a file its name and folder.
          const name = resource ? resource.uri.replace(/\/+$/, '').split('/').pop() || resource.uri : slash >= 0 ? path.slice(slash + 1) : path;
          const where = resource ? `MCP resource of ${resource.server}` : path === CODEBASE_MENTION ? 'search the workspace for this message' : slash > 0 ? path.slice(0, slash) : '';
          return el(doc, 'li', {
            className: resource ? 'mention-option mention-resource' : 'mention-option',
            attrs: { id: `${this.idPrefix}-${index}`, role: 'option', 'data-index': String(index), 'data-testid': 'mention-suggestion', 'data-path': path, 'aria-selected': 'false', title: resource ? resource.uri : path },
            children: [el(doc, 'span', { className: 'mention-name', text: name }), where ? el(doc, 'span', { className: 'mention-dir', text: where }) : null],
          });
        }),
      );
    }
    this.element.hidden = false;
    this.highlight();
  }

  hide(): void {
    this.element.hidden = true;
    this.paths = [];
  }

  move(delta: number): void {
    if (this.paths.length === 0) return;
    this.selected = (this.selected + delta + this.paths.length) % this.paths.length;
    this.highlight();
  }

  /** Chooses the highlighted path; returns false when there is nothing to choose. */
  chooseSelected(): boolean {
    const path = this.paths[this.selected];
    if (path === undefined) return false;
    this.onChoose(path);
    return true;
  }

  private highlight(): void {
    this.element.querySelectorAll('[role="option"]').forEach((option, index) => {
      const on = index === this.selected;
      option.setAttribute('aria-selected', String(on));
      option.classList.toggle('selected', on);
      if (on) (option as HTMLElement).scrollIntoView?.({ block: 'nearest' });
    });
  }
}

/** The `@query` being typed just before the caret, if any: `@` at the start or after whitespace, then no spaces. */
export function findMentionQuery(text: string, caret: number): { start: number; query: string } | undefined {
  const match = /(^|\s)@([^\s@]*)$/.exec(text.slice(0, caret));
  if (!match) return undefined;
  const query = match[2];
  return { start: caret - query.length - 1, query };
}
