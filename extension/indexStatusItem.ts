import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  IndexControlRequest,
  IndexStatusNotification,
  IndexStatusRequest,
  SemanticIndexStatusNotification,
  SemanticIndexStatusRequest,
  type IndexProgress,
  type SemanticIndexProgress,
} from '../protocol/lspMethods';
import { downloadModel } from './downloadModel';
import { indexStatusView } from './indexStatusView';
import { showErrorMessage } from './notifications';

/**
 * The one status-bar item for Hearth's two local indexes, the symbol index
 * (find_symbol, the repository map) and the codebase index (codebase_search,
 * `@codebase`): a spinner with `done/total` while either builds, a warning
 * when one failed or search runs without the embedding model it was given,
 * and a quiet "Indexed" with the counts in the tooltip once both are ready.
 * One click opens a menu: re-index, pause, open settings, show the log.
 */
export class IndexStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('hearth.index', vscode.StatusBarAlignment.Right, 99);
  private readonly subscriptions: vscode.Disposable[] = [];
  private symbols: IndexProgress | undefined;
  private semantic: SemanticIndexProgress | undefined;

  constructor(
    private readonly client: LanguageClient,
    private readonly log: vscode.OutputChannel,
  ) {
    this.item.name = 'Hearth Index';
    this.item.command = 'hearth.index.menu';
    this.subscriptions.push(
      client.onNotification(IndexStatusNotification.type, (p) => this.update(p, undefined)),
      client.onNotification(SemanticIndexStatusNotification.type, (p) => this.update(undefined, p)),
      vscode.commands.registerCommand('hearth.index.menu', () => this.menu()),
    );
    // Indexing may have started (or finished) before these handlers existed.
    void client.sendRequest(IndexStatusRequest.type, {}).then(
      (p) => this.update(this.symbols ? undefined : p, undefined),
      () => undefined,
    );
    void client.sendRequest(SemanticIndexStatusRequest.type, {}).then(
      (p) => this.update(undefined, this.semantic ? undefined : p),
      () => undefined,
    );
  }

  update(symbols: IndexProgress | undefined, semantic: SemanticIndexProgress | undefined): void {
    if (symbols) this.symbols = symbols;
    if (semantic) this.semantic = semantic;
    const view = indexStatusView(this.symbols, this.semantic);
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.backgroundColor = view.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    if (view.visible) this.item.show();
    else this.item.hide();
  }

  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }

  private async menu(): Promise<void> {
    const view = indexStatusView(this.symbols, this.semantic);
    type Choice = vscode.QuickPickItem & { run: () => Thenable<unknown> };
    const missing = this.semantic?.modelMissing && this.semantic.embeddingModel ? this.semantic.embeddingModel : undefined;
    const choices: Choice[] = [
      // The fix for "full-text only" when the embedding model is not installed: download it, then index with it.
      ...(missing ? [{ label: `$(cloud-download) Download ${missing}`, detail: 'Download the embedding model into Ollama, then index with it.', run: async () => (await downloadModel(this.client, missing)) && this.control('reindex') }] : []),
      { label: '$(refresh) Re-index', detail: 'Check every file again; unchanged files are not re-read.', run: () => this.control('reindex') },
      ...(view.busy ? [{ label: '$(debug-pause) Pause indexing', detail: 'Stop where it is; what is indexed stays searchable. Re-index resumes.', run: () => this.control('pause') }] : []),
      { label: '$(gear) Open index settings', run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'hearth.codebaseSearch hearth.index') },
      { label: '$(output) Show log', run: () => Promise.resolve(this.log.show(true)) },
    ];
    const choice = await vscode.window.showQuickPick(choices, { title: 'Hearth index', placeHolder: view.tooltip.split('\n')[0] });
    await choice?.run();
  }

  private async control(action: 'reindex' | 'pause'): Promise<void> {
    try {
      await this.client.sendRequest(IndexControlRequest.type, { action });
    } catch (e) {
      void showErrorMessage(`Hearth could not ${action === 'pause' ? 'pause' : 're-index'}: ${(e as Error).message}`);
    }
  }
}
