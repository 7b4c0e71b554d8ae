/**
 * A completion list under the composer: the `@` mentions and the `/`
 * commands both use it. It never takes focus: the textarea keeps it and
 * forwards arrow keys, Enter, Tab and Escape here, and the textarea points at
 * the highlighted option with aria-activedescendant so screen readers follow.
 */
import { revealHidden, revealHiddenInLine } from '../protocol/hiddenCharacters';
import { el } from './dom';

/**
 * What the list shows of an option, one line with every hidden character as
 * ⟨U+XXXX⟩: names and descriptions come from the repository (file names,
 * prompt files) and from MCP servers, and `config\u200b.ts` or a name with a
 * right-to-left override would otherwise look like another file, so the user
 * would attach, or run, something else than what they read.
 */
const shown = (text: string): string => revealHiddenInLine(text).text;

/** One option: what choosing it yields (`value`) and how it is shown. */
export interface CompletionItem {
  value: string;
  name: string;
  /** Shown after the name, dimmed: a folder, a description, where it comes from. */
  detail?: string;
  /** Shown after the name in the code font: what to type next (a command's arguments). */
  hint?: string;
  /** The tooltip. */
  title?: string;
  className?: string;
}

export interface CompletionPopupOptions {
  /** The list's accessible name. */
  label: string;
  /** data-testid of the list and of each option. */
  testId: string;
  optionTestId: string;
  /** data-* attribute that carries each option's value (tests and e2e read it). */
  valueAttribute: string;
  /** The line shown when nothing matches. */
  emptyText: string;
  /** More than this many options are cut. */
  maxItems?: number;
}

let popupCount = 0;

export class CompletionPopup {
  readonly element: HTMLElement;
  private items: CompletionItem[] = [];
  private selected = 0;
  private readonly idPrefix: string;

  constructor(
    private readonly doc: Document,
    private readonly options: CompletionPopupOptions,
    private readonly onChoose: (value: string) => void,
  ) {
    this.idPrefix = `completion-${++popupCount}`;
    this.element = el(doc, 'ul', {
      className: 'mention-popup',
      attrs: { id: `${this.idPrefix}-list`, role: 'listbox', 'aria-label': options.label, 'data-testid': options.testId },
    });
    this.element.hidden = true;
    // mousedown, not click: choosing must not blur the textarea first.
    this.element.addEventListener('mousedown', (event) => {
      const option = (event.target as Element | null)?.closest?.('[role="option"]');
      if (!option) return;
      event.preventDefault();
      const item = this.items[Number(option.getAttribute('data-index'))];
      if (item) this.onChoose(item.value);
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
    return this.isOpen && this.items.length > 0 ? `${this.idPrefix}-${this.selected}` : undefined;
  }

  /** `note`: a line after the options that cannot be chosen (for example, that typing more shows others). */
  show(items: CompletionItem[], note?: string): void {
    this.items = items.slice(0, this.options.maxItems ?? 50);
    this.selected = 0;
    const doc = this.doc;
    if (this.items.length === 0) {
      this.element.replaceChildren(el(doc, 'li', { className: 'mention-empty', attrs: { role: 'presentation' }, text: this.options.emptyText }));
    } else {
      this.element.replaceChildren(
        ...this.items.map((item, index) =>
          el(doc, 'li', {
            className: item.className ? `mention-option ${item.className}` : 'mention-option',
            attrs: {
              id: `${this.idPrefix}-${index}`,
              role: 'option',
              'data-index': String(index),
              'data-testid': this.options.optionTestId,
              [`data-${this.options.valueAttribute}`]: item.value,
              'aria-selected': 'false',
              // A tooltip may have lines of its own (an agent's description, then its file).
              title: item.title !== undefined ? revealHidden(item.title).text : shown(item.value),
            },
            children: [
              el(doc, 'span', { className: 'mention-name', text: shown(item.name) }),
              item.hint ? el(doc, 'span', { className: 'completion-hint', text: shown(item.hint) }) : null,
              item.detail ? el(doc, 'span', { className: 'mention-dir', text: shown(item.detail) }) : null,
            ],
          }),
        ),
        ...(note ? [el(doc, 'li', { className: 'mention-empty', attrs: { role: 'presentation', 'data-testid': `${this.options.testId}-note` }, text: note })] : []),
      );
    }
    this.element.hidden = false;
    this.highlight();
  }

  hide(): void {
    this.element.hidden = true;
    this.items = [];
  }

  move(delta: number): void {
    if (this.items.length === 0) return;
    this.selected = (this.selected + delta + this.items.length) % this.items.length;
    this.highlight();
  }

  /** Chooses the highlighted option; returns false when there is nothing to choose. */
  chooseSelected(): boolean {
    const item = this.items[this.selected];
    if (item === undefined) return false;
    this.onChoose(item.value);
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
