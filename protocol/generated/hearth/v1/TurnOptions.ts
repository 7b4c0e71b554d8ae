// Original file: protocol/hearth.proto

import type { SubagentOptions as _hearth_v1_SubagentOptions, SubagentOptions__Output as _hearth_v1_SubagentOptions__Output } from '../../hearth/v1/SubagentOptions';
import type { TodoPlan as _hearth_v1_TodoPlan, TodoPlan__Output as _hearth_v1_TodoPlan__Output } from '../../hearth/v1/TodoPlan';
import type { WorkspaceContextSection as _hearth_v1_WorkspaceContextSection, WorkspaceContextSection__Output as _hearth_v1_WorkspaceContextSection__Output } from '../../hearth/v1/WorkspaceContextSection';
import type { RulesFile as _hearth_v1_RulesFile, RulesFile__Output as _hearth_v1_RulesFile__Output } from '../../hearth/v1/RulesFile';
import type { TurnAgent as _hearth_v1_TurnAgent, TurnAgent__Output as _hearth_v1_TurnAgent__Output } from '../../hearth/v1/TurnAgent';
import type { SubagentAgent as _hearth_v1_SubagentAgent, SubagentAgent__Output as _hearth_v1_SubagentAgent__Output } from '../../hearth/v1/SubagentAgent';

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
  /**
   * The repository map and project memory from the client's symbol index and
   * .hearth/memory.md; the server's agent core fits them into its budget.
   */
  'workspace_context'?: (_hearth_v1_WorkspaceContextSection)[];
  /**
   * "ask", "plan" or "agent" (absent: agent). The server's agent core turns
   * it into the tools it offers the model and the calls it lets through: Ask
   * and Plan only read-only tools, Plan also asks for a numbered plan.
   */
  'mode'?: (string);
  /**
   * The repository's rules files (AGENTS.md and the like), read on the
   * developer's machine. They go into the system prompt as the repository's
   * instructions (each capped by the server too), never into tool policy.
   */
  'rules'?: (_hearth_v1_RulesFile)[];
  /**
   * What the summary keeps in full detail (the text after /compact); at
   * most 2000 characters.
   */
  'compact_focus'?: (string);
  /**
   * The agent the client routed this message to (a built-in role or an
   * agent file): its instructions go into the system prompt (capped by the
   * server too), and its tool list narrows the mode's tools, never widens
   * them. Absent: Hearth itself.
   */
  'agent'?: (_hearth_v1_TurnAgent | null);
  /**
   * Agents the model may start as sub-agents by name (run_subagents'
   * `agent`), from the developer's agent files. Read only with `subagents`;
   * the server's core runs them read-only and never widens a tool list.
   */
  'subagent_agents'?: (_hearth_v1_SubagentAgent)[];
  '_max_steps'?: "max_steps";
  '_tool_timeout_ms'?: "tool_timeout_ms";
  '_temperature'?: "temperature";
  '_think'?: "think";
  '_continue_reply'?: "continue_reply";
  '_subagents'?: "subagents";
  '_todos'?: "todos";
  '_compact_at'?: "compact_at";
  '_compact_focus'?: "compact_focus";
  '_mode'?: "mode";
  '_agent'?: "agent";
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
  /**
   * The repository map and project memory from the client's symbol index and
   * .hearth/memory.md; the server's agent core fits them into its budget.
   */
  'workspace_context': (_hearth_v1_WorkspaceContextSection__Output)[];
  /**
   * "ask", "plan" or "agent" (absent: agent). The server's agent core turns
   * it into the tools it offers the model and the calls it lets through: Ask
   * and Plan only read-only tools, Plan also asks for a numbered plan.
   */
  'mode'?: (string);
  /**
   * The repository's rules files (AGENTS.md and the like), read on the
   * developer's machine. They go into the system prompt as the repository's
   * instructions (each capped by the server too), never into tool policy.
   */
  'rules': (_hearth_v1_RulesFile__Output)[];
  /**
   * What the summary keeps in full detail (the text after /compact); at
   * most 2000 characters.
   */
  'compact_focus'?: (string);
  /**
   * The agent the client routed this message to (a built-in role or an
   * agent file): its instructions go into the system prompt (capped by the
   * server too), and its tool list narrows the mode's tools, never widens
   * them. Absent: Hearth itself.
   */
  'agent'?: (_hearth_v1_TurnAgent__Output | null);
  /**
   * Agents the model may start as sub-agents by name (run_subagents'
   * `agent`), from the developer's agent files. Read only with `subagents`;
   * the server's core runs them read-only and never widens a tool list.
   */
  'subagent_agents': (_hearth_v1_SubagentAgent__Output)[];
  '_max_steps'?: "max_steps";
  '_tool_timeout_ms'?: "tool_timeout_ms";
  '_temperature'?: "temperature";
  '_think'?: "think";
  '_continue_reply'?: "continue_reply";
  '_subagents'?: "subagents";
  '_todos'?: "todos";
  '_compact_at'?: "compact_at";
  '_compact_focus'?: "compact_focus";
  '_mode'?: "mode";
  '_agent'?: "agent";
}
