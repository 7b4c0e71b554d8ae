/**
 * Team mode in the editor: the Connect / Disconnect commands, the API key in
 * SecretStorage, and the status bar. Everything that talks to the team
 * server happens in the language server; this file only asks the user and
 * hands the key over (hearth/team/connect), never logging it.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { TeamConnectRequest, TeamDisconnectRequest, TeamStatusNotification, type TeamStatus } from '../../protocol/lspMethods';
import { deleteApiKey, readApiKey, storeApiKey } from './teamSecrets';
import { TeamStatusItem } from './teamStatusItem';
import { requestErrorMessage } from '../requestErrors';
import { showErrorMessage, showInformationMessage } from '../notifications';
import { userSetting } from '../userOnlySettings';

type TeamClient = Pick<LanguageClient, 'sendRequest' | 'onNotification'>;

const ADDRESS = /^(grpcs:\/\/[^\s/]+|grpc:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?)\/?$/i;

function serverSettings() {
  return vscode.workspace.getConfiguration('hearth.server');
}

/**
 * The team server the user chose: their own settings only, so a repository's
 * settings can neither fill the address the API key is typed for nor make
 * Hearth sign in somewhere at start-up (see userOnlySettings.ts).
 */
function userServer(): { url: string; mode: string } {
  return { url: (userSetting<string>('hearth.server.url') ?? '').trim(), mode: userSetting<string>('hearth.server.mode') ?? 'local' };
}

export function registerTeamCommands(context: vscode.ExtensionContext, client: TeamClient, statusBar?: vscode.StatusBarItem): TeamStatusItem {
  const status = new TeamStatusItem(statusBar);
  context.subscriptions.push(status, client.onNotification(TeamStatusNotification.type, (s: TeamStatus) => status.update(s)));

  async function connect(url: string, apiKey: string, interactive: boolean): Promise<boolean> {
    try {
      const result = await vscode.window.withProgress(
        { location: interactive ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window, title: `Hearth: signing in to ${url}…` },
        () => client.sendRequest(TeamConnectRequest.type, { url, apiKey }),
      );
      await storeApiKey(context.secrets, url, apiKey);
      await serverSettings().update('url', url, vscode.ConfigurationTarget.Global);
      await serverSettings().update('mode', 'remote', vscode.ConfigurationTarget.Global);
      status.update(result);
      if (interactive) void showInformationMessage(`Hearth is connected to ${result.host ?? url} as ${result.user ?? 'you'}. Chat runs on the team server; tools still run here, with your approval.`);
      return true;
    } catch (err) {
      const message = requestErrorMessage(err);
      status.update({ state: 'error', url, message });
      if (interactive) {
        const choice = await showErrorMessage(`Hearth could not connect to the team server: ${message}`, 'Try Again', 'Use Local Mode');
        if (choice === 'Try Again') void vscode.commands.executeCommand('hearth.team.connect');
        if (choice === 'Use Local Mode') void vscode.commands.executeCommand('hearth.team.disconnect');
      }
      return false;
    }
  }

  context.subscriptions.push(
    vscode.commands.registerCommand('hearth.team.connect', async () => {
      const current = userServer().url;
      const url = (
        await vscode.window.showInputBox({
          title: 'Hearth: Connect to Team Server (1/2)',
          prompt: 'The team server address your admin gave you',
          placeHolder: 'grpcs://gpu.example.com:50051',
          value: current,
          ignoreFocusOut: true,
          validateInput: (v) => (ADDRESS.test(v.trim()) ? undefined : 'Write grpcs://host:port (grpc:// only for a server on this machine).'),
        })
      )?.trim();
      if (!url) return;
      const saved = await readApiKey(context.secrets, url);
      const typed = await vscode.window.showInputBox({
        title: 'Hearth: Connect to Team Server (2/2)',
        prompt: saved ? 'API key (leave empty to use the saved one). It is kept in VS Code\'s secret storage, never in settings.' : 'API key. It is kept in VS Code\'s secret storage, never in settings.',
        placeHolder: 'hearth_…',
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() === '' && !saved ? 'An API key is needed; ask the team server admin for one.' : undefined),
      });
      if (typed === undefined) return;
      await connect(url, typed.trim() || saved!, true);
    }),
    vscode.commands.registerCommand('hearth.team.disconnect', async () => {
      const url = userServer().url;
      await client.sendRequest(TeamDisconnectRequest.type, {});
      await serverSettings().update('mode', 'local', vscode.ConfigurationTarget.Global);
      if (url) await deleteApiKey(context.secrets, url);
      status.update({ state: 'disconnected' });
      void showInformationMessage('Hearth is back in local mode: chat runs on your own Ollama.');
    }),
  );

  // Reconnect at startup when team mode was on: the key comes from secret storage, silently.
  void (async () => {
    const { url, mode } = userServer();
    if (mode !== 'remote' || !url) return;
    const apiKey = await readApiKey(context.secrets, url);
    if (!apiKey) {
      status.update({ state: 'error', url, message: 'No API key is saved for this team server. Run Hearth: Connect to Team Server.' });
      return;
    }
    await connect(url, apiKey, false);
  })();

  return status;
}
