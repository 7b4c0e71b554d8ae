import type { Diagnostic } from 'vscode-languageserver/node';
import type { EditKind } from '../../protocol/lspMethods';
import { fenceFor } from '../../protocol/markdownFence';

/** Lines of the file shown around the code to change, so the model knows the names in scope. */
export const CONTEXT_LINES = 60;
/** The longest staged diff sent whole; beyond it the rest is listed by file name. */
export const MAX_DIFF_CHARS = 12_000;
/** The names of the files past the cut, listed at most (the rest are counted). */
const MAX_LISTED_NAME_CHARS = 2_000;

const REPLACEMENT_RULES =
  'Reply with exactly one fenced code block containing the complete replacement for the code to change, and nothing else: ' +
  'no explanation and no text outside the block. Keep the original indentation and style. ' +
  'Do not repeat the context before or after the code.';

/** The system prompt of each editor action. */
export function editSystemPrompt(kind: EditKind): string {
  const role = 'You are Hearth, a coding assistant editing code in the user\u2019s editor.';
  switch (kind) {
    case 'fix':
      return `${role} You fix the problems the editor reports, changing only what is needed. ${REPLACEMENT_RULES}`;
    case 'document':
      return `${role} You add documentation comments in the language\u2019s conventional style (JSDoc, docstrings, rustdoc, …) without changing behaviour. ${REPLACEMENT_RULES}`;
    case 'refactor':
      return `${role} You rewrite code as the user instructs, keeping its behaviour unless told otherwise. ${REPLACEMENT_RULES}`;
    case 'tests':
      return (
        `${role} You write unit tests. Use the test framework the project appears to use (judging by the file\u2019s imports and conventions), ` +
        'otherwise the most common one for the language. Reply with exactly one fenced code block, and nothing else: it holds a complete test file, ' +
        'or, when the message says the test file exists, only the tests to append to it.'
      );
  }
}


function fenced(text: string, languageId: string): string {
  const fence = fenceFor(text);
  return `${fence}${languageId}\n${text.replace(/\n$/, '')}\n${fence}`;
}

function describeDiagnostic(d: Diagnostic): string {
  const source = d.source ? ` [${d.source}${d.code !== undefined ? ` ${d.code}` : ''}]` : '';
  return `- line ${d.range.start.line + 1}: ${d.message}${source}`;
}

export interface EditPromptInput {
  kind: EditKind;
  path: string;
  languageId: string;
  before: string;
  code: string;
  after: string;
  /** 1-based first line of `code`. */
  firstLine: number;
  instruction?: string;
  diagnostics?: Diagnostic[];
  /** For `tests`: where the tests go and what is already there (see testFileConventions.ts). */
  testFile?: { relativePath: string; framework?: string; importPath?: string; existing?: string };
}

/** The user message of an editor action: the file, the code with its surroundings, and the task. */
export function editUserMessage(input: EditPromptInput): string {
  const lastLine = input.firstLine + Math.max(0, input.code.replace(/\n$/, '').split('\n').length - 1);
  const parts = [`File: ${input.path} (${input.languageId})`];
  if (input.before.trim()) parts.push(`Context before the code (do not repeat it):\n${fenced(input.before, input.languageId)}`);
  parts.push(`${input.kind === 'tests' ? 'Code to test' : 'Code to change'} (lines ${input.firstLine}\u2013${lastLine}):\n${fenced(input.code, input.languageId)}`);
  if (input.after.trim()) parts.push(`Context after the code (do not repeat it):\n${fenced(input.after, input.languageId)}`);
  switch (input.kind) {
    case 'fix':
      parts.push(`Fix these problems:\n${(input.diagnostics ?? []).map(describeDiagnostic).join('\n') || '- the code does not work as intended'}`);
      break;
    case 'document':
      parts.push('Add documentation comments to this code.');
      break;
    case 'refactor':
      parts.push(`Instruction: ${input.instruction?.trim() || 'Improve the readability of this code.'}`);
      break;
    case 'tests': {
      const t = input.testFile;
      if (!t) {
        parts.push(`Write a complete test file for this code from ${input.path}.`);
        break;
      }
      const how = [
        t.framework ? `The project tests with ${t.framework}; use it.` : '',
        t.importPath ? `Import the code under test from "${t.importPath}" (the path from the test file to ${input.path}).` : '',
      ].filter(Boolean);
      if (t.existing !== undefined) {
        parts.push(`The test file ${t.relativePath} already exists:\n${fenced(t.existing, input.languageId)}`);
        parts.push(
          `Write new tests for this code to append at the end of ${t.relativePath}. ${how.join(' ')} ` +
            'Reply with only the code to append: do not repeat the existing tests or imports the file already has; add an import only if the new tests need one the file lacks.',
        );
      } else {
        parts.push(`Write a complete test file for this code from ${input.path}; it will be saved as ${t.relativePath}. ${how.join(' ')}`);
      }
      break;
    }
  }
  return parts.join('\n\n');
}

