/**
 * Turns a web page's HTML into Markdown for the model, in one pass over the
 * text, in time linear in its length whatever the page holds: the page is
 * someone else's (a hostile one may nest 50,000 elements or never close a
 * tag), and this runs on the language server's thread, which also answers
 * inline suggestions. So there is no DOM: a scanner reads tags and text in
 * order, the open elements are a stack of bounded depth, and the output
 * stops once `maxChars` is reached.
 *
 * What comes out: headings, paragraphs, line breaks, lists (nested,
 * numbered), fenced code blocks with their language (`language-x` or
 * `lang-x` classes), inline code, bold and italic, links (made absolute),
 * image alt text, block quotes and tables as rows of cells. Scripts,
 * styles, navigation, footers, asides, forms, buttons, SVG, iframes and
 * templates are left out with their content. When the page has a `<main>`,
 * only it is read; else its `<article>` elements when it has them.
 */

/** Elements whose whole content is left out: they are code, or the site's furniture rather than the page's text. */
const SKIPPED = new Set(['head', 'script', 'style', 'noscript', 'template', 'nav', 'footer', 'aside', 'form', 'button', 'select', 'svg', 'math', 'iframe', 'object', 'canvas', 'dialog']);
/** Elements whose content is raw text to the HTML parser (a `<` inside does not start a tag). */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'noscript', 'template']);
/** Elements that never have content or a closing tag. */
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr', 'param']);
/** Elements that start and end a block of text. */
const BLOCK = new Set([
  'p', 'div', 'section', 'article', 'main', 'header', 'figure', 'figcaption', 'address', 'details', 'summary', 'dl', 'dt', 'dd',
  'ul', 'ol', 'table', 'thead', 'tbody', 'tfoot', 'caption', 'center', 'fieldset', 'hgroup', 'body', 'html',
]);
/** Inline elements written as the same Markdown mark before and after their text. */
const INLINE_MARKS = new Map([['b', '**'], ['strong', '**'], ['i', '_'], ['em', '_']]);
/** Deeper nesting than this is read as flat text: no page needs it, and a bounded stack keeps closing tags cheap. */
const MAX_DEPTH = 256;
/** The longest tag read as a tag; a `<` that starts something longer (or unclosed) is text. */
const MAX_TAG_CHARS = 4096;

const ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', copy: '©', reg: '®', trade: '™', hellip: '…', mdash: '—', ndash: '–',
  lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', laquo: '«', raquo: '»', bull: '•', middot: '·', times: '×', divide: '÷', deg: '°',
  rarr: '→', larr: '←', uarr: '↑', darr: '↓', harr: '↔', rArr: '⇒', lArr: '⇐', le: '≤', ge: '≥', ne: '≠', plusmn: '±', minus: '−',
  para: '¶', sect: '§', euro: '€', pound: '£', yen: '¥', cent: '¢', shy: '', zwj: '', zwnj: '', ensp: ' ', emsp: ' ', thinsp: ' ',
};

/** Decodes character references (named ones of the table above, and numeric ones). */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#[xX][0-9a-fA-F]{1,6}|#\d{1,7}|[a-zA-Z]{2,8});/g, (whole, name: string) => {
    if (name[0] !== '#') {
      // Own keys only: `&valueOf;` is text, not Object.prototype's method.
      const key = Object.hasOwn(ENTITIES, name) ? name : name.toLowerCase();
      return Object.hasOwn(ENTITIES, key) ? ENTITIES[key] : whole;
    }
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : whole;
  });
}

/**
 * The tag starting at `source[start]` (a `<`): its name (lower case), whether
 * it closes, its attribute text and where it ends; or, when it is not a tag,
 * the index where the text it is part of ends. A quote opened right after
 * `=` may hold `>`. Each character is scanned at most once per call, and a
 * failed scan moves past what it scanned, so the whole page costs linear
 * time.
 */
