import type { Connection } from 'vscode-languageserver/node';
import { McpListRequest, McpResourcesRequest, McpRestartRequest, McpSignOutRequest } from '../../protocol/lspMethods';
import { guarded } from '../guarded';
import type { McpService } from './mcpService';

/** `hearth/mcp/list`, `hearth/mcp/restart` and `hearth/mcp/resources`: the editor's view of the MCP servers, its one action on them, and their resources for `@`. */
export function registerMcpHandlers(connection: Connection, mcp: McpService): void {
  connection.onRequest(McpListRequest.type, guarded(() => mcp.list()));
  connection.onRequest(McpRestartRequest.type, guarded(({ name }) => mcp.restart(name)));
  connection.onRequest(McpResourcesRequest.type, guarded(({ query }) => mcp.resources(query)));
  connection.onRequest(McpSignOutRequest.type, guarded(({ name }) => mcp.signOut(name)));
}
