/**
 * protocol/chat.ts types -> hearth.v1 proto messages. Both sides use these:
 * the client to send a turn and tool results, the server to send events.
 */
import type { AgentEvent, ChatMessage, ContextItem, HearthError, Role, SubagentRole, ThinkValue, TodoItem, ToolCall, ToolResult, Usage, UserInput, ChatMode, RulesFile, WorkspaceContextSection } from '../chat';
import type { ModelInfo } from '../lspMethods';
import type { SubagentAgent, TurnAgent } from '../agents';
import type { ToolDefinition } from '../tools';
import type { ChatMessage as PbChatMessage } from '../generated/hearth/v1/ChatMessage';
import type { ImageAttachment as PbImageAttachment } from '../generated/hearth/v1/ImageAttachment';
import type { ChatImage } from '../chatImages';
import type { ChatServerMessage } from '../generated/hearth/v1/ChatServerMessage';
import type { ChatStart } from '../generated/hearth/v1/ChatStart';
import type { ContextItem as PbContextItem } from '../generated/hearth/v1/ContextItem';
import type { HearthError as PbHearthError } from '../generated/hearth/v1/HearthError';
import type { ModelInfo as PbModelInfo } from '../generated/hearth/v1/ModelInfo';
import type { Role as PbRole } from '../generated/hearth/v1/Role';
import type { ToolCall as PbToolCall } from '../generated/hearth/v1/ToolCall';
import type { ToolDefinition as PbToolDefinition } from '../generated/hearth/v1/ToolDefinition';
import type { ToolResult as PbToolResult } from '../generated/hearth/v1/ToolResult';
import type { Usage as PbUsage } from '../generated/hearth/v1/Usage';

export const ROLE_TO_PROTO: Record<Role, PbRole> = {
  system: 'ROLE_SYSTEM',
  user: 'ROLE_USER',
  assistant: 'ROLE_ASSISTANT',
  tool: 'ROLE_TOOL',
};

export function encodeToolCall(call: ToolCall): PbToolCall {
  return { id: call.id, name: call.name, arguments_json: JSON.stringify(call.arguments ?? {}) };
}

export function encodeChatMessage(message: ChatMessage): PbChatMessage {
  return {
    role: ROLE_TO_PROTO[message.role],
    content: message.content,
    tool_calls: (message.toolCalls ?? []).map(encodeToolCall),
    tool_call_id: message.toolCallId ?? '',
    tool_name: message.toolName ?? '',
    images: (message.images ?? []).map(encodeImage),
  };
}

/** An image travels as its raw bytes (a third smaller than base64). */
export function encodeImage(image: ChatImage): PbImageAttachment {
  return { mime_type: image.mimeType, name: image.name, data: Buffer.from(image.dataBase64, 'base64') };
}

function encodeContextItem(item: ContextItem): PbContextItem {
  const out: PbContextItem = { kind: item.kind, path: item.path, language_id: item.languageId ?? '' };
  if (item.text !== undefined) out.text = item.text;
  if (item.range) out.range = { start_line: item.range.startLine, end_line: item.range.endLine };
  return out;
}

export function encodeToolDefinition(tool: ToolDefinition): PbToolDefinition {
  return { name: tool.name, description: tool.description, parameters_json: JSON.stringify(tool.parameters), read_only: tool.readOnly };
}

export interface TurnRequest {
  history: ChatMessage[];
  input: UserInput;
  model: string;
  systemPrompt?: string;
  maxSteps?: number;
  toolTimeoutMs?: number;
  temperature?: number;
  /** Ollama's `think` as the client decided it for this model; undefined leaves Ollama's default. */
  think?: ThinkValue;
  continueReply?: boolean;
  /** Sub-agent limits and models as the client asks for them; the server caps the limits. */
  subagents?: {
    maxParallel?: number;
    maxSteps?: number;
    models?: Partial<Record<SubagentRole, string>>;
    agents?: SubagentAgent[];
    /** The client's `think` per sub-agent model other than the turn's (undefined: Ollama's default); see SubagentOptions.think_by_model. */
    thinkByModel?: ReadonlyMap<string, ThinkValue | undefined>;
  };
  /** The plan so far, when the client offers the update_todos tool. */
  todos?: { current: TodoItem[] };
  compactAt?: number;
  /** What a compaction's summary keeps in full detail (`/compact <focus>`). */
  compactFocus?: string;
  /** Ask, Plan or Agent; undefined is Agent. */
  mode?: ChatMode;
  /** The repository's rules files for the system prompt. */
  rules?: RulesFile[];
  /** The repository map and project memory (see TurnOptions.workspaceContext). */
  workspaceContext?: WorkspaceContextSection[];
  /** The agent the client routed the message to (see TurnOptions.agent). */
  agent?: TurnAgent;
  tools: ToolDefinition[];
  /** Tools the user turned off (see ToolExecutor.turnedOff): a call to one is refused as such. */
  turnedOffTools?: string[];
}

