/**
 * The LSP side of team mode: hearth/team/connect and hearth/team/disconnect
 * from the extension, and hearth/team/status notifications back. Parameters
 * of these requests are never logged: they carry the API key.
 */
import { ResponseError, type Connection } from 'vscode-languageserver/node';
import type { HearthError } from '../../protocol/chat';
import { TeamConnectRequest, TeamDisconnectRequest, TeamStatusNotification } from '../../protocol/lspMethods';
import { HearthException } from '../../agent-host';
import type { AgentProvider } from '../agentProvider';

const HEARTH_ERROR_CODE = -32001;

export function registerTeamHandlers(connection: Connection, agents: AgentProvider): void {
  agents.team.onStatus((status) => void connection.sendNotification(TeamStatusNotification.type, status));
  connection.onRequest(TeamConnectRequest.type, async (params) => {
    try {
      return await agents.connectTeam(params);
    } catch (err) {
      const error: HearthError =
        err instanceof HearthException ? err.error : { code: 'internal', message: `Connecting to the team server failed: ${(err as Error).message}`, retryable: true };
      return new ResponseError<HearthError>(HEARTH_ERROR_CODE, error.message, error);
    }
  });
  connection.onRequest(TeamDisconnectRequest.type, () => agents.disconnectTeam());
}
