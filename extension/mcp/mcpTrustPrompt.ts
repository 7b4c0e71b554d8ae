import * as vscode from 'vscode';
import type { McpTrustParams } from '../../protocol/lspMethods';

const START = 'Start Server';

/**
 * Asks whether to start a server a workspace's .vscode/mcp.json declares.
 * It is modal on purpose: the answer lets a repository's configuration run a
 * program with the user's permissions. The prompt shows exactly what will run
 * (program, arguments, working directory, or URL) and the names of the
 * environment variables and headers it sets, never their values.
 */
export async function askMcpTrust(params: McpTrustParams): Promise<'trust' | 'deny'> {
  const lines: string[] = [];
  if (params.transport === 'stdio') {
    lines.push(`Command: ${params.commandLine ?? params.command ?? ''}`);
    if (params.cwd) lines.push(`Working directory: ${params.cwd}`);
  } else {
    lines.push(`URL: ${params.url ?? ''}`);
  }
  if (params.envNames.length > 0) lines.push(`Environment variables it sets: ${params.envNames.join(', ')}`);
  if (params.headerNames.length > 0) lines.push(`HTTP headers it sends: ${params.headerNames.join(', ')}`);
  lines.push(`Declared in: ${params.configPath}`);
  if (params.changed) lines.push('', 'This entry changed since you last trusted it.');
  lines.push('', 'An MCP server runs with your permissions and its tools are offered to the agent. Start it only if you trust this workspace\'s configuration.');
  const verb = params.transport === 'stdio' ? 'Start' : 'Connect to';
  const choice = await vscode.window.showWarningMessage(
    `${verb} the MCP server "${params.name}" from this workspace${params.changed ? ' (changed)' : ''}?`,
    { modal: true, detail: lines.join('\n') },
    START,
  );
  return choice === START ? 'trust' : 'deny';
}
