import type { AgentRoute } from './agents';
import type { ChatImage } from './chatImages';
import type { AgentEvent, ContextItem, HearthError, SubagentInfo, SubagentOutcome, TodoItem, ToolCall, ToolResult, Usage, DoneReason, ChatMode } from './chat';

/** A row of the history list. */
export interface SessionSummary {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  model?: string;
  messageCount: number;
  /** The chat's mode (Ask, Plan or Agent); absent in chats from before modes, which were Agent. */
  mode?: ChatMode;
  /** Rules files (workspace-relative) the user switched off for this chat. */
  disabledRules?: string[];
  /** The model the user picked in this chat, per mode (each mode remembers its own). */
  models?: Partial<Record<ChatMode, string>>;
}

/** A user message as stored and shown. */
export interface UserEntry {
  kind: 'user';
  id: string;
  text: string;
  context: ContextItem[];
  /**
   * What the model reads instead of `text` when the message was a slash
   * command (`text` stays what the user typed). Kept, so a retry and every
   * later turn send the same expansion without running the command again.
   */
  expansion?: string;
  at: number;
  /** The editor's active file when the message was sent (its nearest AGENTS.md applies). */
  activeFile?: string;
  /** The rules files that went into the system prompt for this message. */
  rules?: { path: string; truncated: boolean }[];
  /** The agent the caller chose for this message (an editor action's role), so a retry keeps it. */
  agent?: { name: string; by: string };
  /** `/compact`: the earlier messages are summarised before this one, whatever the threshold; a retry does the same. */
  compact?: true;
  /** `/compact <focus>`: what the summary keeps in full detail. */
  compactFocus?: string;
  /**
   * Images attached to the message. In the session file each is stored as
   * `{ mimeType, name, sha256 }` and its bytes in a content-addressed side
   * file (see the language server's SessionStore); views and histories carry the data.
   */
  images?: ChatImage[];
}

/** One part of an assistant reply, in the order it happened. */
export type AssistantPart =
  | { kind: 'text'; text: string }
  /** The model's reasoning, kept for the user to read; never part of the history sent back to the model. */
  | { kind: 'thinking'; text: string }
  | { kind: 'toolCall'; call: ToolCall; result?: ToolResult }
  | { kind: 'status'; message: string; level: 'info' | 'warning'; id?: string }
  /** A sub-agent the main agent started: its own tool calls and notices, and how it ended. */
  | { kind: 'subagent'; agent: SubagentInfo; parts: AssistantPart[]; outcome?: SubagentOutcome };

/** An assistant reply as stored and shown. `state` is 'streaming' only while a turn is live (or was cut by a crash). */
export interface AssistantEntry {
  kind: 'assistant';
  id: string;
  /** The user entry this answers. */
  replyTo: string;
  model: string;
  /** The mode the reply was made in (a Plan reply offers "Run in Agent mode"). */
  mode?: ChatMode;
  parts: AssistantPart[];
  state: 'streaming' | 'done' | 'interrupted';
  doneReason?: DoneReason;
  error?: HearthError;
  usage?: Usage;
  /** How full the context was at this reply's last model request. */
  context?: { promptTokens: number; budgetTokens: number; numCtx: number };
  /** Older exchanges this reply's turn replaced by a summary (undone: the full history is back). */
  compaction?: { summary: string; summarizedExchanges: number; keptFrom?: string; undone?: boolean };
  /** The agent's plan as it last stood in this reply (its own updates, or the user's edit). */
  todos?: TodoItem[];
  /** Checkpoints of the workspace taken in this reply: before its first step (no `callId`) and after each tool call that may change files. */
  checkpoints?: ReplyCheckpoint[];
  /** The agent (role or agent file) that made this reply, and why it was chosen. */
  route?: AgentRoute;
  at: number;
}

export interface ReplyCheckpoint {
  id: string;
  /** The tool call it follows; absent: taken before the reply, when the user's message was sent. */
  callId?: string;
}

/** What a restore puts back: the files, the conversation, or both. */
export type RestoreScope = 'both' | 'files' | 'conversation';

