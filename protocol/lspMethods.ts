/**
 * Every custom LSP method Hearth's language server speaks, declared once.
 *
 * This contract is public: other editors may drive Hearth's server, so every
 * method lives under `hearth/` and is documented in docs/protocol.md. Both the
 * extension (client) and the language server import these objects, so a method
 * name or a parameter shape cannot drift between the two sides.
 */
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { Diagnostic, Range } from 'vscode-languageserver-protocol';
import type { AgentEvent, HearthError, UserInput } from './chat';
import type { SessionSummary, SessionView } from './sessions';

/** Options the client passes in `initialize.initializationOptions`. */
export interface HearthInitializationOptions {
  /** Directory where sessions are stored (the extension's global storage path). */
  storagePath: string;
  /** Path of a ripgrep binary the client knows about (VS Code bundles one). */
  ripgrepPath?: string;
  /** Version of the client, for logs. */
  clientVersion?: string;
  /** VS Code Workspace Trust at start; changes arrive as `hearth/workspace/trust`. Untrusted means read-only tools. */
  workspaceTrusted?: boolean;
}

/** The `hearth` settings section, as the server reads it with `workspace/configuration`. */
export interface HearthSettings {
  ollama: { host: string };
  chat: { model: string };
  completion: { model: string } & Partial<CompletionSettings>;
  agent?: AgentSettings;
  /** The team server (remote mode). The API key is never a setting: see TeamConnectRequest. */
  server?: TeamServerSettings;
}

/**
 * The agent's approval policy. These settings have `application` scope, so
 * only the user's own settings can change them: a cloned repository's
 * .vscode/settings.json cannot widen the allow-list.
 */
export interface AgentSettings {
  autoApproveEdits: boolean;
  commandAllowList: string[];
  commandDenyList: string[];
  maxSteps: number;
  commandTimeoutSeconds: number;
}

export interface ModelInfo {
  name: string;
  sizeBytes?: number;
  family?: string;
  parameterSize?: string;
  quantization?: string;
  modifiedAt?: string;
}

export interface BackendStatus {
  backend: 'local' | 'remote';
  host: string;
  model: string;
  state: 'idle' | 'busy' | 'error';
  /** A short sentence for the status bar tooltip when state is 'error'. */
  message?: string;
}

export interface ChatSendParams {
  /** Omit to start a new session. */
  sessionId?: string;
  input: UserInput;
  /** Overrides `hearth.chat.model` for this turn. */
  model?: string;
}

export interface ChatTurnStarted {
  sessionId: string;
  userEntryId: string;
  assistantEntryId: string;
}

export interface SessionRef {
  sessionId: string;
}

export interface ChatEventParams {
  sessionId: string;
  /** The assistant entry the event belongs to. */
  entryId: string;
  event: AgentEvent;
}

export interface ModelListResult {
  host: string;
  models: ModelInfo[];
  /** Set when the list could not be fetched (Ollama down); `models` is then empty. */
  error?: HearthError;
}

/** Starts a turn. Returns at once; the answer arrives as `hearth/chat/event` notifications. */
export namespace ChatSendRequest {
  export const method = 'hearth/chat/send' as const;
  export const type = new RequestType<ChatSendParams, ChatTurnStarted, HearthError>(method);
}

/** Runs the session's last user message again (after an error or a stop), without duplicating it. */
export namespace ChatRetryRequest {
  export const method = 'hearth/chat/retry' as const;
  export const type = new RequestType<SessionRef & { model?: string }, ChatTurnStarted, HearthError>(method);
}

/** Stops the session's running turn; the model request is aborted. Resolves with whether a turn was running. */
export namespace ChatStopRequest {
  export const method = 'hearth/chat/stop' as const;
  export const type = new RequestType<SessionRef, { stopped: boolean }, HearthError>(method);
}

/** Server → client: one event of a running turn. */
export namespace ChatEventNotification {
  export const method = 'hearth/chat/event' as const;
  export const type = new NotificationType<ChatEventParams>(method);
}

export namespace SessionListRequest {
  export const method = 'hearth/sessions/list' as const;
  export const type = new RequestType<Record<string, never>, { sessions: SessionSummary[] }, HearthError>(method);
}

export namespace SessionGetRequest {
  export const method = 'hearth/sessions/get' as const;
  export const type = new RequestType<SessionRef, SessionView, HearthError>(method);
}

export namespace SessionDeleteRequest {
  export const method = 'hearth/sessions/delete' as const;
  export const type = new RequestType<SessionRef, { deleted: boolean }, HearthError>(method);
}

