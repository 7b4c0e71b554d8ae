import * as vscode from 'vscode';
import type { McpSignInParams } from '../../protocol/lspMethods';
import { showInformationMessage } from '../notifications';

const SIGN_IN = 'Sign In in Browser';

function secureOrLoopback(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/.test(url.hostname));
}

/**
 * Asks before opening an MCP server's sign-in page, naming the server and
 * the authorization server's origin (where the user will type their
 * password), then opens it in the user's browser. The URL is checked here
 * too: only https (or loopback, for local development), and its origin must
 * be the one the question named.
 */
export async function askMcpSignIn(params: McpSignInParams, token: vscode.CancellationToken): Promise<'open' | 'cancel'> {
  let url: URL;
  try {
    url = new URL(params.authorizationUrl);
  } catch {
    return 'cancel';
  }
  if (!secureOrLoopback(url) || url.origin !== params.authorizationServer) return 'cancel';
  const choice = await showInformationMessage(
    `The MCP server "${params.server}" needs you to sign in.`,
    {
      modal: true,
      detail: `Server: ${params.target}\nSign in at: ${params.authorizationServer}\n\nHearth opens this page in your browser. The browser then returns to Hearth on this computer, and Hearth keeps the tokens in VS Code's secret storage. Sign in only if you expected this server to ask.`,
    },
    SIGN_IN,
  );
  if (choice !== SIGN_IN || token.isCancellationRequested) return 'cancel';
  // `true`: the URL is passed on as it is, so its query (PKCE challenge, state, resource) is not re-encoded.
  const opened = await vscode.env.openExternal(vscode.Uri.parse(params.authorizationUrl, true));
  return opened ? 'open' : 'cancel';
}