/** The latest restore, while it can be redone (until the next message). */
export interface RedoableRestore {
  restoreId: string;
  scope: RestoreScope;
  /** The checkpoint of the files taken right before the restore (what redo puts back). */
  filesBefore?: string;
  /**
   * The restore of the files stopped partway (the language server was
   * killed, or it failed): some files may be as in the checkpoint and some
   * as before, and Redo puts back all of them as they were before it.
   */
  interrupted?: boolean;
}

export type SessionEntry = UserEntry | AssistantEntry;

/** A whole session, as the webview renders it. */
export interface SessionView {
  summary: SessionSummary;
  entries: SessionEntry[];
  /** Present after a restore to a checkpoint, until the next message: Redo brings back the state before it. */
  redo?: RedoableRestore;
}

function findSubagent(entry: AssistantEntry, agentId: string): Extract<AssistantPart, { kind: 'subagent' }> | undefined {
  for (let i = entry.parts.length - 1; i >= 0; i--) {
    const part = entry.parts[i];
    if (part.kind === 'subagent' && part.agent.id === agentId) return part;
  }
  return undefined;
}

/** Applies one agent event to an assistant entry. Shared by the store (replay) and the webview (live). */
export function applyAgentEvent(entry: AssistantEntry, event: AgentEvent): void {
  switch (event.type) {
    case 'context':
      entry.context = { promptTokens: event.promptTokens, budgetTokens: event.budgetTokens, numCtx: event.numCtx };
      break;
    case 'compacted':
      entry.compaction = { summary: event.summary, summarizedExchanges: event.summarizedExchanges, keptFrom: event.keptFrom };
      break;
    case 'compactionUndone':
      if (entry.compaction) entry.compaction.undone = true;
      break;
    case 'checkpoint':
      (entry.checkpoints ??= []).push(event.callId !== undefined ? { id: event.checkpointId, callId: event.callId } : { id: event.checkpointId });
      break;
    case 'agentRoute':
      entry.route = { ...event.route };
      if (event.route.model) entry.model = event.route.model;
      break;
    case 'todos':
      entry.todos = event.items.map((item) => ({ ...item }));
      break;
    case 'agentSpawn':
      entry.parts.push({ kind: 'subagent', agent: event.agent, parts: [] });
      break;
    case 'agentEvent': {
      // A sub-agent's activity lands in its own card; the parts list of the card follows the same rules as the reply's.
      const card = findSubagent(entry, event.agentId);
      if (card) applyAgentEvent({ ...entry, parts: card.parts }, event.event);
      break;
    }
    case 'agentResult': {
      const card = findSubagent(entry, event.agentId);
      if (card) card.outcome = event.outcome;
      break;
    }
    case 'text': {
      const last = entry.parts[entry.parts.length - 1];
      if (last && last.kind === 'text') last.text += event.delta;
      else entry.parts.push({ kind: 'text', text: event.delta });
      break;
    }
    case 'thinking': {
      const last = entry.parts[entry.parts.length - 1];
      if (last && last.kind === 'thinking') last.text += event.delta;
      else entry.parts.push({ kind: 'thinking', text: event.delta });
      break;
    }
    case 'toolCall':
      entry.parts.push({ kind: 'toolCall', call: event.call });
      break;
    case 'toolResult': {
      for (let i = entry.parts.length - 1; i >= 0; i--) {
        const part = entry.parts[i];
        if (part.kind === 'toolCall' && part.call.id === event.result.callId) {
          part.result = event.result;
          break;
        }
      }
      break;
    }
    case 'status': {
      // A note with an id takes the place of the earlier one with the same id (see AgentEvent's status).
      const earlier = event.id === undefined ? undefined : entry.parts.find((p): p is Extract<AssistantPart, { kind: 'status' }> => p.kind === 'status' && p.id === event.id);
      if (earlier) {
        earlier.message = event.message;
        earlier.level = event.level;
      } else entry.parts.push({ kind: 'status', message: event.message, level: event.level, ...(event.id !== undefined ? { id: event.id } : {}) });
      break;
    }
    case 'usage':
      entry.usage = event.usage;
      break;
    case 'error':
      entry.error = event.error;
      break;
    case 'done':
      entry.state = 'done';
      entry.doneReason = event.reason;
      break;
  }
}
