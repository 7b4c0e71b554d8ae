import type { AgentEvent, ChatMode, ContextItem, HearthError, ToolCall, ToolResult, Usage, DoneReason } from './chat';

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
  at: number;
  /** The editor's active file when the message was sent (its nearest AGENTS.md applies). */
  activeFile?: string;
  /** The rules files that went into the system prompt for this message. */
  rules?: { path: string; truncated: boolean }[];
}

/** One part of an assistant reply, in the order it happened. */
export type AssistantPart =
  | { kind: 'text'; text: string }
  /** The model's reasoning, kept for the user to read; never part of the history sent back to the model. */
  | { kind: 'thinking'; text: string }
  | { kind: 'toolCall'; call: ToolCall; result?: ToolResult }
  | { kind: 'status'; message: string; level: 'info' | 'warning' };

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
  at: number;
}

export type SessionEntry = UserEntry | AssistantEntry;

/** A whole session, as the webview renders it. */
export interface SessionView {
  summary: SessionSummary;
  entries: SessionEntry[];
}

/** Applies one agent event to an assistant entry. Shared by the store (replay) and the webview (live). */
export function applyAgentEvent(entry: AssistantEntry, event: AgentEvent): void {
  switch (event.type) {
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
    case 'status':
      entry.parts.push({ kind: 'status', message: event.message, level: event.level });
      break;
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
