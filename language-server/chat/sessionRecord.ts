import type { AgentEvent, ChatMode } from '../../protocol/chat';
import type { RestoreScope, UserEntry } from '../../protocol/sessions';
import type { StoredImageRef } from './imageStore';

/** One line of a session's JSONL log. `v` in the meta record versions the format. */
export type SessionRecord =
  | { t: 'meta'; v: number; id: string; createdAt: number; model?: string }
  | { t: 'title'; title: string }
  /** The entry's images are stored as references to the image store's files (`StoredImageRef`), never inline. */
  | { t: 'user'; entry: Omit<UserEntry, 'images'> & { images?: StoredImageRef[] } }
  | { t: 'assistant'; id: string; replyTo: string; model: string; at: number; mode?: ChatMode }
  /** The chat's own settings changed (mode, switched-off rules files); absent fields keep their value. */
  | { t: 'config'; mode?: ChatMode; disabledRules?: string[]; models?: Partial<Record<ChatMode, string>> }
  | { t: 'event'; id: string; event: AgentEvent }
  | { t: 'remove'; id: string }
  /** Continue: the reply streams again, its new events appended to what it already has. */
  | { t: 'resume'; id: string }
  /**
   * A restore to a checkpoint: with `conversation`, the entries after the
   * checkpoint are hidden (kept in the log and in memory for Redo);
   * `filesBefore` is the checkpoint of the files taken right before it.
   * `interrupted`: written before the first file is touched, so that a
   * server killed partway still offers Redo to `filesBefore`; a later
   * `restoreState` record says the files were all put back.
   */
  | { t: 'rewind'; restoreId: string; entryId: string; callId?: string; scope: RestoreScope; filesBefore?: string; interrupted?: boolean }
  /** Redo of the restore `restoreId`: what it hid comes back. */
  | { t: 'redo'; restoreId: string }
  /**
   * Whether the files of restore `restoreId` are mid-way: true before a redo
   * starts writing them, false once a restore has written them all. A log
   * that ends with true is a restore or redo the server did not finish.
   */
  | { t: 'restoreState'; restoreId: string; interrupted: boolean };

const KINDS = new Set(['meta', 'title', 'user', 'assistant', 'event', 'remove', 'config', 'resume', 'rewind', 'redo', 'restoreState']);

/** Parses one log line; returns undefined for a torn or foreign line instead of throwing. */
export function parseSessionRecord(line: string): SessionRecord | undefined {
  try {
    const value = JSON.parse(line) as { t?: unknown };
    if (typeof value !== 'object' || value === null || !KINDS.has(value.t as string)) return undefined;
    return value as SessionRecord;
  } catch {
    return undefined;
  }
}
