/**
 * The deterministic first step of "Apply" for the commonest chat answer: a
 * code block that is one whole function, method or class replacing the one
 * with the same name in the file. Such a merge needs no model (so it is
 * instant and cannot garble the rest of the file); anything else — several
 * declarations, "… existing code …" placeholders, new code with no
 * counterpart, an ambiguous name — returns undefined and goes to the model.
 *
 * This is deliberately lexical, like bracketScan.ts: a parser per language
 * would be more exact, but a wrong guess here only costs a model call,
 * because the answer is shown as a diff the user reviews either way.
 */

/** Declaration heads: the kind (so a class never replaces a function of the same name) and the name. */
const HEADS: { kind: string; pattern: RegExp }[] = [
  { kind: 'function', pattern: /^(?:export\s+)?(?:default\s+)?(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)\s*[<(]/ },
  { kind: 'class', pattern: /^(?:export\s+)?(?:default\s+)?(?:abstract\s+)?class\s+([A-Za-z_$][\w$]*)/ },
  { kind: 'type', pattern: /^(?:export\s+)?(?:declare\s+)?(?:interface|enum)\s+([A-Za-z_$][\w$]*)/ },
  { kind: 'const', pattern: /^(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=/ },
  { kind: 'def', pattern: /^(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(/ },
  { kind: 'pyclass', pattern: /^class\s+([A-Za-z_]\w*)\s*[(:]/ },
  { kind: 'func', pattern: /^func\s+(?:\([^)]*\)\s*)?([A-Za-z_]\w*)\s*[[(]/ },
  { kind: 'fn', pattern: /^(?:pub(?:\([^)]*\))?\s+)?(?:async\s+)?(?:unsafe\s+)?fn\s+([A-Za-z_]\w*)/ },
  {
    kind: 'method',
    pattern: /^(?:(?:public|private|protected|static|async|override|readonly|get|set)\s+)*(?!(?:if|for|while|switch|catch|return|function|new|else|do|try)\b)([A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\s*\([^)]*\)\s*(?::\s*[^{=]+)?\{\s*$/,
  },
];

/** Comments that mean "the rest of the file stays as it is": such a block is partial and needs the model. */
const PLACEHOLDER = /(?:\/\/|#|\/\*|<!--)\s*(?:\.\.\.|…)|\.\.\.\s*(?:existing|rest of|other|unchanged|remaining)|(?:existing|rest of the|unchanged) (?:code|file|methods|functions)/i;

const COMMENT_LINE = /^\s*(?:\/\/|\/\*|\*|#(?!\[)|@\w|#\[)/;

interface Head {
  kind: string;
  name: string;
}

function headOf(line: string): Head | undefined {
  const text = line.trim();
  for (const { kind, pattern } of HEADS) {
    const m = pattern.exec(text);
    if (m) return { kind, name: m[1] };
  }
  return undefined;
}

function indentOf(line: string): string {
  return /^[ \t]*/.exec(line)![0];
}

/**
 * The index just after the bracket that closes the first `{` at or after
 * `start`, skipping strings and comments; undefined if it never closes.
 */
function closeOfBlock(text: string, start: number): number | undefined {
  let depth = 0;
  let opened = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    const next = text[i + 1];
    if (ch === '/' && next === '/') {
      const end = text.indexOf('\n', i);
      if (end < 0) return undefined;
      i = end;
    } else if (ch === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return undefined;
      i = end + 1;
    } else if (ch === '"' || ch === "'" || ch === '`') {
      for (i++; i < text.length && text[i] !== ch; i++) {
        if (text[i] === '\\') i++;
        else if (text[i] === '\n' && ch !== '`') break;
      }
    } else if (ch === '{') {
      depth++;
      opened = true;
    } else if (ch === '}') {
      depth--;
      if (opened && depth === 0) return i + 1;
      if (depth < 0) return undefined;
    }
  }
  return undefined;
}

/** Line index → offset of its first character. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

/** The last line of the declaration starting at `first`: by braces, or by indentation for Python. */
function declarationEnd(lines: string[], first: number, indentBased: boolean): number | undefined {
  if (indentBased) {
    const base = indentOf(lines[first]).length;
    let last = first;
    for (let i = first + 1; i < lines.length; i++) {
      if (lines[i].trim() === '') continue;
      if (indentOf(lines[i]).length <= base) break;
      last = i;
    }
    return last;
  }
  const text = lines.join('\n');
  const starts = lineStarts(text);
  // A `const x = 1;` has no block: it ends on its own line when no brace opens before the semicolon.
  const firstLine = lines[first];
  if (!firstLine.includes('{') && /;\s*$/.test(firstLine)) return first;
  const close = closeOfBlock(text, starts[first]);
  if (close === undefined) return undefined;
  let line = starts.findIndex((s) => s > close) - 1;
  if (line < 0) line = lines.length - 1;
  return line;
}

/** Leading comment and decorator lines of a declaration (doc comments, `@decorator`, `#[derive]`). */
function leadingComments(lines: string[], head: number): number {
  let first = head;
  while (first > 0 && COMMENT_LINE.test(lines[first - 1]) && lines[first - 1].trim() !== '') first--;
  return first;
}

/** Re-indents `block` so its least-indented line starts at `indent`. */
function reindent(block: string[], indent: string): string[] {
  const nonBlank = block.filter((l) => l.trim() !== '');
  const current = Math.min(...nonBlank.map((l) => indentOf(l).length));
  return block.map((l) => (l.trim() === '' ? '' : indent + l.slice(current)));
}

/**
 * The whole new file when `snippet` is exactly one declaration that replaces
 * exactly one declaration of the same kind and name in `original`; else undefined.
 */
export function mergeWholeDeclaration(original: string, snippet: string, languageId: string): string | undefined {
  if (PLACEHOLDER.test(snippet)) return undefined;
  const indentBased = languageId === 'python';
  const snippetLines = snippet.replace(/\s+$/, '').split('\n');
  while (snippetLines.length > 0 && snippetLines[0].trim() === '') snippetLines.shift();
  const headIndex = snippetLines.findIndex((l) => l.trim() !== '' && !COMMENT_LINE.test(l));
  if (headIndex < 0) return undefined;
  const head = headOf(snippetLines[headIndex]);
  if (!head) return undefined;
  // The snippet must be that one declaration and nothing after it.
  const snippetEnd = declarationEnd(snippetLines, headIndex, indentBased);
  if (snippetEnd === undefined) return undefined;
  const trailing = snippetLines.slice(snippetEnd + 1).join('\n').trim();
  if (trailing !== '' && trailing !== ';') return undefined;
  const snippetClose = snippetLines[snippetEnd].trim();
  if (!indentBased && !/[};]\s*;?$/.test(snippetClose)) return undefined;

  const lines = original.split('\n');
  const matches = lines.map((l, i) => ({ i, h: headOf(l) })).filter(({ h }) => h && h.kind === head.kind && h.name === head.name);
  if (matches.length !== 1) return undefined;
  const fileHead = matches[0].i;
  const fileEnd = declarationEnd(lines, fileHead, indentBased);
  if (fileEnd === undefined) return undefined;
  // Replace the file's doc comment only when the snippet brings its own; otherwise keep it.
  const fileFirst = headIndex > 0 ? leadingComments(lines, fileHead) : fileHead;
  const replacement = reindent(snippetLines.slice(0, snippetEnd + 1), indentOf(lines[fileHead]));
  const merged = [...lines.slice(0, fileFirst), ...replacement, ...lines.slice(fileEnd + 1)].join('\n');
  return merged;
}
