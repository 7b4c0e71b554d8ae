import * as vscode from 'vscode';
import type { FromWebview, ToWebview } from '../protocol/webviewMessages';
import { parseFromWebview } from '../protocol/webviewMessages';
import { webviewHtml } from './webviewHtml';

export const CHAT_VIEW_ID = 'hearth.chat';

/**
 * Hosts the chat webview in the sidebar. It only moves typed, validated
 * messages between the webview and a handler; what they mean is the
 * ChatController's business.
 */
export class ChatViewProvider implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;
  private handler: ((message: FromWebview) => void) | undefined;
  private readonly pending: ToWebview[] = [];
  private ready = false;
  private badge: vscode.ViewBadge | undefined;

  constructor(private readonly extensionUri: vscode.Uri, private readonly log: vscode.LogOutputChannel) {}

  onMessage(handler: (message: FromWebview) => void): void {
    this.handler = handler;
  }

  get visible(): boolean {
    return this.view?.visible ?? false;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    view.webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist')],
    };
    view.webview.html = webviewHtml(view.webview, this.extensionUri);
    view.badge = this.badge;
    view.webview.onDidReceiveMessage((raw: unknown) => {
      const parsed = parseFromWebview(raw);
      if (!parsed.ok) {
        this.log.warn(`Ignored a malformed message from the chat view: ${parsed.reason}`);
        return;
      }
      if (parsed.message.type === 'ready') {
        this.ready = true;
        for (const message of this.pending.splice(0)) void view.webview.postMessage(message);
      }
      this.handler?.(parsed.message);
    });
    view.onDidDispose(() => {
      this.view = undefined;
      this.ready = false;
    });
  }

  /**
   * Posts a message; messages sent before the webview is ready are delivered
   * once it is. Live events and approval updates are not queued: the view asks
   * for the whole session and every approval when it loads.
   */
  post(message: ToWebview): void {
    if (this.view && this.ready) void this.view.webview.postMessage(message);
    else if (message.type !== 'event' && !message.type.startsWith('approval')) this.pending.push(message);
  }

  /** The count on the view's icon (pending approvals); kept for a view that is not created yet. */
  setBadge(badge: vscode.ViewBadge | undefined): void {
    this.badge = badge;
    if (this.view) this.view.badge = badge;
  }

  /**
   * Opens the sidebar view (and the Hearth container) without moving the
   * keyboard. A view VS Code has not created yet can only be opened by
   * focusing it; with `preserveFocus` the editor gets the focus back right after.
   */
  /**
   * Opens the view and puts the keyboard in its composer (Focus Chat): the
   * view takes focus, and the webview moves it into the text box, so the next
   * keystrokes go to the chat and never into the user's file.
   */
  async focusComposer(): Promise<void> {
    if (this.view) this.view.show(false);
    else await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
    this.post({ type: 'show', what: 'input' });
  }

  async reveal(preserveFocus = false): Promise<void> {
    if (this.view) {
      this.view.show(true);
      return;
    }
    const hadEditor = vscode.window.activeTextEditor !== undefined;
    await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
    if (preserveFocus && hadEditor) await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
  }
}
