import * as vscode from 'vscode';
import { ErrorCodes, ResponseError, State, type LanguageClient } from 'vscode-languageclient/node';
import { showErrorMessage, showInformationMessage } from './notifications';

/**
 * What a request to a language server that is not running says. VS Code's
 * client restarts a crashed server four times in three minutes and then gives
 * up for good; after that every request fails with "Client is not running",
 * which tells the user neither what happened nor what to do.
 */
export const SERVER_NOT_RUNNING =
  "Hearth's language server is not running (it stopped or crashed; VS Code restarts it by itself, but not after several crashes in a row). If it is not back in a few seconds, run Hearth: Restart Language Server from the Command Palette; Hearth: Show Logs says why it stopped.";

/** Whether `err` is the client's refusal of a request while its server is not running. */
export function isServerNotRunning(err: unknown): boolean {
  return err instanceof ResponseError && err.code === ErrorCodes.ConnectionInactive;
}

/**
 * Hearth: Restart Language Server. It works whether the server runs (a stuck
 * index, a changed setting the user wants applied from scratch) or the
 * client gave up on it; the chat ends any answer in flight with its usual
 * "stopped" message, and `restarted` runs once the new server answers.
 */
export async function restartLanguageServer(client: LanguageClient, log: vscode.LogOutputChannel, restarted: () => void): Promise<void> {
  if (client.state === State.Starting) {
    // A start already under way (VS Code's own restart after a crash) ends as that start ends; a second one would race it.
    log.info('Restart asked while the language server was already starting.');
    void showInformationMessage("Hearth's language server is already starting.");
    return;
  }
  log.info('Restarting the language server, as asked.');
  try {
    // A client that gave up has no server to stop (its stop would throw): it only needs starting.
    const restart = () => (client.state === State.Running ? client.restart() : client.start());
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: "Restarting Hearth's language server" }, restart);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.error(`The language server could not be restarted: ${message}`);
    const choice = await showErrorMessage(`Hearth could not restart its language server: ${message}`, 'Show Logs');
    if (choice === 'Show Logs') log.show(true);
    return;
  }
  log.info('The language server restarted.');
  restarted();
}

/**
 * The client gave up on a server that keeps crashing: the user is told where
 * they are looking (a notification, and the chat's model picker through
 * `gaveUp`), with the way back as a button.
 */
export async function offerRestart(client: LanguageClient, log: vscode.LogOutputChannel, reason: string, gaveUp: () => void, restarted: () => void): Promise<void> {
  gaveUp();
  const choice = await showErrorMessage(`${reason.replace(/ See the output for more information\.$/, '')} Hearth's chat, suggestions and actions are unavailable until it runs again.`, 'Restart Language Server', 'Show Logs');
  if (choice === 'Restart Language Server') await restartLanguageServer(client, log, restarted);
  else if (choice === 'Show Logs') log.show(true);
}
