/**
 * The agent core's public interface. The language server (local mode) and the
 * team server (remote mode) use the agent only through what this file exports;
 * everything else under agent-host/ is internal.
 */
import type { AgentEvent, ChatMessage, SubagentRole, ThinkValue, TodoItem, ToolCall, ToolResult, UserInput, ChatMode, RulesFile, WorkspaceContextSection } from '../protocol/chat';
import type { HearthError } from '../protocol/chat';
import type { ModelInfo, ProviderConfig } from '../protocol/lspMethods';
import type { ToolDefinition } from '../protocol/tools';
import type { SubagentAgent, TurnAgent } from '../protocol/agents';
import type { ModelStreamer } from './core/modelStream';
import type { ProxyRoute } from './providers/proxyRoute';

/**
 * Runs tools for the agent. The core never touches the file system or a shell
 * itself: in local mode the language server implements this; in remote mode the
 * team server implements it by sending tool requests down the client's stream.
 */
export interface ToolExecutor {
  /** The tools offered to the model for this turn. */
  definitions(): ToolDefinition[];
  /**
   * Runs one call whose arguments already passed schema validation. Must not
   * throw for tool failures: those are `isError` results the model can read.
   */
  execute(call: ToolCall, signal: AbortSignal): Promise<ToolResult>;
  /**
   * For a tool this executor knows but does not offer because the user
   * turned it off (an MCP tool in `hearth.mcp.disabledTools`), the words a
   * call to it is refused with; undefined for any other name. The model may
   * still call such a tool (it saw it earlier in the chat), and "there is no
   * such tool" would hide why.
   */
  refusalFor?(name: string): string | undefined;
  /**
   * The names of the tools `refusalFor` refuses as turned off, so a client
   * whose turn runs on a team server can tell it (the team server's core
   * then refuses a call to one with the same words, not "no such tool").
   */
  turnedOff?(): string[];
}

export interface TurnOptions {
  model: string;
  /** Replaces the default system prompt. */
  systemPrompt?: string;
  /** Without an executor the turn is plain chat. */
  executor?: ToolExecutor;
  /** Upper bound on model calls in one turn (tool loop). */
  maxSteps?: number;
  /** Per-tool-call timeout. */
  toolTimeoutMs?: number;
  temperature?: number;
  /** Ollama's `num_predict`: the most tokens the answer may have (an MCP sampling request's maxTokens). */
  maxTokens?: number;
  /** Ollama's `stop` sequences. */
  stop?: string[];
  /**
   * Ollama's `think`, decided by the caller per model and request path;
   * undefined leaves Ollama's default (a thinking model thinks).
   */
  think?: ThinkValue;
  /**
   * The `num_ctx` to send, decided by the caller so that every request to a
   * model uses the same one (a different num_ctx makes Ollama reload the
   * model). Undefined: the core chooses from the model's context length.
   */
  numCtx?: number;
  /**
   * Resume instead of answering: `history` ends with the model's own answer
   * that stopped at the length limit, `input` is ignored, and no new user
   * message is sent, so Ollama continues that last assistant message.
   */
  continueReply?: boolean;
  /**
   * Ask, Plan or Agent (the default). The core alone turns it into the tools
   * offered and the tools that may run (see core/modeTools.ts), and Plan adds
   * the planning instructions to the system prompt.
   */
  mode?: ChatMode;
  /**
   * The repository's rules files (AGENTS.md and the like), read on the
   * developer's machine. They go into the system prompt as instructions from
   * the repository, capped in size; they never change tools or approvals.
   */
  rules?: RulesFile[];
  /**
   * The repository map and project memory, added to the system prompt of a
   * turn with tools (ignored when `systemPrompt` replaces the default). The
   * core fits them into its share of num_ctx (see core/workspaceContext.ts).
   */
  workspaceContext?: WorkspaceContextSection[];
  /**
   * Lets the agent start sub-agents (the `run_subagents` tool) with these
   * limits; undefined offers no such tool. Only a turn with an executor can.
   */
  subagents?: SubagentOptions;
  /**
   * Offers the update_todos tool, which keeps a plan the user sees as a
   * checklist; `current` is the plan so far (from earlier turns, perhaps
   * edited by the user), shown to the model. Undefined offers no such tool.
   */
  todos?: { current: TodoItem[] };
  /**
   * Summarise the oldest exchanges of the history once the prompt passes
   * this fraction of the context budget (0.7 by default in the language
   * server); undefined never compacts.
   */
  compactAt?: number;
  /** What the summary should keep in full detail (`/compact <focus>`); only read when a compaction happens. */
  compactFocus?: string;
  /**
   * The agent this message was routed to (a built-in role or an agent
   * file): its instructions go into the system prompt, and its tool list
   * narrows the mode's tools (see core/agentTools.ts). Never widens them.
   */
  agent?: TurnAgent;
}

