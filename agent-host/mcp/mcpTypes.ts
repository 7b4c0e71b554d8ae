/**
 * The shapes the MCP client manager works with. The configuration types are
 * the public contract's (protocol/lspMethods.ts), so the language server's
 * settings, the workspace's mcp.json and the team server's config.yaml all
 * describe a server the same way.
 */
import type { McpCompleteParams, McpCompleteResult, McpHttpTransport, McpServerConfig, McpServerState, McpToolDefinitionSnapshot } from '../../protocol/lspMethods';
import type { ToolDefinition } from '../../protocol/tools';

export type { McpServerConfig, McpHttpServerConfig, McpHttpTransport, McpStdioServerConfig, McpToolDefinitionSnapshot } from '../../protocol/lspMethods';

/** A resource a server offers (MCP `resources/list`), which the user can attach to a message. */
export interface McpResource {
  server: string;
  uri: string;
  name: string;
  mimeType?: string;
}

/** A prompt a server offers (MCP `prompts/list`), which the user runs as a slash command. */
export interface McpPrompt {
  server: string;
  /** The server's namespace (as in its tools' names). */
  namespace: string;
  /** The prompt's own name on its server (what `prompts/get` needs). */
  name: string;
  title?: string;
  description: string;
  arguments: McpPromptArgument[];
}

export interface McpPromptArgument {
  name: string;
  description?: string;
  required: boolean;
}

/**
 * What `prompts/get` returned, as a message for the model: the text parts
 * (and images described in a line) in `text`, embedded resources apart, so
 * they reach the model as attached data like an `@` resource does.
 */
export interface McpPromptContent {
  text: string;
  resources: { uri: string; text: string }[];
}

/** A resource template a server offers (MCP `resources/templates/list`): the user fills in its `{variables}`. */
export interface McpResourceTemplate {
  server: string;
  uriTemplate: string;
  name: string;
  description?: string;
}

/** One server the manager should run. `config` is final: variables are substituted before it gets here. */
export interface McpServerSpec {
  name: string;
  config: McpServerConfig;
}

/** The states the manager itself drives (trust states belong to whoever decides trust). */
export type McpConnectionState = Extract<McpServerState, 'starting' | 'running' | 'restarting' | 'failed' | 'stopped'>;

/** One tool of a running server, as offered to the model. */
export interface McpTool {
  /** The namespaced name the model sees: `server.tool`, within [A-Za-z0-9_.-] and at most 64 characters. */
  name: string;
  /** The configured server name. */
  server: string;
  /** The tool's own name on its server (what `tools/call` needs). */
  toolName: string;
  title?: string;
  /** What the model is offered: a bounded description and the schema subset the agent core validates. */
  definition: ToolDefinition;
  /** The definition exactly as the server declared it. */
  snapshot: McpToolDefinitionSnapshot;
  /** sha256 of the canonical JSON of `snapshot`: a changed description or schema changes it. */
  hash: string;
}

export interface McpServerStatus {
  name: string;
  /** The prefix of its tools' names (`namespace.tool`): the name cleaned to [A-Za-z0-9_-]. */
  namespace: string;
  transport: 'stdio' | 'http';
  /** The command line or the URL without its query; never environment values or headers. */
  target: string;
  state: McpConnectionState;
  tools: McpTool[];
  lastError?: string;
  pid?: number;
  restarts: number;
  nextRestartAt?: number;
  /** http with OAuth: true while Hearth holds tokens for it. */
  signedIn?: boolean;
  /** http, while starting or running: the transport of the current session. */
  httpTransport?: McpHttpTransport;
}

export interface McpProgress {
  progress: number;
  total?: number;
  message?: string;
}

/** What one `tools/call` produced, as text the model reads. */
export interface McpCallOutcome {
  content: string;
  isError: boolean;
  /** A one-line summary for the chat. */
  summary: string;
}

export interface McpCallOptions {
  signal: AbortSignal;
  /** Called for each `notifications/progress` the server sends for this call. */
  onProgress?: (progress: McpProgress) => void;
}

/** A server's `sampling/createMessage`, reduced to what Hearth supports: text messages, no tools. */
export interface McpSamplingRequest {
  server: string;
  messages: { role: 'user' | 'assistant'; text: string }[];
  systemPrompt?: string;
  maxTokens: number;
  temperature?: number;
  stopSequences?: string[];
  /** The names in the server's modelPreferences.hints: information, never a choice. */
  modelHints: string[];
}

export interface McpSamplingResult {
  text: string;
  model: string;
  stopReason: 'endTurn' | 'maxTokens';
}

