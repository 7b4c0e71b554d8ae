import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { McpListRequest, McpRestartRequest, type McpServerInfo, type McpServerState } from '../../protocol/lspMethods';
import { withMcpServerOff, withMcpToolsOn } from '../../protocol/mcpDisabledTools';
import { updateDisabledMcpTools } from './updateDisabledMcpTools';
import { showErrorMessage, showInformationMessage, showWarningMessage } from '../notifications';

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
    void showErrorMessage(`Hearth could not list the MCP servers: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

function noServers(problems: string[]): void {
  const detail = problems.length > 0 ? ` ${problems.join(' ')}` : '';
  void showInformationMessage(`Hearth: no MCP servers are configured. Add them to .vscode/mcp.json in the workspace or to the hearth.mcp.servers user setting.${detail}`);
}

/** "Hearth: List MCP Servers": each server with its state, then its tools. */
export async function showMcpServers(client: LanguageClient): Promise<void> {
  const list = await fetchServers(client);
  if (!list) return;
  if (list.servers.length === 0) return noServers(list.problems);
  for (const problem of list.problems) void showWarningMessage(`Hearth: ${problem}`);
  const picked = await vscode.window.showQuickPick(list.servers.map(serverItem), { placeHolder: 'MCP servers: pick one to see its tools', matchOnDescription: true, matchOnDetail: true });
  if (!picked) return;
  const server = picked.server;
  const off = server.state === 'off';
  const restart: vscode.QuickPickItem = { label: '$(debug-restart) Restart this server' };
  const turnOff: vscode.QuickPickItem = { label: '$(circle-slash) Turn this server off', description: 'stops it; the agent is not offered its tools' };
  const turnOn: vscode.QuickPickItem = { label: '$(play) Turn this server on', description: 'starts it again' };
  const chooseTools: vscode.QuickPickItem = { label: '$(checklist) Choose its tools…', description: 'turn single tools off or on' };
  const signOut: vscode.QuickPickItem = { label: '$(sign-out) Sign out of this server', description: 'deletes its tokens and stops it' };
  const tools = server.tools.map((t): vscode.QuickPickItem => ({ label: t.name, description: t.off ? `off${t.title ? ` · ${t.title}` : ''}` : t.title, detail: t.description }));
  const actions = off ? [turnOn] : [restart, turnOff, ...(tools.length > 0 ? [chooseTools] : []), ...(server.signedIn ? [signOut] : [])];
  const choice = await vscode.window.showQuickPick([...actions, ...tools], {
    placeHolder: tools.length > 0 ? `${server.name}: ${tools.length} tools (the agent sees them as server.tool)` : `${server.name} has no tools right now (${STATE_LABEL[server.state]})`,
    matchOnDetail: true,
  });
  if (choice === restart) await restartMcpServer(client, server.name);
  if (choice === turnOff || choice === turnOn) await switchMcpServer(server.name, choice === turnOff);
  if (choice === chooseTools) await chooseMcpTools(server);
  if (choice === signOut) await vscode.commands.executeCommand('hearth.mcp.signOut', server.name);
}

/** Turns one server off (it stops, and stays stopped) or on again, in the user's hearth.mcp.disabledTools. */
async function switchMcpServer(name: string, off: boolean): Promise<void> {
  if (!(await updateDisabledMcpTools((disabled) => withMcpServerOff(disabled, name, off)))) return;
  vscode.window.setStatusBarMessage(`$(${off ? 'circle-slash' : 'play'}) Hearth: the MCP server "${name}" is ${off ? 'off' : 'on'}`, 4000);
}

type ToolItem = vscode.QuickPickItem & { toolName: string };

/**
 * The server's tools with checkboxes, the ones on already ticked: what the
 * user leaves unticked is turned off, and the model is no longer offered it.
 */
async function chooseMcpTools(server: McpServerInfo): Promise<void> {
  const items = server.tools.map((t): ToolItem => ({ label: t.name, description: t.title, detail: t.description, picked: !t.off, toolName: t.toolName }));
  const on = await vscode.window.showQuickPick(items, {
    canPickMany: true,
    placeHolder: `${server.name}: tick the tools the agent may use; the others are turned off`,
    matchOnDetail: true,
  });
  // Escape keeps the tools as they were; an empty choice (OK with nothing ticked) turns them all off.
  if (!on) return;
  const all = server.tools.map((t) => t.toolName);
  const chosen = on.map((item) => item.toolName);
  if (!(await updateDisabledMcpTools((disabled) => withMcpToolsOn(disabled, server.name, all, chosen)))) return;
  vscode.window.setStatusBarMessage(`$(checklist) Hearth: ${chosen.length} of ${all.length} tools of "${server.name}" are on`, 4000);
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
    void showErrorMessage(`Hearth could not restart the MCP server "${target}": ${err instanceof Error ? err.message : String(err)}`);
  }
}
