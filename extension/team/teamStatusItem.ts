import * as vscode from 'vscode';
import type { TeamStatus } from '../../protocol/lspMethods';

/**
 * The status-bar item for team mode: `Team: host — user` while connected,
 * the error (with a click to reconnect) when not, hidden in local mode.
 */
export class TeamStatusItem implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly owned: boolean;

  constructor(item?: vscode.StatusBarItem) {
    this.owned = !item;
    this.item = item ?? vscode.window.createStatusBarItem('hearth.team', vscode.StatusBarAlignment.Right, 99);
    this.item.name = 'Hearth Team Server';
  }

  update(status: TeamStatus): void {
    const host = status.host ?? status.url ?? 'team server';
    switch (status.state) {
      case 'disconnected':
        this.item.hide();
        return;
      case 'connecting':
        this.item.text = `$(loading~spin) Team: ${host}`;
        this.item.tooltip = `Signing in to the team server at ${status.url ?? host}…`;
        this.item.backgroundColor = undefined;
        this.item.command = undefined;
        break;
      case 'connected':
        this.item.text = `$(server) Team: ${host} — ${status.user ?? 'signed in'}`;
        this.item.tooltip = `Chat runs on the team server at ${status.url ?? host}, signed in as ${status.user ?? 'unknown'}. Tools still run on this machine, with your approval.\nClick to disconnect and use your local Ollama.`;
        this.item.backgroundColor = undefined;
        this.item.command = 'hearth.team.disconnect';
        break;
      case 'error':
        this.item.text = `$(error) Team: ${host} — not connected`;
        this.item.tooltip = `${status.message ?? 'The team server is not reachable.'}\nClick to connect again.`;
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        this.item.command = 'hearth.team.connect';
        break;
    }
    this.item.show();
  }

  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    if (this.owned) this.item.dispose();
  }
}
