import { pathToFileURL } from 'node:url';
import { HearthException } from '../../agent-host';
import type { ChatReferenceParams } from '../../protocol/lspMethods';
import { WorkspaceConfinement } from '../tools';
import type { SessionStore } from './sessionStore';

function refused(message: string): HearthException {
  return new HearthException({ code: 'invalidRequest', message, retryable: false });
}

/**
 * The file and lines of a reference a stored message lists (see
 * ChatReferenceRequest). The chat names a reference by position, never by
 * path, and the path is resolved with the tools' confinement against the
 * folders open now: a reference whose file is gone or whose folder was
 * removed is refused with the reason.
 */
export async function resolveChatReference(store: Pick<SessionStore, 'get'>, folders: readonly string[], p: ChatReferenceParams): Promise<{ uri: string; startLine: number; endLine: number }> {
  const entry = store.get(p.sessionId)?.entries.find((e) => e.id === p.entryId);
  const reference = entry?.kind === 'user' && Number.isInteger(p.context) && Number.isInteger(p.reference) ? entry.context[p.context]?.references?.[p.reference] : undefined;
  if (!reference) throw refused('That reference is not in this chat any more.');
  if (folders.length === 0) throw refused('No folder is open, so the reference cannot be opened.');
  const confinement = await WorkspaceConfinement.create([...folders]);
  let target;
  try {
    target = await confinement.resolve(reference.path, 'read');
  } catch (err) {
    throw refused(`${reference.path} cannot be opened: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!target.exists) throw refused(`${reference.path} no longer exists.`);
  return { uri: pathToFileURL(target.absolute).href, startLine: reference.startLine, endLine: reference.endLine };
}
