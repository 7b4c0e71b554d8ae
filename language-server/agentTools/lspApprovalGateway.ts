import { CancellationTokenSource, type Connection } from 'vscode-languageserver/node';
import { CommandApprovalRequest, EditApprovalRequest, ReadApprovalRequest, WebPageApprovalRequest, type TurnRef } from '../../protocol/lspMethods';
import type { ApprovalGateway, CommandApprovalRequest as CommandReq, EditApprovalRequest as EditReq } from '../tools';

/** Runs an LSP request that is cancelled (with `$/cancelRequest`) when the turn's signal aborts. */
async function withCancellation<R>(signal: AbortSignal, send: (token: CancellationTokenSource['token']) => Promise<R>): Promise<R> {
  const source = new CancellationTokenSource();
  const onAbort = () => source.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    if (signal.aborted) throw new Error('The turn was stopped before the user answered.');
    return await send(source.token);
  } finally {
    signal.removeEventListener('abort', onAbort);
    source.dispose();
  }
}

/**
 * Asks the editor for the user's decisions over LSP: the extension shows the
 * change in VS Code's diff editor, or the full command, and answers. A stopped
 * turn cancels the pending request.
 */
export function lspApprovalGateway(connection: Connection, turn: TurnRef): ApprovalGateway {
  return {
    async approveEdit(req: EditReq, signal) {
      const { decision } = await withCancellation(signal, (token) =>
        connection.sendRequest(EditApprovalRequest.type, { ...turn, callId: req.callId, toolName: req.toolName, path: req.path, relativePath: req.relativePath, oldContent: req.oldContent, newContent: req.newContent, executionSensitive: req.executionSensitive }, token),
      );
      return decision;
    },
    async approveCommand(req: CommandReq, signal) {
      const { decision } = await withCancellation(signal, (token) =>
        connection.sendRequest(CommandApprovalRequest.type, { ...turn, callId: req.callId, command: req.command, cwd: req.cwd, reason: req.reason, reasons: req.reasons, sandbox: req.sandbox, suggestedRule: req.suggestedRule }, token),
      );
      return decision;
    },
    async approveRead(req, signal) {
      const { decision } = await withCancellation(signal, (token) =>
        connection.sendRequest(ReadApprovalRequest.type, { ...turn, callId: req.callId, toolName: req.toolName, path: req.path, relativePath: req.relativePath, reason: req.reason }, token),
      );
      return decision;
    },
    async approveWebPage(req, signal) {
      const { decision } = await withCancellation(signal, (token) =>
        connection.sendRequest(WebPageApprovalRequest.type, { ...turn, ...req }, token),
      );
      return decision;
    },
  };
}
