import type { ContextItem } from '../../protocol/chat';
import type { SlashCommandInfo } from '../../protocol/slashCommands';

/** A built-in that turns into a message about code: a short, purpose-built instruction plus the user's own words. */
interface CodeCommand {
  name: string;
  description: string;
  instruction: string;
}

const CODE_COMMANDS: readonly CodeCommand[] = [
  {
    name: 'explain',
    description: 'Explain the selected code (or the active file)',
    instruction: 'Explain the attached code: what it does, how it does it, and anything surprising or risky in it. Be concise and refer to names and line numbers.',
  },
  {
    name: 'fix',
    description: 'Find and fix the problems in the selected code (or the active file)',
    instruction:
      'Find the bugs and problems in the attached code. For each, say briefly what is wrong and why, then give the corrected code in a fenced code block that names the file. Change only what is needed.',
  },
  {
    name: 'tests',
    description: 'Write unit tests for the selected code (or the active file)',
    instruction:
      'Write unit tests for the attached code. Use the test framework and conventions the project already uses (judging by its imports and files), otherwise the most common one for the language. Cover the normal cases, the edge cases and the errors. Give the complete test file in one fenced code block and say where it belongs.',
  },
  {
    name: 'doc',
    description: 'Write documentation comments for the selected code (or the active file)',
    instruction:
      'Write documentation comments for the attached code in the language\u2019s conventional style (JSDoc, docstrings, rustdoc, …) without changing its behaviour. Give the documented code in a fenced code block.',
  },
];

/** `/new`: an action, not a message. */
export const NEW_CHAT_COMMAND = 'new';

/** `/compact`: summarise the chat's earlier messages now, instead of when the context fills. */
export const COMPACT_COMMAND = 'compact';

/**
 * What the model reads for `/compact`. It is written before the turn runs,
 * and the summary can fail (the model is down, or writes nothing or more
 * than it replaces: the agent core then keeps the messages and warns), so it
 * tells the model what to say in either case rather than that a summary is
 * there.
 */
export const COMPACT_EXPANSION =
  'The user typed /compact to have the earlier messages of this chat summarised. ' +
  'If a summary of them is above, reply with one short sentence saying the chat goes on from the summary; ' +
  'if the earlier messages are still above in full, the summary could not be made: say so in one short sentence. ' +
  'Then wait for the next request. Do not repeat the summary or the messages.';

/** The built-ins, in the order the completion list shows them. */
export const BUILTIN_COMMANDS: readonly SlashCommandInfo[] = [
  ...CODE_COMMANDS.map((c) => ({ name: c.name, description: c.description, argumentHint: '[what to focus on]', source: 'builtin' as const })),
  { name: NEW_CHAT_COMMAND, description: 'Start a new chat (text after it becomes its first message)', argumentHint: '[message]', source: 'builtin' },
  { name: COMPACT_COMMAND, description: 'Summarise the earlier messages now, to free the model\u2019s context', argumentHint: '[what to keep in detail]', source: 'builtin' },
];

export function isBuiltinCommand(name: string): boolean {
  return BUILTIN_COMMANDS.some((c) => c.name === name);
}

/** Whether a context item carries code (a selection, a file, or an `@` mention). */
export function isCode(item: ContextItem): boolean {
  return item.kind === 'selection' || item.kind === 'file' || item.kind === 'mention';
}

/**
 * The message the model reads for a code built-in: its instruction, then what
 * the user added after the command. The code itself travels as the message's
 * context, formatted like any attached selection or file.
 */
export function expandCodeCommand(name: string, args: string): string | undefined {
  const command = CODE_COMMANDS.find((c) => c.name === name);
  if (!command) return undefined;
  return args.trim() ? `${command.instruction}\n\nThe user adds: ${args.trim()}` : command.instruction;
}
