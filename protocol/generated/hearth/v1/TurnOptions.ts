// Original file: protocol/hearth.proto

import type { SubagentOptions as _hearth_v1_SubagentOptions, SubagentOptions__Output as _hearth_v1_SubagentOptions__Output } from '../../hearth/v1/SubagentOptions';
import type { TodoPlan as _hearth_v1_TodoPlan, TodoPlan__Output as _hearth_v1_TodoPlan__Output } from '../../hearth/v1/TodoPlan';

export interface TurnOptions {
  'system_prompt'?: (string);
  'max_steps'?: (number);
  /**
   * The longest one tool call may take, approval included. The server caps
   * it with its own limit and sends the result with each ToolRequest.
   */
  'tool_timeout_ms'?: (number);
  'temperature'?: (number | string);
  /**
   * Whether a thinking model reasons first (Ollama's `think`): "true",
   * "false", "low", "medium" or "high"; absent leaves Ollama's default
   * (thinking models think). The client decides it per model.
   */
  'think'?: (string);
  /**
   * The history ends with the answer that stopped at the length limit; the
   * input is empty and the model continues that answer (no new user message).
   */
  'continue_reply'?: (boolean);
  /**
   * Lets the agent start sub-agents (its run_subagents tool) with these
   * limits; absent offers no such tool. The server caps the limits.
   */
  'subagents'?: (_hearth_v1_SubagentOptions | null);
  /**
   * Offers the update_todos tool; `items` is the plan so far (perhaps
   * edited by the user). Absent offers no such tool.
   */
  'todos'?: (_hearth_v1_TodoPlan | null);
  /**
   * Summarise the oldest exchanges once the prompt passes this fraction of
   * the context budget; absent never compacts.
   */
  'compact_at'?: (number | string);
  '_max_steps'?: "max_steps";
  '_tool_timeout_ms'?: "tool_timeout_ms";
  '_temperature'?: "temperature";
  '_think'?: "think";
  '_continue_reply'?: "continue_reply";
  '_subagents'?: "subagents";
  '_todos'?: "todos";
  '_compact_at'?: "compact_at";
}

export interface TurnOptions__Output {
  'system_prompt': (string);
  'max_steps'?: (number);
  /**
   * The longest one tool call may take, approval included. The server caps
   * it with its own limit and sends the result with each ToolRequest.
   */
  'tool_timeout_ms'?: (number);
  'temperature'?: (number);
  /**
   * Whether a thinking model reasons first (Ollama's `think`): "true",
   * "false", "low", "medium" or "high"; absent leaves Ollama's default
   * (thinking models think). The client decides it per model.
   */
  'think'?: (string);
  /**
   * The history ends with the answer that stopped at the length limit; the
   * input is empty and the model continues that answer (no new user message).
   */
  'continue_reply'?: (boolean);
  /**
   * Lets the agent start sub-agents (its run_subagents tool) with these
   * limits; absent offers no such tool. The server caps the limits.
   */
  'subagents'?: (_hearth_v1_SubagentOptions__Output | null);
  /**
   * Offers the update_todos tool; `items` is the plan so far (perhaps
   * edited by the user). Absent offers no such tool.
   */
  'todos'?: (_hearth_v1_TodoPlan__Output | null);
  /**
   * Summarise the oldest exchanges once the prompt passes this fraction of
   * the context budget; absent never compacts.
   */
  'compact_at'?: (number);
  '_max_steps'?: "max_steps";
  '_tool_timeout_ms'?: "tool_timeout_ms";
  '_temperature'?: "temperature";
  '_think'?: "think";
  '_continue_reply'?: "continue_reply";
  '_subagents'?: "subagents";
  '_todos'?: "todos";
  '_compact_at'?: "compact_at";
}