/** A server's form-mode `elicitation/create`. */
export interface McpElicitationRequest {
  server: string;
  message: string;
  requestedSchema: unknown;
}

export type McpElicitationResult = { action: 'accept'; content: Record<string, string | number | boolean | string[]> } | { action: 'decline' | 'cancel' };

/**
 * A host that lets servers ask for sampling or elicitation. The connection
 * declares each capability only when its handler exists (the team server's
 * admin servers get neither). A handler throws an Error (its `code`, when an
 * integer, becomes the JSON-RPC error code) to answer the server with an error.
 */
export interface McpClientRequests {
  sampling?(request: McpSamplingRequest, signal: AbortSignal): Promise<McpSamplingResult>;
  elicitation?(request: McpElicitationRequest, signal: AbortSignal): Promise<McpElicitationResult>;
}

export interface McpManagerOptions {
  /** Sampling and elicitation requests from servers; absent: the capabilities are not declared. */
  requests?: McpClientRequests;
  /**
   * Why requests this host does not handle (sampling, elicitation without a
   * handler) are refused: a server that sends one anyway gets this reason as
   * its error, and the refusal is logged. Absent: the SDK's "Method not found".
   */
  refusedRequests?: string;
  /** A line a server wrote to stderr, or a lifecycle note; never environment values or headers. */
  log(server: string, message: string): void;
  /** A server's state or tools changed. */
  onStatusChange?(status: McpServerStatus): void;
  /** A server said its prompts changed (`notifications/prompts/list_changed`). */
  onPromptsChanged?(server: string): void;
  /** A server said a resource this client subscribed to changed (`notifications/resources/updated`). */
  onResourceUpdated?(server: string, uri: string): void;
  /** Sent to servers in `initialize`. */
  clientInfo?: { name: string; version: string };
  /**
   * The workspace folders, offered to servers as MCP roots: information about
   * where the user works, which grants nothing (tools still run under
   * approval). Absent on the team server, which has no workspace.
   */
  roots?: () => { uri: string; name: string }[];
  /** Time allowed for spawning, `initialize` and the first `tools/list`. Default 60 s (npx may download first). */
  connectTimeoutMs?: number;
  /** A call is cancelled after this long without a result or a progress notification. Default 5 minutes. */
  callTimeoutMs?: number;
  /** Upper bound on a call, progress or not; the server is then told to stop it (`notifications/cancelled`). Default 30 minutes. */
  maxCallMs?: number;
  /** Results longer than this many characters are cut (the model is told). Default 30,000. */
  maxResultChars?: number;
  /** First restart delay after a crash; doubles per consecutive failure. Default 1 s. */
  restartDelayMs?: number;
  /** Longest restart delay. Default 30 s. */
  maxRestartDelayMs?: number;
  /** Consecutive failures after which Hearth stops restarting a server. Default 6. */
  maxConsecutiveFailures?: number;
  /** Time between SIGTERM and SIGKILL when a stdio server is stopped. Default 1 s. */
  killGraceMs?: number;
  /**
   * Where Streamable HTTP servers that answer 401 get their OAuth sign-in:
   * secret storage and the user's browser. Without it (the team server) such
   * a server fails to start as before.
   */
  oauth?: McpOAuthHost;
  /** How long Hearth waits for the browser to come back from sign-in. Default 5 minutes. */
  signInTimeoutMs?: number;
}

/** What one sign-in asks of the user: open this URL of this authorization server, for this MCP server. */
export interface McpSignInPrompt {
  server: string;
  /** The MCP server's URL without its query. */
  target: string;
  /** The authorization server's origin. */
  authorizationServer: string;
  authorizationUrl: string;
}

/**
 * The editor's side of MCP OAuth. The state is an opaque JSON string per
 * server, keyed by the server's canonical URL; it holds tokens, so it must be
 * kept in secret storage only, and never logged.
 */
export interface McpOAuthHost {
  load(serverUrl: string): Promise<string | undefined>;
  save(serverUrl: string, value: string): Promise<void>;
  remove(serverUrl: string): Promise<void>;
  /** Asks the user to sign in and opens the browser; false when the user declined. Aborting `signal` withdraws the question. */
  askSignIn(prompt: McpSignInPrompt, signal: AbortSignal): Promise<boolean>;
}

/** A `completion/complete` request: values for one argument of a prompt or of a resource template's variable (the public contract's shape). */
export type McpCompletionRequest = Omit<McpCompleteParams, 'server'>;

/** A server's suggestions for one argument, bounded and cleaned (see toCompletion). */
export type McpCompletion = McpCompleteResult;
