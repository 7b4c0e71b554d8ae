import * as vscode from 'vscode';
import * as path from 'node:path';
import { CloseAction, LanguageClient, TransportKind, type ErrorHandler, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { HearthInitializationOptions } from '../protocol/lspMethods';
import { findBundledRipgrep } from './findBundledRipgrep';
import { userOnlySettingKeys, withUserOnlySettings } from './userOnlySettings';

/**
 * Starts Hearth's language server as a separate Node process (IPC transport)
 * and returns the running client. The server gets the storage path for
 * sessions and the path of VS Code's bundled ripgrep at initialization.
 * `gaveUp` is told when the client stops restarting a server that keeps
 * crashing (VS Code's default: five crashes in three minutes), with the
 * client's reason; the client's own notification is left out for it, so the
 * user gets one that says how to bring the server back.
 */
export async function startLanguageClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, gaveUp: (reason: string) => void = () => undefined): Promise<LanguageClient> {
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
    middleware: {
      workspace: {
        // What the server reads as settings: a repository's settings.json must not set the user-only ones (see userOnlySettings.ts).
        // The trust is asked at each read, so trusting the workspace later lets its restricted settings apply.
        configuration: async (params, token, next) => {
          const values = await next(params, token);
          if (!Array.isArray(values)) return values;
          const keys = userOnlySettingKeys(context.extension.packageJSON, vscode.workspace.isTrusted);
          return values.map((value: unknown, i: number) => {
            const section = params.items[i]?.section;
            return section ? withUserOnlySettings(section, value, keys) : value;
          });
        },
      },
    },
  };
  // The client's own handler decides when to restart; this one only hears when it stops deciding to.
  const defaults: { decides?: ErrorHandler } = {};
  clientOptions.errorHandler = {
    error: (error, message, count) => defaults.decides!.error(error, message, count),
    closed: async () => {
      const result = await defaults.decides!.closed();
      if (result.action !== CloseAction.DoNotRestart) return result;
      const reason = result.message ?? "Hearth's language server stopped and will not be restarted.";
      output.error(reason);
      // The next start is the user's (Hearth: Restart Language Server), and its crashes are counted afresh.
      defaults.decides = languageClient.createDefaultErrorHandler();
      gaveUp(reason);
      return { ...result, handled: true };
    },
  };
  const languageClient = new LanguageClient('hearth', 'Hearth', serverOptions, clientOptions);
  defaults.decides = languageClient.createDefaultErrorHandler();
  await languageClient.start();
  return languageClient;
}
