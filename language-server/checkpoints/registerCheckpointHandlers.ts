import type { Connection } from 'vscode-languageserver/node';
import { CheckpointRedoRequest, CheckpointRestoreRequest } from '../../protocol/lspMethods';
import { guarded } from '../guarded';
import type { ChatCheckpoints } from './chatCheckpoints';

/** Restore to a chat's checkpoint, and redo of the latest restore. */
export function registerCheckpointHandlers(connection: Connection, checkpoints: ChatCheckpoints): void {
  connection.onRequest(CheckpointRestoreRequest.type, guarded(({ sessionId, checkpointId, scope }) => checkpoints.restore(sessionId, checkpointId, scope)));
  connection.onRequest(CheckpointRedoRequest.type, guarded(({ sessionId }) => checkpoints.redo(sessionId)));
}
