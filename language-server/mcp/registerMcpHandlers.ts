import type { Connection } from 'vscode-languageserver/node';
import { McpCompleteRequest, McpListRequest, McpResourcesRequest, McpRestartRequest, McpSignOutRequest } from '../../protocol/lspMethods';
import { guarded, signalOf } from '../guarded';
import type { McpService } from './mcpService';
import { parseMcpCompleteParams } from './parseMcpCompleteParams';
import type { TeamMcp } from './teamMcp';

/** `hearth/mcp/list`, `hearth/mcp/restart`, `hearth/mcp/complete` and `hearth/mcp/resources` (the developer's and, in remote mode, the team server's): the editor's view of the MCP servers, its one action on them, and their resources for `@`. */
export function registerMcpHandlers(connection: Connection, mcp: McpService, team: TeamMcp): void {
  connection.onRequest(McpListRequest.type, guarded(() => mcp.list()));
  connection.onRequest(McpRestartRequest.type, guarded(({ name }) => mcp.restart(name)));
  // The developer's own servers' resources first, then the team server's (remote mode).
  connection.onRequest(
    McpResourcesRequest.type,
    guarded(async ({ query }) => {
      const [own, shared] = await Promise.all([mcp.resources(query), team.resources(query)]);
      return { resources: [...own.resources, ...shared] };
    }),
  );
  connection.onRequest(McpSignOutRequest.type, guarded(({ name }) => mcp.signOut(name)));
  // Cancelled by the editor when the user types on: the server's request is cancelled with it.
  // A team server's prompt or template is asked only through the team server, never of a developer's server of the same name.
  connection.onRequest(
    McpCompleteRequest.type,
    guarded((params, token) => {
      const { server, request, team: shared } = parseMcpCompleteParams(params);
      return (shared ? team : mcp).complete(server, request, signalOf(token));
    }),
  );
}
