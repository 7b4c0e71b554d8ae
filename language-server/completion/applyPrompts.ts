import { fenceFor } from '../../protocol/markdownFence';

/**
 * The prompt that merges a chat code block into a whole file. It is short and
 * single-purpose: a merge is mechanical, so the model is told to change
 * nothing else and to answer with the whole file, which the client shows as a
 * diff. The whole file is the simplest answer format to check (no search and
 * replace blocks a small model gets subtly wrong).
 */
export const APPLY_SYSTEM_PROMPT =
  'You merge a code snippet from a chat answer into a source file. ' +
  'The snippet may be partial: comments such as "// ... existing code ..." stand for unchanged parts of the file. ' +
  'Apply the snippet\u2019s changes to the file: replace the code it rewrites, add the code it adds, and keep everything else exactly as it is, ' +
  'including comments, formatting and the order of declarations. Do not fix, reformat or improve anything the snippet does not change. ' +
  'Reply with exactly one fenced code block containing the complete merged file, and nothing else.';

function fenced(text: string, languageId: string): string {
  const fence = fenceFor(text);
  return `${fence}${languageId}\n${text.replace(/\n$/, '')}\n${fence}`;
}

export interface ApplyPromptInput {
  path: string;
  languageId: string;
  original: string;
  snippet: string;
}

/** The user message of a merge: the file, then the snippet to merge into it. */
export function applyUserMessage(input: ApplyPromptInput): string {
  return [
    `File: ${input.path} (${input.languageId})`,
    `Current content of the file:\n${fenced(input.original, input.languageId)}`,
    `Snippet to merge into the file:\n${fenced(input.snippet, input.languageId)}`,
    `Reply with the complete new content of ${input.path}.`,
  ].join('\n\n');
}

/**
 * The merged file from the model's code: with the original's final-newline
 * state, since models drop or add the last newline at random and a diff that
 * only changes it is noise.
 */
export function finishMergedFile(code: string, original: string): string {
  const body = code.replace(/\n+$/, '');
  return original.endsWith('\n') ? `${body}\n` : body;
}
