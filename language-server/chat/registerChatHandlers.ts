import { ResponseError, type Connection } from 'vscode-languageserver/node';
import {
  ChatRetryRequest,
  ChatSendRequest,
  ChatStopRequest,
  ModelListRequest,
  SessionDeleteRequest,
  SessionGetRequest,
  SessionListRequest,
} from '../../protocol/lspMethods';
import type { HearthError } from '../../protocol/chat';
import type { HearthServer } from '../hearthServer';
import { toHearthError } from './chatService';
import { HearthException } from '../../agent-host';

/** LSP error code for Hearth's user-facing errors; `data` carries the HearthError. */
export const HEARTH_ERROR_CODE = -32001;

function toResponseError(err: unknown): ResponseError<HearthError> {
  const error = toHearthError(err);
  return new ResponseError(HEARTH_ERROR_CODE, error.message, error);
}

/** Wraps a handler so every failure reaches the client as a typed HearthError. */
function guarded<P, R>(handler: (params: P) => Promise<R> | R): (params: P) => Promise<R | ResponseError<HearthError>> {
  return async (params) => {
    try {
      return await handler(params);
    } catch (err) {
      return toResponseError(err);
    }
  };
}

export function registerChatHandlers(connection: Connection, server: HearthServer): void {
  const { chat, store } = server;
  connection.onRequest(ChatSendRequest.type, guarded((p) => chat.send(p)));
  connection.onRequest(ChatRetryRequest.type, guarded((p) => chat.retry(p.sessionId, p.model)));
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
    SessionDeleteRequest.type,
    guarded(async (p) => {
      await chat.stop(p.sessionId);
      return { deleted: store.delete(p.sessionId) };
    }),
  );
  connection.onRequest(
    ModelListRequest.type,
    guarded(async () => {
      const agent = await server.agents.refresh();
      try {
        return { host: agent.host, models: await agent.listModels() };
      } catch (err) {
        return { host: agent.host, models: [], error: toHearthError(err) };
      }
    }),
  );
}