/** Limits and models for sub-agents; the caller decides the models, as it does the turn's. */
export interface SubagentOptions {
  /** Read-only sub-agents running at once (default 2). */
  maxParallel?: number;
  /** Model calls per sub-agent (default 8). */
  maxSteps?: number;
  /** A model per role; a role without one uses the turn's model. */
  models?: Partial<Record<SubagentRole, string>>;
  /**
   * The user's agents (and, in a trusted workspace, the repository's) the
   * model may start by name: the sub-agent gets the agent's instructions and
   * its tools intersected with the read-only sub-agent tools, the mode's and
   * the turn's agent's. Names and descriptions reach the model in the tool's
   * schema. Never widens anything.
   */
  agents?: SubagentAgent[];
  /**
   * The `num_ctx` and `think` for a sub-agent whose model is not the turn's
   * (the caller's per-model decision, as for the turn itself). The turn's own
   * values belong to the turn's model: another model's runner loaded with
   * another num_ctx would be reloaded by Ollama (server/sched.go
   * `needsReload`), and a window larger than that model's would be budgeted
   * for. Without this, such a sub-agent gets the num_ctx the core chooses
   * from its model's context length, and the turn's `think`.
   */
  plan?(model: string, signal: AbortSignal): Promise<{ numCtx?: number; think?: ThinkValue }>;
}

/** What Ollama says about one model (/api/show), for callers that decide `think` and `num_ctx`. */
export interface ModelDetails {
  /** The trained context length. */
  contextLength?: number;
  /** Capabilities such as "completion", "tools", "insert", "thinking"; undefined on Ollama versions that do not report them. */
  capabilities?: string[];
  /** False for a model of a provider (`provider::model`) or an Ollama cloud model: the default Ollama's /api/ps cannot say whether it is loaded. */
  loadTracked?: boolean;
}

/** A model Ollama has loaded right now (/api/ps). */
export interface LoadedModel {
  name: string;
  /** The context length the loaded runner has; a request with another num_ctx reloads the model. */
  contextLength?: number;
}

export interface Agent {
  /** The Ollama URL this agent talks to. */
  readonly host: string;
  /**
   * Runs one turn. `history` is the conversation so far (owned by the caller),
   * `input` the new user message. The stream always ends with a `done` event,
   * errors included; aborting `signal` aborts the HTTP request to the model.
   */
  startTurn(history: ChatMessage[], input: UserInput, options: TurnOptions, signal: AbortSignal): AsyncIterable<AgentEvent>;
  /**
   * Installed models (Ollama's, then the reachable providers'). Throws a
   * `HearthException` (code ollamaUnreachable) when the host cannot be reached.
   */
  listModels(signal?: AbortSignal): Promise<ModelInfo[]>;
  /**
   * Every model of Ollama and of each provider, with one error per backend
   * that did not answer instead of throwing: a dead provider never hides the
   * others' models. Only agents that talk to model servers directly have it.
   */
  listAllModels?(signal?: AbortSignal): Promise<ModelCatalog>;
  /** /api/show facts, cached per model. Only agents that talk to Ollama directly have it. */
  modelDetails?(model: string, signal?: AbortSignal): Promise<ModelDetails>;
  /** /api/ps: what is loaded now. Only agents that talk to Ollama directly have it. */
  loadedModels?(signal?: AbortSignal): Promise<LoadedModel[]>;
  /**
   * /api/pull: downloads `model` into Ollama, reporting each progress line;
   * resolves at "success", throws a `HearthException` (cancelled when
   * `signal` aborted it). Only agents that talk to Ollama directly have it.
   */
  pullModel?(model: string, onProgress: (progress: PullProgress) => void, signal?: AbortSignal): Promise<void>;
}

