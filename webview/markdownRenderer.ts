/**
 * Turns model Markdown into safe DOM. Model output is untrusted: a prompt
 * injection in a file the agent read can make the model emit `<script>`,
 * `<img onerror>`, `javascript:` links or `<iframe>`s. So raw HTML in the
 * Markdown is shown as text, and everything marked produces still goes
 * through DOMPurify with a small whitelist before it touches the document.
 */
import createDOMPurify from 'dompurify';
import type { Config, DOMPurify } from 'dompurify';
import { Marked, Renderer } from 'marked';
import type { Token, Tokens, TokensList } from 'marked';
import { MAX_FENCE_INFO } from '../protocol/webviewMessages';
import { button, el } from './dom';
import { markHiddenCharacters } from './hiddenCharacterMarks';
import { escapeHtml, highlightCode } from './highlighter';
import { icon } from './icons';

/** What the buttons on a code block do; the chat app turns these into `copy`, `insert` and `apply` messages. */
export interface CodeActions {
  copy(text: string): void;
  insert(text: string): void;
  /** `info` is the fence's info string (```ts src/math.ts), which may name the file the block belongs to. */
  apply(text: string, info: string): void;
}

/** Tags Markdown can produce. Anything else, including every form control, frame and embed, is dropped. */
const ALLOWED_TAGS = [
  'a', 'b', 'blockquote', 'br', 'code', 'del', 'em', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'kbd',
  'li', 'ol', 'p', 'pre', 's', 'span', 'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul',
];

/** Only attributes Markdown needs. `style` is named in FORBID_ATTR too, so a later whitelist edit cannot let it back in. */
const ALLOWED_ATTR = ['href', 'title', 'class', 'start', 'align', 'colspan', 'rowspan'];

/** Link schemes we let the extension open. Relative and `javascript:`/`data:`/`vscode:` URLs are removed. */
export const SAFE_LINK = /^(?:https?:|mailto:)/i;

