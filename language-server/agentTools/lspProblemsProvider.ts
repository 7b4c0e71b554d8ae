import type { Connection } from 'vscode-languageserver/node';
import { ProblemsRequest } from '../../protocol/lspMethods';
import type { ProblemsProvider } from '../tools';

/** VS Code's diagnostics, asked from the editor when the agent calls get_problems. */
export function lspProblemsProvider(connection: Connection): ProblemsProvider {
  return {
    async getProblems(relativePath) {
      const { problems } = await connection.sendRequest(ProblemsRequest.type, { relativePath });
      return problems;
    },
  };
}