function scanTag(source: string, start: number): { name: string; closing: boolean; attrs: string; end: number } | number {
  const nameStart = source[start + 1] === '/' ? start + 2 : start + 1;
  if (!/[a-zA-Z]/.test(source[nameStart] ?? '')) return start + 1;
  const limit = Math.min(source.length, start + MAX_TAG_CHARS);
  let quote = '';
  let lastSignificant = '';
  for (let j = nameStart; j < limit; j++) {
    const ch = source[j];
    if (quote) {
      if (ch === quote) quote = '';
      continue;
    }
    if ((ch === '"' || ch === "'") && lastSignificant === '=') quote = ch;
    else if (ch === '>') {
      const inner = source.slice(nameStart, j);
      const m = /^([a-zA-Z][a-zA-Z0-9:-]*)/.exec(inner)!;
      return { name: m[1].toLowerCase(), closing: nameStart === start + 2, attrs: inner.slice(m[1].length), end: j + 1 };
    }
    if (ch !== ' ' && ch !== '\t' && ch !== '\n' && ch !== '\r') lastSignificant = ch;
  }
  return limit;
}

/** The attributes read, each with its pattern compiled once. */
const ATTRIBUTE_PATTERNS = Object.fromEntries(
  (['href', 'class', 'alt', 'start'] as const).map((name) => [name, new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))`, 'i')]),
) as Record<'href' | 'class' | 'alt' | 'start', RegExp>;

function attribute(attrs: string, name: keyof typeof ATTRIBUTE_PATTERNS): string | undefined {
  if (!attrs.includes('=')) return undefined;
  const m = ATTRIBUTE_PATTERNS[name].exec(attrs);
  return m ? decodeEntities(m[1] ?? m[2] ?? m[3] ?? '') : undefined;
}

/** A code block's language from its `language-x` or `lang-x` class (highlighters' convention). */
function codeLanguage(attrs: string): string | undefined {
  return /(?:^|\s)(?:language|lang)-([\w+#.-]{1,30})/.exec(attribute(attrs, 'class') ?? '')?.[1];
}

/** The page's title (the `<title>` element's text), or undefined. */
export function htmlTitle(html: string): string | undefined {
  const lower = html.toLowerCase();
  const open = lower.indexOf('<title');
  if (open < 0) return undefined;
  const start = lower.indexOf('>', open);
  const end = lower.indexOf('</title', start);
  if (start < 0 || end < 0) return undefined;
  const title = decodeEntities(html.slice(start + 1, end).replace(/<[^>]{0,4096}>/g, '')).replace(/\s+/g, ' ').trim();
  return title === '' ? undefined : title.slice(0, 200);
}

/** The part of the page worth reading: its `<main>`, else from its first `<article>` to its last, else all of it. */
function mainPart(html: string): string {
  const lower = html.toLowerCase();
  for (const name of ['main', 'article']) {
    const open = lower.search(new RegExp(`<${name}[\\s>]`));
    const close = lower.lastIndexOf(`</${name}`);
    if (open >= 0 && close > open) return html.slice(open, close);
  }
  return html;
}

interface ListState {
  ordered: boolean;
  next: number;
}

/**
 * The Markdown of `html`, at most about `maxChars` characters. `baseUrl`
 * makes relative links absolute.
 */
export function htmlToMarkdown(html: string, baseUrl: string, maxChars: number): string {
  const source = mainPart(html);
  const lower = source.toLowerCase();
  const out: string[] = [];
  let length = 0;
  /** The open elements, innermost last (at most MAX_DEPTH). */
  const stack: string[] = [];
  /** How many open elements are being skipped; nothing is written while it is above 0. */
  let skipping = 0;
  let pre = 0;
  const lists: ListState[] = [];
  const links: (string | undefined)[] = [];
  /** Cells written in the current table row, and whether the table's header separator is still to come. */
  let cells = 0;
  let headerRowPending = false;
  let quote = 0;
  /** Whether the text so far ends with whitespace (or is empty), so a collapsed space is not doubled. */
  let atSpace = true;

  const write = (text: string): void => {
    if (text === '') return;
    out.push(text);
    length += text.length;
    atSpace = /\s$/.test(text);
  };
  /** Ends the current line or block: `lines` newlines in a row at most, never at the very start. */
  const breakLines = (lines: number): void => {
    if (out.length === 0) return;
    let trailing = 0;
    for (let i = out.length - 1; i >= 0 && trailing < lines; i--) {
      const piece = out[i];
      let j = piece.length - 1;
      while (j >= 0 && piece[j] === ' ') j--;
      if (j < 0) continue;
      let k = j;
      while (k >= 0 && piece[k] === '\n' && trailing < lines) {
        trailing++;
        k--;
      }
      if (k >= 0) break;
    }
    if (trailing < lines) write('\n'.repeat(lines - trailing));
    if (quote > 0) write('> '.repeat(quote));
    atSpace = true;
  };
  const text = (raw: string): void => {
    if (skipping > 0 || raw === '') return;
    // A single text node can be the whole page: only what still fits is decoded and written.
    const decoded = decodeEntities(raw.length > maxChars - length + 16 ? raw.slice(0, Math.max(0, maxChars - length + 16)) : raw);
    if (pre > 0) {
      write(decoded);
      return;
    }
    const collapsed = decoded.replace(/\s+/g, ' ');
    if (collapsed === ' ') {
      if (!atSpace) write(' ');
      return;
    }
    write(atSpace && collapsed.startsWith(' ') ? collapsed.slice(1) : collapsed);
  };

  const open = (name: string, attrs: string): void => {
    if (skipping > 0) return;
    const mark = INLINE_MARKS.get(name);
    if (mark) return write(mark);
    switch (name) {
      case 'h1': case 'h2': case 'h3': case 'h4': case 'h5': case 'h6':
        breakLines(2);
        write(`${'#'.repeat(Number(name[1]))} `);
        atSpace = true;
        return;
      case 'br':
        if (pre > 0) write('\n');
        else breakLines(1);
        return;
      case 'hr':
        breakLines(2);
        write('---');
        breakLines(2);
        return;
      case 'pre': {
        breakLines(2);
        write(`\`\`\`${codeLanguage(attrs) ?? ''}\n`);
        pre++;
        return;
      }
      case 'code':
        if (pre > 0) {
          // `<pre><code class="language-x">`: the fence was opened without a language; give it this one.
          const lang = codeLanguage(attrs);
          if (lang && out[out.length - 1] === '```\n') {
            out[out.length - 1] = `\`\`\`${lang}\n`;
            length += lang.length;
          }
          return;
        }
        write('`');
        return;
      case 'a': {
        const href = linkTarget(attribute(attrs, 'href'), baseUrl);
        links.push(href);
        if (href) write('[');
        return;
      }
      case 'img': {
        const alt = (attribute(attrs, 'alt') ?? '').replace(/\s+/g, ' ').trim();
        if (alt) write(`[image: ${alt}]`);
        return;
      }
      case 'ul': case 'ol':
        breakLines(lists.length > 0 ? 1 : 2);
        lists.push({ ordered: name === 'ol', next: Number(attribute(attrs, 'start') ?? 1) || 1 });
        return;
      case 'li': {
        breakLines(1);
        const list = lists[lists.length - 1];
        write(`${'  '.repeat(Math.max(0, lists.length - 1))}${list?.ordered ? `${list.next++}.` : '-'} `);
        atSpace = true;
        return;
      }
      case 'blockquote':
        breakLines(2);
        quote++;
        write('> ');
        atSpace = true;
        return;
      case 'table':
        breakLines(2);
        headerRowPending = true;
        return;
      case 'tr':
        breakLines(1);
        write('|');
        cells = 0;
        return;
      case 'td': case 'th':
        write(' ');
        cells++;
        atSpace = true;
        return;
      default:
        if (BLOCK.has(name)) breakLines(2);
    }
  };

  const close = (name: string): void => {
    if (skipping > 0) return;
    const mark = INLINE_MARKS.get(name);
    if (mark) return write(mark);
    switch (name) {
      case 'h1': case 'h2': case 'h3': case 'h4': case 'h5': case 'h6': case 'p':
        breakLines(2);
        return;
      case 'pre':
        if (pre > 0) {
          pre--;
          if (!(out[out.length - 1] ?? '').endsWith('\n')) write('\n');
          write('```');
          breakLines(2);
        }
        return;
      case 'code':
        if (pre === 0) write('`');
        return;
      case 'a': {
        const href = links.pop();
        if (href) write(`](${href})`);
        return;
      }
      case 'ul': case 'ol':
        lists.pop();
        breakLines(lists.length > 0 ? 1 : 2);
        return;
      case 'blockquote':
        quote = Math.max(0, quote - 1);
        breakLines(2);
        return;
      case 'td': case 'th':
        write(' |');
        return;
      case 'tr':
        if (headerRowPending && cells > 0) {
          breakLines(1);
          write(`|${' --- |'.repeat(cells)}`);
          headerRowPending = false;
        }
        return;
      case 'table':
        breakLines(2);
        return;
      default:
        if (BLOCK.has(name)) breakLines(2);
    }
  };

  /** Closes the open elements from the innermost down to stack index `at`. */
  const endDownTo = (at: number): void => {
    while (stack.length > at) {
      const ended = stack.pop()!;
      close(ended);
      if (SKIPPED.has(ended)) skipping--;
    }
  };

  let i = 0;
  while (i < source.length && length < maxChars) {
    const lt = source.indexOf('<', i);
    if (lt < 0) {
      text(source.slice(i));
      break;
    }
    if (lt > i) text(source.slice(i, lt));
    i = lt;
    if (source.startsWith('<!--', i)) {
      const end = source.indexOf('-->', i + 4);
      i = end < 0 ? source.length : end + 3;
      continue;
    }
    if (source[i + 1] === '!' || source[i + 1] === '?') {
      const end = source.indexOf('>', i);
      i = end < 0 ? source.length : end + 1;
      continue;
    }
    const tag = scanTag(source, i);
    if (typeof tag === 'number') {
      // Not a tag (a lone `<`, or one that never closes within MAX_TAG_CHARS): text, and the scan goes on after it.
      text(source.slice(i, tag));
      i = tag;
      continue;
    }
    i = tag.end;
    const { name, closing, attrs } = tag;
    if (closing) {
      const at = stack.lastIndexOf(name);
      if (at < 0) continue;
      // Elements left open inside it end with it (`<li>` without `</li>`, say), innermost first.
      endDownTo(at);
      continue;
    }
    const selfClosing = attrs.trimEnd().endsWith('/');
    // Past the depth limit an element is read as if it were not there (its text still is).
    if (stack.length >= MAX_DEPTH && !VOID.has(name) && !selfClosing) continue;
    if (name === 'li' || name === 'p' || name === 'tr' || name === 'td' || name === 'th' || name === 'dt' || name === 'dd') {
      // An unclosed `<li>`, `<p>`, `<td>`… ends at the next one of its kind (as HTML parsers do), so lists do not nest by accident.
      const sibling = closesSibling(stack, name);
      if (sibling >= 0) endDownTo(sibling);
    }
    open(name, attrs);
    if (VOID.has(name) || selfClosing) continue;
    if (RAW_TEXT.has(name)) {
      // The content up to the closing tag is text, never tags: skipped, except a title (read separately).
      const end = lower.indexOf(`</${name}`, i);
      if (name === 'textarea' || name === 'xmp') text(source.slice(i, end < 0 ? source.length : end));
      const closeEnd = end < 0 ? -1 : source.indexOf('>', end);
      i = closeEnd < 0 ? source.length : closeEnd + 1;
      continue;
    }
    stack.push(name);
    if (SKIPPED.has(name)) skipping++;
  }
  // Whatever is still open ends here (an unclosed code block gets its closing fence).
  endDownTo(0);
  return out
    .join('')
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Where a `<li>`, `<p>`, `<tr>`, `<td>`… that is opened again ends its unclosed predecessor: the index in the stack, or -1. */
function closesSibling(stack: readonly string[], name: string): number {
  // A sibling is only looked for inside the nearest container that could hold it.
  const boundary = name === 'li' ? ['ul', 'ol'] : name === 'tr' ? ['table', 'thead', 'tbody', 'tfoot'] : name === 'td' || name === 'th' ? ['tr', 'table'] : name === 'dt' || name === 'dd' ? ['dl'] : ['div', 'section', 'article', 'main', 'body', 'td', 'li', 'blockquote'];
  const same = name === 'td' || name === 'th' ? ['td', 'th'] : name === 'dt' || name === 'dd' ? ['dt', 'dd'] : [name];
  for (let i = stack.length - 1; i >= 0; i--) {
    if (same.includes(stack[i])) return i;
    if (boundary.includes(stack[i])) return -1;
  }
  return -1;
}

/** An absolute http(s) address for a link, or undefined (no link, a `javascript:` one, a fragment on this page). */
function linkTarget(href: string | undefined, baseUrl: string): string | undefined {
  if (!href || href.startsWith('#')) return undefined;
  try {
    const url = new URL(href, baseUrl);
    return url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'mailto:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
