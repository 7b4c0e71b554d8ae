/**
 * Hearth's extension entry point: a thin client. It starts the language
 * server (which hosts the agent), the chat view, the commands and the status
 * bar. Activation errors are shown to the user, never swallowed.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { startLanguageClient } from './languageClient';
import { ChatViewProvider, CHAT_VIEW_ID } from './chatViewProvider';
import { ChatController } from './chatController';
import { StatusBar } from './statusBar';
import { IndexStatusItem } from './indexStatusItem';
import { registerChatCommands } from './registerChatCommands';
import { registerAgentBridge } from './registerAgentBridge';
import { PendingApprovals } from './approvals/pendingApprovals';
import { ApprovalAttention } from './approvals/approvalAttention';
import { addToCommandAllowList } from './approvals/registerApprovalRequests';
import { registerMcp } from './mcp/registerMcp';
import { registerTeamCommands } from './team/registerTeamCommands';
import { registerProviderKeys } from './providers/registerProviderKeys';
import { registerEditorActions } from './actions/registerEditorActions';
import { registerInlineChat } from './actions/registerInlineChat';
import { registerCodeReview } from './review/registerCodeReview';
import { registerInlineCompletionUi } from './completion/registerInlineCompletionUi';
import { CommandActivityNotification, SecretsFilesRequest } from '../protocol/lspMethods';
import { AgentTerminal } from './terminal/agentTerminal';
import { terminalContext, TerminalOutputRecorder } from './terminal/terminalContext';
import { registerTerminalCommands } from './terminal/registerTerminalCommands';
import { problemsContext } from './mentions/problemsContext';
import { changesContext } from './mentions/changesContext';
import { CHANGES_MENTION, PROBLEMS_MENTION, TERMINAL_MENTION, type HearthError } from '../protocol/chat';
import { registerDownloadModelCommand } from './downloadModel';
import { showErrorMessage } from './notifications';
import { offerRestart } from './restartLanguageServer';
import type { ToWebview } from '../protocol/webviewMessages';

/** What the extension exports, for tests and for other extensions. */
export interface HearthApi {
  /** Milliseconds from `activate` being called to the language server answering `initialize`. */
  activationMs: number;
  client: LanguageClient;
  chat: ChatController;
  statusBar: StatusBar;
  /** The approvals waiting for the user (and recently answered ones). */
  approvals: PendingApprovals;
}

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<HearthApi> {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Hearth', { log: true });
  context.subscriptions.push(log);
  const view = new ChatViewProvider(context.extensionUri, log);
  // The view is registered before the server starts so the sidebar renders at once.
  context.subscriptions.push(vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, view, { webviewOptions: { retainContextWhenHidden: true } }));
  // Set once the chat exists: the client can give up on a crashing server only after it first ran.
  let onGaveUp: (reason: string) => void = () => undefined;
  try {
    client = await startLanguageClient(context, log, (reason) => onGaveUp(reason));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.error(`The Hearth language server failed to start: ${message}`);
    void showErrorMessage(`Hearth could not start its language server: ${message}`, 'Show Logs').then((c) => c && log.show());
    answerChatWithoutServer(view, message);
    // No client exists to restart: the command starts Hearth again the only whole way there is, a window reload.
    context.subscriptions.push(vscode.commands.registerCommand('hearth.restartServer', () => vscode.commands.executeCommand('workbench.action.reloadWindow')));
    throw err;
  }
  const statusBar = new StatusBar();
  const approvals = new PendingApprovals(addToCommandAllowList, (message) => {
    log.error(message);
    void showErrorMessage(message);
  });
  const bridge = registerAgentBridge(context, client, approvals);
  // The agent's commands, shown as they run in a terminal the user can watch (a view: they run in the language server).
  const agentTerminal = new AgentTerminal();
  const terminalRecorder = new TerminalOutputRecorder();
  context.subscriptions.push(
    agentTerminal,
    terminalRecorder,
    client.onNotification(CommandActivityNotification.type, (activity) => agentTerminal.handle(activity)),
    vscode.commands.registerCommand('hearth.showAgentTerminal', () => agentTerminal.show()),
  );
  const languageClient = client;
  const secretsFiles = (paths: string[]) => languageClient.sendRequest(SecretsFilesRequest.type, { paths }).then((r) => r.secrets);
  const chat = new ChatController(context, client, view, statusBar, log, bridge, approvals, {
    [TERMINAL_MENTION]: () => terminalContext(agentTerminal, terminalRecorder),
    // A .env's or key's problems go without their lines, a changed one without its diff; the language server holds the user's secrets patterns.
    [PROBLEMS_MENTION]: () => problemsContext(secretsFiles),
    [CHANGES_MENTION]: () => changesContext(secretsFiles),
  });
  context.subscriptions.push(statusBar, chat, new ApprovalAttention(approvals, view), new IndexStatusItem(client, log), registerDownloadModelCommand(client));
  registerChatCommands(context, { client, chat, view, log });
  const running = client;
  onGaveUp = (reason) => void offerRestart(running, log, reason, () => void chat.refreshModels(), () => void chat.refreshModels());
  registerTerminalCommands(context, { chat, view, agentTerminal, recorder: terminalRecorder });
  registerMcp(context, client, log, approvals);
  registerTeamCommands(context, client);
  registerProviderKeys(context, client, log, () => void chat.refreshModels());
  registerEditorActions(context, { client, ask: (text, items) => chat.ask(text, items), reviewEdit: (edit) => bridge.reviewEdit(edit), reviewNewFile: (file) => bridge.reviewNewFile(file) });
  registerInlineChat(context, { client, reviewEdit: (edit) => bridge.reviewEdit(edit) });
  registerCodeReview(context, { client, reviewEdit: (edit) => bridge.reviewEdit(edit), secretsFiles });
  registerInlineCompletionUi(context, client);
  const activationMs = Math.round(performance.now() - started);
  log.info(`Hearth activated in ${activationMs} ms.`);
  return { activationMs, client, chat, statusBar, approvals };
}

/**
 * The chat view is already showing when the server fails to start (it is
 * registered first, so the sidebar renders at once), but no ChatController
 * will ever answer it: it would say "Loading models…" for good, and a message
 * sent would leave the composer and go nowhere. It says why instead, and a
 * message sent goes back to the composer with that reason.
 */
function answerChatWithoutServer(view: ChatViewProvider, reason: string): void {
  const error: HearthError = {
    code: 'internal',
    message: `Hearth's language server could not start (${reason}), so nothing can be sent. The Output panel's "Hearth" log says why; then run Hearth: Restart Language Server (it reloads the window).`,
    retryable: false,
  };
  const unavailable: ToWebview = { type: 'models', models: [], selected: '', host: '', error };
  view.post(unavailable);
  view.onMessage((m) => {
    if (m.type === 'ready') view.post(unavailable);
    else if (m.type === 'send') view.post({ type: 'sendFailed', error });
  });
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
