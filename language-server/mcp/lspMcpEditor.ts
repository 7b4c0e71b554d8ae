import { CancellationTokenSource, ErrorCodes, ResponseError, type CancellationToken, type Connection } from 'vscode-languageserver/node';
import { ChatEventNotification, McpElicitationRequest, McpLogNotification, McpSamplingRequest, McpServerStatusNotification, McpToolApprovalRequest, McpTrustServerRequest } from '../../protocol/lspMethods';
import type { McpEditor } from './mcpEditor';

/**
 * The editor may register its handlers a moment after the server starts
 * (the language client starts first, then the extension registers its MCP
 * handlers), and answers MethodNotFound meanwhile. The trust prompt is sent
 * again after these delays; only then does the server give up.
 */
const NOT_READY_RETRY_MS = [250, 500, 1000, 2000, 4000];

async function withCancellation<R>(signal: AbortSignal, send: (token: CancellationToken) => Promise<R>): Promise<R> {
  const source = new CancellationTokenSource();
  const onAbort = () => source.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    if (signal.aborted) throw new Error('The question was withdrawn.');
    return await send(source.token);
  } finally {
    signal.removeEventListener('abort', onAbort);
    source.dispose();
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('The question was withdrawn.'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The MCP service's editor over LSP: typed requests for decisions, notifications for the rest. */
export function lspMcpEditor(connection: Connection): McpEditor {
  return {
    async askTrust(params, signal) {
      for (let attempt = 0; ; attempt++) {
        try {
          const { decision } = await withCancellation(signal, (token) => connection.sendRequest(McpTrustServerRequest.type, params, token));
          return decision === 'trust' ? 'trust' : 'deny';
        } catch (err) {
          if (!(err instanceof ResponseError && err.code === ErrorCodes.MethodNotFound) || attempt >= NOT_READY_RETRY_MS.length) throw err;
          await delay(NOT_READY_RETRY_MS[attempt], signal);
        }
      }
    },
    async approveTool(params, signal) {
      const { decision } = await withCancellation(signal, (token) => connection.sendRequest(McpToolApprovalRequest.type, params, token));
      return decision === 'accept' || decision === 'alwaysAllow' ? decision : 'reject';
    },
    async approveSampling(params, signal) {
      const { decision } = await withCancellation(signal, (token) => connection.sendRequest(McpSamplingRequest.type, params, token));
      return decision === 'accept' ? 'accept' : 'reject';
    },
    async askElicitation(params, signal) {
      const answer = await withCancellation(signal, (token) => connection.sendRequest(McpElicitationRequest.type, params, token));
      if (answer.action === 'accept') return { action: 'accept', content: answer.content };
      return { action: answer.action === 'decline' ? 'decline' : 'cancel' };
    },
    statusChanged(info) {
      void connection.sendNotification(McpServerStatusNotification.type, info);
    },
    log(server, message) {
      void connection.sendNotification(McpLogNotification.type, { server, message });
    },
    progress(turn, note) {
      void connection.sendNotification(ChatEventNotification.type, { ...turn, event: note });
    },
  };
}
