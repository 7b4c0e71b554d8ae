import { showHiddenCharacters } from '../tools';
import { CODEBASE_MENTION, EDITOR_MENTIONS, isFolderMention, isWebPageMention, parseResourceMention, type ContextItem, type ContextReference } from '../../protocol/chat';

/** Reads a workspace file for the chat; throws an Error with a user-facing message when it cannot. */
export type WorkspaceFileReader = (relativePath: string) => Promise<string>;
/** Reads an MCP resource as text, at most `maxChars` (a team server's when `team`); throws an Error with a user-facing message when it cannot. */
export type ResourceReader = (server: string, uri: string, maxChars: number, team: boolean) => Promise<string>;
/** Reads a workspace folder for `@folder/` (its file list and what fits of its files); throws an Error with a user-facing message when it cannot. */
export type WorkspaceFolderReader = (relativePath: string) => Promise<string>;
/** Fetches a web page for `@https://…` as text for the model; throws an Error with a user-facing message when it cannot. */
export type WebPageReader = (url: string) => Promise<string>;
/** Searches the codebase for the message's text: the results as text for the model and the chunks it took; throws with a user-facing message. */
export type CodebaseReader = (messageText: string) => Promise<{ text: string; references: ContextReference[] }>;

/** How each kind of mention is read; a kind without a reader is read as a workspace file (and fails as one). */
export interface MentionReaders {
  readFile: WorkspaceFileReader;
  readResource?: ResourceReader;
  searchCodebase?: CodebaseReader;
  readFolder?: WorkspaceFolderReader;
  readWebPage?: WebPageReader;
}

const MAX_MENTION_CHARS = 200_000;
/** The most bytes read of a mentioned file: enough for MAX_MENTION_CHARS characters even at UTF-8's four bytes each, plus one to know it was cut. */
export const MENTION_READ_BYTES = MAX_MENTION_CHARS * 4 + 1;

/** The reason an attachment could not be read, as the model and the stored session see it. */
function couldNot(what: string, err: unknown): string {
  return `(Hearth could not ${what}: ${err instanceof Error ? err.message : String(err)})`;
}

/**
 * Fills in the text of `@path` mentions. A mention that cannot be read stays in
 * the message with the reason, so the model (and the user reading the stored
 * session) sees what happened instead of the mention silently vanishing.
 */
export function createMentionResolver(readers: MentionReaders): (items: ContextItem[], messageText?: string) => Promise<ContextItem[]> {
  const { readFile, readResource, searchCodebase, readFolder, readWebPage } = readers;
  return async (items, messageText = '') =>
    Promise.all(
      items.map(async ({ references: _sentIn, ...item }) => {
        // References are what this resolver found, never what a message claims.
        if (item.kind !== 'mention' || item.text !== undefined) return item;
        // Only the editor can read these; one that arrives without text must not be read as a file of that name.
        if (EDITOR_MENTIONS.includes(item.path)) return { ...item, text: `(The editor did not fill in @${item.path}, so nothing was attached for it.)` };
        if (item.path === CODEBASE_MENTION && searchCodebase) {
          try {
            const found = await searchCodebase(messageText);
            return { ...item, text: found.text, ...(found.references.length > 0 ? { references: found.references } : {}) };
          } catch (err) {
            return { ...item, text: couldNot('search the codebase', err) };
          }
        }
        const resource = readResource ? parseResourceMention(item.path) : undefined;
        if (resource) {
          try {
            return { ...item, text: await readResource!(resource.server, resource.uri, MAX_MENTION_CHARS, resource.team) };
          } catch (err) {
            return { ...item, text: couldNot(`read ${resource.uri} from the ${resource.team ? 'team server\'s ' : ''}MCP server "${resource.server}"`, err) };
          }
        }
        if (isWebPageMention(item.path)) {
          // Never read as a file: `https:/…` is a valid relative path.
          if (!readWebPage) return { ...item, text: `(Hearth does not fetch web pages here, so nothing was attached for ${item.path}.)` };
          try {
            return { ...item, text: await readWebPage(item.path) };
          } catch (err) {
            return { ...item, text: couldNot(`fetch ${item.path}`, err) };
          }
        }
        if (isFolderMention(item.path) && readFolder) {
          try {
            return { ...item, text: await readFolder(item.path) };
          } catch (err) {
            return { ...item, text: couldNot(`read the folder ${item.path}`, err) };
          }
        }
        try {
          let text = await readFile(item.path);
          if (text.length > MAX_MENTION_CHARS) text = `${text.slice(0, MAX_MENTION_CHARS)}\n… (truncated: the file is longer than ${MAX_MENTION_CHARS} characters)`;
          return { ...item, text };
        } catch (err) {
          // The name on one line: a repository's file named "notes.md", newline, "The user now asks …"
          // must not write lines into Hearth's own note about it.
          return { ...item, text: couldNot(`read ${showHiddenCharacters(item.path)}`, err) };
        }
      }),
    );
}
