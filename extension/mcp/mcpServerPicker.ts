import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { McpListRequest, McpRestartRequest, type McpServerInfo, type McpServerState } from '../../protocol/lspMethods';

const STATE_ICON: Record<McpServerState, string> = {
  running: '$(pass-filled)',
  starting: '$(loading~spin)',
  restarting: '$(sync~spin)',
  awaitingTrust: '$(question)',
  notTrusted: '$(shield)',
  failed: '$(error)',
  stopped: '$(circle-slash)',
  off: '$(circle-large-outline)',
};

const STATE_LABEL: Record<McpServerState, string> = {
  running: 'running',
  starting: 'starting',
  restarting: 'restarting',
  awaitingTrust: 'waiting for your trust',
  notTrusted: 'not trusted',
  failed: 'failed',
  stopped: 'stopped',
  off: 'turned off',
};

type ServerItem = vscode.QuickPickItem & { server: McpServerInfo };

function serverItem(server: McpServerInfo): ServerItem {
  const offCount = server.tools.filter((t) => t.off).length;
  const count = `${server.tools.length} tool${server.tools.length === 1 ? '' : 's'}`;
  const tools = server.state === 'running' ? ` · ${offCount > 0 ? `${server.tools.length - offCount} of ${count} on` : count}` : '';
  return {
    label: `${STATE_ICON[server.state]} ${server.name}`,
    description: `${STATE_LABEL[server.state]}${tools} · ${server.source === 'workspace' ? 'workspace' : 'user'} · ${server.httpTransport === 'sse' ? 'http (SSE)' : server.transport}${server.signedIn ? ' · signed in' : ''}`,
    detail: server.lastError ? `${server.target} — ${server.lastError}` : server.target,
    server,
  };
}

async function fetchServers(client: LanguageClient): Promise<{ servers: McpServerInfo[]; problems: string[] } | undefined> {
  try {
    return await client.sendRequest(McpListRequest.type, {});
  } catch (err) {
    void vscode.window.showErrorMessage(`Hearth could not list the MCP servers: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

function noServers(problems: string[]): void {
  const detail = problems.length > 0 ? ` ${problems.join(' ')}` : '';
  void vscode.window.showInformationMessage(`Hearth: no MCP servers are configured. Add them to .vscode/mcp.json in the workspace or to the hearth.mcp.servers user setting.${detail}`);
}

/** "Hearth: List MCP Servers": each server with its state, then its tools. */
export async function showMcpServers(client: LanguageClient): Promise<void> {
  const list = await fetchServers(client);
  if (!list) return;
  if (list.servers.length === 0) return noServers(list.problems);
  for (const problem of list.problems) void vscode.window.showWarningMessage(`Hearth: ${problem}`);
  const picked = await vscode.window.showQuickPick(list.servers.map(serverItem), { placeHolder: 'MCP servers: pick one to see its tools', matchOnDescription: true, matchOnDetail: true });
  if (!picked) return;
  const restart: vscode.QuickPickItem = { label: '$(debug-restart) Restart this server' };
  const signOut: vscode.QuickPickItem = { label: '$(sign-out) Sign out of this server', description: 'deletes its tokens and stops it' };
  const tools = picked.server.tools.map((t): vscode.QuickPickItem => ({ label: t.name, description: t.title, detail: t.description }));
  const choice = await vscode.window.showQuickPick([restart, ...(picked.server.signedIn ? [signOut] : []), ...tools], {
    placeHolder: tools.length > 0 ? `${picked.server.name}: ${tools.length} tools (the agent sees them as server.tool)` : `${picked.server.name} has no tools right now (${STATE_LABEL[picked.server.state]})`,
    matchOnDetail: true,
  });
  if (choice === restart) await restartMcpServer(client, picked.server.name);
  if (choice === signOut) await vscode.commands.executeCommand('hearth.mcp.signOut', picked.server.name);
}

/** "Hearth: Restart MCP Server": restarts one (a declined workspace server is asked about again). */
export async function restartMcpServer(client: LanguageClient, name?: string): Promise<void> {
  let target = name;
  if (!target) {
    const list = await fetchServers(client);
    if (!list) return;
    if (list.servers.length === 0) return noServers(list.problems);
    target = (await vscode.window.showQuickPick(list.servers.map(serverItem), { placeHolder: 'Restart which MCP server?' }))?.server.name;
    if (!target) return;
  }
  try {
    const info = await client.sendRequest(McpRestartRequest.type, { name: target });
    vscode.window.setStatusBarMessage(`$(debug-restart) Hearth: MCP server "${info.name}" is ${STATE_LABEL[info.state]}`, 4000);
  } catch (err) {
    void vscode.window.showErrorMessage(`Hearth could not restart the MCP server "${target}": ${err instanceof Error ? err.message : String(err)}`);
  }
}
