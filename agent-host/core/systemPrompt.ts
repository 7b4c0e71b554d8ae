import type { ChatMode } from '../../protocol/chat';
import type { ToolDefinition } from '../../protocol/tools';
import type { TurnAgent } from '../../protocol/agents';
import { agentPrompt } from './agentTools';
import { rulesPrompt, type FittedRules } from './rulesPrompt';
import { textToolInstructions } from './textToolProtocol';

/** How the model is offered tools this turn. */
export type ToolMode = 'none' | 'native' | 'text';

const BASE_PROMPT = `You are Hearth, a coding assistant inside the user's editor, running on the user's own model.
Answer concisely and precisely. Put code in fenced blocks with the language name.
Files and selections the user attaches appear in their message under a heading with the path and line range; refer to code by path.`;

const NATIVE_TOOLS_GUIDANCE = `You can use tools to read and search the user's workspace, change files and run commands.
Look at the code with the tools instead of guessing, and read a file before you edit it.
Every change and command is shown to the user, who may decline it; if a tool result says so, do not retry the same call.`;

const WORKSPACE_CONTEXT_INTRO = `About this workspace (from Hearth's index of its code and the project's memory file; use find_symbol, read_file and grep for details):`;

const ASK_GUIDANCE = `You are in Ask mode: you may read and search the workspace, but not change files or run commands.
Answer the question; when a change would help, show it as code the user can apply, or suggest switching to Agent mode.`;

/** Plan mode's addition: the webview offers "Run in Agent mode" on the reply, so the plan must stand on its own. */
export const PLAN_GUIDANCE = `You are in Plan mode: you may read and search the workspace, but not change files or run commands.
First look at the relevant code with the tools. Then answer with a plan as a numbered list (1., 2., 3., …) of concrete steps:
which file to change and how, which command to run and why, and how to check the result. Keep each step short and specific.
Do not make the changes yourself: the user reviews and edits the plan, then runs it in Agent mode.`;

/** What a turn adds to the prompt besides the tools: the chat mode and the repository's rules files. */
export interface PromptExtras {
  chatMode?: ChatMode;
  /** The repository's rules files, already fitted to their share of the window (rulesPrompt.ts `fitRules`). */
  rules?: FittedRules;
  /** The repository map and project memory, already fitted to the core's budget. */
  workspaceContext?: string;
  /** The agent (a built-in role or an agent file) this message was routed to. */
  agent?: TurnAgent;
}

/**
 * The system message for a turn. A caller's prompt replaces the default, but
 * the text tool protocol is always appended when it is in use, because
 * without it the model cannot call tools at all. The mode's guidance and the
 * rules files come before the tool protocol, which stays last.
 */
export function buildSystemPrompt(custom: string | undefined, mode: ToolMode, tools: ToolDefinition[], extras: PromptExtras = {}): string {
  const parts = [custom ?? BASE_PROMPT];
  if (mode === 'native' && custom === undefined && extras.chatMode !== 'ask' && extras.chatMode !== 'plan') parts.push(NATIVE_TOOLS_GUIDANCE);
  // The mode's guidance follows even a caller's own prompt: it says what the model can do in this turn.
  if (extras.chatMode === 'ask') parts.push(ASK_GUIDANCE);
  if (extras.chatMode === 'plan') parts.push(PLAN_GUIDANCE);
  // The agent's instructions follow the mode's (a caller's own prompt, such as a sub-agent's role, replaces them).
  const agent = custom === undefined ? agentPrompt(extras.agent) : undefined;
  if (agent) parts.push(agent);
  const rules = extras.rules ? rulesPrompt(extras.rules) : undefined;
  if (rules) parts.push(rules);
  // The repository map and project memory: a guide to the workspace, after the instructions and before the tool protocol.
  if (extras.workspaceContext && custom === undefined) parts.push(`${WORKSPACE_CONTEXT_INTRO}\n\n${extras.workspaceContext}`);
  if (mode === 'text') parts.push(textToolInstructions(tools));
  return parts.join('\n\n');
}
