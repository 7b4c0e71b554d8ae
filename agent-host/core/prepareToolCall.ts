import type { ToolCall, ToolResult } from '../../protocol/chat';
import type { ToolDefinition } from '../../protocol/tools';
import { errorResult } from './executeToolCall';
import { validateAgainstSchema } from './schemaValidator';

/** A tool call as the model proposed it, before any checking. */
export interface ProposedCall {
  id: string;
  /** Undefined when the call was too garbled to name a tool. */
  name?: string;
  arguments: unknown;
  /** Set when the call could not even be parsed (bad JSON in the text protocol). */
  problem?: string;
}

/** A call ready to show and run, or the reason it must not run (which the model will read). */
export interface PreparedCall {
  call: ToolCall;
  rejection?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks a proposed call against the offered tools and their schemas. A bad
 * call never throws: it becomes a rejection that goes back to the model as an
 * error result, with enough detail to fix it on the next step.
 */
export function prepareToolCall(proposed: ProposedCall, tools: ToolDefinition[]): PreparedCall {
  const args = isRecord(proposed.arguments) ? proposed.arguments : {};
  const call: ToolCall = { id: proposed.id, name: proposed.name ?? 'invalid_tool_call', arguments: args };
  if (proposed.problem) return { call, rejection: `${proposed.problem} The call was not run.` };
  const tool = tools.find((t) => t.name === proposed.name);
  if (!tool) {
    return { call, rejection: `There is no tool named ${JSON.stringify(proposed.name ?? '')}. Available tools: ${tools.map((t) => t.name).join(', ')}.` };
  }
  if (!isRecord(proposed.arguments)) {
    return { call, rejection: `The arguments of ${tool.name} must be a JSON object, got ${JSON.stringify(proposed.arguments)}. The call was not run.` };
  }
  const outcome = validateAgainstSchema(tool.parameters, proposed.arguments);
  if (!outcome.ok) {
    return {
      call,
      rejection:
        `Invalid arguments for ${tool.name}: ${outcome.errors.join(' ')} The call was not run. ` +
        `Call ${tool.name} again with arguments matching this schema: ${JSON.stringify(tool.parameters)}`,
    };
  }
  return { call: { ...call, arguments: outcome.value as Record<string, unknown> } };
}

/**
 * A tool request that did not come from this process's own loop (a team
 * server's, which the developer's machine runs) checked exactly as the loop
 * checks its model's calls: against the tool's own schema, before anything
 * runs or asks for approval, with the same words for the same mistake.
 * Returns the call with its arguments as validated, or the error result to
 * answer with instead of running it.
 */
export function checkRequestedCall(call: ToolCall, tools: ToolDefinition[]): { call: ToolCall; refused?: undefined } | { refused: ToolResult } {
  const prepared = prepareToolCall(call, tools);
  return prepared.rejection ? { refused: errorResult(prepared.call, prepared.rejection, 'invalid call') } : { call: prepared.call };
}
