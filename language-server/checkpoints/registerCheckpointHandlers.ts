import type { Connection } from 'vscode-languageserver/node';
import { ChatEditMessageRequest, CheckpointRedoRequest, CheckpointRestoreRequest } from '../../protocol/lspMethods';
import { guarded } from '../guarded';
import type { ChatCheckpoints } from './chatCheckpoints';

/** Restore to a chat's checkpoint, taking a message back to edit it, and redo of the latest restore. */
export function registerCheckpointHandlers(connection: Connection, checkpoints: ChatCheckpoints): void {
  connection.onRequest(CheckpointRestoreRequest.type, guarded(({ sessionId, checkpointId, scope }) => checkpoints.restore(sessionId, checkpointId, scope)));
  connection.onRequest(ChatEditMessageRequest.type, guarded(({ sessionId, entryId }) => checkpoints.editMessage(sessionId, entryId)));
  connection.onRequest(CheckpointRedoRequest.type, guarded(({ sessionId }) => checkpoints.redo(sessionId)));
}
