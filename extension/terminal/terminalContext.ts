import * as vscode from 'vscode';
import { TERMINAL_MENTION, type ContextItem } from '../../protocol/chat';
import type { AgentTerminal } from './agentTerminal';
import { terminalTextToPlain } from './terminalText';

/** How much of a terminal `@terminal` attaches: the end of it, where the latest output is. */
const MAX_CHARS = 20_000;
/** What the recorder keeps per terminal. */
const MAX_RECORDED_CHARS = 100_000;

/**
 * The recent output of the user's own terminals, for `@terminal`. VS Code
 * 1.100 gives an extension no way to read a terminal's buffer; what it does
 * give is each command's output through shell integration
 * (`onDidStartTerminalShellExecution` → `execution.read()`), for shells
 * where integration is active (bash, zsh, fish, pwsh in VS Code's default
 * setup). So the recorder keeps, per terminal, the commands run while
 * Hearth was active. Commands run before, or in a shell without integration,
 * cannot be read; the user can select the text instead (see `readSelection`).
 */
export class TerminalOutputRecorder implements vscode.Disposable {
  private readonly recorded = new Map<vscode.Terminal, string>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.disposables.push(
      vscode.window.onDidStartTerminalShellExecution((e) => void this.record(e.terminal, e.execution)),
      vscode.window.onDidCloseTerminal((t) => this.recorded.delete(t)),
    );
  }

  recent(terminal: vscode.Terminal): string | undefined {
    return this.recorded.get(terminal);
  }

  private async record(terminal: vscode.Terminal, execution: vscode.TerminalShellExecution): Promise<void> {
    this.append(terminal, `$ ${execution.commandLine.value}\n`);
    try {
      for await (const data of execution.read()) this.append(terminal, terminalTextToPlain(stripEscapes(data)));
    } catch {
      // The terminal went away while reading: what was recorded stays.
    }
  }

  private append(terminal: vscode.Terminal, text: string): void {
    this.recorded.set(terminal, ((this.recorded.get(terminal) ?? '') + text).slice(-MAX_RECORDED_CHARS));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.recorded.clear();
  }
}

/** Escape sequences of any kind (the raw stream carries prompts' and programs' control codes). */
function stripEscapes(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b\[[\d;?:]*[ -/]*[@-~]|\x1b[@-_]/g, '').replace(/\r(?!\n)/g, '');
}

/**
 * The active terminal's selection, copied through VS Code's own
 * "Copy Selection" command (1.100 has no API that reads it). The clipboard
 * is put back afterwards; a marker tells "nothing selected" from a selection
 * that happens to equal the clipboard.
 */
async function readSelection(): Promise<string | undefined> {
  // In a browser (code-server, vscode.dev) the page may not be allowed to read the clipboard: then no selection can be read.
  const saved = await vscode.env.clipboard.readText().then(
    (text) => text,
    () => undefined,
  );
  if (saved === undefined) return undefined;
  const marker = `hearth-no-terminal-selection-${Math.random().toString(36).slice(2)}`;
  await vscode.env.clipboard.writeText(marker);
  try {
    await vscode.commands.executeCommand('workbench.action.terminal.copySelection');
    const copied = await vscode.env.clipboard.readText();
    return copied === marker || copied === '' ? undefined : copied;
  } catch {
    return undefined;
  } finally {
    await vscode.env.clipboard.writeText(saved);
  }
}

/**
 * What `@terminal` attaches: the active terminal's selection if it has one,
 * else its recent output (the Hearth Agent terminal's own, or what shell
 * integration recorded). Returns an explanation when there is nothing to
 * attach, so the message says why instead of the mention vanishing.
 */
export async function terminalContext(agent: AgentTerminal, recorder: TerminalOutputRecorder): Promise<ContextItem> {
  const item = (text: string, what: string): ContextItem => ({
    kind: 'mention',
    path: TERMINAL_MENTION,
    text: `${what}\n${text.length > MAX_CHARS ? `… (earlier output left out)\n${text.slice(-MAX_CHARS)}` : text}`,
  });
  const terminal = vscode.window.activeTerminal;
  if (!terminal) return item('', '(There is no open terminal, so nothing was attached.)');
  const name = terminal.name;
  const selection = await readSelection();
  if (selection && selection.trim() !== '') return item(selection, `Selected text in the terminal "${name}":`);
  const recent = terminal === agent.current ? agent.recentText() : recorder.recent(terminal);
  if (recent && recent.trim() !== '') return item(recent, `Recent output of the terminal "${name}":`);
  return item(
    '',
    `(Hearth could not read the terminal "${name}": nothing is selected in it, and no command ran in it with shell integration since Hearth started. Select the output to attach it.)`,
  );
}
