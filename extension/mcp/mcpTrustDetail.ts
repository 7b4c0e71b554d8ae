import type { McpTrustParams } from '../../protocol/lspMethods';

/**
 * The body of the prompt that asks whether to start a workspace MCP server:
 * exactly what will run (program, arguments, working directory, or URL), the
 * names of the environment variables and headers it sets (never their
 * values), and the variables of the user's own environment whose values it
 * gets (`${env:NAME}` anywhere in the entry). A repository's entry can send a
 * token of the user's to a site of its choosing in a header whose name says
 * nothing ("Authorization"); the user must see whose value that is before
 * agreeing.
 */
export function mcpTrustDetail(params: McpTrustParams): string {
  const lines: string[] = [];
  if (params.transport === 'stdio') {
    lines.push(`Command: ${params.commandLine ?? params.command ?? ''}`);
    if (params.cwd) lines.push(`Working directory: ${params.cwd}`);
  } else {
    lines.push(`URL: ${params.url ?? ''}`);
  }
  if (params.envNames.length > 0) lines.push(`Environment variables it sets: ${params.envNames.join(', ')}`);
  if (params.headerNames.length > 0) lines.push(`HTTP headers it sends: ${params.headerNames.join(', ')}`);
  if (params.envReads.length > 0) {
    const names = params.envReads.join(', ');
    lines.push(params.transport === 'http' ? `It sends the server the values of your environment variables: ${names}` : `It gives the program the values of your environment variables: ${names}`);
  }
  lines.push(`Declared in: ${params.configPath}`);
  if (params.changed) lines.push('', 'This entry changed since you last trusted it.');
  lines.push('', 'An MCP server runs with your permissions and its tools are offered to the agent. Start it only if you trust this workspace\'s configuration.');
  return lines.join('\n');
}
