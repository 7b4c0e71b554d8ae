import type { AssistantEntry, AssistantPart, ReplyCheckpoint, SessionEntry, SessionView } from '../../protocol/sessions';
import type { SessionRecord } from './sessionRecord';

/** What a restore of the conversation hid, kept in memory so Redo can bring it back without re-reading the log. */
interface RewindStash {
  restoreId: string;
  entries: SessionEntry[];
  cut?: { entryId: string; parts: AssistantPart[]; checkpoints: ReplyCheckpoint[] };
}

/** One stash per session view: only the latest restore can be redone. */
const stashes = new WeakMap<SessionView, RewindStash>();

/** Whether a reply part is, or holds (a sub-agent's card), the tool call `callId`. */
function holdsCall(part: AssistantPart, callId: string): boolean {
  if (part.kind === 'toolCall') return part.call.id === callId;
  if (part.kind === 'subagent') return part.parts.some((p) => holdsCall(p, callId));
  return false;
}

/**
 * Applies a `rewind` record to a session view (live and on replay, so both
 * agree): the chat can be redone from now on, and with the conversation in
 * scope the transcript ends at the checkpoint. A checkpoint before a reply
 * hides the user's message and everything after it; a checkpoint after a
 * tool call keeps the reply up to that call and hides the rest.
 */
export function applyRewind(view: SessionView, record: Extract<SessionRecord, { t: 'rewind' }>): void {
  // A damaged log line is ignored rather than guessed at.
  if (typeof record.restoreId !== 'string' || typeof record.entryId !== 'string' || !['both', 'files', 'conversation'].includes(record.scope)) return;
  view.redo = { restoreId: record.restoreId, scope: record.scope, ...(record.filesBefore ? { filesBefore: record.filesBefore } : {}), ...(record.interrupted === true ? { interrupted: true } : {}) };
  const stash: RewindStash = { restoreId: record.restoreId, entries: [] };
  stashes.set(view, stash);
  if (record.scope === 'files') return;
  const index = view.entries.findIndex((e) => e.id === record.entryId);
  const reply = view.entries[index];
  if (!reply || reply.kind !== 'assistant') return;
  if (record.callId === undefined) {
    const user = view.entries.findIndex((e) => e.id === reply.replyTo);
    stash.entries = view.entries.splice(user >= 0 && user < index ? user : index);
    return;
  }
  const at = reply.parts.findIndex((p) => holdsCall(p, record.callId!));
  const mark = (reply.checkpoints ?? []).findIndex((c) => c.callId === record.callId);
  stash.cut = {
    entryId: reply.id,
    parts: at >= 0 ? reply.parts.splice(at + 1) : [],
    checkpoints: mark >= 0 && reply.checkpoints ? reply.checkpoints.splice(mark + 1) : [],
  };
  stash.entries = view.entries.splice(index + 1);
}

/** Applies a `redo` record: what the restore hid comes back (only for the latest restore, before any new message). */
export function applyRedo(view: SessionView, restoreId: string): void {
  const stash = stashes.get(view);
  if (view.redo?.restoreId !== restoreId) return;
  view.redo = undefined;
  stashes.delete(view);
  if (!stash || stash.restoreId !== restoreId) return;
  if (stash.cut) {
    const reply = view.entries.find((e): e is AssistantEntry => e.id === stash.cut!.entryId && e.kind === 'assistant');
    if (reply) {
      reply.parts.push(...stash.cut.parts);
      if (stash.cut.checkpoints.length > 0) (reply.checkpoints ??= []).push(...stash.cut.checkpoints);
    }
  }
  view.entries.push(...stash.entries);
}

/** Applies a `restoreState` record: the latest restore's files are (no longer) half-way. */
export function applyRestoreState(view: SessionView, restoreId: string, interrupted: boolean): void {
  if (view.redo?.restoreId !== restoreId) return;
  if (interrupted === true) view.redo.interrupted = true;
  else delete view.redo.interrupted;
}

/** A new message (or reply) ends the chance to redo: what the restore hid stays in the log only. */
export function forgetRedo(view: SessionView): void {
  view.redo = undefined;
  stashes.delete(view);
}
