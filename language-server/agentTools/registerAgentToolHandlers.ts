import type { Connection } from 'vscode-languageserver/node';
import { SessionExportRequest, ToolChangeRequest, UndoTurnRequest, WorkspaceTrustNotification } from '../../protocol/lspMethods';
import { HearthException } from '../../agent-host';
import type { HearthServer } from '../hearthServer';
import { sessionMarkdown } from '../chat/sessionMarkdown';
import { guarded } from '../guarded';

/** Undo per turn, a tool call's change as a diff, Workspace Trust and session export. */
export function registerAgentToolHandlers(connection: Connection, server: HearthServer): void {
  connection.onNotification(WorkspaceTrustNotification.type, ({ trusted }) => {
    server.workspaceTrusted = trusted;
    connection.console.log(`Workspace Trust: ${trusted ? 'trusted (all tools)' : 'restricted (read-only tools)'}.`);
  });
  connection.onRequest(UndoTurnRequest.type, guarded(async ({ sessionId, entryId }) => {
    if (server.chat.isRunning(sessionId)) {
      throw new HearthException({ code: 'invalidRequest', message: 'Stop the running reply before undoing its changes.', retryable: true });
    }
    const report = await server.checkpoints.undoTurn(entryId, server.openFolders);
    if (report.failed.length > 0) {
      const failures = report.failed.map((f) => `${f.path}: ${f.error}`).join('; ');
      // Each file is put back whole or not at all, so the ones named are exactly as the reply left them.
      const count = report.failed.length === 1 ? '1 file was' : `${report.failed.length} files were`;
      throw new HearthException({ code: 'internal', message: `${count} not restored and ${report.failed.length === 1 ? 'is' : 'are'} left as the reply made ${report.failed.length === 1 ? 'it' : 'them'} (Undo can be tried again): ${failures}`, retryable: true });
    }
    return {
      restored: report.restored.filter((f) => f.action === 'restored').map((f) => f.path),
      removed: report.restored.filter((f) => f.action === 'removed').map((f) => f.path),
    };
  }));
  connection.onRequest(ToolChangeRequest.type, guarded(async ({ entryId, callId }) => {
    const change = await server.checkpoints.readChange(entryId, callId);
    if (!change) {
      throw new HearthException({ code: 'invalidRequest', message: 'Hearth no longer has this change (its chat was deleted, or it was made before Hearth kept changes).', retryable: false });
    }
    return change;
  }));
  connection.onRequest(SessionExportRequest.type, guarded(({ sessionId }) => {
    const session = server.store.get(sessionId);
    if (!session) throw new HearthException({ code: 'invalidRequest', message: `Chat ${sessionId} does not exist.`, retryable: false });
    return { markdown: sessionMarkdown(session), title: session.summary.title };
  }));
}
