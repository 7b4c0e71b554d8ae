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

  /** Posts a message; messages sent before the webview is ready are delivered once it is. */
  post(message: ToWebview): void {
    if (this.view && this.ready) void this.view.webview.postMessage(message);
    else if (message.type !== 'event') this.pending.push(message);
  }

  /** Opens the sidebar view (and the Hearth container). */
  async reveal(): Promise<void> {
    if (this.view) this.view.show(true);
    else await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
  }
}
