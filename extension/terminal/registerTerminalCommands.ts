import * as vscode from 'vscode';
import type { ChatController } from '../chatController';
import type { ChatViewProvider } from '../chatViewProvider';
import type { AgentTerminal } from './agentTerminal';
import { terminalContext, type TerminalOutputRecorder } from './terminalContext';

/** What Explain with Hearth asks about a terminal's text. */
export const EXPLAIN_TERMINAL_PROMPT =
  'Explain this terminal output: what the command did and what its output means. If something failed, say why in plain words and how to fix it, with the command to run when there is one.';

/**
 * The terminal's context menu (and the command palette): Explain with Hearth
 * sends the terminal's selection (else its recent output, as `@terminal`
 * reads it) to the chat with a question; Add to Hearth Chat puts it in the
 * composer as a chip. The text is read before the chat view takes the focus,
 * while the terminal is still the active one.
 */
export function registerTerminalCommands(
  context: vscode.ExtensionContext,
  deps: { chat: ChatController; view: ChatViewProvider; agentTerminal: AgentTerminal; recorder: TerminalOutputRecorder },
): void {
  const read = () => terminalContext(deps.agentTerminal, deps.recorder);
  context.subscriptions.push(
    vscode.commands.registerCommand('hearth.terminal.explain', async () => deps.chat.ask(EXPLAIN_TERMINAL_PROMPT, [await read()])),
    vscode.commands.registerCommand('hearth.terminal.addToChat', async () => {
      const item = await read();
      await deps.view.reveal();
      deps.chat.attach(item, 'terminal text');
    }),
  );
}
