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
import type { AgentSummary } from './agents';
import type { AgentEvent, ContextItem, HearthError, HearthErrorCode, SubagentRole, TodoItem, UserInput, ChatMode, ContextReference } from './chat';
import type { RestoreScope, SessionSummary, SessionView } from './sessions';
import type { ChatImage, ImageRef, StoredChatImage } from './chatImages';
import type { SlashCommandCall, SlashCommandInfo } from './slashCommands';
import type { ElicitationField, ElicitationValue } from './elicitationForm';

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
  /** Where tree-sitter.wasm and the grammars are; default: `tree-sitter/` beside the server's bundle. */
  treeSitterDir?: string;
  /**
   * The client keeps MCP servers' OAuth state in its secret storage
   * (`hearth/mcp/oauth/*`) and answers `hearth/mcp/signIn`. Without it, an
   * HTTP server that answers 401 fails to start as it always did.
   */
  mcpOAuth?: boolean;
}

/** The `hearth` settings section, as the server reads it with `workspace/configuration`. */
/** `hearth.chat.think`: Ollama's default, on, off, or a reasoning level. */
export type ThinkSetting = 'auto' | 'on' | 'off' | 'low' | 'medium' | 'high';
export const THINK_SETTINGS: readonly ThinkSetting[] = ['auto', 'on', 'off', 'low', 'medium', 'high'];

/**
 * One entry of `hearth.providers`: a model server beside the default Ollama.
 * Its models are named `<name>::<model>`. The API key is never a setting: see
 * ProviderApiKeyRequest.
 */
export interface ProviderConfig {
  /** Lowercase letters, digits, `-` and `_`; `ollama` is the default provider's name. */
  name: string;
  kind: 'ollama' | 'openai';
  /** Where the server listens, e.g. http://127.0.0.1:1234 (LM Studio); a trailing `/v1` is dropped. */
  baseUrl: string;
  /** The models of an `openai` provider that take images: such a server does not say which do (an Ollama reports it itself). */
  visionModels?: string[];
}

export interface HearthSettings {
  ollama: {
    /** Where Ollama is, never with a user name or password in it. */
    host: string;
    /**
     * The Authorization header (basic) for a host the setting named with
     * `user:password@`: sent with every request to the host, shown nowhere.
     */
    authorization?: string;
  };
  /** `hearth.providers`, the entries that are valid; `providerProblems` says what is wrong with the others. */
  providers?: ProviderConfig[];
  providerProblems?: string[];
  chat: {
    model: string;
    think?: ThinkSetting;
    thinkByModel?: Record<string, ThinkSetting>;
    /** Fraction of the context budget past which older exchanges are summarised (`hearth.chat.compactionThreshold`); 1 never compacts. */
    compactionThreshold?: number;
    /** `hearth.chat.fetchWebPages` (application scope): whether `@https://…` mentions are fetched. */
    fetchWebPages?: boolean;
  };
  completion: { model: string } & Partial<CompletionSettings>;
  agent?: AgentSettings;
  /** The team server (remote mode). The API key is never a setting: see TeamConnectRequest. */
  server?: TeamServerSettings;
  /** `hearth.mcp` (application scope): the user's own MCP servers. See the MCP section below. */
  mcp?: McpSettings;
  /** `hearth.index`: the symbol index. */
  index?: IndexSettings;
  /** `hearth.memory`: project memory (.hearth/memory.md). */
  memory?: MemorySettings;
  /** `hearth.codebaseSearch`: semantic and full-text search of the workspace (codebase_search, @codebase). */
  codebaseSearch?: CodebaseSearchSettings;
}

export interface CodebaseSearchSettings {
  enabled: boolean;
  /** The Ollama embedding model; '' means full-text ranking only. */
  embeddingModel: string;
  /** Absolute folders of Markdown and text documentation searched with the workspace (user settings only). */
  documentationFolders?: string[];
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
  /** Whether the agent may start sub-agents (`hearth.agent.subagents`). */
  subagents: boolean;
  subagentMaxParallel: number;
  /** A model per sub-agent role; a role without one uses the chat's model. */
  subagentModels: Partial<Record<SubagentRole, string>>;
  /** Whether the agent may load Agent Skills (`hearth.agent.skills`). */
  skills?: boolean;
  /** Whether the agent keeps a visible plan (`hearth.agent.todoList`). */
  todoList: boolean;
  /** A model per agent or role (`hearth.agent.roleModels`); an agent without one uses its file's model, else the chat's. */
  roleModels?: Record<string, string>;
  /** `hearth.agent.routing`: off (only `@agent` and editor actions), keywords (the agent files' keywords), auto (keywords, then the classifier). */
  routing?: 'off' | 'keywords' | 'auto';
  /** `hearth.agent.routerModel`: the classifier's model; '' uses the completion model, else the chat's. */
  routerModel?: string;
  /** `hearth.agent.defaultAgent`: the agent of a message nothing routed; '' is Hearth itself. */
  defaultAgent?: string;
}

export interface ModelInfo {
  /** The model string to send: a plain Ollama name, or `<provider>::<model>` for a model of `hearth.providers`. */
  name: string;
  /** The provider of `hearth.providers` that offers it; undefined for the default Ollama (`hearth.ollama.host`). */
  provider?: string;
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
  /** 'loading': Ollama is loading the model before the first byte (a cold load takes 20–60 s). */
  state: 'idle' | 'busy' | 'loading' | 'error';
  /** A short sentence for the status bar: what went wrong ('error'), or "Loading <model>…" ('loading'). */
  message?: string;
  /** With 'error': which kind, so a missing model is not shown as an unavailable server. */
  errorCode?: HearthErrorCode;
}

export interface ChatSendParams {
  /** Omit to start a new session. */
  sessionId?: string;
  input: UserInput;
  /** Overrides the chat's model for this turn only (see ChatModelRequest for how the model is chosen otherwise). */
  model?: string;
  /** The model last picked in this mode in the editor's workspace; used when the chat has no pick of its own for the mode. */
  rememberedModel?: string;
  /** Ask, Plan or Agent; stored with the session (omitted: the session's mode, else Agent). */
  mode?: ChatMode;
  /** Rules files (workspace-relative paths) the user switched off for this chat; stored with the session. */
  disabledRules?: string[];
  /** The editor's active file (workspace-relative): its nearest AGENTS.md applies too. */
  activeFile?: string;
  /** An agent the caller chose for this message (an editor action's role); stored with the message. A leading `@name` in the text does the same for the user. */
  agent?: { name: string; by: string };
}

