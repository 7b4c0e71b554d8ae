import * as vscode from 'vscode';
import * as path from 'node:path';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { HearthInitializationOptions } from '../protocol/lspMethods';
import { findBundledRipgrep } from './findBundledRipgrep';

/**
 * Starts Hearth's language server as a separate Node process (IPC transport)
 * and returns the running client. The server gets the storage path for
 * sessions and the path of VS Code's bundled ripgrep at initialization.
 */
export async function startLanguageClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): Promise<LanguageClient> {
  const module = context.asAbsolutePath(path.join('dist', 'language-server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  await vscode.workspace.fs.createDirectory(context.globalStorageUri);
  const initializationOptions: HearthInitializationOptions = {
    storagePath: context.globalStorageUri.fsPath,
    ripgrepPath: await findBundledRipgrep(),
    clientVersion: String(context.extension.packageJSON.version ?? ''),
    workspaceTrusted: vscode.workspace.isTrusted,
    mcpOAuth: true,
  };
  const clientOptions: LanguageClientOptions = {
    // Inline suggestions and code actions need the text of every file the user edits.
    documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }],
    // `http` too: the language server sends model requests through VS Code's `http.proxy`.
    synchronize: { configurationSection: ['hearth', 'http'] },
    outputChannel: output,
    initializationOptions,
  };
  const client = new LanguageClient('hearth', 'Hearth', serverOptions, clientOptions);
  await client.start();
  return client;
}
