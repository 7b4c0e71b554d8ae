import type { ToolDefinition } from '../../protocol/tools';
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

/**
 * The system message for a turn. A caller's prompt replaces the default, but
 * the text tool protocol is always appended when it is in use, because
 * without it the model cannot call tools at all.
 */
export function buildSystemPrompt(custom: string | undefined, mode: ToolMode, tools: ToolDefinition[], workspaceContext?: string): string {
  const parts = [custom ?? BASE_PROMPT];
  if (mode === 'native' && custom === undefined) parts.push(NATIVE_TOOLS_GUIDANCE);
  // The repository map and project memory: a guide to the workspace, after the instructions and before the tool protocol.
  if (workspaceContext && custom === undefined) parts.push(`${WORKSPACE_CONTEXT_INTRO}\n\n${workspaceContext}`);
  if (mode === 'text') parts.push(textToolInstructions(tools));
  return parts.join('\n\n');
}
