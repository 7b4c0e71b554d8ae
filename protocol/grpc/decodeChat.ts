/**
 * hearth.v1 proto messages -> protocol/chat.ts types, with validation. Every
 * message that crosses the network passes through here before anything acts
 * on it: the server checks what clients send, and the client checks what the
 * server sends (a server may only request tools the client offered).
 */
import { MAX_COMPACT_FOCUS_CHARS, MAX_TODO_ITEMS, MAX_TODO_TEXT, SUBAGENT_ROLES, TODO_STATUSES, type AgentEvent, type TodoItem, type ChatMessage, type ContextItem, type DoneReason, type HearthError, type HearthErrorCode, type Role, type SubagentActivity, type SubagentRole, type ToolCall, type ToolResult, type ThinkValue, type Usage, type UserInput, CHAT_MODES, type RulesFile, type WorkspaceContextSection } from '../chat';
import type { ModelInfo } from '../lspMethods';
import { AGENT_NAME, type SubagentAgent, type TurnAgent } from '../agents';
import type { JsonSchema, ToolDefinition } from '../tools';
import type { ChatClientMessage__Output } from '../generated/hearth/v1/ChatClientMessage';
import type { ChatMessage__Output } from '../generated/hearth/v1/ChatMessage';
import type { ImageAttachment__Output } from '../generated/hearth/v1/ImageAttachment';
import { MAX_IMAGE_NAME, MAX_IMAGES_PER_MESSAGE, sniffImageType, type ChatImage } from '../chatImages';
import type { ChatServerMessage__Output } from '../generated/hearth/v1/ChatServerMessage';
import type { ChatStart__Output } from '../generated/hearth/v1/ChatStart';
import type { HearthError__Output } from '../generated/hearth/v1/HearthError';
import type { ModelInfo__Output } from '../generated/hearth/v1/ModelInfo';
import type { ToolCall__Output } from '../generated/hearth/v1/ToolCall';
import type { ToolResult__Output } from '../generated/hearth/v1/ToolResult';
import type { TurnAgent__Output } from '../generated/hearth/v1/TurnAgent';
import type { Usage__Output } from '../generated/hearth/v1/Usage';
import { check, count, finiteNumber, jsonObject, oneOf, ProtocolViolation, text } from './protocolViolation';
import type { TurnRequest } from './encodeChat';
import { serverText } from './serverText';

/** Limits on what one message may carry. gRPC's max message size bounds the total; these bound each part. */
export const LIMITS = {
  historyMessages: 4000,
  messageChars: 2_000_000,
  contextItems: 200,
  tools: 256,
  /** Names of tools the user turned off that a turn may carry (ChatStart.turned_off_tools); more are not sent. */
  turnedOffTools: 1000,
  toolCallsPerMessage: 64,
  argumentsChars: 1_000_000,
  schemaChars: 100_000,
  schemaDepth: 12,
  toolResultChars: 8_000_000,
  /** Everything one reply's events may carry in total (their JSON), echoes of this client's own tool results aside: a server cannot fill the disk with a session. */
  replyChars: 16_000_000,
  /** Tool requests the server may have waiting or running at once (they run one at a time, in order). */
  pendingToolRequests: 16,
  model: 200,
  name: 128,
  id: 200,
  description: 10_000,
  maxSteps: 200,
  toolTimeoutMs: 3_600_000,
  workspaceContextSections: 8,
  workspaceContextChars: 200_000,
  subagentParallel: 8,
  subagentTask: 20_000,
  subagentSummary: 100_000,
  /** Rules files per turn and characters of each; the agent core caps them further (8 KB each). */
  rulesFiles: 32,
  rulesChars: 100_000,
  /** An agent's instructions and tool list; the agent core caps the instructions further (8 KB). */
  agentInstructionsChars: 100_000,
  agentTools: 64,
  /** Agents a sub-agent can run as; the agent core offers at most 16. */
  subagentAgents: 32,
  /** Why a named agent's own model is not used: one sentence. */
  modelNote: 1_000,
  /** Images per message, and the absolute cap on one image's bytes; a team server applies its own, lower cap (limits.max_image_bytes). */
  imagesPerMessage: MAX_IMAGES_PER_MESSAGE,
  imageBytes: 20 * 1024 * 1024,
} as const;
const AGENT_SOURCES = ['builtin', 'user', 'workspace'] as const;

