import type { AgentEvent, ToolCall } from '../../protocol/chat';
import type { McpProgress, McpTool } from './mcpTypes';

/** How often a running call's progress note changes at most (its last report always shows). */
export const PROGRESS_NOTE_INTERVAL_MS = 1000;

/** A server's progress message is its own words: bounded, so a hostile server cannot fill the chat with one. */
const MAX_PROGRESS_MESSAGE = 300;

export type StatusNote = Extract<AgentEvent, { type: 'status' }>;

/**
 * Turns an MCP server's progress notifications into the chat's notes: one
 * note per call, replaced in place as the call goes on (the note's id names
 * the call), so a long operation updates one line instead of adding one per
 * report. Reports closer together than `intervalMs` are dropped, except the
 * first one that reaches the total: only the first, since a server can say
 * "finished" as often as it likes, and each one shown is a message to the
 * editor and a repaint of the chat.
 */
export function mcpProgressNotes(intervalMs = PROGRESS_NOTE_INTERVAL_MS, now: () => number = Date.now): (tool: McpTool, call: ToolCall, progress: McpProgress) => StatusNote | undefined {
  const lastShown = new Map<string, number>();
  const finishShown = new Set<string>();
  return (tool, call, p) => {
    const at = now();
    const last = lastShown.get(call.id);
    const finishing = p.total !== undefined && p.progress >= p.total && !finishShown.has(call.id);
    if (last !== undefined && at - last < intervalMs && !finishing) return undefined;
    if (finishing) finishShown.add(call.id);
    lastShown.set(call.id, at);
    const amount = p.total !== undefined ? `${p.progress}/${p.total}` : `${p.progress}`;
    const words = p.message ? ` (${p.message.length > MAX_PROGRESS_MESSAGE ? `${p.message.slice(0, MAX_PROGRESS_MESSAGE)}…` : p.message})` : '';
    return { type: 'status', level: 'info', id: `progress:${call.id}`, message: `${tool.name}: progress ${amount}${words}` };
  };
}
