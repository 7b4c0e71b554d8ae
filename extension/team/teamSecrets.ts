import type * as vscode from 'vscode';

/**
 * API keys live in VS Code's SecretStorage (the OS keychain), one per server
 * address, so a key is only ever sent to the server it was entered for.
 */
function keyName(url: string): string {
  return `hearth.team.apiKey:${url.trim()}`;
}

export function readApiKey(secrets: vscode.SecretStorage, url: string): Thenable<string | undefined> {
  return secrets.get(keyName(url));
}

export function storeApiKey(secrets: vscode.SecretStorage, url: string, apiKey: string): Thenable<void> {
  return secrets.store(keyName(url), apiKey);
}

export function deleteApiKey(secrets: vscode.SecretStorage, url: string): Thenable<void> {
  return secrets.delete(keyName(url));
}
