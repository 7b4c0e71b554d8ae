import type { ContextItem } from '../../protocol/chat';

/** Reads a workspace file for the chat; throws an Error with a user-facing message when it cannot. */
export type WorkspaceFileReader = (relativePath: string) => Promise<string>;

const MAX_MENTION_CHARS = 200_000;

/**
 * Fills in the text of `@path` mentions. A mention that cannot be read stays in
 * the message with the reason, so the model (and the user reading the stored
 * session) sees what happened instead of the mention silently vanishing.
 */
export function createMentionResolver(read: WorkspaceFileReader): (items: ContextItem[]) => Promise<ContextItem[]> {
  return async (items) =>
    Promise.all(
      items.map(async (item) => {
        if (item.kind !== 'mention' || item.text !== undefined) return item;
        try {
          let text = await read(item.path);
          if (text.length > MAX_MENTION_CHARS) text = `${text.slice(0, MAX_MENTION_CHARS)}\n… (truncated: the file is longer than ${MAX_MENTION_CHARS} characters)`;
          return { ...item, text };
        } catch (err) {
          return { ...item, text: `(Hearth could not read ${item.path}: ${err instanceof Error ? err.message : String(err)})` };
        }
      }),
    );
}
