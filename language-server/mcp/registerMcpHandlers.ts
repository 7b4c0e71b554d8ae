import type { Connection } from 'vscode-languageserver/node';
import { McpListRequest, McpRestartRequest } from '../../protocol/lspMethods';
import { guarded } from '../guarded';
import type { McpService } from './mcpService';

/** `hearth/mcp/list` and `hearth/mcp/restart`: the editor's view of the MCP servers and its one action on them. */
export function registerMcpHandlers(connection: Connection, mcp: McpService): void {
  connection.onRequest(McpListRequest.type, guarded(() => mcp.list()));
  connection.onRequest(McpRestartRequest.type, guarded(({ name }) => mcp.restart(name)));
}
