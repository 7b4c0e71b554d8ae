/**
 * Chat data shared by every process: the conversation history the client owns,
 * the context the user attaches, and the events an agent turn produces.
 * This module is pure types plus tiny helpers so that the webview can import it
 * without pulling in Node or `vscode`.
 */
import type { AgentRoute } from './agents';
import type { ChatImage } from './chatImages';

/** A tool call as the model asked for it. `arguments` is already parsed JSON when it was valid. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

/** What a tool returned. `isError` results go back to the model so it can correct itself. */
export interface ToolResult {
  callId: string;
  name: string;
  content: string;
  isError: boolean;
  /** A one-line summary for the chat ("read 120 lines", "exit 0"). */
  summary?: string;
  durationMs?: number;
  /**
   * What the chat shows at a glance instead of the raw arguments, computed by
   * the tool that ran (the one owner of these numbers) so the webview never
   * re-parses arguments or output. Never sent to the model; in team mode the
   * client attaches its own copy, so a server cannot forge it.
   */
  display?: ToolResultDisplay;
}

/** A tool result as the chat summarizes it. */
export type ToolResultDisplay =
  /** write_file / edit_file: the change, counted like a diff; the chat opens it in VS Code's diff editor. */
  | { kind: 'fileChange'; path: string; added: number; removed: number; created: boolean }
  /** run_command: the command line as it ran, how it ended. `exitCode` is null when a signal, a timeout or a cancel ended it. */
  | { kind: 'command'; command: string; exitCode: number | null; signal?: string; timedOut?: boolean; cancelled?: boolean }
  /** read_file: the file and the lines read. */
  | { kind: 'read'; path: string; lines: number; startLine?: number; endLine?: number; totalLines?: number }
  /** grep / glob: what was searched and how much was found (`truncated`: there were more). */
  | { kind: 'search'; pattern: string; path?: string; matches: number; files: number; truncated?: boolean };

export type Role = 'system' | 'user' | 'assistant' | 'tool';

/** One message of the history sent to the model. */
export interface ChatMessage {
  role: Role;
  content: string;
  /** Present on assistant messages that asked for tools. */
  toolCalls?: ToolCall[];
  /** Present on tool messages: which call this answers. */
  toolCallId?: string;
  toolName?: string;
  /** Images of a user message (a vision model sees them; see chatImages.ts). */
  images?: ChatImage[];
}

/** Context the user attached to a message: a selection, a whole file, or an `@path` mention. */
export interface ContextItem {
  kind: 'selection' | 'file' | 'mention';
  /** Workspace-relative path, shown on the chip. */
  path: string;
  /** The text itself; for mentions the language server fills it in from disk. */
  text?: string;
  /** 1-based inclusive line range for selections. */
  range?: { startLine: number; endLine: number };
  languageId?: string;
  /**
   * Where a `@codebase` mention's text came from: the chunks it attached, in
   * order, shown under its chip and opened from there. Set only by the
   * language server when it resolves the mention (anything sent in is dropped).
   */
  references?: ContextReference[];
}

/** One chunk of a file that `@codebase` attached: a workspace-relative path and 1-based inclusive lines. */
export interface ContextReference {
  path: string;
  startLine: number;
  endLine: number;
}

/**
 * An MCP resource attached with `@` travels as a mention whose path is
 * `mcp:<server>/<uri>` (no spaces, like a file path), so the composer, the
 * stored session and the team-server protocol need nothing new; the
 * language server reads it from the server when the message is sent. A
 * resource of the team server's (the admin's) MCP servers is
 * `mcp-team:<server>/<uri>`: it is read through the team server, never from
 * a developer's server that happens to have the same name.
 */
export function resourceMention(server: string, uri: string, team = false): string {
  return `${team ? 'mcp-team' : 'mcp'}:${server}/${uri}`;
}

/**
 * `@terminal`: the active terminal's selection or recent output. The editor
 * fills in its text when the message is sent (only the editor can read a
 * terminal); like a resource it needs nothing new in any protocol.
 */
export const TERMINAL_MENTION = 'terminal:active';

/** The server and URI of a resource mention, and whether it is the team server's; undefined for a file path. */
export function parseResourceMention(path: string): { server: string; uri: string; team: boolean } | undefined {
  const m = /^(mcp|mcp-team):([^/\s]+)\/(\S+)$/.exec(path);
  return m ? { server: m[2], uri: m[3], team: m[1] === 'mcp-team' } : undefined;
}

/**
 * Whether a mention names a workspace folder (`@src/parser/`): the path ends
 * with `/`. The language server attaches the folder's file list and the
 * contents of as many of its files as fit (workspace/readWorkspaceFolder.ts).
 */
export function isFolderMention(path: string): boolean {
  return path.endsWith('/') && parseResourceMention(path) === undefined && !isWebPageMention(path);
}

/**
 * Whether a mention is a web page (`@https://docs.example.com/guide`): the
 * language server fetches it when the message is sent and attaches its text
 * (chat/readWebPage.ts). Only http and https, with no spaces.
 */
export function isWebPageMention(path: string): boolean {
  return /^https?:\/\/[^\s/]+\S*$/i.test(path);
}

