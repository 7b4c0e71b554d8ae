import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { IndexStatusNotification, type IndexProgress } from '../protocol/lspMethods';

/**
 * The symbol index's status-bar item: "Indexing 1234/5000" while the
 * language server builds the index, a warning when indexing failed, and
 * nothing once it is ready or turned off (the index works quietly).
 */
export class IndexStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('hearth.index', vscode.StatusBarAlignment.Right, 99);
  private readonly subscription: vscode.Disposable;

  constructor(client: LanguageClient) {
    this.item.name = 'Hearth Index';
    this.item.command = 'hearth.showLogs';
    this.subscription = client.onNotification(IndexStatusNotification.type, (p) => this.update(p));
  }

  update(progress: IndexProgress): void {
    if (progress.state === 'indexing') {
      this.item.text = progress.total > 0 ? `$(sync~spin) Indexing ${progress.done}/${progress.total}` : '$(sync~spin) Indexing…';
      this.item.tooltip = `Hearth is indexing the workspace's symbols for the agent (${progress.reused} unchanged since last time, ${progress.parsed} parsed). Turn it off with the hearth.index.enabled setting.`;
      this.item.backgroundColor = undefined;
      this.item.show();
    } else if (progress.state === 'error') {
      this.item.text = '$(warning) Hearth index';
      this.item.tooltip = `${progress.message ?? 'Indexing failed.'}\nClick for the logs.`;
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
    this.subscription.dispose();
    this.item.dispose();
  }
}