/** Lists the models installed in the configured Ollama. Never throws for an unreachable host: see `error`. */
export namespace ModelListRequest {
  export const method = 'hearth/models/list' as const;
  export const type = new RequestType<Record<string, never>, ModelListResult, HearthError>(method);
}

/** Server → client: backend state for the status bar. */
export namespace StatusNotification {
  export const method = 'hearth/status' as const;
  export const type = new NotificationType<BackendStatus>(method);
}

// ---------------------------------------------------------------------------
// Inline suggestions, editor actions and code actions (issue 4).
// Inline suggestions themselves are standard LSP 3.18 `textDocument/inlineCompletion`.
// ---------------------------------------------------------------------------

/** The `hearth.completion` settings (the server fills in defaults for missing ones). */
export interface CompletionSettings {
  /** Inline suggestions on or off everywhere. */
  enabled: boolean;
  /** Language ids (`markdown`, `plaintext`) with inline suggestions off. */
  disabledLanguages: string[];
  /** Empty: the smallest installed code model. */
  model: string;
  /** Longest multi-line suggestion, in lines. */
  maxLines: number;
  /** Quiet time after a keystroke before the model is asked. */
  debounceMs: number;
  /**
   * `baseline` turns off debounce, aborting, caching, type-through and request
   * sharing. It exists only so the benchmark can measure what they save.
   */
  pipeline: 'optimized' | 'baseline';
}

export type CompletionState = 'idle' | 'thinking' | 'paused' | 'disabled' | 'modelMissing' | 'modelUnsupported' | 'error';

/** Server → client: the inline-suggestion state, for the status-bar control. */
export interface CompletionStatus {
  state: CompletionState;
  /** The model in use (or the one that is missing); empty when none could be chosen. */
  model: string;
  /** For modelMissing, modelUnsupported and error: what happened and what to do. */
  message?: string;
  /** A model the user can install to fix the state (`ollama pull <suggestedModel>`). */
  suggestedModel?: string;
  host?: string;
}

export namespace CompletionStatusNotification {
  export const method = 'hearth/completion/status' as const;
  export const type = new NotificationType<CompletionStatus>(method);
}

/** Client → server: pause or resume inline suggestions (not persisted; the client re-sends it after a restart). */
export namespace CompletionSetPausedNotification {
  export const method = 'hearth/completion/setPaused' as const;
  export const type = new NotificationType<{ paused: boolean }>(method);
}

/** What an editor action asks the model to do with a range. */
export type EditKind = 'fix' | 'document' | 'refactor' | 'tests';

export interface EditGenerateParams {
  textDocument: { uri: string };
  /** The code to rewrite (for `tests`: the code to test). */
  range: Range;
  kind: EditKind;
  /** The user's instruction, for `refactor`. */
  instruction?: string;
  /** The problems to fix, for `fix`. */
  diagnostics?: Diagnostic[];
  /** Overrides `hearth.chat.model`. */
  model?: string;
}

export interface EditGenerateResult {
  uri: string;
  /** The range `newText` replaces (for `tests`, the range that was tested). */
  range: Range;
  /** The replacement for `range`; for `tests`, the content of a new test file. */
  newText: string;
  model: string;
}

/**
 * Produces the replacement for a range, for actions that change code (fix,
 * document, refactor, write tests). The client shows it as a diff to accept
 * or reject. Cancelling the request aborts the model request.
 */
export namespace EditGenerateRequest {
  export const method = 'hearth/edit/generate' as const;
  export const type = new RequestType<EditGenerateParams, EditGenerateResult, HearthError>(method);
}

export interface CommitMessageParams {
  /** The staged diff (`git diff --cached`). */
  diff: string;
  /** Overrides `hearth.chat.model`. */
  model?: string;
}

export interface CommitMessageResult {
  message: string;
  model: string;
}

/** Writes a commit message for a staged diff. Cancelling aborts the model request. */
export namespace CommitMessageRequest {
  export const method = 'hearth/commit/generate' as const;
  export const type = new RequestType<CommitMessageParams, CommitMessageResult, HearthError>(method);
}

/** Commands the server's code actions invoke; the extension implements them. */
export const HearthActionCommands = {
  fix: 'hearth.fix',
  explainSelection: 'hearth.explainSelection',
} as const;

/** Arguments of `hearth.fix` when invoked from a code action. */
export interface FixCommandArgs {
  uri: string;
  range: Range;
  diagnostics: Diagnostic[];
}