/** An agent as the proto carries it: `tools_restricted` tells "no list" (every tool) from an empty list (none). */
function encodeTurnAgent(a: TurnAgent): NonNullable<ChatStart['options']>['agent'] {
  return { name: a.name, instructions: a.instructions, tools: a.tools ?? [], tools_restricted: a.tools !== undefined, source: a.source };
}

export function encodeChatStart(turn: TurnRequest): ChatStart {
  const options: ChatStart['options'] = { system_prompt: turn.systemPrompt ?? '' };
  if (turn.maxSteps !== undefined) options.max_steps = turn.maxSteps;
  if (turn.toolTimeoutMs !== undefined) options.tool_timeout_ms = turn.toolTimeoutMs;
  if (turn.temperature !== undefined) options.temperature = turn.temperature;
  if (turn.think !== undefined) options.think = String(turn.think);
  if (turn.continueReply) options.continue_reply = true;
  if (turn.compactAt !== undefined) options.compact_at = turn.compactAt;
  if (turn.compactFocus) options.compact_focus = turn.compactFocus;
  if (turn.todos) options.todos = { items: turn.todos.current.map((i) => ({ text: i.text, status: i.status })) };
  if (turn.subagents) {
    const sub = turn.subagents;
    options.subagents = { models: Object.fromEntries(Object.entries(sub.models ?? {}).filter(([, m]) => m !== undefined && m !== '')) as Record<string, string> };
    if (sub.maxParallel !== undefined) options.subagents.max_parallel = sub.maxParallel;
    if (sub.maxSteps !== undefined) options.subagents.max_steps = sub.maxSteps;
    if (sub.thinkByModel?.size) options.subagents.think_by_model = Object.fromEntries([...sub.thinkByModel].map(([model, think]) => [model, think === undefined ? '' : String(think)]));
    if (sub.agents?.length) options.subagent_agents = sub.agents.map((a) => ({
        agent: encodeTurnAgent(a),
        description: a.description,
        ...(a.model !== undefined ? { model: a.model } : {}),
        ...(a.modelNote !== undefined ? { model_note: a.modelNote } : {}),
      }));
  }
  if (turn.mode !== undefined) options.mode = turn.mode;
  if (turn.rules?.length) options.rules = turn.rules.map((r) => ({ path: r.path, text: r.text, truncated: r.truncated }));
  if (turn.workspaceContext?.length) {
    options.workspace_context = turn.workspaceContext.map((c) => ({ title: c.title, text: c.text, ...(c.maxTokens !== undefined ? { max_tokens: c.maxTokens } : {}) }));
  }
  if (turn.agent) options.agent = encodeTurnAgent(turn.agent);
  return {
    history: turn.history.map(encodeChatMessage),
    input: { text: turn.input.text, context: turn.input.context.map(encodeContextItem), images: (turn.input.images ?? []).map(encodeImage) },
    model: turn.model,
    options,
    tools: turn.tools.map(encodeToolDefinition),
    turned_off_tools: turn.turnedOffTools ?? [],
  };
}

export function encodeToolResult(result: ToolResult): PbToolResult {
  const out: PbToolResult = { call_id: result.callId, name: result.name, content: result.content, is_error: result.isError, summary: result.summary ?? '' };
  if (result.durationMs !== undefined) out.duration_ms = Math.max(0, Math.round(result.durationMs));
  return out;
}