/**
 * How the agent works in a chat. `ask` answers with read-only tools; `plan`
 * investigates with read-only tools and answers with a numbered plan the user
 * can edit and run in Agent mode; `agent` has every tool, under the user's
 * approval policy. The agent core alone turns a mode into a tool set.
 */
export type ChatMode = 'ask' | 'plan' | 'agent';
export const CHAT_MODES: readonly ChatMode[] = ['ask', 'plan', 'agent'];
export const DEFAULT_CHAT_MODE: ChatMode = 'agent';

export function isChatMode(value: unknown): value is ChatMode {
  return typeof value === 'string' && (CHAT_MODES as readonly string[]).includes(value);
}

/** The mode after `mode`, for the keyboard command that cycles Ask → Plan → Agent → Ask. */
export function nextChatMode(mode: ChatMode): ChatMode {
  return CHAT_MODES[(CHAT_MODES.indexOf(mode) + 1) % CHAT_MODES.length];
}

/** The mode's name as the chat shows it. */
export function chatModeLabel(mode: ChatMode): string {
  return mode === 'ask' ? 'Ask' : mode === 'plan' ? 'Plan' : 'Agent';
}

/**
 * A rules file of the repository (AGENTS.md, CLAUDE.md,
 * .github/copilot-instructions.md, .clinerules) as it goes into the system
 * prompt: read on the developer's machine, capped in size. Its text is
 * repository content: instructions to the model only, never policy.
 */
export interface RulesFile {
  /** Workspace-relative path, as the chip shows it. */
  path: string;
  text: string;
  /** The file was longer than the cap and `text` is its start. */
  truncated: boolean;
}

/**
 * Text about the workspace that the client offers the model at the start of
 * an agent turn (the repository map, project memory). The agent core owns
 * the budget: it adds the sections to the system prompt in order, each cut
 * (by whole lines, from the end, with a note) to what is left of its share
 * of the context window.
 */
/**
 * The longest focus `/compact <focus>` may give the summary: the language
 * server refuses a longer one, the team server's decoder too, and the agent
 * core never sends more to the model.
 */
export const MAX_COMPACT_FOCUS_CHARS = 2000;

export interface WorkspaceContextSection {
  title: string;
  text: string;
  /** The most tokens this section may take, even when more of the budget is left. */
  maxTokens?: number;
}

/**
 * `@codebase` in the composer: a mention whose path is this word. The
 * language server replaces it with the codebase search results for the
 * message's text when the message is sent (so it needs nothing new in the
 * stored session or the team-server protocol either).
 */
export const CODEBASE_MENTION = 'codebase';

/**
 * `@problems`: the workspace's errors and warnings (VS Code's diagnostics).
 * Only the editor knows them, so it fills in the text when the message is
 * sent, like `@terminal`. A plain word, like `@codebase`, because that is
 * what users of other assistants type.
 */
export const PROBLEMS_MENTION = 'problems';

/**
 * `@changes`: the uncommitted changes of the workspace's git repositories
 * (staged and not staged, and the names of untracked files), read by the
 * editor through VS Code's Git extension when the message is sent.
 */
export const CHANGES_MENTION = 'changes';

/** The mentions whose text only the editor can fill in; the language server never reads them as files. */
export const EDITOR_MENTIONS: readonly string[] = [TERMINAL_MENTION, PROBLEMS_MENTION, CHANGES_MENTION];

/** The user's side of a turn. */
export interface UserInput {
  text: string;
  context: ContextItem[];
  /** Images the user attached (pasted, dropped or picked); only vision models take them. */
  images?: ChatImage[];
}

export type HearthErrorCode =
  | 'ollamaUnreachable'
  /** A provider of `hearth.providers` (an OpenAI-compatible server or another Ollama) could not be reached; the message names it and its URL. */
  | 'providerUnreachable'
  | 'modelNotFound'
  | 'modelError'
  | 'connectionDropped'
  | 'cancelled'
  | 'invalidRequest'
  | 'limitReached'
  /** The chat's history could not be written to the extension's storage (a full disk, a folder that is not writable); the message names the folder. */
  | 'storageFailed'
  | 'internal';

/**
 * An error the user sees. `message` says what happened and what to do;
 * the structured fields let the UI offer buttons (Retry, pick a model).
 */
export interface HearthError {
  code: HearthErrorCode;
  message: string;
  /** The Ollama URL that was tried, for reachability errors. */
  host?: string;
  /** The requested model, for model errors. */
  model?: string;
  /** Models that are installed, so the user can pick one. */
  installedModels?: string[];
  /** modelNotFound only: `model` is missing from the local Ollama, which can download it (the chat offers Download). */
  pullable?: boolean;
  /** Whether resending the same message may succeed. */
  retryable: boolean;
  /** When the team server asked the client to wait (its `retry-after-ms`): retrying sooner will be refused again. */
  retryAfterMs?: number;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  /** Wall time the model spent, from Ollama's own timing fields. */
  totalDurationMs?: number;
  loadDurationMs?: number;
  evalDurationMs?: number;
}