/**
 * A message's images: a known type proven by the bytes' signature (a
 * renamed text file or an SVG is refused), within the size cap.
 */
function decodeImages(images: ImageAttachment__Output[] | undefined, field: string): ChatImage[] {
  return count(images ?? [], field, LIMITS.imagesPerMessage).map((image, i) => {
    const f = `${field}[${i}]`;
    const name = text(image.name, `${f}.name`, MAX_IMAGE_NAME);
    const data = image.data ?? Buffer.alloc(0);
    check(data.length <= LIMITS.imageBytes, f, `${name || 'the image'} is ${data.length} bytes; images may be at most ${LIMITS.imageBytes} bytes`);
    const sniffed = sniffImageType(data);
    check(sniffed !== undefined, f, `${name || 'the attachment'} is not a PNG, JPEG, GIF or WebP image`);
    check(image.mime_type === sniffed, `${f}.mime_type`, `says ${JSON.stringify(image.mime_type)} but the data is ${sniffed}`);
    return { mimeType: sniffed, name, dataBase64: Buffer.from(data).toString('base64') };
  });
}

const MODEL_NAME = /^[\w./:@+-]+$/;
const TOOL_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const ROLES: Record<string, Role> = { ROLE_SYSTEM: 'system', ROLE_USER: 'user', ROLE_ASSISTANT: 'assistant', ROLE_TOOL: 'tool' };
const CONTEXT_KINDS = ['selection', 'file', 'mention'] as const;
const DONE_REASONS: readonly DoneReason[] = ['stop', 'length', 'cancelled', 'error', 'limit'];
const ERROR_CODES: readonly HearthErrorCode[] = ['ollamaUnreachable', 'providerUnreachable', 'modelNotFound', 'modelError', 'connectionDropped', 'cancelled', 'invalidRequest', 'limitReached', 'internal'];
const THINK_VALUES = ['true', 'false', 'low', 'medium', 'high'] as const;
const SCHEMA_TYPES = ['object', 'string', 'number', 'integer', 'boolean', 'array', 'null'] as const;

/** A `think` as the proto carries it ("true", "false" or a level). */
function thinkValue(value: string, field: string): ThinkValue {
  const think = oneOf(value, field, THINK_VALUES);
  return think === 'true' ? true : think === 'false' ? false : think;
}

export function decodeToolCall(call: ToolCall__Output | null | undefined, field: string): ToolCall {
  check(call, field, 'is missing');
  return {
    id: text(call.id, `${field}.id`, LIMITS.id, { nonEmpty: true }),
    name: text(call.name, `${field}.name`, LIMITS.name, { nonEmpty: true, pattern: TOOL_NAME }),
    arguments: jsonObject(call.arguments_json, `${field}.arguments_json`, LIMITS.argumentsChars),
  };
}

function decodeChatMessage(message: ChatMessage__Output, field: string): ChatMessage {
  const role = ROLES[message.role];
  check(role, `${field}.role`, 'must be system, user, assistant or tool');
  const out: ChatMessage = { role, content: text(message.content, `${field}.content`, LIMITS.messageChars) };
  const calls = count(message.tool_calls, `${field}.tool_calls`, LIMITS.toolCallsPerMessage);
  if (calls.length > 0) {
    check(role === 'assistant', `${field}.tool_calls`, 'only assistant messages carry tool calls');
    out.toolCalls = calls.map((c, i) => decodeToolCall(c, `${field}.tool_calls[${i}]`));
  }
  if (message.tool_call_id) out.toolCallId = text(message.tool_call_id, `${field}.tool_call_id`, LIMITS.id);
  if (message.tool_name) out.toolName = text(message.tool_name, `${field}.tool_name`, LIMITS.name);
  if (message.images?.length) {
    check(role === 'user', `${field}.images`, 'only user messages carry images');
    out.images = decodeImages(message.images, `${field}.images`);
  }
  return out;
}

