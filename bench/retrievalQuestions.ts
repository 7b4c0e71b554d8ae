/**
 * The labelled set of bench:retrieval: questions a developer new to Hearth
 * would ask, worded as they would ask them (not with the identifiers the code
 * uses), each with the file(s) that answer it. The benchmark leaves this file
 * out of the index, since it contains every question.
 */
export interface LabelledQuestion {
  question: string;
  answers: string[];
}

export const QUESTIONS: LabelledQuestion[] = [
  { question: 'where is the JWT access token verified', answers: ['agent-host/server/auth/tokenService.ts'] },
  { question: 'how are API keys hashed and compared in constant time', answers: ['agent-host/server/auth/apiKeys.ts'] },
  { question: 'how is reuse of a refresh token detected and its family revoked', answers: ['agent-host/server/auth/refreshFamilies.ts'] },
  { question: 'which commands are refused outright by the deny list', answers: ['language-server/tools/commandDenyList.ts'] },
  { question: 'how does bubblewrap sandbox a command, which paths are read-only', answers: ['language-server/tools/sandbox/bubblewrapSandbox.ts'] },
  { question: 'files that make another program run code like package.json, lockfiles or a Makefile', answers: ['language-server/tools/executionSensitivePaths.ts'] },
  { question: 'how are .gitignore patterns parsed and matched', answers: ['language-server/tools/gitignoreRules.ts'] },
  { question: 'undo all the files an agent turn changed', answers: ['language-server/tools/turnCheckpoints.ts'] },
  { question: 'where are chat sessions written to disk as JSONL', answers: ['language-server/chat/sessionStore.ts'] },
  { question: 'how is num_ctx chosen so that Ollama does not reload the model', answers: ['language-server/model/modelRunPlanner.ts', 'agent-host/core/contextBudget.ts'] },
  { question: 'fill-in-the-middle prompt templates for each model family', answers: ['agent-host/completion/fimTemplates.ts'] },
  { question: 'cache of inline suggestions and type-through', answers: ['language-server/completion/suggestionCache.ts', 'language-server/completion/inlineCompletionService.ts'] },
  { question: 'retry with backoff and jitter when the team server is unavailable', answers: ['language-server/remote/remoteCallPolicy.ts'] },
  { question: 'fair queue that hands out GPU slots to users', answers: ['agent-host/server/scheduler/scheduler.ts'] },
  { question: 'per-user rate limit of requests', answers: ['agent-host/server/scheduler/rateLimiter.ts'] },
  { question: 'Lua scripts that change shared state atomically in Redis', answers: ['agent-host/server/state/redisScripts.ts'] },
  { question: 'Prometheus metrics of the team server', answers: ['agent-host/server/ops/serverMetrics.ts', 'agent-host/server/ops/metricsServer.ts'] },
  { question: 'audit records appended in ordered batches', answers: ['agent-host/server/ops/auditLog.ts'] },
  { question: 'the system prompt the agent gives the model', answers: ['agent-host/core/systemPrompt.ts'] },
  { question: 'tool calls written as text by models without native tool calling', answers: ['agent-host/core/textToolProtocol.ts'] },
  { question: 'stop a small model that asks for the same tool call again and again', answers: ['agent-host/core/repetitionGuard.ts'] },
  { question: 'turn an unreachable Ollama or a missing model into a message for the user', answers: ['agent-host/core/describeOllamaFailure.ts', 'agent-host/core/errorMapping.ts'] },
  { question: 'start an MCP server as a child process over stdio', answers: ['agent-host/mcp/stdioProcessTransport.ts'] },
  { question: 'how MCP tool names are prefixed with the server name', answers: ['agent-host/mcp/namespaceToolName.ts'] },
  { question: 'content security policy and nonce of the chat webview', answers: ['extension/webviewHtml.ts', 'extension/chatViewProvider.ts'] },
  { question: 'status bar item that shows the backend and model', answers: ['extension/statusBar.ts'] },
  { question: 'the team API key kept in VS Code secret storage', answers: ['extension/team/teamSecrets.ts'] },
  { question: 'sanitize the Markdown of answers before showing it in the chat', answers: ['webview/markdownRenderer.ts'] },
  { question: 'find the ripgrep binary that ships with VS Code', answers: ['extension/findBundledRipgrep.ts'] },
  { question: 'read and validate the team server config.yaml', answers: ['agent-host/server/config/loadServerConfig.ts', 'agent-host/server/config/serverConfig.ts'] },
  { question: 'merge streamed text deltas into fewer gRPC messages when busy', answers: ['agent-host/server/services/deltaCoalescer.ts'] },
  { question: 'translate requests for an OpenAI-compatible backend', answers: ['agent-host/openai/openAiAdapter.ts'] },
  { question: 'fill in the text of @ mentions of files when a message is sent', answers: ['language-server/chat/mentionResolver.ts'] },
  { question: 'keep file tools inside the workspace folders, resolving symlinks', answers: ['language-server/tools/workspaceConfinement.ts'] },
  { question: 'export a chat session as Markdown', answers: ['language-server/chat/sessionMarkdown.ts'] },
];
