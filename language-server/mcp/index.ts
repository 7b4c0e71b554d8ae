/**
 * MCP in the language server: configuration (user settings and the
 * workspace's .vscode/mcp.json), trust, approvals and the LSP surface. The
 * client manager itself is the agent core's (agent-host/mcp).
 */
export { McpService, type McpServiceDeps } from './mcpService';
export { lspMcpEditor } from './lspMcpEditor';
export { lspMcpOAuthHost } from './lspMcpOAuthHost';
export { registerMcpHandlers } from './registerMcpHandlers';
export type { McpEditor } from './mcpEditor';
export { parseMcpServers, serverConfigHash, type ParsedMcpServer, type McpConfigProblem } from './parseMcpServers';
export { readWorkspaceMcpConfig, mcpJsonPath } from './readWorkspaceMcpConfig';
export { substituteVariables } from './substituteVariables';
export { parseJsonc } from './parseJsonc';
export { McpWorkspaceStore, toolApprovalKey } from './mcpWorkspaceStore';
export { McpToolApprovals } from './mcpToolApprovals';
export { McpServerRequests, DEFAULT_SAMPLING_PER_HOUR, type McpSampler } from './mcpServerRequests';
export { createMcpSampler } from './createMcpSampler';
export { TeamMcp, type TeamMcpDeps } from './teamMcp';
