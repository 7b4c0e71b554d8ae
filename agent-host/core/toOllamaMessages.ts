import type { Message, Tool } from 'ollama';
import type { ChatMessage } from '../../protocol/chat';
import type { ToolDefinition } from '../../protocol/tools';
import type { ToolMode } from './systemPrompt';
import { renderTextToolCall, TOOL_CALL_FENCE } from './textToolProtocol';

/** A tool definition in the shape Ollama's `tools` field takes. */
export function toOllamaTool(tool: ToolDefinition): Tool {
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters as Tool['function']['parameters'] } };
}

/** A fence that the tool output cannot close from inside. */
function fence(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}

/**
 * Converts the history to Ollama messages. With native tools, calls and
 * results use Ollama's `tool_calls` and `tool` role. Otherwise (text protocol,
 * or plain chat over a history that once had tools) they are written out as
 * text, because templates of models without tools drop `tool` messages.
 */
export function toOllamaMessages(messages: ChatMessage[], mode: ToolMode): Message[] {
  return messages.map((m) => withImages(toOllamaMessage(m, mode), m));
}

/**
 * A user message's images ride on that message as base64 strings, as
 * Ollama's api/types.go `Message.Images` ([]ImageData, base64 in JSON) takes
 * them; older images stay on the messages they were sent with. A message of
 * images alone keeps `content: ""`: Ollama's api/types.go `Message.Content`
 * is a plain string with no minimum, and server/prompt.go
 * `imageTaggedMessages` renders such a message as its image tags
 * (`[img-0]`) followed by the empty text.
 */
function withImages(message: Message, source: ChatMessage): Message {
  return source.role === 'user' && source.images?.length ? { ...message, images: source.images.map((i) => i.dataBase64) } : message;
}

function toOllamaMessage(m: ChatMessage, mode: ToolMode): Message {
  if (mode === 'native') {
    if (m.role === 'tool') return { role: 'tool', content: m.content, tool_name: m.toolName };
    if (m.role === 'assistant' && m.toolCalls?.length) {
      return { role: 'assistant', content: m.content, tool_calls: m.toolCalls.map((c) => ({ function: { name: c.name, arguments: c.arguments } })) };
    }
    return { role: m.role, content: m.content };
  }
  if (m.role === 'tool') {
    const f = fence(m.content);
    return { role: 'user', content: `Tool result for ${m.toolName ?? 'the tool call'}:\n${f}\n${m.content}\n${f}` };
  }
  if (m.role === 'assistant' && m.toolCalls?.length && !m.content.includes(TOOL_CALL_FENCE)) {
    const calls = m.toolCalls.map((c) => renderTextToolCall(c.name, c.arguments)).join('\n');
    return { role: 'assistant', content: m.content ? `${m.content}\n\n${calls}` : calls };
  }
  return { role: m.role, content: m.content };
}