/**
 * Whether a thinking model reasons before it answers (Ollama's `think`):
 * true/false, or a level for models that take one (gpt-oss).
 */
export type ThinkValue = boolean | 'low' | 'medium' | 'high';

export type DoneReason = 'stop' | 'length' | 'cancelled' | 'error' | 'limit';

/**
 * The kinds of sub-agent the main agent can start. Explorers and researchers
 * get the read-only tools only and may run side by side; an executor gets
 * every tool the turn offers, under the same approvals as the main agent,
 * and runs alone.
 */
export const SUBAGENT_ROLES = ['explorer', 'researcher', 'executor'] as const;
export type SubagentRole = (typeof SUBAGENT_ROLES)[number];

/** A sub-agent as started: shown as a card in the chat. */
export interface SubagentInfo {
  /** Unique within the turn; prefixes the ids of the sub-agent's own tool calls. */
  id: string;
  role: SubagentRole;
  /** The named agent it runs as (`run_subagents` with `agent`); the card shows "@name (role)". */
  agent?: string;
  model: string;
  task: string;
  /** The main agent's `run_subagents` call that started it. */
  parentCallId: string;
}

/** How a sub-agent ended; `summary` is what the main agent reads as its result. */
export interface SubagentOutcome {
  reason: DoneReason;
  summary: string;
  durationMs: number;
  usage?: Usage;
  error?: HearthError;
}

/** One step of the agent's visible plan (its update_todos tool), which the user may edit between turns. */
export const TODO_STATUSES = ['pending', 'inProgress', 'done'] as const;
export type TodoStatus = (typeof TODO_STATUSES)[number];
export interface TodoItem {
  text: string;
  status: TodoStatus;
}
/** The most items a plan holds, and the longest item: a plan is a short checklist, not a document. */
export const MAX_TODO_ITEMS = 30;
export const MAX_TODO_TEXT = 500;

/** What a sub-agent does while it works, as the chat shows it inside its card. */
export type SubagentActivity = Extract<AgentEvent, { type: 'toolCall' | 'toolResult' | 'status' }>;

/**
 * The stream of an agent turn. Designed for the tool loop from the start:
 * text arrives as deltas, tool calls and their results are separate events,
 * and every turn ends with exactly one `done`.
 */
export type AgentEvent =
  | { type: 'text'; delta: string }
  /**
   * The model's reasoning (Ollama's `message.thinking`), streamed before and
   * between answers by thinking models. Shown apart from the answer and kept
   * in the session, but never sent back to the model as content.
   */
  | { type: 'thinking'; delta: string }
  | { type: 'toolCall'; call: ToolCall }
  | { type: 'toolResult'; result: ToolResult }
  /**
   * A note in the reply. One with an `id` replaces the reply's earlier note
   * with the same id in place: a model load's note becomes how long it took,
   * a tool's progress updates one line instead of adding one per report.
   */
  | { type: 'status'; message: string; level: 'info' | 'warning'; id?: string }
  | { type: 'usage'; usage: Usage }
  | { type: 'error'; error: HearthError }
  /**
   * The agent's plan as a whole, each time it changes (its update_todos
   * tool), or as the user edited it between turns (`byUser`).
   */
  | { type: 'todos'; items: TodoItem[]; byUser?: boolean }
  /**
   * How full the model's context is for the request about to be sent, from
   * the same budget the prompt is fitted to: the chat header's meter.
   */
  | { type: 'context'; promptTokens: number; budgetTokens: number; numCtx: number }
  /**
   * The oldest `summarizedExchanges` exchanges of the history (each starts
   * at a user message) were replaced by `summary` for this turn and the ones
   * after it, because the context passed the compaction threshold. The
   * language server adds `keptFrom`, the first user entry kept verbatim. The
   * messages stay in the session log; `compactionUndone` brings them back.
   */
  | { type: 'compacted'; summary: string; summarizedExchanges: number; keptFrom?: string }
  /** The user undid this reply's compaction: later turns see the full history again, and this chat no longer compacts. */
  | { type: 'compactionUndone' }
  /**
   * The language server took a checkpoint of the workspace's files (see
   * language-server/checkpoints/): before the reply's first step (no
   * `callId`) or after the tool call `callId`. The client's own event.
   */
  | { type: 'checkpoint'; checkpointId: string; callId?: string }
  /**
   * The agent this reply is made by and why (the user's `@name`, a keyword,
   * the classifier, an editor action). Decided by the language server before
   * the turn, never by the agent core, so it never crosses the gRPC stream.
   */
  | { type: 'agentRoute'; route: AgentRoute }
  /** A sub-agent started (by the main agent's `run_subagents` call). */
  | { type: 'agentSpawn'; agent: SubagentInfo }
  /** A tool call, result or notice of a running sub-agent. */
  | { type: 'agentEvent'; agentId: string; event: SubagentActivity }
  /** A sub-agent finished; its summary also reaches the main agent as the tool result. */
  | { type: 'agentResult'; agentId: string; outcome: SubagentOutcome }
  | { type: 'done'; reason: DoneReason };

export type AgentEventType = AgentEvent['type'];
