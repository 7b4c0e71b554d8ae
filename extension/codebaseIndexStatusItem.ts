import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { SemanticIndexStatusNotification, SemanticIndexStatusRequest, type SemanticIndexProgress } from '../protocol/lspMethods';

/**
 * The codebase index in the status bar: a spinner with "done/total" while it
 * indexes, a warning while search runs without embeddings (the tooltip says
 * why and how to fix it), nothing when it is ready or turned off.
 */
export class CodebaseIndexStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('hearth.codebaseIndex', vscode.StatusBarAlignment.Right, 99);

  constructor(client: LanguageClient) {
    this.item.name = 'Hearth Codebase Index';
    this.item.command = 'hearth.showLogs';
    client.onNotification(SemanticIndexStatusNotification.type, (p) => this.update(p));
    // Indexing may have started (or finished with a warning) before this handler existed.
    void client.sendRequest(SemanticIndexStatusRequest.type, {}).then(
      (p) => this.update(p),
      () => undefined,
    );
  }

  update(p: SemanticIndexProgress): void {
    if (p.phase === 'opening' || p.phase === 'scanning' || p.phase === 'indexing') {
      this.item.text = p.phase === 'indexing' && p.total > 0 ? `$(sync~spin) Indexing ${p.done}/${p.total}` : '$(sync~spin) Indexing…';
      this.item.tooltip = p.message ?? 'Hearth is indexing the workspace for codebase search.';
      this.item.backgroundColor = undefined;
      this.item.show();
    } else if (p.phase === 'error' || (p.phase === 'ready' && p.problem)) {
      this.item.text = p.phase === 'error' ? '$(error) Index' : '$(warning) Index: full-text only';
      this.item.tooltip = p.phase === 'error' ? (p.message ?? 'Indexing failed.') : p.problem;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      this.item.show();
    } else {
      this.item.hide();
    }
  }

  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    this.item.dispose();
  }
}
