import * as vscode from 'vscode';
import type { CommandActivity } from '../../protocol/lspMethods';
import { AGENT_TERMINAL_NAME, formatCommandEnd, formatCommandStart, READ_ONLY_NOTICE, TerminalOutputFilter, terminalTextToPlain } from './terminalText';

/** What the terminal keeps for `@terminal` (the plain text of the last commands). */
const MAX_RECENT_CHARS = 100_000;
const INTRO = "\x1b[2mCommands Hearth's agent runs appear here as they run. This terminal only shows them; they run in Hearth's sandbox.\x1b[0m\r\n\r\n";

/**
 * The "Hearth Agent" terminal: a pseudoterminal that shows the commands the
 * agent runs, their live output and how they ended, so the user can watch.
 * It is only a view. The commands run in the language server's sandboxed
 * executor, which also captures their output for the model; this terminal
 * gets a copy through `hearth/tools/commandActivity` notifications, never
 * starts a process, and drops what the user types (saying so once).
 *
 * It is created on the first command, shown without taking focus, and
 * created again if the user closed it.
 */
export class AgentTerminal implements vscode.Disposable {
  private terminal: vscode.Terminal | undefined;
  private readonly write = new vscode.EventEmitter<string>();
  /** Text written before VS Code opened the pseudoterminal (it drops writes until then). */
  private backlog: string[] | undefined;
  private readonly filters = new Map<string, TerminalOutputFilter>();
  private recent = '';
  private toldReadOnly = false;
  private readonly disposables: vscode.Disposable[] = [this.write];

  constructor() {
    this.disposables.push(
      vscode.window.onDidCloseTerminal((t) => {
        if (t === this.terminal) {
          this.terminal = undefined;
          this.backlog = undefined;
        }
      }),
    );
  }

  /** The terminal, if it is open (for `@terminal`: is the active terminal this one?). */
  get current(): vscode.Terminal | undefined {
    return this.terminal;
  }

  /** The plain text of the last commands shown, newest last. */
  recentText(): string {
    return terminalTextToPlain(this.recent);
  }

  /** Opens the terminal (Hearth: Show Agent Terminal), also before the agent ran anything. */
  show(): void {
    if (!this.terminal) this.print(INTRO);
    this.terminal?.show(false);
  }

  handle(activity: CommandActivity): void {
    switch (activity.kind) {
      case 'start':
        this.filters.set(activity.callId, new TerminalOutputFilter());
        this.print(formatCommandStart(activity.command, activity.cwd));
        break;
      case 'output': {
        const filter = this.filters.get(activity.callId);
        if (filter) this.print(filter.push(activity.text));
        break;
      }
      case 'end': {
        const filter = this.filters.get(activity.callId);
        this.filters.delete(activity.callId);
        this.print((filter?.finish() ?? '') + formatCommandEnd(activity));
        break;
      }
    }
  }

  private print(text: string): void {
    if (text === '') return;
    this.recent = (this.recent + text).slice(-MAX_RECENT_CHARS);
    this.ensure();
    if (this.backlog) this.backlog.push(text);
    else this.write.fire(text);
  }

  private ensure(): void {
    if (this.terminal) return;
    this.backlog = [];
    const pty: vscode.Pseudoterminal = {
      onDidWrite: this.write.event,
      open: () => {
        const backlog = this.backlog ?? [];
        this.backlog = undefined;
        for (const text of backlog) this.write.fire(text);
      },
      close: () => undefined,
      handleInput: () => {
        // Nothing the user types reaches a process: there is none here. Say so once per terminal.
        if (this.toldReadOnly) return;
        this.toldReadOnly = true;
        this.write.fire(READ_ONLY_NOTICE);
      },
    };
    this.toldReadOnly = false;
    this.terminal = vscode.window.createTerminal({ name: AGENT_TERMINAL_NAME, pty, iconPath: new vscode.ThemeIcon('hubot') });
    // Shown so the user sees it appear, without taking the focus from the chat or the editor.
    this.terminal.show(true);
  }

  dispose(): void {
    this.terminal?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
