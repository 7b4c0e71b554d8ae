import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { McpListRequest, McpSignOutRequest } from '../../protocol/lspMethods';
import { showErrorMessage, showInformationMessage } from '../notifications';

/** "Hearth: Sign Out of MCP Server": deletes one HTTP server's OAuth tokens and stops it. */
export async function signOutOfMcpServer(client: LanguageClient, name?: string): Promise<void> {
  let target = name;
  try {
    if (!target) {
      const { servers } = await client.sendRequest(McpListRequest.type, {});
      const http = servers.filter((s) => s.transport === 'http');
      if (http.length === 0) {
        void showInformationMessage('Hearth: no HTTP MCP servers are configured, so there is nothing to sign out of.');
        return;
      }
      const items = http.map((s) => ({ label: s.name, description: s.signedIn ? 'signed in' : 'not signed in', detail: s.target }));
      target = (await vscode.window.showQuickPick(items, { placeHolder: 'Sign out of which MCP server? Its tokens are deleted.' }))?.label;
      if (!target) return;
    }
    await client.sendRequest(McpSignOutRequest.type, { name: target });
    void showInformationMessage(`Hearth: signed out of the MCP server "${target}". Run "Hearth: Restart MCP Server" to sign in again.`);
  } catch (err) {
    void showErrorMessage(`Hearth could not sign out of the MCP server "${target ?? ''}": ${err instanceof Error ? err.message : String(err)}`);
  }
}
