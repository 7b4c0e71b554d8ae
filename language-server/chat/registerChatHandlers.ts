import type { Connection } from 'vscode-languageserver/node';
import {
  ChatRetryRequest,
  ChatContinueRequest,
  ChatTodosRequest,
  ChatUndoCompactionRequest,
  ChatSendRequest,
  ChatStopRequest,
  ModelListRequest,
  SessionDeleteRequest,
  SessionRenameRequest,
  SessionGetRequest,
  SessionListRequest,
} from '../../protocol/lspMethods';
import type { HearthServer } from '../hearthServer';
import { toHearthError } from './chatService';
import { guarded } from '../guarded';
import { HearthException } from '../../agent-host';

export function registerChatHandlers(connection: Connection, server: HearthServer): void {
  const { chat, store } = server;
  connection.onRequest(ChatSendRequest.type, guarded((p) => chat.send(p)));
  connection.onRequest(ChatRetryRequest.type, guarded((p) => chat.retry(p.sessionId, p.model)));
  connection.onRequest(ChatContinueRequest.type, guarded((p) => chat.continueReply(p.sessionId, p.model)));
  connection.onRequest(
    ChatUndoCompactionRequest.type,
    guarded((p) => {
      chat.undoCompaction(p.sessionId, p.entryId);
      return {};
    }),
  );
  connection.onRequest(
    ChatTodosRequest.type,
    guarded((p) => {
      chat.editTodos(p.sessionId, p.entryId, Array.isArray(p.items) ? p.items : []);
      return {};
    }),
  );
  connection.onRequest(ChatStopRequest.type, guarded(async (p) => ({ stopped: await chat.stop(p.sessionId) })));
  connection.onRequest(SessionListRequest.type, guarded(() => ({ sessions: store.list() })));
  connection.onRequest(
    SessionGetRequest.type,
    guarded((p) => {
      const session = store.get(p.sessionId);
      if (!session) throw new HearthException({ code: 'invalidRequest', message: `Chat ${p.sessionId} does not exist.`, retryable: false });
      return session;
    }),
  );
  connection.onRequest(
    SessionRenameRequest.type,
    guarded((p) => {
      let summary;
      try {
        summary = store.rename(p.sessionId, p.title);
      } catch (err) {
        throw new HearthException({ code: 'invalidRequest', message: (err as Error).message, retryable: false });
      }
      if (!summary) throw new HearthException({ code: 'invalidRequest', message: `Chat ${p.sessionId} does not exist.`, retryable: false });
      return { summary };
    }),
  );
  connection.onRequest(
    SessionDeleteRequest.type,
    guarded(async (p) => {
      await chat.stop(p.sessionId);
      return { deleted: store.delete(p.sessionId) };
    }),
  );
  connection.onRequest(
    ModelListRequest.type,
    guarded(async () => {
      // Listing models is the user opening the view or pressing Refresh: read the editor's settings anew.
      const settings = await server.settings.fresh();
      const agent = await server.agents.refresh();
      const backend = settings.server?.mode ?? 'local';
      try {
        return { host: agent.host, backend, models: await agent.listModels() };
      } catch (err) {
        return { host: agent.host, backend, models: [], error: toHearthError(err) };
      }
    }),
  );
}
