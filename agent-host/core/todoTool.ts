/**
 * The agent's visible plan: an `update_todos` tool the core runs itself
 * (nothing to approve: it changes no file), which replaces the whole list on
 * every call. Replacing rather than patching suits small models, which are
 * better at writing a short list again than at addressing items by index.
 * The list is shown to the user as a live checklist; the user may edit it
 * between turns, and the next turn starts from the edited list.
 */
import type { TodoItem, ToolCall, ToolResult } from '../../protocol/chat';
import { MAX_TODO_ITEMS, MAX_TODO_TEXT, TODO_STATUSES } from '../../protocol/chat';
import type { ToolDefinition } from '../../protocol/tools';

export const UPDATE_TODOS_TOOL = 'update_todos';

export const UPDATE_TODOS_DEFINITION: ToolDefinition = {
  name: UPDATE_TODOS_TOOL,
  description:
    'Keeps your plan for a task of several steps, which the user sees as a checklist. Send the whole list each time: ' +
    'the steps in order, each "pending", "inProgress" (the one you are working on) or "done". Update it as you finish steps.',
  readOnly: true,
  parameters: {
    type: 'object',
    properties: {
      items: {
        type: 'array',
        description: 'The whole plan, in order.',
        minItems: 1,
        maxItems: MAX_TODO_ITEMS,
        items: {
          type: 'object',
          properties: {
            text: { type: 'string', description: 'The step, in a few words.' },
            status: { type: 'string', enum: [...TODO_STATUSES] },
          },
          required: ['text', 'status'],
        },
      },
    },
    required: ['items'],
  },
};

const MARKS: Record<TodoItem['status'], string> = { pending: '[ ]', inProgress: '[>]', done: '[x]' };

/** The plan as the model reads it. */
export function formatTodos(items: TodoItem[]): string {
  return items.map((item) => `- ${MARKS[item.status]} ${item.text}`).join('\n');
}

/** What the system prompt says about the plan: how to keep it, and where it stands. */
export function todoGuidance(current: TodoItem[]): string {
  const how = `For a task of several steps, keep a short plan with ${UPDATE_TODOS_TOOL} and update it as you work; skip it for a simple question.`;
  if (current.length === 0) return how;
  return `${how}\nThe plan so far (the user may have edited it; follow their version):\n${formatTodos(current)}`;
}

/** Validated arguments as a clean list: trimmed text, at most MAX_TODO_TEXT characters, no empty steps. */
export function todosFromArguments(call: ToolCall): TodoItem[] {
  const raw = call.arguments.items as { text: string; status: TodoItem['status'] }[];
  return raw
    .map((item) => ({ text: item.text.replace(/\s+/g, ' ').trim().slice(0, MAX_TODO_TEXT), status: item.status }))
    .filter((item) => item.text !== '');
}

export function todoResult(call: ToolCall, items: TodoItem[]): ToolResult {
  const done = items.filter((i) => i.status === 'done').length;
  return { callId: call.id, name: call.name, content: `Plan updated: ${done} of ${items.length} steps done.`, isError: false, summary: `${done}/${items.length} done` };
}
