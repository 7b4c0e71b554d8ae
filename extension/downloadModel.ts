import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ModelPullProgressNotification, ModelPullRequest } from '../protocol/lspMethods';
import { MODEL_NAME, modelKey, STARTER_CHAT_MODEL } from '../protocol/modelName';
import { pullProgressText } from './pullProgressText';
import { showErrorMessage, showInformationMessage } from './notifications';

/**
 * The downloads running now, by the name Ollama compares (modelKey: any case,
 * `:latest` implied). A second Download of one of them (a second click on the
 * chat's button, the same model from the command or the index status) would
 * otherwise start a second pull of the same files beside the first, with a
 * second progress notification fed by both.
 */
const downloading = new Map<string, Promise<boolean>>();

/**
 * Downloads `model` into the local Ollama (hearth/models/pull) with a
 * cancellable progress notification. Resolves true once Ollama has it;
 * a failure is shown with Ollama's reason, a cancel quietly. While the same
 * model is already downloading it says so and joins that download: it
 * resolves as that one does, so a chat whose answer was missing the model is
 * answered when it arrives, whichever Download started it.
 */
export function downloadModel(client: LanguageClient, model: string): Promise<boolean> {
  const key = modelKey(model);
  const running = downloading.get(key);
  if (running) {
    void showInformationMessage(`Hearth is already downloading ${model}: its progress is in the notification.`);
    return running;
  }
  const download = Promise.resolve(pullWithProgress(client, model)).finally(() => downloading.delete(key));
  downloading.set(key, download);
  return download;
}

function pullWithProgress(client: LanguageClient, model: string): Thenable<boolean> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Hearth: downloading ${model}`, cancellable: true }, async (progress, token) => {
    let reported = 0;
    const listening = client.onNotification(ModelPullProgressNotification.type, (p) => {
      if (p.model !== model) return;
      const { text, percent } = pullProgressText(p);
      // The bar moves by what was added since the last report; a new layer starts it over.
      const increment = percent === undefined ? undefined : percent >= reported ? percent - reported : undefined;
      if (percent !== undefined) reported = percent;
      progress.report({ message: text, ...(increment !== undefined ? { increment } : {}) });
    });
    try {
      await client.sendRequest(ModelPullRequest.type, { model }, token);
      void showInformationMessage(`Hearth: ${model} is downloaded.`);
      return true;
    } catch (err) {
      if (!token.isCancellationRequested) void showErrorMessage(`Hearth could not download ${model}: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    } finally {
      listening.dispose();
    }
  });
}

/** Hearth: Download Model…: asks for a name (or takes `model`), then downloads it. */
export function registerDownloadModelCommand(client: LanguageClient): vscode.Disposable {
  return vscode.commands.registerCommand('hearth.downloadModel', async (model?: unknown) => {
    const name =
      typeof model === 'string' && model !== ''
        ? model
        : await vscode.window.showInputBox({
            title: 'Hearth: Download Model',
            prompt: 'An Ollama model name, as `ollama pull` takes it',
            placeHolder: STARTER_CHAT_MODEL,
            validateInput: (v) => (MODEL_NAME.test(v.trim()) ? undefined : `A model name such as ${STARTER_CHAT_MODEL} or nomic-embed-text`),
          });
    if (!name) return false;
    return downloadModel(client, name.trim());
  });
}
