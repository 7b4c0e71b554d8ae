/** The `/` completion: the commands the language server lists, shown in a CompletionPopup. */
import type { SlashCommandInfo } from '../protocol/slashCommands';
import { CompletionPopup, type CompletionItem } from './completionPopup';

const SOURCE_LABEL: Record<SlashCommandInfo['source'], string> = {
  builtin: '',
  workspace: 'workspace prompt',
  user: 'your prompt',
  mcp: 'MCP prompt',
  skill: 'skill',
};

export function slashItem(command: SlashCommandInfo): CompletionItem {
  const where = command.source === 'mcp' && command.server ? `MCP prompt of ${command.server}${command.team ? ' (team server)' : ''}` : SOURCE_LABEL[command.source];
  const detail = [command.description, where].filter(Boolean).join(' · ');
  return {
    value: command.name,
    name: `/${command.name}`,
    ...(command.argumentHint ? { hint: command.argumentHint } : {}),
    ...(detail ? { detail } : {}),
    title: `/${command.name}${command.argumentHint ? ` ${command.argumentHint}` : ''}${command.description ? ` — ${command.description}` : ''}`,
    className: `slash-option slash-${command.source}`,
  };
}

export function createSlashPopup(doc: Document, onChoose: (name: string) => void): CompletionPopup {
  return new CompletionPopup(doc, { label: 'Commands', testId: 'slash-popup', optionTestId: 'slash-suggestion', valueAttribute: 'command', emptyText: 'No matching commands' }, onChoose);
}