function decodeInput(input: ChatStart__Output['input'], field: string): UserInput {
  check(input, field, 'is missing');
  const context = count(input.context, `${field}.context`, LIMITS.contextItems).map((item, i): ContextItem => {
    const f = `${field}.context[${i}]`;
    const out: ContextItem = { kind: oneOf(item.kind, `${f}.kind`, CONTEXT_KINDS), path: text(item.path, `${f}.path`, 4096, { nonEmpty: true }) };
    if (item.text !== undefined) out.text = text(item.text, `${f}.text`, LIMITS.messageChars);
    if (item.range) {
      const { start_line: start, end_line: end } = item.range;
      check(start >= 1 && end >= start, `${f}.range`, 'must be 1-based with end_line >= start_line');
      out.range = { startLine: start, endLine: end };
    }
    if (item.language_id) out.languageId = text(item.language_id, `${f}.language_id`, 100);
    return out;
  });
  const images = decodeImages(input.images, `${field}.images`);
  return { text: text(input.text, `${field}.text`, LIMITS.messageChars), context, ...(images.length ? { images } : {}) };
}

/** Checks that a parsed value uses only the JSON Schema subset Hearth's tools use. */
export function checkJsonSchema(value: unknown, field: string, depth = 0): JsonSchema {
  check(depth <= LIMITS.schemaDepth, field, 'is nested too deeply');
  check(value !== null && typeof value === 'object' && !Array.isArray(value), field, 'must be a JSON Schema object');
  const schema = value as Record<string, unknown>;
  if (schema.type !== undefined) oneOf(schema.type, `${field}.type`, SCHEMA_TYPES);
  if (schema.description !== undefined) text(schema.description, `${field}.description`, LIMITS.description);
  if (schema.properties !== undefined) {
    check(schema.properties !== null && typeof schema.properties === 'object' && !Array.isArray(schema.properties), `${field}.properties`, 'must be an object');
    for (const [key, sub] of Object.entries(schema.properties as Record<string, unknown>)) checkJsonSchema(sub, `${field}.properties.${key}`, depth + 1);
  }
  if (schema.required !== undefined) {
    check(Array.isArray(schema.required) && schema.required.every((r) => typeof r === 'string'), `${field}.required`, 'must be a list of property names');
  }
  if (schema.items !== undefined) checkJsonSchema(schema.items, `${field}.items`, depth + 1);
  if (schema.enum !== undefined) {
    check(Array.isArray(schema.enum) && schema.enum.every((e) => typeof e === 'string' || typeof e === 'number'), `${field}.enum`, 'must list strings or numbers');
  }
  for (const key of ['minimum', 'maximum'] as const) {
    if (schema[key] !== undefined) check(typeof schema[key] === 'number', `${field}.${key}`, 'must be a number');
  }
  if (schema.additionalProperties !== undefined) check(typeof schema.additionalProperties === 'boolean', `${field}.additionalProperties`, 'must be a boolean');
  return schema as JsonSchema;
}

/** Deep-frozen, so that one validated schema can be shared by every turn that sends the same text. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Validated tool schemas by their JSON text, most recently used last. */
const schemaCache = new Map<string, JsonSchema & { type: 'object' }>();
const SCHEMA_CACHE_ENTRIES = 512;
/**
 * Only schemas up to this size are kept: tools' schemas are a few KB, and a
 * client that sent hundreds of schemas at the protocol's 100,000-character
 * limit could otherwise make the cache hold some 150 MB for as long as the
 * server runs. Larger ones are validated on every turn, as before.
 */
const SCHEMA_CACHE_MAX_CHARS = 8_192;

/**
 * A tool's parameter schema, validated. A client sends the same tool schemas
 * with every turn; parsing and checking each once (then sharing the frozen
 * result) saves that work on every later turn.
 */
function toolSchema(raw: unknown, field: string): JsonSchema & { type: 'object' } {
  const cacheable = typeof raw === 'string' && raw.length <= SCHEMA_CACHE_MAX_CHARS;
  const cached = cacheable ? schemaCache.get(raw) : undefined;
  if (cached) {
    schemaCache.delete(raw as string);
    schemaCache.set(raw as string, cached);
    return cached;
  }
  const parameters = checkJsonSchema(jsonObject(raw, field, LIMITS.schemaChars), field);
  check(parameters.type === 'object', `${field}.type`, 'must be "object"');
  const schema = deepFreeze(parameters as JsonSchema & { type: 'object' });
  if (cacheable) {
    schemaCache.set(raw, schema);
    if (schemaCache.size > SCHEMA_CACHE_ENTRIES) schemaCache.delete(schemaCache.keys().next().value as string);
  }
  return schema;
}