export interface ChatTurnStarted {
  sessionId: string;
  userEntryId: string;
  assistantEntryId: string;
  /** Continue: `assistantEntryId` is the cut reply itself, which streams again and grows in place. */
  continued?: boolean;
  /** The mode the reply is made in. */
  mode?: ChatMode;
  /**
   * What each `@codebase` mention of the message attached, by the item's
   * position in the message's context, so the chat lists it under the chip
   * right away (the stored message holds the same).
   */
  references?: { context: number; references: ContextReference[] }[];
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
  /** Where the models are: the local Ollama or the connected team server. */
  backend?: 'local' | 'remote';
  models: ModelInfo[];
  /** Set when the default backend's list could not be fetched (Ollama down); `models` then holds only the providers' models. */
  error?: HearthError;
  /**
   * Providers of `hearth.providers` that could not list their models (each
   * message names the provider and its URL), and entries of the setting that
   * are not valid. They never hide the other providers' models.
   */
  providerErrors?: HearthError[];
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

/**
 * Resumes the session's last answer after it stopped at the model's length
 * limit (`done` with reason `length`), in place: the same reply streams again
 * (`continued: true`, the same `assistantEntryId`) and its text carries on
 * where it was cut (the model continues its own last message), rather than
 * starting the answer over.
 */
export namespace ChatContinueRequest {
  export const method = 'hearth/chat/continue' as const;
  export const type = new RequestType<SessionRef & { model?: string }, ChatTurnStarted, HearthError>(method);
}

/** The user's edit of a reply's plan (its checklist); the next turn starts from it. Refused while the chat streams. */
export namespace ChatTodosRequest {
  export const method = 'hearth/chat/todos' as const;
  export const type = new RequestType<SessionRef & { entryId: string; items: TodoItem[] }, Record<string, never>, HearthError>(method);
}

/** Brings back the full history a reply's compaction replaced; the chat no longer compacts. Refused while the chat streams. */
export namespace ChatUndoCompactionRequest {
  export const method = 'hearth/chat/undoCompaction' as const;
  export const type = new RequestType<SessionRef & { entryId: string }, Record<string, never>, HearthError>(method);
}

/** What a restore or a redo did to the files (workspace-relative paths). */
export interface CheckpointRestoreResult {
  written: string[];
  deleted: string[];
  /** Files that could not be put back, and why (the rest was restored). */
  failed: { path: string; error: string }[];
  /** A restore of the conversation to before a message: that message's text, for the composer. */
  draft?: string;
}

/**
 * Restores the files and/or the conversation to a checkpoint of the chat
 * (`AssistantEntry.checkpoints`). The files as they were just before are
 * checkpointed first and the conversation is only hidden, so Redo can bring
 * both back. Refused while the chat streams.
 */
export namespace CheckpointRestoreRequest {
  export const method = 'hearth/checkpoint/restore' as const;
  export const type = new RequestType<SessionRef & { checkpointId: string; scope: RestoreScope }, CheckpointRestoreResult, HearthError>(method);
}

/**
 * Takes an earlier user message back to edit it: the conversation returns to
 * before it (files are left as they are; Redo brings the conversation back
 * until a new message is sent) and `draft` is its text. Refused while the
 * chat streams.
 */
export namespace ChatEditMessageRequest {
  export const method = 'hearth/chat/editMessage' as const;
  export const type = new RequestType<SessionRef & { entryId: string }, CheckpointRestoreResult, HearthError>(method);
}

/** Undoes the chat's latest restore (`SessionView.redo`). Refused while the chat streams or after a new message. */
export namespace CheckpointRedoRequest {
  export const method = 'hearth/checkpoint/redo' as const;
  export const type = new RequestType<SessionRef, CheckpointRestoreResult, HearthError>(method);
}

/** Stops the session's running turn; the model request is aborted. Resolves with whether a turn was running. */
export namespace ChatStopRequest {
  export const method = 'hearth/chat/stop' as const;
  export const type = new RequestType<SessionRef, { stopped: boolean }, HearthError>(method);
}

/**
 * A message that starts with a slash command. `input.text` is what the user
 * typed (shown in the chat and stored); the server expands `command` into the
 * text the model reads. `editorContext` is the active editor's selection (or
 * file), which the built-ins that work on code use when the message carries
 * no code of its own.
 */
export interface ChatCommandParams extends ChatSendParams {
  command: SlashCommandCall;
  editorContext?: ContextItem;
}

/**
 * `started`: the turn, as for `hearth/chat/send`, with `input` the user's side as
 * stored (its context may include the editor code the command used).
 * `newChat`: the command opened a new chat (`/new`); with text after it, `started` is that chat's first turn.
 */
export interface ChatCommandResult {
  started?: ChatTurnStarted;
  input?: UserInput;
  newChat?: boolean;
}

/**
 * Runs a slash command: expands it and starts the turn like `hearth/chat/send`,
 * or performs its action. An unknown command, a missing required argument or
 * a failing MCP prompt is an `invalidRequest` error and nothing is stored.
 */
export namespace ChatCommandRequest {
  export const method = 'hearth/chat/command' as const;
  export const type = new RequestType<ChatCommandParams, ChatCommandResult, HearthError>(method);
}

/**
 * The agents matching `query` (a prefix of the name), for the composer's `@`
 * list: the built-in roles, the user's agent files and, in a trusted
 * workspace, the repository's. Read afresh on every call.
 */
export namespace AgentsListRequest {
  export const method = 'hearth/agents/list' as const;
  export const type = new RequestType<{ query: string }, { agents: AgentSummary[] }, HearthError>(method);
}

/** The commands matching `query` (a prefix or part of the name), for `/` completion: built-ins, prompt files, MCP prompts. */
export namespace SlashCommandsRequest {
  export const method = 'hearth/slash/list' as const;
  export const type = new RequestType<{ query: string }, { commands: SlashCommandInfo[] }, HearthError>(method);
}

/**
 * Which of these files (absolute paths on the developer's machine) are
 * secrets files: ones the user's `hearth.completion.disabledFiles` names
 * (`.env`, keys, credentials by default). `@changes` lists such a file by
 * name and leaves out its diff; the language server holds the one matcher.
 */
export namespace SecretsFilesRequest {
  export const method = 'hearth/files/secrets' as const;
  export const type = new RequestType<{ paths: string[] }, { secrets: boolean[] }, HearthError>(method);
}

/** Server → client: one event of a running turn. */
export namespace ChatEventNotification {
  export const method = 'hearth/chat/event' as const;
  export const type = new NotificationType<ChatEventParams>(method);
}

/** `hiddenNewer`: how many chats are left out because a newer Hearth saved them (kept on disk until the user updates). */
export namespace SessionListRequest {
  export const method = 'hearth/sessions/list' as const;
  export const type = new RequestType<Record<string, never>, { sessions: SessionSummary[]; hiddenNewer?: number }, HearthError>(method);
}

export namespace SessionGetRequest {
  export const method = 'hearth/sessions/get' as const;
  export const type = new RequestType<SessionRef, SessionView, HearthError>(method);
}

/** Renames a chat; the title is trimmed and at most 200 characters. */
export namespace SessionRenameRequest {
  export const method = 'hearth/sessions/rename' as const;
  export const type = new RequestType<SessionRef & { title: string }, { summary: SessionSummary }, HearthError>(method);
}

/**
 * Stores a chat's own settings without sending a message: its mode (the
 * header's switch), the rules files switched off for it. Reopening the chat
 * restores them.
 */
export interface SessionConfigureParams extends SessionRef {
  mode?: ChatMode;
  disabledRules?: string[];
  /** The model picked in the chat: stored as this chat's model for its mode (`mode`, if given, else the chat's). */
  model?: string;
}

export interface ChatModelParams {
  sessionId?: string;
  mode?: ChatMode;
  rememberedModel?: string;
}

/**
 * The model the next message of a chat would use, decided by the same code
 * that decides it for the turn (the request's override, the chat's pick for
 * its mode, the mode's remembered pick, `hearth.chat.model`, the first
 * installed model), so the picker never shows one model and sends another.
 * `model` is empty when none can be chosen (nothing installed, backend down).
 */
export namespace ChatModelRequest {
  export const method = 'hearth/chat/model' as const;
  export const type = new RequestType<ChatModelParams, { model: string }, HearthError>(method);
}

export namespace SessionConfigureRequest {
  export const method = 'hearth/sessions/configure' as const;
  export const type = new RequestType<SessionConfigureParams, { summary: SessionSummary }, HearthError>(method);
}

/** A rules file that applies to a message, as the chat's chip shows it. */
export interface RulesFileInfo {
  /** Workspace-relative path. */
  path: string;
  /** Absolute path, for opening it in the editor. */
  absolutePath: string;
  /** Its size on disk. */
  bytes: number;
  /** Longer than the cap: only its start reaches the model. */
  truncated: boolean;
  /** False when the user switched it off for this chat. */
  enabled: boolean;
}

export interface RulesListParams {
  /** The chat whose switched-off files apply; omitted for a new chat. */
  sessionId?: string;
  /** Workspace-relative paths the message attaches or mentions (and the active file): the nearest AGENTS.md of each applies. */
  paths: string[];
  /** Switched off in a chat that has no session yet. */
  disabledRules?: string[];
}

/** The rules files that go into the system prompt for a message with these paths. */
export namespace RulesListRequest {
  export const method = 'hearth/rules/list' as const;
  export const type = new RequestType<RulesListParams, { rules: RulesFileInfo[] }, HearthError>(method);
}

export namespace SessionDeleteRequest {
  export const method = 'hearth/sessions/delete' as const;
  export const type = new RequestType<SessionRef, { deleted: boolean }, HearthError>(method);
}

export interface DraftImagesSaveParams {
  /** The composer's draft (a UUID the webview keeps in its state). */
  draftId: string;
  /** The draft's images already stored. */
  keep: ImageRef[];
  /** Images newly attached to the draft (at most MAX_IMAGES_PER_MESSAGE in all). */
  add: ChatImage[];
}

/**
 * Stores the images attached to an unsent draft and pins them (the image
 * store's collector keeps them while the draft lives); returns the
 * references of `add`, in order. No images at all unpins the draft.
 */
export namespace DraftImagesSaveRequest {
  export const method = 'hearth/draftImages/save' as const;
  export const type = new RequestType<DraftImagesSaveParams, { refs: ImageRef[] }, HearthError>(method);
}

/** Reads an unsent draft's images back (after a reload); `missing` names those no longer stored. */
export namespace DraftImagesLoadRequest {
  export const method = 'hearth/draftImages/load' as const;
  export const type = new RequestType<{ refs: ImageRef[] }, { images: StoredChatImage[]; missing: string[] }, HearthError>(method);
}

/** Lists the models installed in the configured Ollama. Never throws for an unreachable host: see `error`. */
/**
 * Client → server: the API key of one provider of `hearth.providers`, read
 * from the editor's SecretStorage; the server keeps it in memory only and
 * sends it only to that provider's `baseUrl` (as `Authorization: Bearer`).
 * An absent `apiKey` forgets the key. Sent again after every server start.
 */
export namespace ProviderApiKeyRequest {
  export const method = 'hearth/providers/apiKey' as const;
  export const type = new RequestType<ProviderApiKeyParams, Record<string, never>, HearthError>(method);
}

export interface ProviderApiKeyParams {
  provider: string;
  /** The provider's `baseUrl` the key was stored for; the key is used only while the setting names the same URL. */
  baseUrl: string;
  apiKey?: string;
}

export namespace ModelListRequest {
  export const method = 'hearth/models/list' as const;
  export const type = new RequestType<Record<string, never>, ModelListResult, HearthError>(method);
}

/** How far a download has got, as Ollama reports it (api.ProgressResponse): a status line, and bytes for a layer being pulled. */
export interface ModelPullProgress {
  model: string;
  /** "pulling manifest", "pulling 6a0746a1ec1a", "verifying sha256 digest", "writing manifest", "success". */
  status: string;
  completed?: number;
  total?: number;
}

/**
 * Client → server: downloads `model` into the local Ollama (/api/pull), with
 * progress as notifications; cancelling the request stops the download.
 * Resolves when Ollama says "success"; refused in team-server mode (the
 * admin installs the team's models) and for a name that is not a model name.
 */
export namespace ModelPullRequest {
  export const method = 'hearth/models/pull' as const;
  export const type = new RequestType<{ model: string }, { model: string }, HearthError>(method);
}

/** Server → client: progress of a ModelPullRequest. */
export namespace ModelPullProgressNotification {
  export const method = 'hearth/models/pullProgress' as const;
  export const type = new NotificationType<ModelPullProgress>(method);
}

/** Server → client: backend state for the status bar. */
export namespace StatusNotification {
  export const method = 'hearth/status' as const;
  export const type = new NotificationType<BackendStatus>(method);
}

// ---------------------------------------------------------------------------
// The symbol index (issue 14).
// ---------------------------------------------------------------------------

/** The `hearth.index` and `hearth.memory` settings. */
export interface IndexSettings {
  /** Build the symbol index (find_symbol, the repository map). */
  enabled: boolean;
}

export interface MemorySettings {
  /** Offer the `remember` tool and add .hearth/memory.md to each agent turn (opt-in per workspace). */
  enabled: boolean;
}

/** Where the symbol index is, for the status bar: `done` of `total` files checked in the current build. */
export interface IndexProgress {
  /** `paused`: the user paused the build from the status bar; lookups answer from what was indexed. */
  state: 'idle' | 'indexing' | 'ready' | 'paused' | 'off' | 'error';
  done: number;
  total: number;
  /** Files in the index now. */
  files: number;
  /** Files parsed in this build (new or changed). */
  parsed: number;
  /** Files taken from the cache unchanged (same size and mtime, or same content hash). */
  reused: number;
  /** Files left out: binary, too large, hard-linked, or over the limits. */
  skipped: number;
  message?: string;
}

/** Server → client: the symbol index's progress, at most every 100 ms while it builds. */
export namespace IndexStatusNotification {
  export const method = 'hearth/index/status' as const;
  export const type = new NotificationType<IndexProgress>(method);
}

/** The symbol index's progress now (the status bar asks once at start, then follows the notification). */
export namespace IndexStatusRequest {
  export const method = 'hearth/index/getStatus' as const;
  export const type = new RequestType<Record<string, never>, IndexProgress, void>(method);
}

/**
 * What the status bar's menu asks of both indexes: `reindex` checks every
 * file again (a full walk; unchanged files are not re-read), `pause` stops a
 * running build where it is (what it finished is kept; a re-index resumes).
 */
export interface IndexControlParams {
  action: 'reindex' | 'pause';
}

export namespace IndexControlRequest {
  export const method = 'hearth/index/control' as const;
  export const type = new RequestType<IndexControlParams, void, void>(method);
}

// ---------------------------------------------------------------------------
// Codebase search (issue 14): the semantic and full-text index of the workspace.
// ---------------------------------------------------------------------------

/**
 * Where the codebase index is: `done` of `total` files in this phase. The
 * same small shape as every index's progress, so one status bar item can show them.
 */
export interface SemanticIndexProgress {
  /** `paused`: the user paused indexing from the status bar; search answers from what was indexed. */
  phase: 'off' | 'opening' | 'scanning' | 'indexing' | 'ready' | 'paused' | 'error';
  done: number;
  total: number;
  /** A sentence for the user: what happened and what to do (a missing embedding model, a rebuild). */
  message?: string;
  /** Set while search works without embeddings: why, and the fix (for a warning in the status bar). */
  problem?: string;
  /** True when that problem is an embedding model that is not installed (the status bar's menu offers to download it). */
  modelMissing?: boolean;
  /** The embedding model the index uses; '' when none is set (full-text only, by choice: no warning). */
  embeddingModel?: string;
}

/** The codebase index's progress now (the client asks once at start, then follows the notification). */
export namespace SemanticIndexStatusRequest {
  export const method = 'hearth/codebaseSearch/getStatus' as const;
  export const type = new RequestType<Record<string, never>, SemanticIndexProgress, void>(method);
}

/** Server → client: the codebase index's progress, at most ten times a second while it indexes. */
export namespace SemanticIndexStatusNotification {
  export const method = 'hearth/codebaseSearch/status' as const;
  export const type = new NotificationType<SemanticIndexProgress>(method);
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
  /**
   * Glob patterns of files (relative to their workspace folder) with inline
   * suggestions off, which are never shown to the model as another file's
   * context either; by default common secrets files (`.env`, keys).
   */
  disabledFiles: string[];
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

/** `loading`: a suggestion waits for Ollama to load the model (a cold load, 20–60 s for a large model). */
export type CompletionState = 'idle' | 'thinking' | 'loading' | 'paused' | 'disabled' | 'modelMissing' | 'modelUnsupported' | 'error';

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

/**
 * The command an inline suggestion carries (LSP `InlineCompletionItem.command`)
 * in team mode: VS Code runs it when the user accepts the suggestion, and the
 * language client sends it back as `workspace/executeCommand` (the server
 * declares it in `executeCommandProvider`), with the document's language id as
 * the one argument. The counts go to the team server's admin page.
 */
export const SUGGESTION_ACCEPTED_COMMAND = 'hearth.completion.accepted';

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
  /** The replacement for `range`; for `tests`, the content of a new test file, or the tests to append to `testFile` when it exists. */
  newText: string;
  model: string;
  /** The role the action ran as (Write Tests: tester, Add Documentation: documenter, Fix and Refactor: coder). */
  agent?: string;
  /**
   * For `tests` on a saved file: where the tests go, chosen by the project's
   * conventions (test folders, naming, framework). The client shows the new
   * file, or the tests appended to the existing one, as a diff to review.
   */
  testFile?: { uri: string; relativePath: string; exists: boolean; framework?: string };
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

/** What a code review finding is about, most serious first. */
export const REVIEW_SEVERITIES = ['bug', 'security', 'performance', 'maintainability', 'style'] as const;
export type ReviewSeverity = (typeof REVIEW_SEVERITIES)[number];

/** One file of the uncommitted changes to review. */
export interface ReviewFileChange {
  /** The file as it is now (a `file:` URI inside a workspace folder). */
  uri: string;
  /** `git diff HEAD -- <file>`: its new side is the file on disk. Absent for a file git does not track yet: all of it is new. */
  diff?: string;
}

export interface CodeReviewParams {
  /** Review these files' uncommitted changes (Review Uncommitted Changes)… */
  changes?: ReviewFileChange[];
  /** …or this range of an open document (Review Selection). */
  selection?: { textDocument: { uri: string }; range: Range };
  /** Files of the changes left out on the client (refused by the read rules), named to the user in the result's summary. */
  withheld?: { path: string; reason: string }[];
  /** Overrides the reviewer role's model. */
  model?: string;
}

/** One comment of the review, anchored to lines of the file as it is now. */
export interface ReviewFinding {
  uri: string;
  /** Whole lines, 0-based, that the comment is about. */
  range: Range;
  severity: ReviewSeverity;
  title: string;
  /** Markdown from the model: shown untrusted (no command links, no HTML). */
  comment: string;
  /** A replacement for whole lines: `oldText` is what those lines held when reviewed, so a later edit of them is noticed. */
  fix?: { range: Range; oldText: string; newText: string };
}

export interface CodeReviewResult {
  findings: ReviewFinding[];
  model: string;
  /** The role the review ran as ("reviewer"), when roles apply. */
  agent?: string;
  /** Files whose changes the model saw. */
  reviewedFiles: string[];
  /** Files left out, by the client's read rules or because the review was full, with why. */
  leftOut: { path: string; reason: string }[];
  /** Findings the model wrote that could not be anchored (a file or line outside the review): dropped, counted. */
  dropped: number;
  /** Findings past the most a review shows (the least serious ones), counted; absent when none. */
  beyondLimit?: number;
  /** The model's whole answer when no finding could be read from it, so the user can still read it. */
  unreadable?: string;
}

/** Reviews uncommitted changes or a selection; the findings become comments in the editor. Cancelling aborts the model request. */
export namespace CodeReviewRequest {
  export const method = 'hearth/review' as const;
  export const type = new RequestType<CodeReviewParams, CodeReviewResult, HearthError>(method);
}

export interface ApplyCodeBlockParams {
  /** The file to merge the block into; the server reads it from the synchronised document (the client opens it first). */
  textDocument: { uri: string };
  /** The code block from the chat, often a partial snippet ("… existing code …"). */
  code: string;
  /** Overrides `hearth.chat.model` (the chat's model). */
  model?: string;
}

export interface ApplyCodeBlockResult {
  uri: string;
  /** The document version the merge was made from; the client refuses to apply it to a later version. */
  version: number;
  /** The whole new content of the file. */
  newText: string;
  /**
   * How the merge was made: `symbol` when the block replaced exactly one
   * whole declaration with the same name (no model call), `model` when the
   * chat model merged it.
   */
  via: 'symbol' | 'model';
  /** The model that merged it (absent for `symbol`). */
  model?: string;
}

/**
 * Merges a chat code block into a whole file ("Apply" on a code block). The
 * result is the whole new file; the client shows it as a diff to accept or
 * reject. Cancelling the request aborts the model request.
 */
export namespace ApplyCodeBlockRequest {
  export const method = 'hearth/edit/apply' as const;
  export const type = new RequestType<ApplyCodeBlockParams, ApplyCodeBlockResult, HearthError>(method);
}

export interface EditTargetCheckParams {
  /** The file an accepted change is about to be written to. */
  uri: string;
}

export interface EditTargetCheckResult {
  /** Why the change must not be written there now (a sentence starting "it …"); absent when it may. */
  refusal?: string;
}

/**
 * Asked by the client right before it writes an accepted change (Apply, an
 * editor action, Write Tests): the target was checked when the diff was made,
 * but a command running meanwhile (in another chat) can put a symlink where
 * the file was, or where a new file is to be created, so the write would land
 * elsewhere: outside the workspace, in the protected set, or on a dangling
 * link's target. The server owns that decision (the agent's write
 * confinement); the client writes only when the answer has no refusal.
 */
export namespace EditTargetCheckRequest {
  export const method = 'hearth/edit/checkTarget' as const;
  export const type = new RequestType<EditTargetCheckParams, EditTargetCheckResult, HearthError>(method);
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
  /** Set when the file makes another program run code: why (the approval shows it, and it asks even with auto-approved edits). */
  executionSensitive?: string;
}

export interface CommandApprovalParams extends TurnRef {
  callId: string;
  command: string;
  cwd: string;
  /** Why the command was not allowed automatically (the first of `reasons`). */
  reason: string;
  /** Every reason it needs approval, most important first. */
  reasons: string[];
  /** How it will be confined if approved: the sandbox in use ('none': this machine has none) and whether it gets the network. */
  sandbox: { kind: 'bubblewrap' | 'seatbelt' | 'none'; network: boolean };
  /** The allow-list entry "Always allow" adds, when one exactly covers the command. */
  suggestedRule?: string;
}

/** A read the user must approve (a file with several hard links may be a file outside the workspace). */
export interface ReadApprovalParams extends TurnRef {
  callId: string;
  toolName: string;
  path: string;
  relativePath: string;
  reason: string;
}

/** A web page the agent's fetch_web_page tool would fetch: the address is shown in full, since it leaves the machine. */
export interface WebPageApprovalParams extends TurnRef {
  callId: string;
  toolName: string;
  url: string;
  /** The server the address is sent to. */
  host: string;
  /** The proxy it goes through, without credentials, when one applies. */
  via?: string;
  /** The host is this machine or a private network's. */
  local: boolean;
  /** The address a name resolved to, when that is what makes it local. */
  resolvesTo?: string;
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
  export const type = new RequestType<CommandApprovalParams, { decision: 'accept' | 'reject' | 'alwaysAllow' }, HearthError>(method);
}

/** Server → client: ask whether the agent may read a file that needs approval; returns the user's decision. */
export namespace ReadApprovalRequest {
  export const method = 'hearth/approval/read' as const;
  export const type = new RequestType<ReadApprovalParams, { decision: 'accept' | 'reject' }, HearthError>(method);
}

/** Server → client: ask whether the agent may fetch a web page; returns the user's decision. */
export namespace WebPageApprovalRequest {
  export const method = 'hearth/approval/webPage' as const;
  export const type = new RequestType<WebPageApprovalParams, { decision: 'accept' | 'reject' }, HearthError>(method);
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

/** One file change an agent tool made, as it was reviewed: what the chat's "+N −M path" opens in the diff editor. */
export interface ToolChange {
  toolName: string;
  /** Workspace-relative path, as the chat shows it. */
  relativePath: string;
  /** null: the tool created the file. */
  before: string | null;
  after: string;
}

/** A reference `@codebase` attached to a stored message: which one (by position), and where it is now. */
export interface ChatReferenceParams {
  sessionId: string;
  /** The user message whose `@codebase` item holds it. */
  entryId: string;
  /** The item's position in the message's context, and the reference's in the item. */
  context: number;
  reference: number;
}

/**
 * Client → server: the file and lines of a reference, to open in the editor.
 * Only a reference the stored message lists resolves, and only inside the
 * workspace folders (the same confinement as the tools), so the chat cannot
 * name any other file.
 */
export namespace ChatReferenceRequest {
  export const method = 'hearth/chat/reference' as const;
  export const type = new RequestType<ChatReferenceParams, { uri: string; startLine: number; endLine: number }, HearthError>(method);
}

/** Client → server: the change one tool call of a reply made (its diff). */
export namespace ToolChangeRequest {
  export const method = 'hearth/tools/change' as const;
  export const type = new RequestType<TurnRef & { callId: string }, ToolChange, HearthError>(method);
}

/**
 * A command the agent runs, as the "Hearth Agent" terminal shows it. The
 * terminal is only a view: the command runs in the language server's
 * sandboxed executor, and these notifications copy what it printed.
 */
export type CommandActivity =
  | { kind: 'start'; sessionId: string; entryId: string; callId: string; command: string; cwd: string }
  /** Output as the command printed it, stdout and stderr interleaved (decoded as UTF-8). */
  | { kind: 'output'; callId: string; text: string }
  | { kind: 'end'; callId: string; exitCode: number | null; signal?: string; timedOut: boolean; cancelled: boolean; durationMs: number };

/** Server → client: a command started, printed something, or ended. */
export namespace CommandActivityNotification {
  export const method = 'hearth/tools/commandActivity' as const;
  export const type = new NotificationType<CommandActivity>(method);
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

// ---------------------------------------------------------------------------
// MCP servers (issue 6). The language server runs the developer's MCP servers
// (user settings and the workspace's .vscode/mcp.json), offers their tools to
// the agent as `server.tool`, and asks the editor before anything runs: a
// workspace server is started only once the user trusts its exact command
// line, and every tool call needs the user's approval unless they chose
// "always allow" for that tool's exact definition.

/**
 * A stdio MCP server: `command` is spawned with `args` directly (never through
 * a shell), in `cwd`, with `env` added to a minimal environment (PATH, HOME,
 * USER, SHELL, TERM, LOGNAME), so the editor's own secrets never reach it.
 * `type` may be omitted, as in VS Code's and Claude's files.
 */
export interface McpStdioServerConfig {
  type?: 'stdio';
  command: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
}

/**
 * The wire protocol of an http server: `streamable-http` (MCP 2025-03-26 and
 * later) or `sse`, the older HTTP+SSE transport (2024-11-05: a GET event
 * stream whose `endpoint` event names where to POST messages).
 */
export type McpHttpTransport = 'streamable-http' | 'sse';

/**
 * An MCP server over HTTP; `headers` (for example an Authorization header) go
 * with every request. Without `transport` Hearth tries Streamable HTTP first
 * and falls back to HTTP+SSE when the server answers 400, 404 or 405, as the
 * MCP specification's backwards-compatibility section prescribes; with it,
 * Hearth uses that transport only. `"type": "sse"` in mcp.json (VS Code's
 * spelling) means `transport: "sse"`.
 */
export interface McpHttpServerConfig {
  type: 'http';
  url: string;
  headers?: Record<string, string>;
  transport?: McpHttpTransport;
}

/** One entry of `servers` in .vscode/mcp.json or `hearth.mcp.servers`; strings may use `${env:VAR}` and `${workspaceFolder}`. */
export type McpServerConfig = McpStdioServerConfig | McpHttpServerConfig;

/**
 * `hearth.mcp` (application scope, so a cloned repository cannot add servers
 * through its .vscode/settings.json). The server checks each entry's shape and
 * reports a bad one in `hearth/mcp/list` instead of dropping it silently.
 */
export interface McpSettings {
  servers: Record<string, McpServerConfig>;
  /** `hearth.mcp.samplingPerHour`: how many sampling requests one server may show in an hour (0 refuses them all). */
  samplingPerHour?: number;
  /** `hearth.mcp.logLevel`: the least severe log message servers are asked to send (`logging/setLevel`); `off` shows none. */
  logLevel?: McpLogLevel;
  /** `hearth.mcp.disabledTools`: the servers (`server`) and tools (`server.tool`) the user turned off; see protocol/mcpDisabledTools.ts. */
  disabledTools?: string[];
}

/** MCP's log levels (RFC 5424 severities), least severe first. */
export const MCP_LOG_LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'] as const;

/** A level of `hearth.mcp.logLevel`: one of MCP's, or `off`. */
export type McpLogLevel = (typeof MCP_LOG_LEVELS)[number] | 'off';

/** Where a server is configured: the user's settings, or a workspace folder's .vscode/mcp.json. */
export type McpServerSource = 'user' | 'workspace';

/**
 * - `awaitingTrust`: a workspace server waiting for the user's decision (`hearth/mcp/trustServer`).
 * - `notTrusted`: a workspace server the user declined, or any workspace server while VS Code's Workspace Trust is off.
 * - `starting`, `running`: spawning / initializing, then serving tools.
 * - `restarting`: it stopped unexpectedly; Hearth starts it again at `nextRestartAt` (exponential backoff). Its tools are gone meanwhile.
 * - `failed`: a bad configuration, or it kept failing and Hearth stopped retrying; `lastError` says what to fix.
 * - `stopped`: shut down by Hearth.
 * - `off`: the user turned it off (`hearth.mcp.disabledTools`), so it is not started.
 */
export type McpServerState = 'awaitingTrust' | 'notTrusted' | 'starting' | 'running' | 'restarting' | 'failed' | 'stopped' | 'off';

export interface McpToolSummary {
  /** The name the model sees: `server.tool`. */
  name: string;
  /** The tool's own name on its server, as `hearth.mcp.disabledTools` names it after the server's. */
  toolName: string;
  title?: string;
  /** The server's description, shortened for lists. */
  description: string;
  /** True when the user turned this tool off: the model is not offered it. */
  off?: boolean;
}

export interface McpServerInfo {
  name: string;
  source: McpServerSource;
  /** For workspace servers: the absolute path of the mcp.json that declares it. */
  configPath?: string;
  transport: 'stdio' | 'http';
  /** The command line (stdio) or the URL without its query (http). Environment values and headers are never included. */
  target: string;
  state: McpServerState;
  tools: McpToolSummary[];
  /** What went wrong last (a crash, a refused connection, a bad entry), with what to do. */
  lastError?: string;
  /** The stdio server's process id while it runs. */
  pid?: number;
  /** How many times Hearth restarted it after it stopped unexpectedly. */
  restarts: number;
  /** For `restarting`: when the next attempt starts (milliseconds since the epoch). */
  nextRestartAt?: number;
  /** http: true when Hearth holds OAuth tokens for it (the user signed in); "Hearth: Sign Out of MCP Server" deletes them. */
  signedIn?: boolean;
  /** http, while it runs: the transport its session uses (after the fallback probe when none was configured). */
  httpTransport?: McpHttpTransport;
}

export interface McpTrustParams {
  name: string;
  /** The mcp.json that declares the server. */
  configPath: string;
  transport: 'stdio' | 'http';
  /** stdio: the program, its arguments and working directory exactly as they will be spawned (variables substituted). */
  command?: string;
  args?: string[];
  cwd?: string;
  /** stdio: the command line for display (arguments with spaces or quotes are quoted). */
  commandLine?: string;
  /** http: the URL exactly as it will be requested. */
  url?: string;
  /** The names of the environment variables the config sets; their values are never sent. */
  envNames: string[];
  /** The names of the HTTP headers the config sets; their values are never sent. */
  headerNames: string[];
  /**
   * The names of the variables of the user's environment the entry reads
   * (`${env:NAME}` in its command, arguments, env, URL or headers): the server
   * gets their values, whatever names the config gives them.
   */
  envReads: string[];
  /**
   * http: the user's own paths its header values carry, by variable
   * (`userHome`, `workspaceFolder`, `workspaceFolderBasename`); they name the
   * user and the project, and header values are never shown.
   */
  headerPathReads: Array<'userHome' | 'workspaceFolder' | 'workspaceFolderBasename'>;
  /** True when the user trusted an earlier version of this server's entry, which has changed since. */
  changed: boolean;
}

/** Server → client: ask the user whether to start a workspace MCP server. Nothing runs before the answer. */
export namespace McpTrustServerRequest {
  export const method = 'hearth/mcp/trustServer' as const;
  export const type = new RequestType<McpTrustParams, { decision: 'trust' | 'deny' }, HearthError>(method);
}

/** A tool's definition as the server declared it; its hash decides whether an approval still applies. */
/**
 * A tool's definition as its server declared it, everything the model or the
 * user is shown: an approval ("Always allow") is tied to the hash of all of it.
 */
export interface McpToolDefinitionSnapshot {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  /** Shown to the model when the description is empty, and to the user. */
  title?: string;
  /** The server's hints (readOnlyHint, destructiveHint, …), shown with the approval. */
  annotations?: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
}

export interface McpToolApprovalParams extends TurnRef {
  callId: string;
  server: string;
  source: McpServerSource;
  /** The tool's own name on its server. */
  tool: string;
  /** The name the model used: `server.tool`. */
  toolName: string;
  arguments: Record<string, unknown>;
  definition: McpToolDefinitionSnapshot;
  /** The definition the user approved before, present when it has changed since (show the difference). */
  previousDefinition?: McpToolDefinitionSnapshot;
}

/**
 * Server → client: may this MCP tool call run? `alwaysAllow` runs this tool
 * without asking in this workspace for as long as its definition stays the same.
 * A cancelled request (the turn was stopped) counts as a rejection.
 */
export namespace McpToolApprovalRequest {
  export const method = 'hearth/approval/mcpTool' as const;
  export const type = new RequestType<McpToolApprovalParams, { decision: 'accept' | 'reject' | 'alwaysAllow' }, HearthError>(method);
}

/** Client → server: every configured MCP server with its state and tools. */
export namespace McpListRequest {
  export const method = 'hearth/mcp/list' as const;
  /** `problems`: whole-file problems (an mcp.json that is not valid JSON), each naming the file. */
  export const type = new RequestType<Record<string, never>, { servers: McpServerInfo[]; problems: string[] }, HearthError>(method);
}

/** A resource offered for `@` completion: `mention` is the path the composer inserts (see `resourceMention`). */
export interface McpResourceChoice {
  server: string;
  /** The resource's URI, or a template's URI template. */
  uri: string;
  name: string;
  mention: string;
  /** Present for a resource template (RFC 6570 level 1): the `{variables}` the user fills in before it is attached. */
  variables?: string[];
}

/** Client → server: the running MCP servers' resources matching `query`, for `@` completion beside files. */
export namespace McpResourcesRequest {
  export const method = 'hearth/mcp/resources' as const;
  export const type = new RequestType<{ query: string }, { resources: McpResourceChoice[] }, HearthError>(method);
}

/**
 * What the user is filling in: one argument of an MCP prompt (`/mcp.<server>.<prompt>`)
 * or one `{variable}` of a resource template (`@`), with the text typed so far
 * and the values of the arguments already filled (`context`), which may narrow the suggestions.
 */
export interface McpCompleteParams {
  /** The configured server name (as in `McpResourceChoice.server` and the prompt's server). */
  server: string;
  /** True for the team server's (admin's) server, in remote mode: asked through the team server (`SlashCommandInfo.team`, an `mcp-team:` template). */
  team?: boolean;
  ref: { type: 'prompt'; name: string } | { type: 'resourceTemplate'; uriTemplate: string };
  argument: { name: string; value: string };
  context?: Record<string, string>;
}

/** At most 100 values, each one line; `hasMore`: the server has more (the user should type more). */
export interface McpCompleteResult {
  values: string[];
  hasMore: boolean;
  total?: number;
}

/**
 * Client → server: a server's suggestions for one prompt argument or template
 * variable (MCP `completion/complete`). Empty when the server does not offer
 * completions; an error when there is no such server or it failed to answer.
 * Cancel the request when the user types on.
 */
export namespace McpCompleteRequest {
  export const method = 'hearth/mcp/complete' as const;
  export const type = new RequestType<McpCompleteParams, McpCompleteResult, HearthError>(method);
}

/** Client → server: restart one server now (a `notTrusted` workspace server is asked about again). */
export namespace McpRestartRequest {
  export const method = 'hearth/mcp/restart' as const;
  export const type = new RequestType<{ name: string }, McpServerInfo, HearthError>(method);
}

/** Server → client: a server's state or tools changed (started, crashed, restarting, tools changed). */
export namespace McpServerStatusNotification {
  export const method = 'hearth/mcp/status' as const;
  export const type = new NotificationType<McpServerInfo>(method);
}

/** Server → client: one line a server wrote to stderr, or a lifecycle note from Hearth, for the output channel. */
export namespace McpLogNotification {
  export const method = 'hearth/mcp/log' as const;
  export const type = new NotificationType<{ server: string; message: string }>(method);
}

/**
 * Where a server's request to the user belongs: the chat and the MCP tool
 * call during which the server sent it (the card is shown in that call's
 * row), or empty strings when no call of that server is running (the card is
 * shown above the input).
 */
export interface McpRequestOrigin {
  sessionId: string;
  entryId: string;
  callId: string;
  server: string;
  source: McpServerSource;
}

/** One message of a sampling request, as the model will get it (text only). */
export interface McpSamplingMessage {
  role: 'user' | 'assistant';
  text: string;
}

export interface McpSamplingParams extends McpRequestOrigin {
  messages: McpSamplingMessage[];
  systemPrompt?: string;
  maxTokens: number;
  temperature?: number;
  /** The model that will answer: the user's chat model, never one the server names. */
  model: string;
  /** The server's model preferences (names it hinted at), shown for information only. */
  modelHints: string[];
}

/**
 * Server → client: an MCP server asks Hearth's model for one completion
 * (`sampling/createMessage`). Shown to the user with the exact messages;
 * `accept` runs one completion without tools, `reject` returns an error to the
 * server. There is no "always allow". A cancelled request counts as a rejection.
 */
export namespace McpSamplingRequest {
  export const method = 'hearth/approval/mcpSampling' as const;
  export const type = new RequestType<McpSamplingParams, { decision: 'accept' | 'reject' }, HearthError>(method);
}

export interface McpElicitationParams extends McpRequestOrigin {
  /** The server's message, shown as plain text. */
  message: string;
  /** The form, already checked by `elicitationFields` (protocol/elicitationForm.ts). */
  fields: ElicitationField[];
}

/**
 * Server → client: an MCP server asks the user for input through a form
 * (`elicitation/create`, form mode). `content` accompanies `accept` only and
 * is checked against the fields again by the server before it is sent on.
 * A cancelled request answers `cancel`.
 */
export namespace McpElicitationRequest {
  export const method = 'hearth/approval/mcpElicitation' as const;
  export const type = new RequestType<McpElicitationParams, { action: 'accept' | 'decline' | 'cancel'; content?: Record<string, ElicitationValue> }, HearthError>(method);
}

// --- MCP OAuth (Streamable HTTP servers that need sign-in) ---
// The language server runs the OAuth flow (the SDK's discovery, registration,
// PKCE and token requests) but cannot reach VS Code's SecretStorage, so it
// keeps each server's OAuth state there through the editor. The state is one
// opaque JSON string per server, keyed by the server's canonical URL, so the
// tokens of one server are never presented to another. It is never written to
// settings, logs or disk in plain text.

/** `serverUrl`: the MCP server's canonical URL (no fragment), the key of its OAuth state. */
export interface McpOAuthSecretKey {
  serverUrl: string;
}

/** Server → client: the stored OAuth state of one MCP server, or null. */
export namespace McpOAuthSecretGetRequest {
  export const method = 'hearth/mcp/oauth/get' as const;
  export const type = new RequestType<McpOAuthSecretKey, { value: string | null }, HearthError>(method);
}

/** Server → client: store one MCP server's OAuth state (client registration and tokens), replacing what was there. */
export namespace McpOAuthSecretStoreRequest {
  export const method = 'hearth/mcp/oauth/store' as const;
  export const type = new RequestType<McpOAuthSecretKey & { value: string }, Record<string, never>, HearthError>(method);
}

/** Server → client: delete one MCP server's OAuth state. */
export namespace McpOAuthSecretDeleteRequest {
  export const method = 'hearth/mcp/oauth/delete' as const;
  export const type = new RequestType<McpOAuthSecretKey, Record<string, never>, HearthError>(method);
}

export interface McpSignInParams {
  /** The configured server name. */
  server: string;
  /** The server's URL without its query, as the server list shows it. */
  target: string;
  /** The authorization server's origin (https, or loopback in development), where the user signs in. */
  authorizationServer: string;
  /** The full authorization URL (PKCE S256, `state`, `resource`) to open in the user's browser. */
  authorizationUrl: string;
}

/**
 * Server → client: an MCP server needs sign-in. The editor asks the user,
 * naming the server and the authorization server's origin, and on `open`
 * opens `authorizationUrl` in the browser; the browser comes back to the
 * language server's loopback listener (127.0.0.1, random port, `state`
 * checked). `cancel` leaves the server stopped.
 */
export namespace McpSignInRequest {
  export const method = 'hearth/mcp/signIn' as const;
  export const type = new RequestType<McpSignInParams, { decision: 'open' | 'cancel' }, HearthError>(method);
}

/** Client → server: forget one MCP server's OAuth tokens and registration and stop it; restarting it asks to sign in again. */
export namespace McpSignOutRequest {
  export const method = 'hearth/mcp/signOut' as const;
  export const type = new RequestType<{ name: string }, McpServerInfo, HearthError>(method);
}
