/**
 * A tiny element builder. Every view takes the `Document` it renders into
 * instead of using the global one, so the same code runs in the webview and in
 * jsdom under mocha without patching globals.
 */

export type Child = Node | string | null | undefined | false;

export interface ElementOptions {
  /** Space-separated class names. */
  className?: string;
  /** Attributes set with setAttribute; `undefined` values are skipped. Never used for `style`, which the CSP forbids. */
  attrs?: Record<string, string | undefined>;
  /** Plain text content (set through textContent, so it is never parsed as HTML). */
  text?: string;
  children?: Child[];
}

export function el<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, options: ElementOptions = {}): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.attrs) {
    for (const [name, value] of Object.entries(options.attrs)) {
      if (value !== undefined) node.setAttribute(name, value);
    }
  }
  if (options.text !== undefined) node.textContent = options.text;
  if (options.children) append(node, options.children);
  return node;
}

export function append(parent: Node, children: Child[]): void {
  const doc = parent.ownerDocument ?? (parent as Document);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? doc.createTextNode(child) : child);
  }
}

/** Builds a `<button type="button">`; an accessible name is required because many of our buttons show only an icon. */
export function button(
  doc: Document,
  options: { label: string; testId?: string; className?: string; title?: string; children?: Child[]; onClick?: (event: MouseEvent) => void },
): HTMLButtonElement {
  const node = el(doc, 'button', {
    className: options.className,
    attrs: { type: 'button', 'aria-label': options.label, title: options.title ?? options.label, 'data-testid': options.testId },
    children: options.children,
  });
  if (options.onClick) node.addEventListener('click', options.onClick);
  return node;
}

/** Removes every child of `node`. */
export function clear(node: Node): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}

/** Shows or hides an element with the `hidden` attribute, which the stylesheet also honours. */
export function setHidden(node: HTMLElement, hidden: boolean): void {
  node.hidden = hidden;
}

/**
 * Text with `backtick` spans shown as inline code, the way error messages
 * name commands and settings (`ollama serve`, `hearth.ollama.host`). Only
 * text nodes and <code> elements are made: nothing is parsed as HTML.
 */
export function withInlineCode(doc: Document, text: string): Child[] {
  const parts = text.split('`');
  // An odd number of backticks leaves one unmatched: show the text as it is.
  if (parts.length % 2 === 0) return [text];
  return parts.map((part, i) => (i % 2 === 1 ? el(doc, 'code', { text: part }) : part));
}