function decodeTools(tools: ChatStart__Output['tools'], field: string): ToolDefinition[] {
  const seen = new Set<string>();
  return count(tools, field, LIMITS.tools).map((tool, i) => {
    const f = `${field}[${i}]`;
    const name = text(tool.name, `${f}.name`, LIMITS.name, { nonEmpty: true, pattern: TOOL_NAME });
    check(!seen.has(name), `${f}.name`, `duplicates the tool "${name}"`);
    seen.add(name);
    return { name, description: text(tool.description, `${f}.description`, LIMITS.description), parameters: toolSchema(tool.parameters_json, `${f}.parameters_json`), readOnly: tool.read_only === true };
  });
}

/** An agent from the client (the turn's, or one a sub-agent can run as), validated. */
function decodeTurnAgent(a: TurnAgent__Output, f: string): TurnAgent {
  const agent: TurnAgent = {
    name: text(a.name, `${f}.name`, 64, { nonEmpty: true, pattern: AGENT_NAME }),
    instructions: text(a.instructions, `${f}.instructions`, LIMITS.agentInstructionsChars),
    source: oneOf(a.source, `${f}.source`, AGENT_SOURCES),
  };
  if (a.tools_restricted === true) agent.tools = count(a.tools, `${f}.tools`, LIMITS.agentTools).map((t, i) => text(t, `${f}.tools[${i}]`, LIMITS.name, { nonEmpty: true }));
  return agent;
}

/** The server's view of a validated ChatStart. */
export function decodeChatStart(start: ChatStart__Output | null | undefined): TurnRequest {
  check(start, 'start', 'is missing');
  const history = count(start.history, 'start.history', LIMITS.historyMessages).map((m, i) => decodeChatMessage(m, `start.history[${i}]`));
  const options = start.options;
  const turn: TurnRequest = {
    history,
    input: decodeInput(start.input, 'start.input'),
    model: text(start.model, 'start.model', LIMITS.model, { nonEmpty: true, pattern: MODEL_NAME }),
    tools: decodeTools(start.tools, 'start.tools'),
  };
  const turnedOff = count(start.turned_off_tools, 'start.turned_off_tools', LIMITS.turnedOffTools).map((name, i) =>
    text(name, `start.turned_off_tools[${i}]`, LIMITS.name, { nonEmpty: true, pattern: TOOL_NAME }),
  );
  if (turnedOff.length > 0) turn.turnedOffTools = turnedOff;
  if (options) {
    if (options.system_prompt) turn.systemPrompt = text(options.system_prompt, 'start.options.system_prompt', LIMITS.messageChars);
    if (options.max_steps !== undefined) turn.maxSteps = finiteNumber(options.max_steps, 'start.options.max_steps', 1, LIMITS.maxSteps);
    if (options.tool_timeout_ms !== undefined) turn.toolTimeoutMs = finiteNumber(options.tool_timeout_ms, 'start.options.tool_timeout_ms', 1, LIMITS.toolTimeoutMs);
    if (options.temperature !== undefined) turn.temperature = finiteNumber(options.temperature, 'start.options.temperature', 0, 2);
    if (options.continue_reply === true) turn.continueReply = true;
    if (options.compact_at !== undefined) turn.compactAt = finiteNumber(options.compact_at, 'start.options.compact_at', 0, 1);
    if (options.compact_focus) turn.compactFocus = text(options.compact_focus, 'start.options.compact_focus', MAX_COMPACT_FOCUS_CHARS);
    if (options.todos) turn.todos = { current: decodeTodos(options.todos.items, 'start.options.todos.items') };
    if (options.subagents) {
      const sub = options.subagents;
      const models: Partial<Record<SubagentRole, string>> = {};
      for (const [role, model] of Object.entries(sub.models ?? {})) {
        const r = oneOf(role, 'start.options.subagents.models', SUBAGENT_ROLES);
        models[r] = text(model, `start.options.subagents.models.${r}`, LIMITS.model, { nonEmpty: true, pattern: MODEL_NAME });
      }
      turn.subagents = { models };
      if (sub.max_parallel !== undefined) turn.subagents.maxParallel = finiteNumber(sub.max_parallel, 'start.options.subagents.max_parallel', 1, LIMITS.subagentParallel);
      if (sub.max_steps !== undefined) turn.subagents.maxSteps = finiteNumber(sub.max_steps, 'start.options.subagents.max_steps', 1, LIMITS.maxSteps);
      const agents = count(options.subagent_agents, 'start.options.subagent_agents', LIMITS.subagentAgents).map((a, i): SubagentAgent => {
        const f = `start.options.subagent_agents[${i}]`;
        check(a.agent, `${f}.agent`, 'is missing');
        const agent: SubagentAgent = { ...decodeTurnAgent(a.agent, `${f}.agent`), description: text(a.description, `${f}.description`, LIMITS.description) };
        // Checked like the turn's own model; the server's router then serves it only when a backend has it.
        if (a.model !== undefined) agent.model = text(a.model, `${f}.model`, LIMITS.model, { nonEmpty: true, pattern: MODEL_NAME });
        if (a.model_note !== undefined) agent.modelNote = text(a.model_note, `${f}.model_note`, LIMITS.modelNote);
        return agent;
      });
      if (agents.length > 0) turn.subagents.agents = agents;
      // One entry per role's model and per agent's at most, each a model name and a think value like the turn's own.
      const thinkEntries = Object.entries(sub.think_by_model ?? {});
      check(thinkEntries.length <= SUBAGENT_ROLES.length + LIMITS.subagentAgents, 'start.options.subagents.think_by_model', `has more than ${SUBAGENT_ROLES.length + LIMITS.subagentAgents} entries`);
      if (thinkEntries.length > 0) {
        turn.subagents.thinkByModel = new Map(
          thinkEntries.map(([model, value]) => {
            const name = text(model, 'start.options.subagents.think_by_model', LIMITS.model, { nonEmpty: true, pattern: MODEL_NAME });
            return [name, value === '' ? undefined : thinkValue(value, `start.options.subagents.think_by_model.${name}`)];
          }),
        );
      }
    }
    if (options.mode !== undefined && options.mode !== '') turn.mode = oneOf(options.mode, 'start.options.mode', CHAT_MODES);
    if (options.agent) turn.agent = decodeTurnAgent(options.agent, 'start.options.agent');
    const rules = count(options.rules, 'start.options.rules', LIMITS.rulesFiles).map(
      (r, i): RulesFile => ({
        path: text(r.path, `start.options.rules[${i}].path`, 4096, { nonEmpty: true }),
        text: text(r.text, `start.options.rules[${i}].text`, LIMITS.rulesChars),
        truncated: r.truncated === true,
      }),
    );
    if (rules.length > 0) turn.rules = rules;
    const sections = count(options.workspace_context, 'start.options.workspace_context', LIMITS.workspaceContextSections);
    if (sections.length > 0) {
      turn.workspaceContext = sections.map((c, i) => {
        const f = `start.options.workspace_context[${i}]`;
        const section: WorkspaceContextSection = { title: text(c.title, `${f}.title`, LIMITS.name * 4), text: text(c.text, `${f}.text`, LIMITS.workspaceContextChars) };
        if (c.max_tokens !== undefined) section.maxTokens = finiteNumber(c.max_tokens, `${f}.max_tokens`, 0, 1_000_000);
        return section;
      });
    }
    if (options.think !== undefined && options.think !== '') turn.think = thinkValue(options.think, 'start.options.think');
  }
  return turn;
}

