import * as vscode from 'vscode';
import type { BackendStatus } from '../protocol/lspMethods';

/** The status-bar item: backend, model and state, with the error in the tooltip. */
export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('hearth.status', vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = 'Hearth';
    this.item.command = 'hearth.selectModel';
    this.item.text = '$(flame) Hearth';
    this.item.show();
  }

  update(status: BackendStatus): void {
    const where = status.backend === 'local' ? 'Local' : 'Team';
    const model = status.model || 'no model';
    if (status.state === 'error' && status.errorCode === 'modelNotFound') {
      // The server answers; only the chosen model is missing. Say that, and offer the picker.
      this.item.text = `$(warning) Hearth: ${model} not installed`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      this.item.tooltip = `${status.message ?? `${model} is not installed.`}

Backend: ${status.host}
Click to choose an installed model.`;
      this.item.command = 'hearth.selectModel';
    } else if (status.state === 'error') {
      this.item.text = `$(error) Hearth: ${where} — unavailable`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      this.item.tooltip = `${status.message ?? 'The model backend is unavailable.'}\n\nBackend: ${status.host}`;
      this.item.command = 'hearth.showLogs';
    } else if (status.state === 'loading') {
      // A cold load is 20–60 s of silence otherwise: say what is happening.
      this.item.text = `$(loading~spin) Hearth: loading ${model}…`;
      this.item.backgroundColor = undefined;
      this.item.tooltip = `${status.message ?? `Loading ${model}…`}\nOllama loads a model into memory before its first answer.\nBackend: ${status.host}`;
      this.item.command = 'hearth.selectModel';
    } else {
      this.item.text = `${status.state === 'busy' ? '$(loading~spin)' : '$(flame)'} Hearth: ${model}`;
      this.item.backgroundColor = undefined;
      this.item.tooltip = `Hearth — ${where} (${status.host})\nModel: ${model}\nClick to choose another model.`;
      this.item.command = 'hearth.selectModel';
    }
  }

  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    this.item.dispose();
  }
}
