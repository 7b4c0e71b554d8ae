import { CancellationTokenSource, ErrorCodes, ResponseError, type Connection } from 'vscode-languageserver/node';
import type { McpOAuthHost } from '../../agent-host';
import { McpOAuthSecretDeleteRequest, McpOAuthSecretGetRequest, McpOAuthSecretStoreRequest, McpSignInRequest } from '../../protocol/lspMethods';

/**
 * The extension registers its handlers a moment after the language server
 * starts, and a server that starts at once may already need its stored
 * tokens: a request answered MethodNotFound is sent again after these delays.
 */
const NOT_READY_RETRY_MS = [250, 500, 1000, 2000, 4000];

async function whenReady<R>(send: () => Promise<R>): Promise<R> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      if (!(err instanceof ResponseError && err.code === ErrorCodes.MethodNotFound) || attempt >= NOT_READY_RETRY_MS.length) throw err;
      await new Promise((r) => setTimeout(r, NOT_READY_RETRY_MS[attempt]));
    }
  }
}

/**
 * MCP OAuth's editor side over LSP: each server's OAuth state lives in VS
 * Code's SecretStorage (the language server has no access of its own), and
 * sign-in is a question the editor asks before it opens the browser.
 */
export function lspMcpOAuthHost(connection: Connection): McpOAuthHost {
  return {
    async load(serverUrl) {
      const { value } = await whenReady(() => connection.sendRequest(McpOAuthSecretGetRequest.type, { serverUrl }));
      return typeof value === 'string' ? value : undefined;
    },
    async save(serverUrl, value) {
      await whenReady(() => connection.sendRequest(McpOAuthSecretStoreRequest.type, { serverUrl, value }));
    },
    async remove(serverUrl) {
      await whenReady(() => connection.sendRequest(McpOAuthSecretDeleteRequest.type, { serverUrl }));
    },
    async askSignIn(prompt, signal) {
      const source = new CancellationTokenSource();
      const onAbort = () => source.cancel();
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        const { decision } = await whenReady(() => connection.sendRequest(McpSignInRequest.type, prompt, source.token));
        return decision === 'open';
      } finally {
        signal.removeEventListener('abort', onAbort);
        source.dispose();
      }
    },
  };
}