export function decodeToolResult(result: ToolResult__Output | null | undefined, field: string): ToolResult {
  check(result, field, 'is missing');
  const out: ToolResult = {
    callId: text(result.call_id, `${field}.call_id`, LIMITS.id, { nonEmpty: true }),
    name: text(result.name, `${field}.name`, LIMITS.name),
    content: text(result.content, `${field}.content`, LIMITS.toolResultChars),
    isError: result.is_error === true,
  };
  if (result.summary) out.summary = text(result.summary, `${field}.summary`, 1000);
  if (result.duration_ms !== undefined) out.durationMs = result.duration_ms;
  return out;
}

export type ClientMessage =
  | { kind: 'start'; turn: TurnRequest }
  | { kind: 'toolResult'; requestId: string; result: ToolResult }
  | { kind: 'cancel'; reason: string };

/** Validates one message from a client's Chat stream. */
export function decodeClientMessage(message: ChatClientMessage__Output): ClientMessage {
  switch (message.kind) {
    case 'start':
      return { kind: 'start', turn: decodeChatStart(message.start) };
    case 'tool_result': {
      const reply = message.tool_result;
      check(reply, 'tool_result', 'is missing');
      return { kind: 'toolResult', requestId: text(reply.request_id, 'tool_result.request_id', LIMITS.id, { nonEmpty: true }), result: decodeToolResult(reply.result, 'tool_result.result') };
    }
    case 'cancel':
      return { kind: 'cancel', reason: text(message.cancel?.reason ?? '', 'cancel.reason', 1000) };
    default:
      throw new ProtocolViolation('kind', 'must be start, tool_result or cancel');
  }
}

