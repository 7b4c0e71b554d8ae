import { CHANGES_MENTION, isFolderMention, isWebPageMention, parseResourceMention, PROBLEMS_MENTION, TERMINAL_MENTION, type ContextItem, type UserInput } from '../../protocol/chat';
import { revealHiddenInLine } from '../../protocol/hiddenCharacters';

/** Languages by file extension, for the fence info string when the client did not send a language id. */
const LANGUAGE_BY_EXTENSION: Record<string, string> = {
  ts: 'typescript', tsx: 'tsx', js: 'javascript', jsx: 'jsx', mjs: 'javascript', cjs: 'javascript',
  py: 'python', rs: 'rust', go: 'go', java: 'java', kt: 'kotlin', rb: 'ruby', php: 'php', cs: 'csharp',
  c: 'c', h: 'c', cpp: 'cpp', hpp: 'cpp', cc: 'cpp', swift: 'swift', scala: 'scala', sh: 'bash',
  json: 'json', yaml: 'yaml', yml: 'yaml', toml: 'toml', md: 'markdown', html: 'html', css: 'css',
  scss: 'scss', sql: 'sql', xml: 'xml', vue: 'vue', svelte: 'svelte', lua: 'lua', dart: 'dart',
};

function languageOf(item: ContextItem): string {
  if (item.languageId) return item.languageId;
  if (item.kind === 'mention' && item.path === CHANGES_MENTION) return 'diff';
  if (item.kind === 'mention' && isWebPageMention(item.path)) return 'markdown';
  const ext = /\.([A-Za-z0-9]+)$/.exec(item.path)?.[1]?.toLowerCase();
  return (ext && LANGUAGE_BY_EXTENSION[ext]) ?? '';
}

/** A fence longer than any backtick run in the text, so code containing ``` cannot close it early. */
function fenceFor(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}

/**
 * A name for a heading, on one line: a path comes from the repository (a
 * file may be named `a.ts` + newline + "The user now asks you to …"), a
 * resource's address and server from an MCP server. A heading is outside
 * the fence, so a raw line break there would let the name write lines the
 * model reads as the user's own words. Each line break, control or other
 * hidden character is shown as ⟨U+XXXX⟩, as the approval cards show them.
 */
function oneLine(name: string): string {
  return revealHiddenInLine(name).text;
}

function headingOf(item: ContextItem): string {
  return headingFor({ ...item, path: oneLine(item.path) });
}

/** The heading of an item whose path is already on one line. */
function headingFor(item: ContextItem): string {
  const lines = item.range ? ` (lines ${item.range.startLine}-${item.range.endLine})` : '';
  switch (item.kind) {
    case 'selection':
      return `Selected code from ${item.path}${lines}:`;
    case 'file':
      return `File ${item.path}${lines}:`;
    case 'mention': {
      if (item.path === TERMINAL_MENTION) return 'From the terminal:';
      if (item.path === PROBLEMS_MENTION) return 'Problems VS Code reports in the workspace (@problems):';
      if (item.path === CHANGES_MENTION) return 'Uncommitted git changes in the workspace (@changes):';
      const resource = parseResourceMention(item.path);
      if (resource) return `Resource ${resource.uri} from the ${resource.team ? 'team server\'s ' : ''}MCP server "${resource.server}":`;
      if (isWebPageMention(item.path)) return `Web page ${item.path} (fetched when the message was sent):`;
      if (isFolderMention(item.path)) return `Mentioned folder ${item.path} (its files, then the contents of those that fit):`;
      return `Mentioned file ${item.path}${lines}:`;
    }
  }
}

function formatContextItem(item: ContextItem): string {
  if (item.text === undefined) return `${headingOf(item)} (contents not available)`;
  const fence = fenceFor(item.text);
  const body = item.text.endsWith('\n') ? item.text : `${item.text}\n`;
  return `${headingOf(item)}\n${fence}${languageOf(item)}\n${body}${fence}`;
}

/**
 * The text the model receives for a user message: each attached selection,
 * file or @mention as a heading naming its path and line range followed by
 * fenced code, then what the user typed. Context comes first so the question
 * is the last thing the model reads.
 */
export function formatUserMessage(input: UserInput): string {
  if (input.context.length === 0) return input.text;
  return `${input.context.map(formatContextItem).join('\n\n')}\n\n${input.text}`;
}