/** Arguments of `hearth.explainSelection` when invoked from a code action. */
export interface ExplainCommandArgs {
  uri: string;
  range: Range;
}

// ---------------------------------------------------------------------------
// Agent tools: approvals, diagnostics, undo, trust and export.
// The tools run in the language server; these methods are how it asks the
// editor for the user's decisions and for what only the editor knows.

/** Which turn a server → client request belongs to, so the editor can show it in context. */
export interface TurnRef {
  sessionId: string;
  entryId: string;
}

export interface EditApprovalParams extends TurnRef {
  callId: string;
  toolName: string;
  /** Absolute path (symlinks resolved). */
  path: string;
  relativePath: string;
  /** Current content; null when the file does not exist yet. */
  oldContent: string | null;
  newContent: string;
}

export interface CommandApprovalParams extends TurnRef {
  callId: string;
  command: string;
  cwd: string;
  /** Why the command was not allowed automatically. */
  reason: string;
}

export interface ProblemInfo {
  path: string;
  line: number;
  severity: 'error' | 'warning' | 'info';
  message: string;
  source?: string;
}

/** Server → client: show the proposed change as a diff and return the user's decision. */
export namespace EditApprovalRequest {
  export const method = 'hearth/approval/edit' as const;
  export const type = new RequestType<EditApprovalParams, { decision: 'accept' | 'reject' | 'acceptAllForTurn' }, HearthError>(method);
}

/** Server → client: show the full command and return the user's decision. */
export namespace CommandApprovalRequest {
  export const method = 'hearth/approval/command' as const;
  export const type = new RequestType<CommandApprovalParams, { decision: 'accept' | 'reject' }, HearthError>(method);
}

/** Server → client: the editor's current diagnostics (for the get_problems tool). */
export namespace ProblemsRequest {
  export const method = 'hearth/problems' as const;
  export const type = new RequestType<{ relativePath?: string }, { problems: ProblemInfo[] }, HearthError>(method);
}

/** Client → server: VS Code Workspace Trust changed (untrusted workspaces get read-only tools). */
export namespace WorkspaceTrustNotification {
  export const method = 'hearth/workspace/trust' as const;
  export const type = new NotificationType<{ trusted: boolean }>(method);
}

/** Client → server: restore every file the agent changed in one reply. */
export namespace UndoTurnRequest {
  export const method = 'hearth/turn/undo' as const;
  export const type = new RequestType<TurnRef, { restored: string[]; removed: string[] }, HearthError>(method);
}

/** Client → server: a session as Markdown (messages, tool calls and results). */
export namespace SessionExportRequest {
  export const method = 'hearth/sessions/export' as const;
  export const type = new RequestType<SessionRef, { markdown: string; title: string }, HearthError>(method);
}

/**
 * `hearth.server.*` (application scope, so a cloned repository cannot point
 * Hearth at another server). `mode: 'remote'` runs chat on the team server at
 * `url` once the extension has handed over the API key.
 */
export interface TeamServerSettings {
  mode: 'local' | 'remote';
  /** grpcs://host:port, or grpc://127.0.0.1:port for an agent host on this machine. */
  url: string;
  /** A PEM CA bundle for a team server whose certificate a private CA signed; empty for the system roots. */
  caFile: string;
}

export interface TeamConnectParams {
  url: string;
  /** From VS Code's SecretStorage. The server keeps it in memory only and never logs it. */
  apiKey: string;
}

export interface TeamStatus {
  state: 'disconnected' | 'connecting' | 'connected' | 'error';
  /** The address as configured (grpcs://host:port). */
  url?: string;
  /** host:port, for the status bar. */
  host?: string;
  /** The user the API key belongs to. */
  user?: string;
  /** For 'error': what happened and what to do. */
  message?: string;
}

/** Client → server: sign in to a team server with an API key and use it for chat. Resolves once signed in. */
export namespace TeamConnectRequest {
  export const method = 'hearth/team/connect' as const;
  export const type = new RequestType<TeamConnectParams, TeamStatus, HearthError>(method);
}

/** Client → server: forget the team server and its API key; chat returns to the local agent. */
export namespace TeamDisconnectRequest {
  export const method = 'hearth/team/disconnect' as const;
  export const type = new RequestType<Record<string, never>, TeamStatus, HearthError>(method);
}

/** Server → client: the team connection changed (signed in, token refresh failed, disconnected). */
export namespace TeamStatusNotification {
  export const method = 'hearth/team/status' as const;
  export const type = new NotificationType<TeamStatus>(method);
}
