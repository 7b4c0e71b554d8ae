import * as vscode from 'vscode';
import { State, type BaseLanguageClient } from 'vscode-languageclient';
import { CompletionSetPausedNotification, CompletionStatusNotification, type CompletionStatus } from '../../protocol/lspMethods';
import { CompletionStatusItem } from './completionStatusItem';
import { showWarningMessage } from '../notifications';

const PAUSED_KEY = 'hearth.completion.paused';

/**
 * The editor side of inline suggestions. The suggestions themselves need no
 * code here: the language client maps the server's LSP inline completions to
 * VS Code's ghost text. This adds the status-bar pause/resume control, the
 * thinking and model-missing states, and a one-time message with the way out
 * when the model is missing or chat-only.
 */
export function registerInlineCompletionUi(context: vscode.ExtensionContext, client: BaseLanguageClient): CompletionStatusItem {
  const enabled = () => vscode.workspace.getConfiguration('hearth').get<boolean>('completion.enabled', true);
  let paused = context.globalState.get<boolean>(PAUSED_KEY, false);
  const item = new CompletionStatusItem(paused, enabled());
  let lastProblem: CompletionStatus | undefined;
  const told = new Set<string>();

  const sendPaused = () => client.sendNotification(CompletionSetPausedNotification.type, { paused }).catch(() => undefined);
  const setPaused = async (value: boolean) => {
    paused = value;
    item.setPaused(paused);
    await context.globalState.update(PAUSED_KEY, paused);
    await sendPaused();
  };

  const showModelHelp = async (status: CompletionStatus | undefined) => {
    if (!status?.message) return;
    // The name goes into a shell command line, so only plain model names get the button.
    const installable = status.suggestedModel && /^[\w.:/-]+$/.test(status.suggestedModel) ? status.suggestedModel : undefined;
    const install = installable ? `Install ${installable}` : undefined;
    const actions = [install, 'Choose Model', 'Pause Suggestions'].filter((a): a is string => a !== undefined);
    const choice = await showWarningMessage(`Hearth: ${status.message}`, ...actions);
    if (choice && choice === install && installable) {
      // The pull runs in a terminal the user can watch; Hearth picks the model up on the next keystroke.
      const terminal = vscode.window.createTerminal({ name: 'Hearth: ollama pull' });
      terminal.show();
      terminal.sendText(`ollama pull ${installable}`);
    } else if (choice === 'Choose Model') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'hearth.completion.model');
    } else if (choice === 'Pause Suggestions') {
      await setPaused(true);
    }
  };

  context.subscriptions.push(
    item,
    client.onNotification(CompletionStatusNotification.type, (status) => {
      item.update(status);
      if (status.state !== 'modelMissing' && status.state !== 'modelUnsupported') return;
      lastProblem = status;
      // Shown once per model and problem: a keystroke must never bring the same pop-up back.
      const key = `${status.state}:${status.model}`;
      if (told.has(key)) return;
      told.add(key);
      void showModelHelp(status);
    }),
    client.onDidChangeState((e) => {
      // A restarted server starts unpaused; tell it again.
      if (e.newState === State.Running) void sendPaused();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('hearth.completion.enabled')) item.setEnabled(enabled());
    }),
    vscode.commands.registerCommand('hearth.completion.togglePause', () => setPaused(!paused)),
    vscode.commands.registerCommand('hearth.completion.pause', () => setPaused(true)),
    vscode.commands.registerCommand('hearth.completion.resume', () => setPaused(false)),
    vscode.commands.registerCommand('hearth.completion.showModelHelp', () => showModelHelp(lastProblem)),
  );
  if (paused) void sendPaused();
  return item;
}
