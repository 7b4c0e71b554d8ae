/**
 * The agent's plan as a checklist at the top of its reply. It updates live
 * while the agent works; once the reply has finished the user can tick steps
 * off or rewrite the plan as text (one step per line), and the next message
 * starts from their version. Step texts are the model's words: always text,
 * never HTML.
 */
import type { TodoItem, TodoStatus } from '../protocol/chat';
import { button, el } from './dom';

const LINE = /^\s*(?:[-*]\s*)?(?:\[( |x|X|>)\]\s*)?(.*)$/;

/** The plan as editable text: `- [ ] step`, `- [>] step in progress`, `- [x] done step`. */
export function todosToText(items: TodoItem[]): string {
  const mark: Record<TodoStatus, string> = { pending: ' ', inProgress: '>', done: 'x' };
  return items.map((i) => `- [${mark[i.status]}] ${i.text}`).join('\n');
}

/** Reads the text back; a line without a box is a pending step, blank lines are dropped. */
export function todosFromText(text: string): TodoItem[] {
  const items: TodoItem[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    const body = m?.[2]?.trim() ?? '';
    if (body === '') continue;
    const box = m?.[1];
    items.push({ text: body, status: box === 'x' || box === 'X' ? 'done' : box === '>' ? 'inProgress' : 'pending' });
  }
  return items;
}

export class TodoListView {
  readonly element: HTMLElement;
  private readonly heading: HTMLElement;
  private readonly list: HTMLElement;
  private readonly editButton: HTMLButtonElement;
  private editor: HTMLTextAreaElement | undefined;
  private renderedKey = '';
  private items: TodoItem[] = [];
  private editable = false;

  constructor(
    private readonly doc: Document,
    private readonly save: (items: TodoItem[]) => void,
  ) {
    this.heading = el(doc, 'span', { className: 'todo-heading' });
    this.editButton = button(doc, { label: 'Edit the plan', testId: 'todo-edit', className: 'text-button', children: ['Edit'], onClick: () => this.startEditing() });
    this.list = el(doc, 'ol', { className: 'todo-items', attrs: { 'data-testid': 'todo-items' } });
    this.element = el(doc, 'section', {
      className: 'todo-list',
      attrs: { 'data-testid': 'todo-list', 'aria-label': 'The agent’s plan' },
      children: [el(doc, 'div', { className: 'todo-header', children: [this.heading, this.editButton] }), this.list],
    });
    this.element.hidden = true;
  }

  update(items: TodoItem[] | undefined, editable: boolean): void {
    const key = JSON.stringify([items, editable]);
    if (key === this.renderedKey) return;
    this.renderedKey = key;
    this.items = items ?? [];
    this.editable = editable;
    this.element.hidden = this.items.length === 0 && !this.editor;
    const done = this.items.filter((i) => i.status === 'done').length;
    this.heading.textContent = `Plan · ${done}/${this.items.length} done`;
    this.editButton.hidden = !editable;
    if (!editable) this.stopEditing();
    this.list.replaceChildren(...this.items.map((item, index) => this.row(item, index, editable)));
  }

  private row(item: TodoItem, index: number, editable: boolean): HTMLElement {
    const doc = this.doc;
    const box = el(doc, 'input', { attrs: { type: 'checkbox', 'aria-label': item.text, 'data-testid': 'todo-check' } });
    box.checked = item.status === 'done';
    box.disabled = !editable;
    box.addEventListener('change', () => {
      const next = this.items.map((it, i) => (i === index ? { ...it, status: box.checked ? ('done' as const) : ('pending' as const) } : it));
      this.save(next);
    });
    return el(doc, 'li', {
      className: `todo-item todo-${item.status}`,
      attrs: { 'data-testid': 'todo-item', 'data-status': item.status, 'aria-current': item.status === 'inProgress' ? 'step' : undefined },
      children: [el(doc, 'label', { children: [box, el(doc, 'span', { className: 'todo-text', text: item.text })] })],
    });
  }

  private startEditing(): void {
    if (this.editor) return;
    const doc = this.doc;
    const editor = el(doc, 'textarea', {
      className: 'todo-editor',
      attrs: { 'data-testid': 'todo-editor', 'aria-label': 'The plan, one step per line: [ ] to do, [>] in progress, [x] done', rows: String(Math.max(3, this.items.length + 1)) },
    });
    editor.value = todosToText(this.items);
    const commit = () => {
      const items = todosFromText(editor.value);
      this.stopEditing();
      this.save(items);
    };
    editor.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        commit();
      } else if (e.key === 'Escape') {
        e.preventDefault();
        this.stopEditing();
      }
    });
    const actions = el(doc, 'div', {
      className: 'todo-editor-actions',
      children: [
        button(doc, { label: 'Save the plan (Ctrl+Enter)', testId: 'todo-save', className: 'text-button', children: ['Save'], onClick: commit }),
        button(doc, { label: 'Cancel (Escape)', testId: 'todo-cancel', className: 'text-button', children: ['Cancel'], onClick: () => this.stopEditing() }),
      ],
    });
    this.editor = editor;
    this.list.hidden = true;
    this.editButton.hidden = true;
    this.element.append(editor, actions);
    editor.focus();
  }

  private stopEditing(): void {
    if (!this.editor) return;
    this.editor.nextElementSibling?.remove();
    this.editor.remove();
    this.editor = undefined;
    this.list.hidden = false;
    this.renderedKey = '';
    this.update(this.items, this.editable);
  }
}
