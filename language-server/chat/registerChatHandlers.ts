import type { Connection } from 'vscode-languageserver/node';
import {
  ChatRetryRequest,
  ChatReferenceRequest,
  ChatContinueRequest,
  ChatTodosRequest,
  ChatUndoCompactionRequest,
  ChatSendRequest,
  ChatStopRequest,
  ModelListRequest,
  SessionDeleteRequest,
  SessionConfigureRequest,
  RulesListRequest,
  ChatModelRequest,
  SessionRenameRequest,
  SessionGetRequest,
  SessionListRequest,
} from '../../protocol/lspMethods';
import type { HearthServer } from '../hearthServer';
import { toHearthError } from './chatService';
import { guarded } from '../guarded';
import { HearthException } from '../../agent-host';
import { isChatMode } from '../../protocol/chat';
import { findRulesFiles } from './rulesFiles';
import { resolveChatReference } from './resolveChatReference';

/** A list of workspace-relative paths from the client, bounded. */
function pathList(value: unknown, what: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > 200 || !value.every((p) => typeof p === 'string' && p.length <= 4096)) {
    throw new HearthException({ code: 'invalidRequest', message: `${what} must be a list of paths.`, retryable: false });
  }
  return value as string[];
}

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
  connection.onRequest(SessionListRequest.type, guarded(() => ({ sessions: store.list(), hiddenNewer: store.hiddenNewer() })));
  connection.onRequest(
    SessionGetRequest.type,
    guarded((p) => {
      const session = store.get(p.sessionId);
      if (!session) throw new HearthException({ code: 'invalidRequest', message: `Chat ${p.sessionId} does not exist.`, retryable: false });
      return session;
    }),
  );
  connection.onRequest(ChatReferenceRequest.type, guarded((p) => resolveChatReference(store, server.openFolders, p)));
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
    SessionConfigureRequest.type,
    guarded((p) => {
      if (p.mode !== undefined && !isChatMode(p.mode)) throw new HearthException({ code: 'invalidRequest', message: 'mode must be ask, plan or agent.', retryable: false });
      if (p.model !== undefined && (typeof p.model !== 'string' || p.model.length > 500)) throw new HearthException({ code: 'invalidRequest', message: 'model must be a model name.', retryable: false });
      const summary = store.configure(p.sessionId, { mode: p.mode, model: p.model, disabledRules: p.disabledRules === undefined ? undefined : pathList(p.disabledRules, 'disabledRules') });
      if (!summary) throw new HearthException({ code: 'invalidRequest', message: `Chat ${p.sessionId} does not exist.`, retryable: false });
      return { summary };
    }),
  );
  connection.onRequest(
    ChatModelRequest.type,
    guarded(async (p) => {
      if (p.mode !== undefined && !isChatMode(p.mode)) throw new HearthException({ code: 'invalidRequest', message: 'mode must be ask, plan or agent.', retryable: false });
      return { model: await chat.modelFor(p) };
    }),
  );
  connection.onRequest(
    RulesListRequest.type,
    guarded(async (p) => {
      const disabled = p.sessionId ? (store.get(p.sessionId)?.summary.disabledRules ?? []) : pathList(p.disabledRules, 'disabledRules');
      const found = await findRulesFiles(server.roots, pathList(p.paths, 'paths'), disabled);
      return { rules: found.map((f) => f.info) };
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
      // Entries of `hearth.providers` that are not valid are shown beside the list, never dropped silently.
      const problems = (backend === 'local' ? (settings.providerProblems ?? []) : []).map((message) => ({ code: 'invalidRequest' as const, message, retryable: false }));
      if (agent.listAllModels) {
        const catalog = await agent.listAllModels();
        return { host: agent.host, backend, models: catalog.models, error: catalog.error, providerErrors: [...catalog.providerErrors, ...problems] };
      }
      try {
        return { host: agent.host, backend, models: await agent.listModels(), ...(problems.length ? { providerErrors: problems } : {}) };
      } catch (err) {
        return { host: agent.host, backend, models: [], error: toHearthError(err), ...(problems.length ? { providerErrors: problems } : {}) };
      }
    }),
  );
}
