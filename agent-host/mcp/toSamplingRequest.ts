import { ErrorCode, McpError, type CreateMessageRequestParams } from '@modelcontextprotocol/sdk/types.js';
import type { McpSamplingRequest } from './mcpTypes';

/** Bounds on what one request may put in front of the user and the model. */
const MAX_MESSAGES = 100;
const MAX_TOTAL_CHARS = 200_000;
const MAX_TOKENS_CAP = 32_768;
const MAX_HINTS = 10;

/**
 * A server's `sampling/createMessage` parameters as Hearth runs them: text
 * messages only, no tool use. Anything else is refused with an error the
 * server can read, rather than dropped silently (a request whose image was
 * left out would be answered as if the model had seen it).
 */
export function toSamplingRequest(server: string, params: CreateMessageRequestParams): McpSamplingRequest {
  const refuse = (why: string) => new McpError(ErrorCode.InvalidParams, `Hearth cannot run this sampling request: ${why}.`);
  if ((params as { tools?: unknown }).tools !== undefined || (params as { toolChoice?: unknown }).toolChoice !== undefined) throw refuse('it offers tools, and Hearth samples text only');
  if (!Array.isArray(params.messages) || params.messages.length === 0) throw refuse('it has no messages');
  if (params.messages.length > MAX_MESSAGES) throw refuse(`it has ${params.messages.length} messages (at most ${MAX_MESSAGES})`);
  let total = 0;
  const messages = params.messages.map((m, i) => {
    const blocks: unknown[] = Array.isArray(m.content) ? m.content : [m.content];
    const texts = blocks.map((b) => {
      const block = b as { type?: unknown; text?: unknown };
      if (block?.type !== 'text' || typeof block.text !== 'string') throw refuse(`message ${i + 1} has ${String(block?.type)} content, and Hearth sends only text to the model`);
      return block.text;
    });
    const text = texts.join('\n');
    total += text.length;
    return { role: m.role === 'assistant' ? ('assistant' as const) : ('user' as const), text };
  });
  if (messages.at(-1)?.role !== 'user') throw refuse('its last message is not from the user');
  const systemPrompt = typeof params.systemPrompt === 'string' && params.systemPrompt !== '' ? params.systemPrompt : undefined;
  total += systemPrompt?.length ?? 0;
  if (total > MAX_TOTAL_CHARS) throw refuse(`it is ${total} characters long (at most ${MAX_TOTAL_CHARS})`);
  if (!Number.isInteger(params.maxTokens) || params.maxTokens < 1) throw refuse('maxTokens must be a positive whole number');
  const hints = (params.modelPreferences?.hints ?? [])
    .map((h) => (typeof h?.name === 'string' ? h.name.slice(0, 200) : ''))
    .filter((n) => n !== '')
    .slice(0, MAX_HINTS);
  return {
    server,
    messages,
    ...(systemPrompt ? { systemPrompt } : {}),
    maxTokens: Math.min(params.maxTokens, MAX_TOKENS_CAP),
    ...(typeof params.temperature === 'number' && Number.isFinite(params.temperature) ? { temperature: params.temperature } : {}),
    ...(Array.isArray(params.stopSequences) ? { stopSequences: params.stopSequences.filter((s): s is string => typeof s === 'string').slice(0, 10) } : {}),
    modelHints: hints,
  };
}
