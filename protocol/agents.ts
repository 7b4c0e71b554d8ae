/**
 * Agents: Hearth's built-in roles (planner, coder, reviewer, tester,
 * documenter) and the user's own agent files. An agent is a name, a short
 * description, instructions for the model and, optionally, a list of tools
 * that narrows what the chat's mode offers. It never widens it: the agent
 * core intersects the two, so an agent file (perhaps from a hostile
 * repository) cannot give the model a tool, an approval or a policy.
 *
 * Pure types and small helpers, so the webview can import them.
 */

/** Where an agent was defined; the chat shows it beside the agent's name. */
export type AgentSource = 'builtin' | 'user' | 'workspace';

/** The built-in roles; a user's agent file with one of these names replaces the role. */
export const BUILTIN_ROLES = ['planner', 'coder', 'reviewer', 'tester', 'documenter'] as const;
export type BuiltinRole = (typeof BUILTIN_ROLES)[number];

/** An agent as a turn carries it to the agent core (and, in remote mode, to the team server). */
export interface TurnAgent {
  name: string;
  /** Text for the system prompt; capped by the core. */
  instructions: string;
  /**
   * Hearth tool names the agent may use (an entry ending in `.*` allows an
   * MCP server's tools: `github.*`); undefined: every tool the mode offers.
   * An empty list means no tools.
   */
  tools?: string[];
  source: AgentSource;
}

/**
 * An agent the model may start as a sub-agent (`run_subagents` with
 * `agent`): the turn's agent shape plus the description the model picks it
 * by. The sub-agent is read-only whatever `tools` says; see
 * agent-host/core/subagents.ts.
 */
export interface SubagentAgent extends TurnAgent {
  description: string;
  /**
   * The model its sub-agents use, as the language server chose it with the
   * rule a routed agent's model follows (hearth.agent.roleModels, else the
   * agent file's model when the backend has it); undefined: the sub-agent
   * model of its role, else the turn's.
   */
  model?: string;
  /** Why the agent file's model is not used (not installed, or a repository's file): the sub-agent's card says so. */
  modelNote?: string;
}

/** Why a message went to an agent, as the chip on the reply says it. */
export type RouteReason = 'explicit' | 'keyword' | 'classifier' | 'action' | 'default';

/** The agent a reply was made by, and why: shown as a chip on the reply, stored with it. */
export interface AgentRoute {
  agent: string;
  source: AgentSource;
  /** The agent file, for a user or workspace agent (shown on hover). */
  file?: string;
  reason: RouteReason;
  /** The matched keyword, the classifier's reason, or the action's name. */
  detail?: string;
  /** The model the agent's reply uses. */
  model?: string;
  /** Things the user should know about the agent file (an unknown tool left out, a model not installed). */
  notes?: string[];
}

/** An agent as the `@` list shows it. */
export interface AgentSummary {
  name: string;
  description: string;
  source: AgentSource;
  /** The agent file (`~/.claude/agents/x.md`, `.github/agents/x.agent.md`): where it came from, shown in the list. */
  file?: string;
}

/** An agent's name: lowercase letters, digits, `-` and `_` (what follows `@`). */
export const AGENT_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * A leading `@name` that names an agent: the name and the message without
 * it. Only the start of the message counts (like a chat participant), so an
 * `@file` mention later in the text is never taken for an agent.
 */
export function parseAgentMention(text: string, isAgent: (name: string) => boolean): { name: string; rest: string } | undefined {
  const m = /^\s*@([A-Za-z0-9][A-Za-z0-9_-]{0,63})(?=\s|$)/.exec(text);
  if (!m) return undefined;
  const name = m[1].toLowerCase();
  if (!isAgent(name)) return undefined;
  return { name, rest: text.slice(m[0].length).trim() };
}

/** The chip's sentence: "@tester — chosen by you", "matched keyword 'test'", "classifier: …". */
export function routeLabel(route: AgentRoute): string {
  switch (route.reason) {
    case 'explicit':
      return 'chosen by you';
    case 'keyword':
      return `matched keyword '${route.detail ?? ''}'`;
    case 'classifier':
      return `classifier: ${route.detail ?? 'picked it'}`;
    case 'action':
      return `run by ${route.detail ?? 'an editor action'}`;
    case 'default':
      return 'default agent';
  }
}

/** Where an agent came from, as the chip says it. */
export function agentSourceLabel(route: Pick<AgentRoute, 'source' | 'file'>): string {
  return route.source === 'builtin' ? 'built-in role' : route.source === 'user' ? `your agent${route.file ? ` (${route.file})` : ''}` : `from this repository${route.file ? ` (${route.file})` : ''}`;
}
