import type { McpPrompt } from '../../agent-host';
import { MCP_PROMPT_PREFIX } from '../../protocol/slashCommands';
import { splitArguments } from './substituteArguments';

/**
 * The command name of an MCP prompt: `mcp.<server namespace>.<prompt>`, the
 * namespace being the one its tools carry (`everything.echo` →
 * `/mcp.everything.args-prompt`); the team server's prompts take `team.`
 * instead of `mcp.`. The prompt part is cleaned to the characters a command
 * name may have.
 */
export function mcpPromptCommandName(prompt: Pick<McpPrompt, 'namespace' | 'name'>, prefix = MCP_PROMPT_PREFIX): string {
  return `${prefix}${prompt.namespace}.${prompt.name.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 100)}`;
}

/** `<required> [optional]`, in declared order. */
export function mcpPromptArgumentHint(prompt: Pick<McpPrompt, 'arguments'>): string | undefined {
  if (prompt.arguments.length === 0) return undefined;
  return prompt.arguments.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`)).join(' ');
}

/**
 * The prompt's arguments from the text after the command: `name=value` words
 * set an argument by name; the other words fill the remaining arguments in
 * declared order ("quoted words" count as one). A prompt with a single
 * argument takes the whole text. Throws an Error whose message tells the
 * user what is missing or extra and how to write the command.
 */
export function bindMcpPromptArguments(prompt: McpPrompt, text: string, prefix = MCP_PROMPT_PREFIX): Record<string, string> {
  const declared = prompt.arguments;
  const usage = `/${mcpPromptCommandName(prompt, prefix)}${declared.length ? ` ${mcpPromptArgumentHint(prompt)}` : ''}`;
  const values: Record<string, string> = {};
  const names = new Set(declared.map((a) => a.name));
  const single = declared.length === 1 ? declared[0].name : undefined;
  const trimmed = text.trim();
  if (single && trimmed && !trimmed.startsWith(`${single}=`)) {
    values[single] = trimmed;
  } else {
    const positional: string[] = [];
    for (const word of splitArguments(trimmed)) {
      const eq = word.indexOf('=');
      const key = eq > 0 ? word.slice(0, eq) : '';
      if (key && names.has(key)) values[key] = word.slice(eq + 1);
      else positional.push(word);
    }
    const open = declared.filter((a) => values[a.name] === undefined);
    if (positional.length > open.length) {
      throw new Error(
        declared.length === 0
          ? `${usage} takes no arguments.`
          : `${usage} has more words than arguments. Put a value with spaces in quotes, or write name=value.`,
      );
    }
    positional.forEach((word, i) => (values[open[i].name] = word));
  }
  const missing = declared.filter((a) => a.required && !values[a.name]);
  if (missing.length > 0) {
    const list = missing.map((a) => `${a.name}${a.description ? ` (${a.description})` : ''}`).join(', ');
    throw new Error(`/${mcpPromptCommandName(prompt, prefix)} needs ${missing.length === 1 ? 'the argument' : 'the arguments'} ${list}. Write it as ${usage}, or with name=value.`);
  }
  return values;
}
