import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  McpElicitationRequest,
  McpLogNotification,
  McpSamplingRequest,
  McpServerStatusNotification,
  McpToolApprovalRequest,
  McpTrustServerRequest,
  type McpServerInfo,
  type McpServerState,
} from '../../protocol/lspMethods';
import { McpOAuthSecretDeleteRequest, McpOAuthSecretGetRequest, McpOAuthSecretStoreRequest, McpSignInRequest } from '../../protocol/lspMethods';
import { deleteMcpOAuthState, readMcpOAuthState, storeMcpOAuthState } from './mcpOAuthSecrets';
import { askMcpSignIn } from './mcpSignInPrompt';
import { signOutOfMcpServer } from './mcpSignOut';
import type { PendingApprovals } from '../approvals/pendingApprovals';
import { ProposalDocuments } from '../approvals/proposalDocuments';
import { restartMcpServer, showMcpServers } from './mcpServerPicker';
import { askMcpElicitation, askMcpSampling } from './mcpServerRequestUi';
import { askMcpToolApproval } from './mcpToolApprovalUi';
import { askMcpTrust } from './mcpTrustPrompt';
import { showWarningMessage } from '../notifications';

/**
 * The editor's side of MCP: the trust prompt for workspace servers, the
 * approval of tool calls, sampling requests and forms (cards in the chat), the List and Restart commands, each
 * server's stderr in the Hearth output channel, and a warning when a server
 * stops unexpectedly. The servers themselves run in the language server.
 */
export function registerMcp(context: vscode.ExtensionContext, client: LanguageClient, log: vscode.LogOutputChannel, approvals: PendingApprovals): void {
  // Its own scheme, so these documents never shadow the edit diffs' provider.
  const documents = new ProposalDocuments('hearth-mcp-definition');
  const lastStates = new Map<string, McpServerState>();
  context.subscriptions.push(
    documents,
    client.onRequest(McpTrustServerRequest.type, async (params) => ({ decision: await askMcpTrust(params) })),
    client.onRequest(McpToolApprovalRequest.type, async (params, token) => ({ decision: await askMcpToolApproval(params, documents, approvals, token) })),
    client.onRequest(McpSamplingRequest.type, async (params, token) => ({ decision: await askMcpSampling(params, approvals, token) })),
    client.onRequest(McpElicitationRequest.type, (params, token) => askMcpElicitation(params, approvals, token)),
    client.onNotification(McpLogNotification.type, ({ server, message }) => log.info(`[MCP ${server}] ${message}`)),
    client.onNotification(McpServerStatusNotification.type, (info) => {
      const previous = lastStates.get(info.name);
      lastStates.set(info.name, info.state);
      if (info.state !== previous) reportStateChange(info, previous, log);
    }),
    vscode.commands.registerCommand('hearth.mcp.listServers', () => showMcpServers(client)),
    vscode.commands.registerCommand('hearth.mcp.restartServer', (name?: unknown) => restartMcpServer(client, typeof name === 'string' ? name : undefined)),
    // OAuth for HTTP servers: their tokens in SecretStorage, sign-in in the browser after a question, and sign-out.
    client.onRequest(McpOAuthSecretGetRequest.type, ({ serverUrl }) => readMcpOAuthState(context.secrets, serverUrl)),
    client.onRequest(McpOAuthSecretStoreRequest.type, ({ serverUrl, value }) => storeMcpOAuthState(context.secrets, serverUrl, value)),
    client.onRequest(McpOAuthSecretDeleteRequest.type, ({ serverUrl }) => deleteMcpOAuthState(context.secrets, serverUrl)),
    client.onRequest(McpSignInRequest.type, async (params, token) => ({ decision: await askMcpSignIn(params, token) })),
    vscode.commands.registerCommand('hearth.mcp.signOut', (name?: unknown) => signOutOfMcpServer(client, typeof name === 'string' ? name : undefined)),
  );
}

/** Logs every state change; a server that stopped unexpectedly or gave up is also shown, with a way to the logs. */
function reportStateChange(info: McpServerInfo, previous: McpServerState | undefined, log: vscode.LogOutputChannel): void {
  const why = info.lastError ? `: ${info.lastError}` : '';
  log.info(`[MCP ${info.name}] ${previous ?? 'new'} → ${info.state}${info.state === 'running' ? ` (${info.tools.length} tools)` : why}`);
  let message: string | undefined;
  if (info.state === 'restarting' && previous === 'running') message = `Hearth: the MCP server "${info.name}" stopped${why}. Its tools are unavailable until Hearth has restarted it.`;
  if (info.state === 'failed' && previous !== undefined) message = `Hearth: the MCP server "${info.name}" failed${why}`;
  if (!message) return;
  void showWarningMessage(message, 'Show Logs').then((choice) => {
    if (choice) log.show(true);
  });
}
