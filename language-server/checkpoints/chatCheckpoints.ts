import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { HearthException } from '../../agent-host';
import type { CheckpointRestoreResult } from '../../protocol/lspMethods';
import type { RestoreScope } from '../../protocol/sessions';
import type { SessionStore } from '../chat/sessionStore';
import type { RestoreReport, WorkspaceSnapshots } from './workspaceSnapshots';

export interface ChatCheckpointsDeps {
  store: SessionStore;
  snapshots: WorkspaceSnapshots;
  /** Whether a turn streams in this chat (`sessionId`) or in any chat (no id): files are shared by every chat. */
  running: (sessionId?: string) => boolean;
  /** The server's log: says when a checkpoint had to walk every folder, and why. */
  log?: (message: string) => void;
}

const SCOPES: readonly RestoreScope[] = ['both', 'files', 'conversation'];

/**
 * Restore and redo for a chat's checkpoints: the one place that decides what
 * a restore does to the files (WorkspaceSnapshots) and to the transcript
 * (SessionStore.rewind), and that refuses while a turn runs.
 */
export class ChatCheckpoints {
  private restoring = false;

  constructor(private readonly deps: ChatCheckpointsDeps) {}

  /** Whether a restore, a redo or an edit of a message is running (the chat starts no reply meanwhile). */
  get busy(): boolean {
    return this.restoring;
  }

  /** Takes a checkpoint of the workspace's files and returns its id. */
  async take(signal: AbortSignal): Promise<string> {
    const started = Date.now();
    const id = (await this.deps.snapshots.take(signal)).id;
    const how = this.deps.snapshots.lastTake;
    if (how?.by === 'walk') this.deps.log?.(`Checkpoint: walked every workspace file in ${Date.now() - started} ms (${how.reason ?? 'no reason'}).`);
    return id;
  }

  /** Stops watching the workspace. */
  dispose(): void {
    this.deps.snapshots.dispose();
  }

  async restore(sessionId: string, checkpointId: string, scope: RestoreScope): Promise<CheckpointRestoreResult> {
    if (!SCOPES.includes(scope)) throw invalid(`Unknown restore scope ${JSON.stringify(scope)}: use both, files or conversation.`);
    return this.exclusive(sessionId, scope, 'restore', async () => {
      const session = this.deps.store.get(sessionId);
      if (!session) throw invalid(`Chat ${sessionId} does not exist.`);
      let found: { entryId: string; callId?: string; replyTo: string } | undefined;
      for (const entry of session.entries) {
        if (entry.kind !== 'assistant') continue;
        const mark = entry.checkpoints?.find((c) => c.id === checkpointId);
        if (mark) found = { entryId: entry.id, callId: mark.callId, replyTo: entry.replyTo };
      }
      if (!found) throw invalid('That checkpoint is not part of this chat (it may have been hidden by an earlier restore).');
      const restoreId = randomUUID();
      const rewind = { restoreId, entryId: found.entryId, ...(found.callId !== undefined ? { callId: found.callId } : {}), scope };
      const user = session.entries.find((e) => e.id === found.replyTo);
      let report: RestoreReport | undefined;
      if (scope === 'conversation') this.deps.store.rewind(sessionId, rewind);
      else {
        const target = await this.deps.snapshots.read(checkpointId);
        if (!target) throw invalid('Hearth no longer keeps the files of that checkpoint (the oldest checkpoints are deleted when the store is full). The conversation can still be restored.');
        // A full walk: the redo point must hold every edit the restore may overwrite, whatever the watcher saw.
        const before = await this.deps.snapshots.take(AbortSignal.timeout(120_000), { walk: true });
        // The Redo record goes to the log before the first file is touched, marked as half-way: a server killed (or a
        // restore failing) partway must not leave the user's newer work in a checkpoint nothing points to.
        this.deps.store.rewind(sessionId, { ...rewind, filesBefore: before.id, interrupted: true });
        report = await this.stoppedPartway(() => this.deps.snapshots.restore(target, before));
        this.deps.store.restoreState(sessionId, restoreId, false);
      }
      const draft = scope !== 'files' && found.callId === undefined && user?.kind === 'user' ? user.text : undefined;
      return { ...result(report), ...(draft !== undefined ? { draft } : {}) };
    });
  }

