/**
 * The API keys of `hearth.providers`: the command "Hearth: Set Provider API
 * Key" keeps each in SecretStorage (the OS keychain), under the provider's
 * name and URL, and hands it to the language server (hearth/providers/apiKey),
 * which keeps it in memory and sends it only to that URL. A key is never a
 * setting, never logged and never sent to the webview. Keys are handed over
 * again whenever the server (re)starts or the providers change.
 */
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { ProviderApiKeyRequest } from '../../protocol/lspMethods';
import { showErrorMessage, showInformationMessage } from '../notifications';
import { userSetting } from '../userOnlySettings';

type ProviderClient = Pick<LanguageClient, 'sendRequest' | 'onDidChangeState'>;

interface ConfiguredProvider {
  name: string;
  kind: string;
  baseUrl: string;
}

function secretName(provider: ConfiguredProvider): string {
  return `hearth.provider.apiKey:${provider.name}@${provider.baseUrl.trim()}`;
}

/** The entries of `hearth.providers` with a name and a URL; the language server checks them fully and reports the rest. */
function configuredProviders(): ConfiguredProvider[] {
  // The user's own list only: a repository's settings must not add a provider the key prompt then offers.
  const raw = userSetting<unknown>('hearth.providers') ?? [];
  if (!Array.isArray(raw)) return [];
  return raw.filter((p): p is ConfiguredProvider => !!p && typeof p === 'object' && typeof p.name === 'string' && typeof p.baseUrl === 'string' && p.baseUrl.trim() !== '');
}

export function registerProviderKeys(context: vscode.ExtensionContext, client: ProviderClient, log: vscode.LogOutputChannel, onKeysChanged: () => void): void {
  async function handOver(provider: ConfiguredProvider, apiKey: string | undefined): Promise<void> {
    await client.sendRequest(ProviderApiKeyRequest.type, { provider: provider.name, baseUrl: provider.baseUrl, ...(apiKey ? { apiKey } : {}) });
  }

  /** Hands every saved key over; resolves with how many there were, so the model list is asked again only when a key may change it. */
  async function handOverAll(): Promise<number> {
    let handed = 0;
    for (const provider of configuredProviders()) {
      const apiKey = await context.secrets.get(secretName(provider));
      if (!apiKey) continue;
      handed++;
      // Only the provider's name goes to the log, never the key.
      await handOver(provider, apiKey).catch((err: unknown) => log.warn(`Could not hand the API key of the provider "${provider.name}" to the language server: ${err instanceof Error ? err.message : String(err)}`));
    }
    return handed;
  }
  const refreshIfHanded = (handed: number) => {
    if (handed > 0) onKeysChanged();
  };

  context.subscriptions.push(
    client.onDidChangeState((e) => {
      if (e.newState === State.Running) void handOverAll().then(refreshIfHanded);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('hearth.providers')) void handOverAll().then(refreshIfHanded);
    }),
    vscode.commands.registerCommand('hearth.setProviderApiKey', async () => {
      const providers = configuredProviders();
      if (providers.length === 0) {
        const choice = await showInformationMessage('No providers are configured yet. Add one to the `hearth.providers` setting (name, kind, baseUrl), then set its key.', 'Open Settings');
        if (choice) await vscode.commands.executeCommand('workbench.action.openSettings', 'hearth.providers');
        return;
      }
      const picked = providers.length === 1
        ? providers[0]
        : (await vscode.window.showQuickPick(providers.map((p) => ({ label: p.name, description: `${p.kind} · ${p.baseUrl}`, provider: p })), { placeHolder: 'The provider whose API key to set' }))?.provider;
      if (!picked) return;
      const had = (await context.secrets.get(secretName(picked))) !== undefined;
      const apiKey = await vscode.window.showInputBox({
        title: `API key of the provider "${picked.name}"`,
        prompt: `Sent only to ${picked.baseUrl}, as "Authorization: Bearer …". Kept in your OS keychain.${had ? ' Leave empty to remove the saved key.' : ''}`,
        password: true,
        ignoreFocusOut: true,
      });
      if (apiKey === undefined) return;
      const key = apiKey.trim();
      if (key) await context.secrets.store(secretName(picked), key);
      else await context.secrets.delete(secretName(picked));
      try {
        await handOver(picked, key || undefined);
        void showInformationMessage(key ? `Hearth will use the saved key for "${picked.name}".` : `The key of "${picked.name}" was removed.`);
        onKeysChanged();
      } catch (err) {
        void showErrorMessage(`The key was saved, but the language server did not take it: ${err instanceof Error ? err.message : String(err)}`);
      }
    }),
  );
  void handOverAll().then(refreshIfHanded);
}
