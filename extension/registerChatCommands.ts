import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ModelListRequest } from '../protocol/lspMethods';
import { STARTER_CHAT_MODEL } from '../protocol/modelName';
import type { ChatController } from './chatController';
import type { ChatViewProvider } from './chatViewProvider';
import { activeFileContext, explorerMentions, selectionContext } from './contextAttachments';
import { showErrorMessage, showInformationMessage, showWarningMessage } from './notifications';
import { restartLanguageServer } from './restartLanguageServer';

/** The chat's command-palette commands. */
export function registerChatCommands(
  context: vscode.ExtensionContext,
  deps: { client: LanguageClient; chat: ChatController; view: ChatViewProvider; log: vscode.LogOutputChannel },
): void {
  const { client, chat, view, log } = deps;
  const register = (id: string, run: (...args: unknown[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, run));

  register('hearth.focusChat', () => view.focusComposer());
  register('hearth.newChat', async () => {
    await view.reveal();
    await chat.newChat();
  });
  register('hearth.stop', () => chat.stop());
  register('hearth.chat.cycleMode', () => chat.cycleMode());
  register('hearth.showLogs', () => log.show(true));
  register('hearth.restartServer', () => restartLanguageServer(client, log, () => void chat.refreshModels()));
  // The chat view's gear: Hearth's settings only, in the groups package.json declares (Ollama first).
  register('hearth.openSettings', () => vscode.commands.executeCommand('workbench.action.openSettings', `@ext:${context.extension.id}`));
  register('hearth.exportChat', () => chat.exportCurrent());
  register('hearth.addSelectionToChat', async () => {
    await view.reveal();
    chat.attach(selectionContext(vscode.window.activeTextEditor), 'selection');
  });
  register('hearth.addFileToChat', async () => {
    await view.reveal();
    chat.attach(activeFileContext(vscode.window.activeTextEditor), 'active file');
  });
  // The explorer's Add to Chat: each picked file or folder becomes an `@` mention, read when the message is sent.
  register('hearth.addToChat', async (clicked?: unknown, selected?: unknown) => {
    const uris = (Array.isArray(selected) && selected.length > 0 ? selected : [clicked]).filter((u): u is vscode.Uri => u instanceof vscode.Uri);
    const items = await explorerMentions(uris);
    if (items.length === 0) {
      void showInformationMessage('Hearth: only files and folders inside the workspace can be added to the chat.');
      return;
    }
    await view.reveal();
    for (const item of items) chat.attach(item, 'file or folder');
  });
  register('hearth.openHistory', async () => {
    const { sessions, hiddenNewer } = await chat.listSessionsWithHidden();
    // Chats a newer Hearth saved are not listed; the user is told why they are missing rather than left to wonder.
    const newer = hiddenNewer === 0 ? '' : ` ${hiddenNewer === 1 ? '1 chat was' : `${hiddenNewer} chats were`} saved by a newer version of Hearth and ${hiddenNewer === 1 ? 'is' : 'are'} hidden until you update Hearth.`;
    if (sessions.length === 0) {
      void showInformationMessage(`Hearth: no chats yet. Start one in the Hearth view.${newer}`);
      return;
    }
    const picked = await vscode.window.showQuickPick(
      sessions.map((s) => ({ label: s.title, description: new Date(s.updatedAt).toLocaleString(), detail: s.model, id: s.id })),
      { placeHolder: `Reopen a chat${newer}`, matchOnDescription: true },
    );
    if (!picked) return;
    await view.reveal();
    await chat.openSession(picked.id);
  });
  register('hearth.selectModel', async () => {
    const result = await client.sendRequest(ModelListRequest.type, {});
    if (result.error && result.models.length === 0) {
      const choice = await showErrorMessage(result.error.message, 'Open Settings', 'Show Logs');
      if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'hearth.ollama.host');
      if (choice === 'Show Logs') log.show(true);
      return;
    }
    if (result.models.length === 0) {
      if (result.backend === 'remote') {
        void showWarningMessage(`The team server at ${result.host} offers no models yet; its admin installs them.`);
        return;
      }
      const download = `Download ${STARTER_CHAT_MODEL}`;
      const choice = await showWarningMessage(`Ollama at ${result.host} has no models installed yet. Download ${STARTER_CHAT_MODEL} (about 4.7 GB), or another model by name.`, download, 'Download Another…');
      if (choice === download) await vscode.commands.executeCommand('hearth.downloadModel', STARTER_CHAT_MODEL);
      if (choice === 'Download Another…') await vscode.commands.executeCommand('hearth.downloadModel');
      return;
    }
    const current = vscode.workspace.getConfiguration('hearth').get<string>('chat.model', '');
    const picked = await vscode.window.showQuickPick(
      result.models.map((m) => ({
        label: m.name,
        description: [m.provider ? `provider ${m.provider}` : '', m.parameterSize, m.quantization].filter(Boolean).join(' · '),
        picked: m.name === current,
      })),
      { placeHolder: `Chat model (Ollama at ${result.host})` },
    );
    // Like the chat's picker: the model of this chat in its mode, remembered for the mode; the setting stays the default.
    if (picked) await chat.selectModel(picked.label);
  });
}