export function decodeUsage(usage: Usage__Output | null | undefined): Usage {
  check(usage, 'usage', 'is missing');
  const out: Usage = { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens };
  if (usage.total_duration_ms !== undefined) out.totalDurationMs = usage.total_duration_ms;
  if (usage.load_duration_ms !== undefined) out.loadDurationMs = usage.load_duration_ms;
  if (usage.eval_duration_ms !== undefined) out.evalDurationMs = usage.eval_duration_ms;
  return out;
}

export function decodeHearthError(error: HearthError__Output | null | undefined): HearthError {
  check(error, 'error', 'is missing');
  // An unknown code from a newer server still reaches the user, as a generic error.
  const code = (ERROR_CODES as readonly string[]).includes(error.code) ? (error.code as HearthErrorCode) : 'internal';
  // Shown in the chat and, for an editor action, in a notification, where a [label](command:…) link would run on a click.
  const out: HearthError = { code, message: serverText(text(error.message, 'error.message', 10_000), true) || 'The team server reported an error.', retryable: error.retryable === true };
  if (error.host) out.host = error.host;
  if (error.model) out.model = error.model;
  if (error.installed_models.length > 0) out.installedModels = count(error.installed_models, 'error.installed_models', 1000);
  return out;
}

export type ServerMessage =
  | { kind: 'event'; event: AgentEvent }
  | { kind: 'toolRequest'; requestId: string; call: ToolCall; timeoutMs: number }
  | { kind: 'toolCancel'; requestId: string };

/**
 * Validates one message from the server's Chat stream. `offeredTools` are the
 * names the client sent: a request for any other tool is a protocol violation.
 * `sentResults` restores tool results the server did not echo in full.
 */
