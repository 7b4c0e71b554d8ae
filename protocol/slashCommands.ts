/**
 * Slash commands typed at the start of the chat composer (`/explain why is
 * this slow`). The webview only recognises the shape and sends the command's
 * name and the text after it; what a command means (its expansion into the
 * message the model reads) is decided by the language server alone. Pure
 * helpers, so the webview can import them without Node or `vscode`.
 */

/** Where a command comes from: Hearth itself, a prompt file (workspace or the user's), an MCP server's prompt, or an Agent Skill. */
export type SlashCommandSource = 'builtin' | 'workspace' | 'user' | 'mcp' | 'skill';

/** One entry of the `/` completion list. */
export interface SlashCommandInfo {
  /** Without the slash: `explain`, `review`, `mcp.everything.args-prompt`. */
  name: string;
  description: string;
  /** What to type after the name, e.g. `<city> [state]`. */
  argumentHint?: string;
  source: SlashCommandSource;
  /** The MCP server of an MCP prompt. */
  server?: string;
  /** The MCP server is the team server's (the admin's), not one of the developer's. */
  team?: boolean;
  /** An MCP prompt's own name on its server and its arguments' names in declared order: what the composer asks the server's suggestions for. */
  prompt?: { name: string; arguments: string[] };
}

/** A command as the user sent it: the name and everything after it, untouched. */
export interface SlashCommandCall {
  name: string;
  args: string;
}

/** The longest command name accepted (an MCP prompt's name is `mcp.<server>.<prompt>`). */
export const MAX_SLASH_NAME_LENGTH = 128;

/** The names of MCP prompts start with this, so they never collide with built-ins or prompt files. */
export const MCP_PROMPT_PREFIX = 'mcp.';
/** The names of the team server's MCP prompts (remote mode) start with this, so they never collide with the developer's own. */
export const TEAM_PROMPT_PREFIX = 'team.';

const COMMAND = /^\/([A-Za-z0-9][A-Za-z0-9_.-]*)(?:\s+([\s\S]*))?$/;

/**
 * The command in a message, when it starts with `/name` followed by white
 * space or nothing. `/usr/bin is odd` is not a command (the name is followed
 * by a slash), so ordinary text that starts with a path still sends as text.
 */
export function parseSlashCommand(text: string): SlashCommandCall | undefined {
  const m = COMMAND.exec(text);
  if (!m || m[1].length > MAX_SLASH_NAME_LENGTH) return undefined;
  return { name: m[1], args: (m[2] ?? '').trim() };
}

/** The command name being typed: the message starts with `/` and the caret is still inside its first word. */
export function findSlashQuery(text: string, caret: number): { query: string } | undefined {
  const before = text.slice(0, caret);
  const m = /^\/([A-Za-z0-9_.-]*)$/.exec(before);
  return m ? { query: m[1] } : undefined;
}