/** One progress line of a download (Ollama's api.ProgressResponse). */
export interface PullProgress {
  status: string;
  completed?: number;
  total?: number;
}

/** What `listAllModels` found. */
export interface ModelCatalog {
  models: ModelInfo[];
  /** The default Ollama's failure, when it could not list its models. */
  error?: HearthError;
  /** One per provider of `hearth.providers` that could not list its models, naming it and its URL. */
  providerErrors: HearthError[];
}

export interface AgentConfig {
  /** Ollama base URL, for example http://127.0.0.1:11434. */
  host: string;
  /** Extra HTTP headers (for example a reverse proxy's auth). */
  headers?: Record<string, string>;
  /**
   * How requests to Ollama and to the providers are made; defaults to the
   * global `fetch`. The team server passes its in-process model router here,
   * so each model request is scheduled and sent to a backend without an HTTP
   * hop of its own; the language server passes a fetch without Node's 300 s
   * deadlines (a model load is progress, not a failure).
   */
  fetch?: typeof fetch;
  /**
   * Streams /api/chat and /api/generate replies without `fetch`: the team
   * server's model router passes its direct transport here, which parses
   * each reply's lines once, straight from the backend's socket.
   */
  stream?: ModelStreamer;
  /**
   * Model servers beside Ollama (`hearth.providers`). A model string
   * `<name>::<model>` runs on the provider of that name; plain names stay
   * Ollama's. The local agent only: the team server has its own backends.
   */
  providers?: ProviderConfig[];
  /** The API key of a provider, looked up at each request (keys live in the editor's SecretStorage and this process's memory). */
  providerKey?: (provider: string, baseUrl: string) => string | undefined;
  /** The proxy of each model server (Ollama's and the providers'), by URL: the language server's reading of VS Code's `http.proxy`. None: every request goes direct. */
  proxyRoute?: ProxyRoute;
}

export { createAgent } from './core/createAgent';
export { HearthException } from './core/hearthException';
export { PARTIAL_ANSWER_KEPT } from './core/errorMapping';
export { formatUserMessage } from './core/formatUserMessage';
// How a compaction's summary stands in for the exchanges it replaced; the language server rebuilds later histories with it.
export { compactedHistoryPrefix } from './core/compaction';
// The one decider of a chat mode's tool set, also used by the remote client to refuse a team server's out-of-mode tool request.
export { executorForMode, modeAllowsTool, modeRefusal, toolsForMode } from './core/modeTools';
// The tool that starts sub-agents: the language server gives the call that holds them one Restore point.
export { otherSubagentModels, RUN_SUBAGENTS_TOOL } from './core/subagents';
// The one check of a tool call's arguments against its schema: the loop's for its model, the remote client's for a team server's requests.
export { checkRequestedCall } from './core/prepareToolCall';
export { MAX_RULES_FILE_CHARS, MAX_RULES_FILES } from './core/rulesPrompt';
// An agent's tool list narrows the mode's tools; the remote client wraps its executor with the same function.
export { agentAllowsTool, agentPrompt, executorForAgent, MAX_AGENT_INSTRUCTIONS, MAX_AGENT_TOOLS } from './core/agentTools';
// The num_ctx the core sends for a model by default; the team server uses it for completions too, so both paths load one runner.
export { chooseNumCtx } from './core/contextBudget';
export { selectTools, toolServer, TOOL_SHARE, type LeftOutTools, type ToolSelection } from './core/toolBudget';
export { toolsLeftOutWarning } from './core/loopMessages';
// The one token estimate, for callers that size text before they hand it to the core (the repository map).
export { estimateTokens } from './core/tokenEstimate';
export { workspaceContextBudget } from './core/workspaceContext';
// Optional core settings beyond AgentConfig (the num_ctx cap).
export type { CoreAgentConfig } from './core/createAgent';