export function decodeServerMessage(message: ChatServerMessage__Output, offeredTools: ReadonlySet<string>, sentResults: Map<string, string>): ServerMessage {
  switch (message.kind) {
    case 'text':
      return { kind: 'event', event: { type: 'text', delta: text(message.text?.delta ?? '', 'text.delta', LIMITS.messageChars) } };
    case 'thinking':
      return { kind: 'event', event: { type: 'thinking', delta: text(message.thinking?.delta ?? '', 'thinking.delta', LIMITS.messageChars) } };
    case 'tool_call':
      return { kind: 'event', event: { type: 'toolCall', call: decodeToolCall(message.tool_call?.call, 'tool_call.call') } };
    case 'tool_request': {
      const req = message.tool_request;
      check(req, 'tool_request', 'is missing');
      const call = decodeToolCall(req.call, 'tool_request.call');
      check(offeredTools.has(call.name), 'tool_request.call.name', `asks for "${call.name}", a tool this client did not offer`);
      return { kind: 'toolRequest', requestId: text(req.request_id, 'tool_request.request_id', LIMITS.id, { nonEmpty: true }), call, timeoutMs: req.timeout_ms };
    }
    case 'tool_result': {
      const ev = message.tool_result;
      check(ev, 'tool_result', 'is missing');
      const result = decodeToolResult(ev.result, 'tool_result.result');
      if (ev.content_as_sent) {
        const sent = sentResults.get(result.callId);
        check(sent !== undefined, 'tool_result.content_as_sent', `refers to call ${result.callId}, whose result this client never sent`);
        result.content = sent;
      }
      return { kind: 'event', event: { type: 'toolResult', result } };
    }
    case 'status':
    {
      const id = text(message.status?.id ?? '', 'status.id', 200);
      return { kind: 'event', event: { type: 'status', message: text(message.status?.message ?? '', 'status.message', 10_000), level: message.status?.level === 'warning' ? 'warning' : 'info', ...(id ? { id } : {}) } };
    }
    case 'usage':
      return { kind: 'event', event: { type: 'usage', usage: decodeUsage(message.usage?.usage) } };
    case 'error':
      return { kind: 'event', event: { type: 'error', error: decodeHearthError(message.error?.error) } };
    case 'done':
      return { kind: 'event', event: { type: 'done', reason: oneOf(message.done?.reason, 'done.reason', DONE_REASONS) } };
    case 'context': {
      const c = message.context;
      check(c, 'context', 'is missing');
      return { kind: 'event', event: { type: 'context', promptTokens: c.prompt_tokens, budgetTokens: c.budget_tokens, numCtx: c.num_ctx } };
    }
    case 'compacted': {
      const c = message.compacted;
      check(c, 'compacted', 'is missing');
      return { kind: 'event', event: { type: 'compacted', summary: text(c.summary, 'compacted.summary', LIMITS.messageChars), summarizedExchanges: c.summarized_exchanges } };
    }
    case 'todos':
      return { kind: 'event', event: { type: 'todos', items: decodeTodos(message.todos?.items ?? [], 'todos.items') } };
    case 'agent_spawn': {
      const a = message.agent_spawn?.agent;
      check(a, 'agent_spawn.agent', 'is missing');
      return {
        kind: 'event',
        event: {
          type: 'agentSpawn',
          agent: {
            id: text(a.id, 'agent_spawn.agent.id', LIMITS.id, { nonEmpty: true }),
            role: oneOf(a.role, 'agent_spawn.agent.role', SUBAGENT_ROLES),
            model: text(a.model, 'agent_spawn.agent.model', LIMITS.model),
            task: text(a.task, 'agent_spawn.agent.task', LIMITS.subagentTask),
            parentCallId: text(a.parent_call_id, 'agent_spawn.agent.parent_call_id', LIMITS.id),
            ...(a.agent !== undefined ? { agent: text(a.agent, 'agent_spawn.agent.agent', 64, { nonEmpty: true, pattern: AGENT_NAME }) } : {}),
          },
        },
      };
    }
    case 'agent_event': {
      const ev = message.agent_event;
      check(ev?.event, 'agent_event.event', 'is missing');
      // Only activity may be nested: a sub-agent cannot ask for tools, end the turn or nest further through this.
      check(['tool_call', 'tool_result', 'status'].includes(ev.event.kind ?? ''), 'agent_event.event', 'must be a tool_call, tool_result or status');
      const inner = decodeServerMessage(ev.event, offeredTools, sentResults);
      check(inner.kind === 'event', 'agent_event.event', 'must be an event');
      return { kind: 'event', event: { type: 'agentEvent', agentId: text(ev.agent_id, 'agent_event.agent_id', LIMITS.id, { nonEmpty: true }), event: inner.event as SubagentActivity } };
    }
    case 'agent_result': {
      const r = message.agent_result;
      check(r?.outcome, 'agent_result.outcome', 'is missing');
      const o = r.outcome;
      return {
        kind: 'event',
        event: {
          type: 'agentResult',
          agentId: text(r.agent_id, 'agent_result.agent_id', LIMITS.id, { nonEmpty: true }),
          outcome: {
            reason: oneOf(o.reason, 'agent_result.outcome.reason', DONE_REASONS),
            summary: text(o.summary, 'agent_result.outcome.summary', LIMITS.subagentSummary),
            durationMs: o.duration_ms,
            ...(o.usage ? { usage: decodeUsage(o.usage) } : {}),
            ...(o.error ? { error: decodeHearthError(o.error) } : {}),
          },
        },
      };
    }
    case 'tool_cancel':
      return { kind: 'toolCancel', requestId: text(message.tool_cancel?.request_id ?? '', 'tool_cancel.request_id', LIMITS.id, { nonEmpty: true }) };
    default:
      throw new ProtocolViolation('kind', 'is not a message this client understands');
  }
}

function decodeTodos(items: { text: string; status: string }[], field: string): TodoItem[] {
  return count(items, field, MAX_TODO_ITEMS).map((item, i) => ({
    text: text(item.text, `${field}[${i}].text`, MAX_TODO_TEXT),
    status: oneOf(item.status, `${field}[${i}].status`, TODO_STATUSES),
  }));
}

export function decodeModelInfo(model: ModelInfo__Output, field: string): ModelInfo {
  const out: ModelInfo = { name: text(model.name, `${field}.name`, LIMITS.model, { nonEmpty: true }) };
  if (model.size_bytes !== undefined) out.sizeBytes = Number(model.size_bytes);
  if (model.family) out.family = model.family;
  if (model.parameter_size) out.parameterSize = model.parameter_size;
  if (model.quantization) out.quantization = model.quantization;
  if (model.modified_at) out.modifiedAt = model.modified_at;
  return out;
}