export const COMMIT_SYSTEM_PROMPT =
  'You write git commit messages. Reply with only the commit message: a summary line in the imperative mood of at most 72 characters, ' +
  'then, only if the change needs it, a blank line and a short body wrapped at 72 characters saying what changed and why. ' +
  'No code fences, no quotes, no preamble.';

/** The user message for a commit message: the staged diff, cut to size with the remaining files listed. */
export function commitUserMessage(diff: string): string {
  if (diff.length <= MAX_DIFF_CHARS) return `Write a commit message for this staged diff:\n\n${fenced(diff, 'diff')}`;
  const shown = diff.slice(0, MAX_DIFF_CHARS);
  const cutAt = shown.lastIndexOf('\ndiff --git ');
  const head = cutAt > 0 ? shown.slice(0, cutAt) : shown;
  const rest = [...diff.slice(head.length).matchAll(/^diff --git a\/(\S+)/gm)].map((m) => m[1]);
  // The names are listed up to a budget and the rest counted: a commit that vendors thousands of files would otherwise make a prompt no context holds.
  const named: string[] = [];
  let size = 0;
  for (const name of rest) {
    if (size + name.length > MAX_LISTED_NAME_CHARS) break;
    named.push(name);
    size += name.length + 2;
  }
  const more = rest.length - named.length;
  const tail = more > 0 ? `${named.length > 0 ? ', ' : ''}and ${more.toLocaleString('en-US')} more file${more === 1 ? '' : 's'}` : '';
  const note = rest.length > 0 ? `\n\nThe diff was too long to show whole; it also changes: ${named.join(', ')}${tail}.` : '';
  return `Write a commit message for this staged diff:\n\n${fenced(head, 'diff')}${note}`;
}

/**
 * The code inside the model's answer: the first fenced block, or the whole
 * answer when the model ignored the instruction to fence it. A block the
 * model opened and never closed (it stopped after the code) runs to the end
 * of the answer: taking the whole answer instead put the fence line, and any
 * sentence before it, into the proposed change as if they were code.
 */
export function extractCode(answer: string): string {
  const match = /^(`{3,}|~{3,})[^\n]*\n([\s\S]*?)^\1\s*$/m.exec(answer);
  if (match) return match[2];
  const opened = /^(`{3,}|~{3,})[^\n`]*\n/m.exec(answer);
  if (opened) return answer.slice(opened.index + opened[0].length).replace(/\s+$/, '') + '\n';
  return answer.trim() + '\n';
}

/**
 * Puts the model's code back at the original's indentation: models often
 * answer with the code dedented to column zero, which would break nesting
 * when it replaces an indented range. Keeps the original's final newline state.
 */
export function matchIndentation(code: string, original: string): string {
  const indentOf = (l: string) => l.length - l.trimStart().length;
  const nonBlank = (t: string) => t.split('\n').filter((l) => l.trim() !== '');
  const originalLines = nonBlank(original);
  const codeLines = nonBlank(code);
  let out = code;
  if (originalLines.length > 0 && codeLines.length > 0) {
    const originalIndent = Math.min(...originalLines.map(indentOf));
    const codeIndent = Math.min(...codeLines.map(indentOf));
    if (originalIndent > 0 && codeIndent === 0) {
      const pad = originalLines.find((l) => indentOf(l) === originalIndent)!.slice(0, originalIndent);
      out = code
        .split('\n')
        .map((l) => (l.trim() === '' ? l : pad + l))
        .join('\n');
    }
  }
  const endsWithNewline = original.endsWith('\n');
  out = out.replace(/\n+$/, '');
  return endsWithNewline ? `${out}\n` : out;
}

/** Terminal escape sequences: CSI (`ESC [ … final`, cursor moves, screen clears) and OSC (`ESC ] … BEL or ESC \`, hyperlinks, titles, clipboard). */
// eslint-disable-next-line no-control-regex
const ESCAPE_SEQUENCE = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?)/g;
/** Control characters other than line break and tab, and the bidirectional overrides and isolates that reorder what is shown. */
// eslint-disable-next-line no-control-regex
const UNSEEN = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/**
 * The commit message without the wrappers models add despite being asked
 * not to, and without characters the commit box does not show: the message
 * is the model's (steerable by the diff it read) and goes into the
 * repository's history, where `git log` prints it raw to every terminal that
 * shows it; an escape sequence there could rewrite the screen, plant a
 * hyperlink or set the clipboard, and a bare carriage return or a
 * bidirectional override could make the message read other than it is.
 */
export function cleanCommitMessage(answer: string): string {
  let text = answer.replace(/\r\n?/g, '\n').replace(ESCAPE_SEQUENCE, '').replace(UNSEEN, '').trim();
  const fencedMatch = /^(`{3,})[^\n]*\n([\s\S]*?)\n\1\s*$/.exec(text);
  if (fencedMatch) text = fencedMatch[2].trim();
  text = text.replace(/^(commit message|message)\s*:\s*/i, '');
  if (/^".*"$/s.test(text) || /^'.*'$/s.test(text)) text = text.slice(1, -1).trim();
  return text;
}