export function encodeUsage(usage: Usage): PbUsage {
  const out: PbUsage = { prompt_tokens: Math.max(0, Math.round(usage.promptTokens)), completion_tokens: Math.max(0, Math.round(usage.completionTokens)) };
  if (usage.totalDurationMs !== undefined) out.total_duration_ms = usage.totalDurationMs;
  if (usage.loadDurationMs !== undefined) out.load_duration_ms = usage.loadDurationMs;
  if (usage.evalDurationMs !== undefined) out.eval_duration_ms = usage.evalDurationMs;
  return out;
}

export function encodeHearthError(error: HearthError): PbHearthError {
  return {
    code: error.code,
    message: error.message,
    host: error.host ?? '',
    model: error.model ?? '',
    installed_models: error.installedModels ?? [],
    retryable: error.retryable,
  };
}

/**
 * One agent event as a server message. `sentResults` holds what the client
 * sent for each call id, so an unchanged tool result is not echoed back in full.
 */
export function encodeAgentEvent(event: AgentEvent, sentResults?: Map<string, string>): ChatServerMessage {
  switch (event.type) {
    case 'text':
      return { text: { delta: event.delta } };
    case 'thinking':
      return { thinking: { delta: event.delta } };
    case 'toolCall':
      return { tool_call: { call: encodeToolCall(event.call) } };
    case 'toolResult': {
      const sameAsSent = sentResults?.get(event.result.callId) === event.result.content;
      const result = encodeToolResult(event.result);
      if (sameAsSent) result.content = '';
      return { tool_result: { result, content_as_sent: sameAsSent } };
    }
    case 'status':
      return { status: { message: event.message, level: event.level, ...(event.id !== undefined ? { id: event.id } : {}) } };
    case 'usage':
      return { usage: { usage: encodeUsage(event.usage) } };
    case 'error':
      return { error: { error: encodeHearthError(event.error) } };
    case 'context':
      return { context: { prompt_tokens: Math.max(0, Math.round(event.promptTokens)), budget_tokens: Math.max(0, Math.round(event.budgetTokens)), num_ctx: Math.max(0, Math.round(event.numCtx)) } };
    case 'compacted':
      // `keptFrom` is the client's own bookkeeping; the server reports only what it summarised.
      return { compacted: { summary: event.summary, summarized_exchanges: event.summarizedExchanges } };
    case 'compactionUndone':
      throw new Error('compactionUndone is the client\'s own event; a server never sends it.');
    case 'checkpoint':
      throw new Error('checkpoint is the client\'s own event; a server never sends it.');
    case 'agentRoute':
      throw new Error('agentRoute is the client\'s own event (it routes before the turn); a server never sends it.');
    case 'todos':
      // `byUser` stays on the client: a server only ever reports the agent's own updates.
      return { todos: { items: event.items.map((i) => ({ text: i.text, status: i.status })) } };
    case 'agentSpawn': {
      const a = event.agent;
      return { agent_spawn: { agent: { id: a.id, role: a.role, model: a.model, task: a.task, parent_call_id: a.parentCallId, ...(a.agent !== undefined ? { agent: a.agent } : {}) } } };
    }
    case 'agentEvent':
      return { agent_event: { agent_id: event.agentId, event: encodeAgentEvent(event.event, sentResults) } };
    case 'agentResult': {
      const o = event.outcome;
      return {
        agent_result: {
          agent_id: event.agentId,
          outcome: {
            reason: o.reason,
            summary: o.summary,
            duration_ms: Math.max(0, Math.round(o.durationMs)),
            usage: o.usage ? encodeUsage(o.usage) : null,
            error: o.error ? encodeHearthError(o.error) : null,
          },
        },
      };
    }
    case 'done':
      return { done: { reason: event.reason } };
  }
}

export function encodeModelInfo(model: ModelInfo): PbModelInfo {
  const out: PbModelInfo = {
    name: model.name,
    family: model.family ?? '',
    parameter_size: model.parameterSize ?? '',
    quantization: model.quantization ?? '',
    modified_at: model.modifiedAt ?? '',
  };
  if (model.sizeBytes !== undefined) out.size_bytes = model.sizeBytes;
  return out;
}
