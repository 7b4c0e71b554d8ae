/**
 * Hearth's built-in roles: short, purpose-built instructions and a tool set
 * each. The tool sets narrow the chat mode's tools (a reviewer in Agent mode
 * still only reads); a role without a list keeps every tool the mode offers.
 * A user's own agent file with a role's name replaces the role.
 */
import type { BuiltinRole } from '../../protocol/agents';
import { ToolName } from '../../protocol/tools';

export interface RoleDefinition {
  description: string;
  instructions: string;
  tools?: string[];
}

const READ: string[] = [ToolName.ReadFile, ToolName.ListDir, ToolName.Glob, ToolName.Grep, ToolName.GetProblems, ToolName.FindSymbol, ToolName.CodebaseSearch, ToolName.LoadSkill];

export const BUILTIN_ROLE_DEFINITIONS: Record<BuiltinRole, RoleDefinition> = {
  planner: {
    description: 'Investigates the code and writes a step-by-step plan; changes nothing.',
    instructions: `Investigate before you plan: read the relevant files and search for the code involved.
Then give a numbered plan of small, concrete steps (file, change, how to check it), with risks and open questions last.
Do not change files or run commands.`,
    tools: [...READ, 'update_todos', 'run_subagents'],
  },
  coder: {
    description: 'Makes code changes: implements features and fixes bugs.',
    instructions: `Make the change the user asks for, in the style of the surrounding code.
Read a file before editing it, keep edits small and focused, and do not change unrelated code.
After changing code, check it (the problems list, or the project's build or test command) and fix what you broke.`,
  },
  reviewer: {
    description: 'Reviews code for bugs, risks and readability; changes nothing.',
    instructions: `Review the code the user points to. Look for bugs, unhandled errors and edge cases, security risks, and unclear code, in that order.
Cite each finding by path and line, say why it matters and suggest a fix as a short code block. Say plainly when you find nothing serious.
Do not change files.`,
    tools: [...READ],
  },
  tester: {
    description: 'Writes and runs tests.',
    instructions: `Write focused tests in the project's existing test framework and style; look at existing tests first.
Cover the normal case, edge cases and errors; each test checks one behaviour a user would notice.
Run the tests when you can and fix the tests (not the code under test) unless the code is clearly wrong, and then say so.`,
  },
  documenter: {
    description: 'Writes documentation: doc comments, README sections.',
    instructions: `Write documentation that says what the code is for, how to use it and what to watch out for, in the project's existing doc style (JSDoc, docstrings, Markdown).
Be concise; do not restate what the code obviously says. Change only comments and documentation, never behaviour.`,
    tools: [...READ, ToolName.EditFile, ToolName.WriteFile],
  },
};