// Providers beside Ollama (issue 13): how a model string names one, and the check of `hearth.providers`.
export { formatModelRef, parseModelRef, MODEL_REF_SEPARATOR, DEFAULT_PROVIDER, type ModelRef } from './providers/modelRef';
export { checkProviders, normalizeBaseUrl } from './providers/providerRegistry';
export type { ProxyRoute } from './providers/proxyRoute';

// Fill-in-the-middle for inline suggestions (issue 4).
export { createFimCompleter } from './completion/createFimCompleter';
export { SUGGESTED_FIM_MODEL } from './completion/detectFimSupport';
export { ALL_FIM_SENTINELS } from './completion/fimTemplates';
export { suggestionCharLimit } from './completion/suggestionCharLimit';
export type { FimChunk, FimCompleter, FimCompleterConfig, FimFamily, FimMode, FimModelInfo, FimReadyModel, FimRequest, FimTimings, FimUnusableModel } from './completion/fimTypes';

// MCP client manager (issue 6): MCP servers' tools as `server.tool`, for the language server and the team server.
export { McpManager } from './mcp/mcpManager';
export { sampleWithAgent, type SamplingCompletion, type SamplingRun } from './mcp/sampleWithAgent';
export { withMcpTools, type McpRefusal, type McpToolGate, type McpToolSource } from './mcp/withMcpTools';
export { definitionHash, canonicalJson } from './mcp/definitionHash';
export { serverSlug, namespacedToolName, MAX_TOOL_NAME_LENGTH } from './mcp/namespaceToolName';
export { toMcpTool, toSchemaSubset } from './mcp/toMcpTool';
export { formatToolResult } from './mcp/formatToolResult';
export { formatLogRecord, ServerLogRecords, MAX_LOG_RECORD_CHARS } from './mcp/serverLogRecords';
export { toCompletion, MAX_COMPLETION_VALUES } from './mcp/toCompletion';
export { mcpProgressNotes, type StatusNote } from './mcp/mcpProgressNotes';
export { describeTarget, displayCommandLine, displayUrl } from './mcp/describeTarget';
export type {
  McpCallOptions,
  McpCallOutcome,
  McpClientRequests,
  McpCompletion,
  McpCompletionRequest,
  McpConnectionState,
  McpElicitationRequest,
  McpElicitationResult,
  McpManagerOptions,
  McpProgress,
  McpPrompt,
  McpPromptArgument,
  McpPromptContent,
  McpResource,
  McpResourceTemplate,
  McpSamplingRequest,
  McpSamplingResult,
  McpServerSpec,
  McpServerStatus,
  McpTool,
} from './mcp/mcpTypes';
export type { McpOAuthHost, McpSignInPrompt } from './mcp/mcpTypes';
export { canonicalServerUrl, parseUrl } from './mcp/mcpOAuthProvider';

// Retrieval (issue 14): chunking, full-text and vector ranking, embeddings and the crash-safe store, shared by the
// language server's codebase search and the team server's shared index.
export { Bm25Index, type Ranked } from './search/bm25Index';
export { chunkText, DEFAULT_CHUNK_OPTIONS, type ChunkOptions, type TextChunk } from './textChunks';
export { holdsPrivateKey } from './search/holdsPrivateKey';
export { isIndexable } from './search/indexableFiles';
export { IndexStore, INDEX_FORMAT, type FileRecord, type IndexHeader, type OpenedStore, type StoredChunk } from './search/indexStore';
export { createOllamaEmbedder, describeEmbedFailure, EmbeddingUnavailable, type Embedder, type OllamaEmbedderOptions } from './search/ollamaEmbedder';
export { reciprocalRankFusion, RRF_K } from './search/reciprocalRankFusion';
export { pathTerms, searchTerms } from './search/searchTerms';
export { topKByDot } from './search/topKByDot';
// One source's in-memory index (a team repository or document set, a developer's documentation folder).
export { searchSources, SourceIndex, type SourceChunk, type SourceHit, type SourceKind, type SourceSyncReport } from './search/sourceIndex';
