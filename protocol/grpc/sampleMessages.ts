/**
 * AgentService.Sample's messages: an MCP sampling request the developer
 * approved, and its completion. Both sides use these, and both check what
 * they receive: the server decodes a request from any signed-in client, the
 * client decodes an answer from a server it does not have to trust.
 */
import type { ThinkValue, Usage } from '../chat';
import type { SampleRequest, SampleRequest__Output } from '../generated/hearth/v1/SampleRequest';
import type { SampleResponse, SampleResponse__Output } from '../generated/hearth/v1/SampleResponse';
import { check, count, finiteNumber, oneOf, text } from './protocolViolation';

/** The same bounds the client's MCP layer puts on a request (agent-host/mcp/toSamplingRequest.ts). */
export const SAMPLE_LIMITS = { messages: 100, totalChars: 200_000, maxTokens: 32_768, stopSequences: 10, stopChars: 200, model: 200, server: 128 } as const;

export interface SampleParams {
  model: string;
  messages: { role: 'user' | 'assistant'; text: string }[];
  systemPrompt?: string;
  maxTokens: number;
  temperature?: number;
  stopSequences?: string[];
  think?: ThinkValue;
  /** The developer's MCP server that asked (for the audit log). */
  mcpServer: string;
}

export interface SampleAnswer {
  text: string;
  stopReason: 'endTurn' | 'maxTokens';
  usage?: Usage;
}

const MODEL_NAME = /^[\w./:@+-]+$/;
const THINK_VALUES = ['true', 'false', 'low', 'medium', 'high'] as const;

export function encodeSampleRequest(p: SampleParams): SampleRequest {
  return {
    model: p.model,
    messages: p.messages.map((m) => ({ role: m.role === 'assistant' ? 'ROLE_ASSISTANT' : 'ROLE_USER', content: m.text, tool_calls: [], tool_call_id: '', tool_name: '' })),
    ...(p.systemPrompt !== undefined ? { system_prompt: p.systemPrompt } : {}),
    max_tokens: p.maxTokens,
    ...(p.temperature !== undefined ? { temperature: p.temperature } : {}),
    stop_sequences: p.stopSequences ?? [],
    ...(p.think !== undefined ? { think: String(p.think) } : {}),
    mcp_server: p.mcpServer,
  };
}

/** Checks a request at the server's trust boundary; throws ProtocolViolation naming the field. */
export function decodeSampleRequest(req: SampleRequest__Output): SampleParams {
  const model = text(req.model, 'model', SAMPLE_LIMITS.model, { nonEmpty: true, pattern: MODEL_NAME });
  let total = 0;
  const messages = count(req.messages, 'messages', SAMPLE_LIMITS.messages).map((m, i) => {
    const role = oneOf(m.role, `messages[${i}].role`, ['ROLE_USER', 'ROLE_ASSISTANT'] as const);
    // Images too: nothing here reads them, yet a request may carry up to server.max_message_bytes of them, held while it waits for a GPU slot.
    check((m.tool_calls ?? []).length === 0 && !m.tool_call_id && !m.tool_name && (m.images ?? []).length === 0, `messages[${i}]`, 'a sampling message carries text only');
    const content = text(m.content, `messages[${i}].content`, SAMPLE_LIMITS.totalChars);
    total += content.length;
    return { role: role === 'ROLE_ASSISTANT' ? ('assistant' as const) : ('user' as const), text: content };
  });
  check(messages.length > 0 && messages[messages.length - 1].role === 'user', 'messages', 'must end with a user message');
  const systemPrompt = req.system_prompt !== undefined ? text(req.system_prompt, 'system_prompt', SAMPLE_LIMITS.totalChars) : undefined;
  total += systemPrompt?.length ?? 0;
  check(total <= SAMPLE_LIMITS.totalChars, 'messages', `are longer than ${SAMPLE_LIMITS.totalChars} characters in all`);
  const maxTokens = finiteNumber(req.max_tokens, 'max_tokens', 1, SAMPLE_LIMITS.maxTokens);
  check(Number.isInteger(maxTokens), 'max_tokens', 'must be a whole number');
  const out: SampleParams = { model, messages, maxTokens, mcpServer: text(req.mcp_server, 'mcp_server', SAMPLE_LIMITS.server) };
  if (systemPrompt !== undefined) out.systemPrompt = systemPrompt;
  if (req.temperature !== undefined) out.temperature = finiteNumber(req.temperature, 'temperature', 0, 100);
  const stops = count(req.stop_sequences, 'stop_sequences', SAMPLE_LIMITS.stopSequences).map((s, i) => text(s, `stop_sequences[${i}]`, SAMPLE_LIMITS.stopChars));
  if (stops.length > 0) out.stopSequences = stops;
  if (req.think !== undefined && req.think !== '') {
    const think = oneOf(req.think, 'think', THINK_VALUES);
    out.think = think === 'true' ? true : think === 'false' ? false : think;
  }
  return out;
}

export function encodeSampleResponse(a: SampleAnswer): SampleResponse {
  return {
    text: a.text,
    stop_reason: a.stopReason,
    ...(a.usage ? { usage: { prompt_tokens: Math.max(0, Math.round(a.usage.promptTokens)), completion_tokens: Math.max(0, Math.round(a.usage.completionTokens)) } } : {}),
  };
}

/**
 * Checks a team server's answer: a known stop reason and text no longer than
 * `maxChars` (a hostile server could send far more than the tokens asked for).
 */
export function decodeSampleResponse(res: SampleResponse__Output, maxChars: number): SampleAnswer {
  const stopReason = oneOf(res.stop_reason, 'stop_reason', ['endTurn', 'maxTokens'] as const);
  const out: SampleAnswer = { text: text(res.text, 'text', maxChars), stopReason };
  if (res.usage) out.usage = { promptTokens: res.usage.prompt_tokens, completionTokens: res.usage.completion_tokens };
  return out;
}
