import { randomUUID } from 'node:crypto';
import type { ToolDefinition } from '../../protocol/tools';
import { parseLenientJson } from './lenientJson';
import type { ProposedCall } from './prepareToolCall';
import type { ModelReply } from './streamModelReply';
import type { ToolMode } from './systemPrompt';
import { parseTextToolCall } from './textToolProtocol';

/** Ids are ours, unique across sessions; recent Ollama versions send ids too, and those are kept. */
function newCallId(): string {
  return `call_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
}

function fromText(content: string, tools: ToolDefinition[], fencesOnly: boolean): ProposedCall[] {
  const parsed = parseTextToolCall(content, tools.map((t) => t.name), { fencesOnly });
  switch (parsed.kind) {
    case 'none':
      return [];
    case 'call':
      return [{ id: newCallId(), name: parsed.name, arguments: parsed.arguments }];
    case 'malformed':
      return [{ id: newCallId(), name: parsed.name, arguments: {}, problem: parsed.problem }];
  }
}

/**
 * The tool calls a reply asks for. Native calls come parsed by Ollama (their
 * arguments occasionally as a JSON string, which is decoded). A model with
 * native tools that still writes a tool_call block in its text is taken at
 * its word too, since some Qwen builds do exactly that.
 */
export function proposedCalls(reply: ModelReply, mode: ToolMode, tools: ToolDefinition[]): ProposedCall[] {
  if (mode === 'none') return [];
  if (mode === 'text') return fromText(reply.content, tools, false);
  if (reply.toolCalls.length === 0) return fromText(reply.content, tools, true);
  return reply.toolCalls.map((tc) => {
    const id = (tc as { id?: unknown }).id;
    let args: unknown = tc.function?.arguments;
    let problem: string | undefined;
    if (typeof args === 'string') {
      const parsed = parseLenientJson(args);
      if (parsed.ok) args = parsed.value;
      else problem = `The arguments of ${tc.function?.name} are not valid JSON (${parsed.error}).`;
    }
    return { id: typeof id === 'string' && id !== '' ? id : newCallId(), name: tc.function?.name, arguments: args ?? {}, problem };
  });
}
