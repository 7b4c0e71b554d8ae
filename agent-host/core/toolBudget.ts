/**
 * Which tool definitions one model request carries. Every definition (name,
 * description, JSON schema) goes with every request, so a few MCP servers
 * with many tools can take a small context window whole: the GitHub server
 * alone lists about 90, and Ollama runs models at 4,096–8,192 tokens unless
 * told otherwise. Without a limit every turn was refused as "too long".
 *
 * The rule: the definitions together may take at most TOOL_SHARE of the
 * prompt budget (num_ctx minus the answer's reserve, see contextBudget.ts).
 * The built-in tools always go, whatever they take: the agent cannot work
 * without them, and they are a fixed, known size. MCP tools (their names
 * have a dot, `server.tool`) then go in the order they were given, servers in
 * configuration order and each server's tools in its listing order, until
 * the next one would not fit; it and every tool after it are left out of the
 * request. A definition is never shortened: a cut schema would be a
 * different tool. The order is the same on every request, so the same tools
 * stay offered step after step and the prompt cache holds.
 */
import type { ToolDefinition } from '../../protocol/tools';
import { toolsTokens } from './toolsTokens';

/**
 * Half the prompt budget. The other half is for the system prompt, the
 * workspace context (itself capped, see workspaceContext.ts), the history and
 * the user's message with what they attached. At 32,768 tokens (Hearth's
 * default cap) that is room for a hundred or more ordinary MCP tools beside
 * the built-ins; at 8,192 for about a dozen; at 4,096 the built-ins alone
 * take the whole share and MCP tools need a model with a larger window.
 */
export const TOOL_SHARE = 0.5;

export interface LeftOutTools {
  /** The server part of the tools' names (`server` in `server.tool`). */
  server: string;
  count: number;
}

export interface ToolSelection {
  /** The tools this request offers, in the order given. */
  offered: ToolDefinition[];
  /** Per server, in the order the servers came, the tools left out. */
  leftOut: LeftOutTools[];
  /** What all the offered definitions take, as toolsTokens counts them. */
  offeredTokens: number;
}

/** The MCP server a tool comes from (the part of its name before the first dot), or undefined for a built-in tool. */
export function toolServer(name: string): string | undefined {
  const dot = name.indexOf('.');
  return dot > 0 ? name.slice(0, dot) : undefined;
}

/**
 * The tools that fit TOOL_SHARE of `promptBudget` tokens by the rule above,
 * and at most `maxCount` of them (the team server's limit on a turn's tools,
 * applied the same way by the client before it sends them).
 */
export function selectTools(tools: readonly ToolDefinition[], promptBudget: number, maxCount = Infinity): ToolSelection {
  const builtIn = tools.filter((t) => toolServer(t.name) === undefined);
  let used = toolsTokens(builtIn);
  const limit = Math.floor(promptBudget * TOOL_SHARE);
  const kept = new Set<ToolDefinition>(builtIn);
  const leftOut = new Map<string, number>();
  let full = false;
  for (const tool of tools) {
    const server = toolServer(tool.name);
    if (server === undefined) continue;
    // toolsTokens of one tool is its own count plus the list's one token.
    const cost = toolsTokens([tool]) - (used === 0 ? 0 : 1);
    full ||= used + cost > limit || kept.size >= maxCount;
    if (!full) {
      kept.add(tool);
      used += cost;
      continue;
    }
    leftOut.set(server, (leftOut.get(server) ?? 0) + 1);
  }
  const offered = kept.size === tools.length ? [...tools] : tools.filter((t) => kept.has(t));
  return { offered, leftOut: [...leftOut].map(([server, count]) => ({ server, count })), offeredTokens: toolsTokens(offered) };
}