  /**
   * Takes an earlier message back so the user can edit and resend it: the
   * conversation returns to before that message (a conversation-only
   * restore, so Redo brings it back until a new message is sent) and its
   * text is the draft. Files stay as they are: a reply's changes are undone
   * with its checkpoint's Restore, which says what it will touch.
   */
  async editMessage(sessionId: string, entryId: string): Promise<CheckpointRestoreResult> {
    return this.exclusive(sessionId, 'conversation', 'edit the message', async () => {
      const session = this.deps.store.get(sessionId);
      if (!session) throw invalid(`Chat ${sessionId} does not exist.`);
      const user = session.entries.find((e) => e.id === entryId);
      if (!user || user.kind !== 'user') throw invalid('That message is not part of this chat (an earlier restore may have hidden it).');
      // The rewind is anchored on the reply; a message whose turn never started has none, and is only the last one.
      const reply = session.entries.find((e) => e.kind === 'assistant' && e.replyTo === entryId);
      if (reply) this.deps.store.rewind(sessionId, { restoreId: randomUUID(), entryId: reply.id, scope: 'conversation' });
      else this.deps.store.removeEntry(sessionId, entryId);
      return { ...result(undefined), draft: user.text };
    });
  }

  async redo(sessionId: string): Promise<CheckpointRestoreResult> {
    const redo = this.deps.store.get(sessionId)?.redo;
    if (!redo) throw invalid('There is no restore to redo in this chat (a new message ends the chance to redo).');
    return this.exclusive(sessionId, redo.scope, 'restore', async () => {
      let report: RestoreReport | undefined;
      if (redo.scope !== 'conversation') {
        const target = redo.filesBefore ? await this.deps.snapshots.read(redo.filesBefore) : undefined;
        if (!target) throw invalid('Hearth no longer keeps the files as they were before the restore.');
        const now = await this.deps.snapshots.take(AbortSignal.timeout(120_000), { walk: true });
        // Marked before the first file is touched: a redo killed partway is offered again, and says the files are mixed.
        this.deps.store.restoreState(sessionId, redo.restoreId, true);
        report = await this.stoppedPartway(() => this.deps.snapshots.restore(target, now));
      }
      this.deps.store.redo(sessionId, redo.restoreId);
      return result(report);
    });
  }

  /** Runs a restore of the files; one that throws partway says so, and that Redo is still there to put every file back. */
  private async stoppedPartway(work: () => Promise<RestoreReport>): Promise<RestoreReport> {
    try {
      return await work();
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      throw new HearthException({
        code: 'internal',
        message: `The restore of the files stopped partway (${reason}): some files may be restored and others not. Redo puts every file back as it was before the restore.`,
        retryable: false,
      });
    }
  }

  /** `action`: what the user can do once the reply stops, as the refusal tells them. */
  private async exclusive<T>(sessionId: string, scope: RestoreScope, action: string, work: () => Promise<T>): Promise<T> {
    if (this.deps.running(sessionId)) throw invalid(`A reply is still running in this chat. Stop it (or wait for it to finish), then ${action}.`);
    // The files are shared by every chat: a turn writing them in another chat would race the restore.
    if (scope !== 'conversation' && this.deps.running()) throw invalid('A reply is still running in another chat and may be changing files. Stop it (or wait for it), then restore the files.');
    if (this.restoring) throw invalid('Another restore is still running. Wait for it to finish.');
    this.restoring = true;
    try {
      return await work();
    } finally {
      this.restoring = false;
    }
  }
}

function result(report: RestoreReport | undefined): CheckpointRestoreResult {
  return { written: report?.written ?? [], deleted: report?.deleted ?? [], failed: report?.failed ?? [] };
}

function invalid(message: string): HearthException {
  return new HearthException({ code: 'invalidRequest', message, retryable: false });
}

/** The folder of a workspace's checkpoints under the extension's storage. */
export function checkpointStorageDir(storagePath: string): string {
  return path.join(storagePath, 'workspace-checkpoints');
}
