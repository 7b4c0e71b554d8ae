import type { ToolDefinition } from '../../protocol/tools';
import { estimateTokens } from './tokenEstimate';
import { toOllamaTool } from './toOllamaMessages';

/**
 * Estimates per tool, kept beside its schema object. The estimate is the
 * JSON of the tool as Ollama receives it, which every step of every turn
 * used to serialize again only to count it; schemas do not change once
 * made (the built-in ones are constants, the team server's decoder shares
 * one frozen object per distinct schema), so the count is made once.
 */
const bySchema = new WeakMap<object, Map<string, number>>();

/** The prompt tokens the tools' definitions take, as `estimateTokens(JSON.stringify(tools.map(toOllamaTool)))` counts them, or a token more per tool. */
export function toolsTokens(tools: readonly ToolDefinition[]): number {
  if (tools.length === 0) return 0;
  let total = 1;
  for (const tool of tools) {
    let counts = bySchema.get(tool.parameters);
    if (!counts) bySchema.set(tool.parameters, (counts = new Map()));
    const key = `${tool.name}\u0000${tool.description}`;
    let tokens = counts.get(key);
    if (tokens === undefined) {
      // Each tool counted with the separator after it (the list's one token covers the brackets) stays at or above the
      // whole's count, and its own rounding adds less than a token: a separate token per separator would add two.
      tokens = estimateTokens(`${JSON.stringify(toOllamaTool(tool))},`);
      counts.set(key, tokens);
    }
    total += tokens;
  }
  return total;
}
