/**
 * Entry point of the chat webview bundle (dist/webview.js). The extension's
 * HTML is just `<div id="root">`, the stylesheet link and this nonce'd script;
 * everything else is built here, with no inline scripts or styles for the CSP.
 */
import './chat.css';
import type { ToWebview } from '../protocol/webviewMessages';
import { ChatApp } from './chatApp';
import { acquireHostApi } from './vscodeApi';

function main(): void {
  const root = document.getElementById('root') ?? document.body.appendChild(document.createElement('div'));
  const app = new ChatApp(root, acquireHostApi());
  window.addEventListener('message', (event: MessageEvent) => {
    const data = event.data as ToWebview | undefined;
    // Other frames and VS Code itself may post messages; handle only ours.
    if (!data || typeof data !== 'object' || typeof data.type !== 'string') return;
    try {
      app.handleMessage(data);
    } catch (error) {
      // One bad message must not take the whole chat down; log it for "Developer: Open Webview Developer Tools".
      console.error('Hearth chat: failed to handle message', data.type, error);
    }
  });
  app.start();
}

main();
