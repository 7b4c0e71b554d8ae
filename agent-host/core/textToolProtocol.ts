/**
 * The text protocol for models without native tool calling (no "tools"
 * capability, or Ollama answered 400 "does not support tools").
 *
 * The system prompt lists the tools and asks for exactly one fenced block:
 *
 *     ```tool_call
 *     {"name": "read_file", "arguments": {"path": "src/index.ts"}}
 *     ```
 *
 * Tool results come back as a user message that starts with "Tool result".
 * The parser is forgiving about what small models do (prose around the block,
 * a missing closing fence, trailing commas, `parameters` instead of
 * `arguments`, Qwen-style <tool_call> tags) and precise about what went wrong
 * otherwise, because its complaint is what the model reads next.
 */
import type { JsonSchema, ToolDefinition } from '../../protocol/tools';
import { parseLenientJson } from './lenientJson';

export const TOOL_CALL_FENCE = '```tool_call';

export type TextToolParse =
  | { kind: 'none' }
  | { kind: 'call'; name: string; arguments: Record<string, unknown> }
  | { kind: 'malformed'; name?: string; problem: string };

function describeParameter(name: string, schema: JsonSchema, required: boolean): string {
  const facts = [schema.type ?? 'any', required ? 'required' : 'optional'];
  if (schema.enum) facts.push(`one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`);
  if (schema.minimum !== undefined) facts.push(`min ${schema.minimum}`);
  if (schema.maximum !== undefined) facts.push(`max ${schema.maximum}`);
  return `    - ${name} (${facts.join(', ')})${schema.description ? `: ${schema.description}` : ''}`;
}

function describeTool(tool: ToolDefinition): string {
  const required = new Set(tool.parameters.required ?? []);
  const params = Object.entries(tool.parameters.properties ?? {}).map(([name, schema]) => describeParameter(name, schema, required.has(name)));
  return [`- ${tool.name}: ${tool.description}`, ...(params.length > 0 ? params : ['    (no arguments)'])].join('\n');
}

/** The system prompt section that teaches the protocol. */
export function textToolInstructions(tools: ToolDefinition[]): string {
  const example = tools[0] ? `{"name": "${tools[0].name}", "arguments": {${exampleArguments(tools[0])}}}` : '{"name": "tool_name", "arguments": {}}';
  return [
    '# Tools',
    'You can use the tools below. To use one, end your reply with exactly one block in this form, and write nothing after it:',
    '',
    TOOL_CALL_FENCE,
    example,
    '```',
    '',
    'The block must contain one JSON object with "name" and "arguments". Use one tool per reply. The result comes back in the next message, which starts with "Tool result". When you have what you need, answer normally, without a tool_call block.',
    '',
    'Available tools:',
    ...tools.map(describeTool),
  ].join('\n');
}

function exampleArguments(tool: ToolDefinition): string {
  const first = tool.parameters.required?.[0];
  return first ? `"${first}": "..."` : '';
}

/** Renders a call the way the protocol asks for it, for replaying history to a text-protocol model. */
export function renderTextToolCall(name: string, args: Record<string, unknown>): string {
  return `${TOOL_CALL_FENCE}\n${JSON.stringify({ name, arguments: args })}\n\`\`\``;
}

/** The tool_call block's body (up to the closing fence, or to the end if the model never closed it). */
function findBlock(content: string, fencesOnly: boolean): string | undefined {
  const fenced = /```[ \t]*tool_call[^\n]*\n?([\s\S]*?)(?:```|$)/i.exec(content);
  if (fenced) return fenced[1];
  const tagged = /<tool_call>([\s\S]*?)(?:<\/tool_call>|$)/i.exec(content);
  if (tagged) return tagged[1];
  if (fencesOnly) return undefined;
  // Some models use a json fence or no fence at all; accept those only when they parse as a call (checked by the caller).
  const jsonFence = /```(?:json)?[ \t]*\n([\s\S]*?)```/i.exec(content);
  if (jsonFence && /"name"\s*:/.test(jsonFence[1])) return jsonFence[1];
  const trimmed = content.trim();
  if (trimmed.startsWith('{') && trimmed.endsWith('}') && /"name"\s*:/.test(trimmed)) return trimmed;
  return undefined;
}

/**
 * Finds the tool call in a model reply. `fencesOnly` (used for models with
 * native tools, as a fallback) accepts only an explicit tool_call fence or
 * tag; text-protocol models may also use a json fence or bare JSON, as long
 * as it names a known tool.
 */
export function parseTextToolCall(content: string, knownTools: string[], options: { fencesOnly?: boolean } = {}): TextToolParse {
  const explicit = /```[ \t]*tool_call|<tool_call>/i.test(content);
  const block = findBlock(content, options.fencesOnly ?? false);
  if (block === undefined) return { kind: 'none' };
  const parsed = parseLenientJson(block);
  if (!parsed.ok) {
    if (!explicit) return { kind: 'none' };
    return { kind: 'malformed', problem: `The tool_call block is not valid JSON (${parsed.error}). Send one JSON object like {"name": "read_file", "arguments": {"path": "src/index.ts"}}.` };
  }
  const value = parsed.value as Record<string, unknown> | null;
  const name = typeof value?.name === 'string' ? value.name : typeof value?.tool === 'string' ? value.tool : undefined;
  if (!explicit && (name === undefined || !knownTools.includes(name))) return { kind: 'none' };
  if (typeof value !== 'object' || value === null || Array.isArray(value) || name === undefined) {
    return { kind: 'malformed', problem: 'The tool_call block must be a JSON object with a "name" string and an "arguments" object.' };
  }
  let args: unknown = value.arguments ?? value.parameters ?? value.args ?? {};
  if (typeof args === 'string') {
    // Some models double-encode the arguments as a JSON string.
    const inner = parseLenientJson(args);
    args = inner.ok ? inner.value : args;
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    return { kind: 'malformed', name, problem: `The "arguments" of ${name} must be a JSON object, got ${JSON.stringify(args)}.` };
  }
  return { kind: 'call', name, arguments: args as Record<string, unknown> };
}
