/** The `@` completion: files and MCP resources, shown in a CompletionPopup. */
import { CHANGES_MENTION, CODEBASE_MENTION, PROBLEMS_MENTION, TERMINAL_MENTION, isFolderMention, isWebPageMention, parseResourceMention } from '../protocol/chat';
import type { AgentSummary } from '../protocol/agents';
import { CompletionPopup, type CompletionItem } from './completionPopup';

/** What each word mention attaches, shown beside it in the list. */
const WORD_MENTIONS: Record<string, string> = {
  [CODEBASE_MENTION]: 'search the workspace for this message',
  [TERMINAL_MENTION]: "the active terminal's selection or recent output",
  [PROBLEMS_MENTION]: 'errors and warnings in the workspace',
  [CHANGES_MENTION]: 'uncommitted git changes (staged and not)',
};

/** A file shows its name and folder; a folder its name and what it attaches; a web page its address; a resource its last URI segment and where it comes from; a word mention what it attaches. */
export function mentionItem(path: string): CompletionItem {
  const word = WORD_MENTIONS[path];
  if (word) return { value: path, name: path, detail: word, title: `@${path}: ${word}` };
  if (isWebPageMention(path)) {
    const shown = path.replace(/^https?:\/\//i, '');
    return { value: path, name: shown.length > 60 ? `${shown.slice(0, 59)}…` : shown, detail: 'web page: fetched when you send', title: path, className: 'mention-web' };
  }
  if (isFolderMention(path)) {
    const parent = path.slice(0, path.lastIndexOf('/', path.length - 2) + 1);
    const where = parent ? ` in ${parent.slice(0, -1)}` : '';
    return { value: path, name: path.slice(parent.length), detail: `folder${where}: its files and their contents`, title: `@${path}: the folder's files and the contents of those that fit`, className: 'mention-folder' };
  }
  const resource = parseResourceMention(path);
  const slash = path.lastIndexOf('/');
  const name = resource ? resource.uri.replace(/\/+$/, '').split('/').pop() || resource.uri : slash >= 0 ? path.slice(slash + 1) : path;
  const detail = resource ? `MCP resource of ${resource.server}${resource.team ? ' (team server)' : ''}` : slash > 0 ? path.slice(0, slash) : undefined;
  return { value: path, name, ...(detail ? { detail } : {}), title: resource ? resource.uri : path, ...(resource ? { className: 'mention-resource' } : {}) };
}

/** An agent in the `@` list: its value is `agent:<name>`, which the composer types as `@name` (no attachment). */
export const AGENT_VALUE_PREFIX = 'agent:';
export function agentItem(agent: AgentSummary): CompletionItem {
  const origin = agent.source === 'builtin' ? 'role' : agent.source === 'user' ? 'your agent' : 'agent from this repository';
  // The file says which assistant's folder it came from (`.claude/agents/…`, `.github/agents/…`); the hover shows it whole.
  const where = agent.file ? `${origin} (${agent.file})` : origin;
  return {
    value: `${AGENT_VALUE_PREFIX}${agent.name}`,
    name: agent.name,
    detail: agent.description ? `${where} · ${agent.description}` : where,
    title: [agent.description || agent.name, ...(agent.file ? [agent.file] : [])].join('\n'),
    className: 'mention-agent',
  };
}

export function createMentionPopup(doc: Document, onChoose: (path: string) => void): CompletionPopup {
  return new CompletionPopup(doc, { label: 'Files, folders and resources', testId: 'mention-popup', optionTestId: 'mention-suggestion', valueAttribute: 'path', emptyText: 'No matching files, folders or resources' }, onChoose);
}

/** The `@query` being typed just before the caret, if any: `@` at the start or after whitespace, then no spaces. */
export function findMentionQuery(text: string, caret: number): { start: number; query: string } | undefined {
  const match = /(^|\s)@([^\s@]*)$/.exec(text.slice(0, caret));
  if (!match) return undefined;
  const query = match[2];
  return { start: caret - query.length - 1, query };
}