/** Classes our own renderer emits: highlight.js tokens and the code language. Model text cannot reach `class`, but we check anyway. */
const SAFE_CLASS = /^(?:hljs(?:-[\w-]+)?|language-[\w+#.-]+|[\w]+_)$/;

const SANITIZE_CONFIG: Config & { RETURN_DOM_FRAGMENT: true } = {
  ALLOWED_TAGS,
  ALLOWED_ATTR,
  FORBID_TAGS: ['style', 'script', 'iframe', 'frame', 'object', 'embed', 'form', 'input', 'textarea', 'select', 'button', 'img', 'svg', 'math', 'link', 'meta', 'base'],
  FORBID_ATTR: ['style', 'srcset', 'src', 'action', 'formaction', 'target'],
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  ALLOWED_URI_REGEXP: SAFE_LINK,
  RETURN_DOM_FRAGMENT: true,
};

/**
 * How deeply blockquotes and lists may nest before a block is shown as plain
 * text. Real answers stay within a handful of levels; a hostile one (a prompt
 * injection can make the model repeat `>` or `- ` a few thousand times) would
 * otherwise cost seconds of sanitizing per frame, or overflow the stack.
 */
export const MAX_MARKDOWN_NESTING = 32;

/** How many blockquote and list levels `token` holds, counted without recursion so depth cannot overflow the stack. */
function nestingDepth(token: Token): number {
  let deepest = 0;
  const pending: { token: Token; depth: number }[] = [{ token, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const depth = next.depth + (next.token.type === 'blockquote' || next.token.type === 'list' ? 1 : 0);
    if (depth > deepest) deepest = depth;
    if (deepest > MAX_MARKDOWN_NESTING) return deepest;
    const children = next.token.type === 'list' ? (next.token as Tokens.List).items : 'tokens' in next.token ? next.token.tokens : undefined;
    for (const child of children ?? []) pending.push({ token: child as Token, depth });
  }
  return deepest;
}

/**
 * How much of a table is drawn at first. Each cell costs a parse, a sanitize
 * and DOM nodes, and the table the model is still writing is drawn again every
 * frame: a 5,000-row table (or a header line of thousands of columns) took
 * seconds per frame and froze the chat. Real answers fit well within these
 * limits; a larger table shows its first columns and rows, says how much is
 * left out and draws the rest when the user asks for it.
 */
export const MAX_TABLE_COLUMNS = 50;
export const MAX_TABLE_CELLS = 500;

/** The part of `table` drawn at first: its first columns, and as many rows as fit in MAX_TABLE_CELLS; undefined when it fits whole. */
export function clipTable(table: Tokens.Table): Tokens.Table | undefined {
  const columns = Math.min(table.header.length, MAX_TABLE_COLUMNS);
  const rows = Math.min(table.rows.length, Math.max(1, Math.floor(MAX_TABLE_CELLS / Math.max(1, columns)) - 1));
  if (columns === table.header.length && rows === table.rows.length) return undefined;
  return { ...table, header: table.header.slice(0, columns), align: table.align.slice(0, columns), rows: table.rows.slice(0, rows).map((row) => row.slice(0, columns)) };
}

/** A table drawn in part: the whole of it and the part that was drawn. */
interface ClippedTable {
  whole: Tokens.Table;
  shown: Tokens.Table;
}

/** A block shown as its source text: our `html` renderer escapes it into a paragraph. */
function asPlainText(raw: string): Tokens.HTML {
  return { type: 'html', block: true, pre: false, raw, text: raw };
}

/**
 * The longest language name a code block shows. Real ones are short
 * (`typescriptreact`); a fence the model opened with thousands of letters
 * would otherwise make a header label that pushes Copy, Insert and Apply
 * out of sight.
 */
const MAX_LANGUAGE_CHARS = 32;

/** The language a fence names, from the first word of its info string (` ```ts title="x" ` → `ts`). */
function fenceLanguage(info: string | undefined): string {
  const word = (info ?? '').trim().split(/\s+/)[0] ?? '';
  return word.toLowerCase().replace(/[^\w+#.-]/g, '').slice(0, MAX_LANGUAGE_CHARS);
}

/** Link text that reads as an address: a URL with a scheme, or a bare domain with an optional path. */
const ADDRESS_LIKE = /^(?:[a-z][a-z0-9+.-]*:\/\/\S+|(?:[a-z0-9-]+\.)+[a-z]{2,}(?:[/:?#]\S*)?)$/i;

function hostOf(address: string): string | undefined {
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:/i.test(address) ? address : `https://${address}`).hostname.replace(/^www\./, '');
  } catch {
    return undefined;
  }
}

/**
 * Where a link really goes, when its text names a different place: a reply
 * (steerable by the pages and code the model read) can write
 * `[https://github.com/org/repo](https://collect.example/?k=…)`, and the hover
 * title alone is easy to miss. The host is shown as the URL parser spells it,
 * so a look-alike name in another script shows as `xn--…`. Text that is not an
 * address ("the docs") and links whose text names the same host (with or
 * without `www.`) show nothing more.
 */
export function otherDestination(text: string, href: string): string | undefined {
  // An image is shown as a link "image: <its alt text>", and the alt text is the model's too: `![https://github.com/x.png](https://collect.example/?k=…)`.
  const shown = text.trim().replace(/^image: /, '');
  if (!ADDRESS_LIKE.test(shown)) return undefined;
  let target: URL;
  try {
    target = new URL(href);
  } catch {
    return undefined;
  }
  const real = target.protocol === 'http:' || target.protocol === 'https:' ? target.hostname.replace(/^www\./, '') : undefined;
  if (real !== undefined && hostOf(shown) === real) return undefined;
  return real ?? (href.length > 80 ? `${href.slice(0, 79)}…` : href);
}

export class MarkdownRenderer {
  private readonly marked: Marked;
  private readonly purify: DOMPurify;
  /**
   * The info strings of the fences rendered by the current `renderTokens`, in
   * document order. The sanitizer drops data attributes, so the info string
   * (which may name a file) cannot ride on the HTML; `decorate` takes them back in the same order.
   */
  private fenceInfos: string[] = [];
  /**
   * Per table of the current render, in document order: how it was clipped,
   * or undefined when drawn whole; and `whole`, set while the user's "Show the
   * whole table" draws one table without limits.
   */
  private readonly tableDraw: { clipped: (ClippedTable | undefined)[]; whole: boolean } = { clipped: [], whole: false };

  constructor(
    private readonly doc: Document,
    private readonly actions: CodeActions,
  ) {
    // The table hook runs with marked's renderer as `this` (to draw the clipped copy), so it reaches our state through this object.
    const tableDraw = this.tableDraw;
    const view = doc.defaultView;
    if (!view) throw new Error('MarkdownRenderer needs a document that has a window');
    // DOMPurify bound to this document's window, so it also works on a jsdom window in tests.
    this.purify = createDOMPurify(view as unknown as Parameters<typeof createDOMPurify>[0]);
    this.purify.addHook('uponSanitizeAttribute', (_node, data) => {
      if (data.attrName === 'class') {
        const kept = data.attrValue.split(/\s+/).filter((c) => SAFE_CLASS.test(c));
        data.attrValue = kept.join(' ');
        if (kept.length === 0) data.keepAttr = false;
      }
    });
    this.purify.addHook('afterSanitizeAttributes', (node) => {
      if (node.nodeName === 'A') {
        const href = node.getAttribute('href');
        // Show where a link leads before it is clicked; the click itself is handled by the transcript.
        // The model's own title (`[docs](https://x "https://docs.example")`) is replaced, since it could name another address.
        if (href) node.setAttribute('title', href);
        else node.removeAttribute('title');
        node.setAttribute('rel', 'noopener noreferrer');
      }
    });

    this.marked = new Marked({
      gfm: true,
      breaks: false,
      async: false,
      renderer: {
        code: ({ text, lang }) => {
          // The extension refuses an `apply` whose info string is longer: cut here, so Apply on such a block still works (the file name comes first).
          this.fenceInfos.push((lang ?? '').trim().slice(0, MAX_FENCE_INFO));
          const language = fenceLanguage(lang);
          const { html } = highlightCode(text, language);
          const cls = language ? `hljs language-${language}` : 'hljs';
          return `<pre><code class="${cls}">${html}</code></pre>\n`;
        },
        // Raw HTML from the model is displayed, never interpreted: it is what a
        // prompt injection would use, and models often mention tags without backticks.
        html: (token) => {
          const text = escapeHtml(token.text);
          return 'block' in token && token.block ? `<p>${text}</p>\n` : text;
        },
        // The CSP blocks remote images anyway, and an image is a tracking beacon;
        // show a link to it instead so the user decides.
        image: ({ href, text }) => `<a href="${escapeHtml(href)}">${escapeHtml(text ? `image: ${text}` : href)}</a>`,
        table(token) {
          const shown = tableDraw.whole ? undefined : clipTable(token);
          tableDraw.clipped.push(shown && { whole: token, shown });
          return shown ? Renderer.prototype.table.call(this, shown) : false;
        },
        // Task lists become plain glyphs: form controls are not allowed through the sanitizer.
        checkbox: ({ checked }) => (checked ? '☑ ' : '☐ '),
      },
    });
  }

  /** Splits Markdown into top-level blocks; used by the streaming view to re-render only the last block. */
  lex(markdown: string): TokensList {
    try {
      return this.marked.lexer(markdown);
    } catch (error) {
      // marked lexes nested blocks recursively: a few thousand levels overflow
      // the stack. The text is then shown as it is rather than breaking the chat.
      if (!(error instanceof RangeError)) throw error;
      return Object.assign([asPlainText(markdown)], { links: Object.create(null) as TokensList['links'] });
    }
  }

  /** Renders block tokens (from `lex`) into sanitized, decorated DOM. */
  renderTokens(tokens: Token[]): DocumentFragment {
    // Reference links were resolved by the lexer, so the parser needs only the blocks.
    return this.draw(tokens.map((t) => (nestingDepth(t) > MAX_MARKDOWN_NESTING ? asPlainText(t.raw) : t)));
  }

  private draw(tokens: Token[]): DocumentFragment {
    this.fenceInfos = [];
    this.tableDraw.clipped = [];
    const html = this.marked.parser(tokens);
    return this.decorate(this.sanitize(html), this.fenceInfos, this.tableDraw.clipped);
  }

  render(markdown: string): DocumentFragment {
    return this.renderTokens(this.lex(markdown));
  }

  /** Sanitizes HTML into a fragment owned by our document. Exposed so tests can attack it directly. */
  sanitize(html: string): DocumentFragment {
    const fragment = this.purify.sanitize(html, SANITIZE_CONFIG);
    // DOMPurify parses in an inert document; adopting moves the nodes without cloning them.
    return this.doc.adoptNode(fragment);
  }

  /**
   * Wraps each `<pre><code>` in a block with a header: language, Copy, Insert
   * and Apply; and shows where a link leads when its text names another address.
   */
  private decorate(fragment: DocumentFragment, infos: string[], tables: (ClippedTable | undefined)[]): DocumentFragment {
    for (const [index, table] of Array.from(fragment.querySelectorAll('table')).entries()) {
      const clipped = tables[index];
      if (clipped) table.after(this.clippedTableNote(table, clipped));
    }
    for (const link of Array.from(fragment.querySelectorAll('a[href]'))) {
      const destination = otherDestination(link.textContent ?? '', link.getAttribute('href') ?? '');
      if (destination) link.after(el(this.doc, 'span', { className: 'link-destination', text: ` → ${destination}`, attrs: { 'data-testid': 'link-destination' } }));
    }
    // Inline code too: a command in backticks is as likely to be copied as a block.
    for (const code of Array.from(fragment.querySelectorAll('code'))) if (!code.closest('pre')) markHiddenCharacters(code);
    for (const [index, pre] of Array.from(fragment.querySelectorAll('pre')).entries()) {
      const code = pre.querySelector('code');
      if (!code) continue;
      const langClass = Array.from(code.classList).find((c) => c.startsWith('language-'));
      const language = langClass ? langClass.slice('language-'.length) : '';
      const block = el(this.doc, 'div', { className: 'code-block', attrs: { 'data-testid': 'code-block', 'data-language': language || undefined } });
      pre.replaceWith(block);
      block.append(this.codeHeader(language, code, infos[index] ?? language, markHiddenCharacters(code)), pre);
    }
    return fragment;
  }

  /** "Showing 165 of 5000 rows of this table." under a clipped table, with a button that draws all of it in its place. */
  private clippedTableNote(table: HTMLTableElement, { whole, shown }: ClippedTable): HTMLElement {
    const doc = this.doc;
    const parts = [
      shown.rows.length < whole.rows.length ? `${shown.rows.length} of ${whole.rows.length} rows` : '',
      shown.header.length < whole.header.length ? `${shown.header.length} of ${whole.header.length} columns` : '',
    ].filter(Boolean);
    const note = el(doc, 'div', { className: 'table-clipped', attrs: { 'data-testid': 'table-clipped', role: 'note' }, text: `Showing ${parts.join(' and ')} of this table. ` });
    note.append(
      button(doc, {
        label: 'Show the whole table',
        testId: 'table-show-all',
        className: 'table-show-all',
        children: ['Show the whole table'],
        onClick: () => {
          this.tableDraw.whole = true;
          let drawn: DocumentFragment;
          try {
            drawn = this.draw([whole]);
          } finally {
            this.tableDraw.whole = false;
          }
          note.remove();
          table.replaceWith(drawn);
        },
      }),
    );
    return note;
  }

  private codeHeader(language: string, code: HTMLElement, info: string, hidden: readonly string[]): HTMLElement {
    const doc = this.doc;
    // Read the text at click time: it is exactly the code, since highlight.js only adds spans.
    const codeText = () => code.textContent ?? '';
    const copyLabel = el(doc, 'span', { className: 'button-label', text: 'Copy' });
    const copy = button(doc, {
      label: 'Copy code',
      testId: 'copy-code',
      className: 'code-action',
      children: [icon(doc, 'copy'), copyLabel],
      onClick: () => {
        this.actions.copy(codeText());
        copyLabel.textContent = 'Copied';
        doc.defaultView?.setTimeout(() => (copyLabel.textContent = 'Copy'), 1500);
      },
    });
    const insert = button(doc, {
      label: 'Insert code at cursor',
      testId: 'insert-code',
      className: 'code-action',
      children: [icon(doc, 'insert'), el(doc, 'span', { className: 'button-label', text: 'Insert' })],
      onClick: () => this.actions.insert(codeText()),
    });
    const apply = button(doc, {
      label: 'Apply to file (review the merge in a diff)',
      testId: 'apply-code',
      className: 'code-action',
      children: [icon(doc, 'apply'), el(doc, 'span', { className: 'button-label', text: 'Apply' })],
      onClick: () => this.actions.apply(codeText(), info),
    });
    // Said in the header, next to the buttons that would take the code away, not only by the marks inside it.
    const warning =
      hidden.length > 0
        ? [
            el(doc, 'span', {
              className: 'code-hidden-warning',
              text: 'Invisible characters',
              attrs: {
                'data-testid': 'hidden-characters',
                role: 'note',
                title: `This code contains characters you cannot see (${hidden.join(', ')}), marked in it: it may do something other than what it shows.`,
              },
            }),
          ]
        : [];
    return el(doc, 'div', {
      className: 'code-header',
      children: [el(doc, 'span', { className: 'code-language', text: language || 'text' }), ...warning, el(doc, 'span', { className: 'code-actions', children: [copy, insert, apply] })],
    });
  }
}
