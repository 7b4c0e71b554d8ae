import type { Connection } from 'vscode-languageserver/node';
import { HearthException } from '../../agent-host';
import { AgentsListRequest } from '../../protocol/lspMethods';
import { guarded } from '../guarded';
import { toSummary, type AgentCatalog } from './agentCatalog';

/** `hearth/agents/list`: the composer's `@` list of agents. */
export function registerAgentsHandlers(connection: Connection, catalog: AgentCatalog): void {
  connection.onRequest(
    AgentsListRequest.type,
    guarded(async (p) => {
      if (typeof p?.query !== 'string' || p.query.length > 200) throw new HearthException({ code: 'invalidRequest', message: 'query must be a short string.', retryable: false });
      const query = p.query.trim().toLowerCase();
      const agents = (await catalog.list()).filter((a) => a.name.startsWith(query));
      return { agents: agents.map(toSummary) };
    }),
  );
}
