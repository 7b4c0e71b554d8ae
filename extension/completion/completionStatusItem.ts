import * as vscode from 'vscode';
import type { CompletionStatus } from '../../protocol/lspMethods';

/** Added to the server's own delay before "thinking": together they keep the spinner from flickering at typing speed. */
const THINKING_DISPLAY_DELAY_MS = 75;

/**
 * The status-bar control for inline suggestions: click to pause or resume; it
 * shows when a suggestion is being computed and when the model is missing.
 */
export class CompletionStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('hearth.completion', vscode.StatusBarAlignment.Right, 99);
  private status: CompletionStatus = { state: 'idle', model: '' };
  private thinkingTimer: NodeJS.Timeout | undefined;
  private showingThinking = false;

  constructor(private paused: boolean, private enabled: boolean) {
    this.item.name = 'Hearth Inline Suggestions';
    this.render();
    this.item.show();
  }

  get state(): CompletionStatus['state'] {
    return this.status.state;
  }

  /** The item's label, for tests. */
  get text(): string {
    return this.item.text;
  }

  update(status: CompletionStatus): void {
    this.status = status;
    if (status.state === 'thinking') {
      this.thinkingTimer ??= setTimeout(() => {
        this.thinkingTimer = undefined;
        this.showingThinking = this.status.state === 'thinking';
        this.render();
      }, THINKING_DISPLAY_DELAY_MS);
      return;
    }
    clearTimeout(this.thinkingTimer);
    this.thinkingTimer = undefined;
    this.showingThinking = false;
    this.render();
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    this.render();
  }

  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    this.render();
  }

  /** The tooltip's Markdown, for tests. */
  get tooltipMarkdown(): string {
    const tooltip = this.item.tooltip;
    return tooltip instanceof vscode.MarkdownString ? tooltip.value : String(tooltip ?? '');
  }

  private render(): void {
    // The model's name is the server's (a provider's list, a team server's): appended as text, never as Markdown,
    // so a name such as [Update](https://…) is not a link in the tooltip.
    const withModel = (tooltip: vscode.MarkdownString, before: string, after: string) => {
      tooltip.appendMarkdown(before);
      if (this.status.model) tooltip.appendText(` (${this.status.model})`);
      tooltip.appendMarkdown(after);
    };
    const tooltip = new vscode.MarkdownString(undefined, true);
    this.item.backgroundColor = undefined;
    this.item.command = 'hearth.completion.togglePause';
    if (!this.enabled) {
      this.item.text = '$(circle-slash) Suggest';
      tooltip.appendMarkdown('Hearth inline suggestions are turned off (`hearth.completion.enabled`).');
      this.item.command = { title: 'Open Settings', command: 'workbench.action.openSettings', arguments: ['hearth.completion.enabled'] };
    } else if (this.paused) {
      this.item.text = '$(debug-pause) Suggest';
      tooltip.appendMarkdown('Hearth inline suggestions are paused. Click to resume.');
    } else if (this.status.state === 'modelMissing' || this.status.state === 'modelUnsupported') {
      this.item.text = '$(warning) Suggest';
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      tooltip.appendText(this.status.message ?? 'No code model is available for inline suggestions.');
      tooltip.appendMarkdown('\n\nClick for options.');
      this.item.command = 'hearth.completion.showModelHelp';
    } else if (this.status.state === 'error') {
      this.item.text = '$(error) Suggest';
      tooltip.appendText(this.status.message ?? 'Inline suggestions failed.');
      tooltip.appendMarkdown('\n\nClick to pause suggestions.');
    } else if (this.status.state === 'loading') {
      this.item.text = `$(loading~spin) Loading ${this.status.model}…`;
      tooltip.appendText(this.status.message ?? `Ollama is loading ${this.status.model}.`);
      tooltip.appendMarkdown('\n\nA cold load takes 20–60 s for a large model; suggestions follow once it is loaded. Click to pause.');
    } else if (this.showingThinking) {
      this.item.text = '$(loading~spin) Suggest';
      withModel(tooltip, 'Hearth is computing a suggestion', '. Click to pause.');
    } else {
      this.item.text = '$(sparkle) Suggest';
      withModel(tooltip, 'Hearth inline suggestions are on', '. Click to pause.');
    }
    this.item.tooltip = tooltip;
  }

  dispose(): void {
    clearTimeout(this.thinkingTimer);
    this.item.dispose();
  }
}
