import { createHash } from 'node:crypto';
import type * as vscode from 'vscode';

/** The largest OAuth state Hearth stores for one server (a registration and a few tokens are a few KB). */
const MAX_VALUE_CHARS = 64 * 1024;

/**
 * MCP servers' OAuth state (registration and tokens) in VS Code's
 * SecretStorage (the OS keychain), one entry per server URL. The key is a
 * hash of the URL: a URL's query may itself hold a secret, and key names are
 * not as well protected as values. The language server can reach only these
 * entries through its requests, never the team server's API keys.
 */
function keyName(serverUrl: string): string {
  return `hearth.mcp.oauth:${createHash('sha256').update(serverUrl).digest('hex')}`;
}

function checkedUrl(serverUrl: unknown): string {
  try {
    if (typeof serverUrl === 'string' && new URL(serverUrl)) return serverUrl;
  } catch {
    // Reported below.
  }
  throw new Error('serverUrl must be a URL');
}

export async function readMcpOAuthState(secrets: vscode.SecretStorage, serverUrl: unknown): Promise<{ value: string | null }> {
  return { value: (await secrets.get(keyName(checkedUrl(serverUrl)))) ?? null };
}

export async function storeMcpOAuthState(secrets: vscode.SecretStorage, serverUrl: unknown, value: unknown): Promise<Record<string, never>> {
  if (typeof value !== 'string' || value.length > MAX_VALUE_CHARS) throw new Error(`value must be a string of at most ${MAX_VALUE_CHARS} characters`);
  await secrets.store(keyName(checkedUrl(serverUrl)), value);
  return {};
}

export async function deleteMcpOAuthState(secrets: vscode.SecretStorage, serverUrl: unknown): Promise<Record<string, never>> {
  await secrets.delete(keyName(checkedUrl(serverUrl)));
  return {};
}
