import type { McpTrustParams } from '../../protocol/lspMethods';
import { mcpTrustDetail, mcpTrustMessage } from './mcpTrustDetail';
import { showWarningMessage } from '../notifications';

const START = 'Start Server';

/**
 * Asks whether to start a server a workspace's .vscode/mcp.json declares.
 * It is modal on purpose: the answer lets a repository's configuration run a
 * program with the user's permissions, or send the user's environment
 * variables to a site. The prompt shows exactly what will run and which of
 * the user's variables it gets (mcpTrustDetail).
 */
export async function askMcpTrust(params: McpTrustParams): Promise<'trust' | 'deny'> {
  const choice = await showWarningMessage(
    mcpTrustMessage(params),
    { modal: true, detail: mcpTrustDetail(params) },
    START,
  );
  return choice === START ? 'trust' : 'deny';
}
