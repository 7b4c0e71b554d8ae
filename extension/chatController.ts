import { askTemplateValues } from './mcp/askTemplateValues';
import { isServerNotRunning, SERVER_NOT_RUNNING } from './restartLanguageServer';
import { PromptArgumentSuggestions } from './mcp/promptArgumentSuggestions';
import { pickImages } from './pickImages';
import * as vscode from 'vscode';
import { ResponseError, State, type LanguageClient } from 'vscode-languageclient/node';
import { TERMINAL_MENTION, PROBLEMS_MENTION, CHANGES_MENTION, isWebPageMention, type ContextItem, type HearthError, type UserInput, chatModeLabel, DEFAULT_CHAT_MODE, isChatMode, nextChatMode, type ChatMode, CODEBASE_MENTION } from '../protocol/chat';
import type { SessionSummary } from '../protocol/sessions';
import {
  ChatCommandRequest,
  ChatEventNotification,
  ChatRetryRequest,
  ChatReferenceRequest,
  ChatContinueRequest,
  ChatSendRequest,
  ChatStopRequest,
  ChatTodosRequest,
  ChatUndoCompactionRequest,
  ChatEditMessageRequest,
  type CheckpointRestoreResult,
  CheckpointRedoRequest,
  CheckpointRestoreRequest,
  McpResourcesRequest,
  AgentsListRequest,
  ModelListRequest,
  type ModelListResult,
  SessionDeleteRequest,
  DraftImagesLoadRequest,
  DraftImagesSaveRequest,
  SessionRenameRequest,
  SessionGetRequest,
  SessionListRequest,
  SlashCommandsRequest,
  McpCompleteRequest,
  SessionConfigureRequest,
  RulesListRequest,
  ChatModelRequest,
  StatusNotification,
  type RulesFileInfo,
  type BackendStatus,
  type ChatEventParams,
  type ChatSendParams,
  type ChatTurnStarted,
  type ChatReferenceParams,
} from '../protocol/lspMethods';
import type { FromWebview } from '../protocol/webviewMessages';
import type { ChatViewProvider } from './chatViewProvider';
import { activeFileContext, selectionContext } from './contextAttachments';
import { WorkspaceFileIndex } from './workspaceFileIndex';
import { applyCodeBlock } from './actions/applyCodeBlock';
import type { StatusBar } from './statusBar';
import type { registerAgentBridge } from './registerAgentBridge';
import type { PendingApprovals } from './approvals/pendingApprovals';
import { downloadModel } from './downloadModel';
import { modelKey } from '../protocol/modelName';
import { showErrorMessage, showInformationMessage, showWarningMessage } from './notifications';
import { userSetting } from './userOnlySettings';

type AgentBridge = ReturnType<typeof registerAgentBridge>;

const CURRENT_SESSION_KEY = 'hearth.currentSession';
/** The mode a new chat starts in: the one last chosen in this workspace. */
const LAST_MODE_KEY = 'hearth.chat.lastMode';
/** The model last picked in each mode in this workspace: a chat without a pick of its own for a mode uses it. */
const MODE_MODELS_KEY = 'hearth.chat.modeModels';
/** A bound on events held while a turn request is pending; past it events are relayed as they come. */
const MAX_HELD_EVENTS = 10_000;

/**
 * The extension's side of the chat: turns webview messages into LSP requests
 * and relays the server's events back. It holds no agent logic, only which
 * session the view is showing (so a reload reopens it).
 */
/** The chat's rewinds: a restore to a checkpoint, its redo, and taking a message back to edit it. */
type RewindMessage = Extract<FromWebview, { type: 'restoreCheckpoint' | 'redoRestore' | 'editMessage' }>;

export class ChatController implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly files = new WorkspaceFileIndex();
  /** The chats waiting for a download to retry their answer (see downloadAndRetry), by session and model. */
  private readonly retryingAfterDownload = new Set<string>();
  private currentSessionId: string | undefined;
  /** The turns under way, by session: the assistant entry each is streaming into. */
  private streaming = new Map<string, string>();
  /**
   * Turn requests (send, retry) whose response has not arrived yet. The
   * server may emit a turn's first events, even its `error` and `done`, before
   * the response that names the turn's session reaches us (a dead Ollama fails
   * within milliseconds), so while any is pending, events of sessions the view
   * is not showing are held here and replayed once the response says which
   * session the turn belongs to.
   */
  private pendingTurnRequests = 0;
  private heldEvents: ChatEventParams[] = [];
  private persisting: Promise<void> = Promise.resolve();
  /** The last model listing failed (its error is showing in the view). */
  private modelsFailed = false;
  /** The shown chat's mode; sent with each message, which stores it with the session. */
  private mode: ChatMode;
  /** Rules files switched off in the shown chat (for a new chat, until its first message stores them). */
  private disabledRules: string[] = [];
  /** The paths the composer has attached: the nearest AGENTS.md of each applies. */
  private composerPaths: string[] = [];
  /** The rules files the chips show, as the server last listed them (only these can be opened). */
  private rules: RulesFileInfo[] = [];
  /** Each mode's remembered model (workspace state); the language server decides what a message uses. */
  private modeModels: Partial<Record<ChatMode, string>>;
  /** The composer's questions for an MCP prompt argument's suggestions. */
  private readonly argumentSuggestions: PromptArgumentSuggestions;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: LanguageClient,
    private readonly view: ChatViewProvider,
    private readonly statusBar: StatusBar,
    private readonly log: vscode.LogOutputChannel,
    private readonly bridge: AgentBridge,
    private readonly approvals: PendingApprovals,
    /**
     * Reads the mentions only the editor can fill in, by their path: `@terminal`
     * (terminal/terminalContext.ts), `@problems` and `@changes` (mentions/).
     */
    private readonly editorMentions: Readonly<Partial<Record<string, () => Promise<ContextItem>>>> = {},
  ) {
    this.currentSessionId = context.workspaceState.get<string>(CURRENT_SESSION_KEY);
    const lastMode = context.workspaceState.get<string>(LAST_MODE_KEY);
    this.mode = isChatMode(lastMode) ? lastMode : DEFAULT_CHAT_MODE;
    this.modeModels = { ...context.workspaceState.get<Partial<Record<ChatMode, string>>>(MODE_MODELS_KEY, {}) };
    this.argumentSuggestions = new PromptArgumentSuggestions(
      (params, token) => client.sendRequest(McpCompleteRequest.type, params, token),
      (m) => view.post(m),
    );
    view.onMessage((m) => void this.handle(m).catch((err: unknown) => this.log.error(`Chat view request failed: ${String(err)}`)));
    this.disposables.push(
      client.onNotification(ChatEventNotification.type, (p) => {
        if (p.sessionId !== this.currentSessionId && this.pendingTurnRequests > 0 && this.heldEvents.length < MAX_HELD_EVENTS) {
          this.heldEvents.push(p);
          return;
        }
        this.relayEvent(p);
      }),
      client.onNotification(StatusNotification.type, (status) => this.showStatus(status)),
      // A crashed or killed server sends no `done` for the turns it was running: end them here.
      client.onDidChangeState((e) => {
        if (e.newState !== State.Running) this.endTurnsOfStoppedServer();
      }),
      approvals.onDidChange((change) => {
        if (change.type === 'requested') this.view.post({ type: 'approvalRequested', approval: change.request });
        else this.view.post({ type: 'approvalSettled', id: change.id, outcome: change.outcome });
      }),
      // The active file's nearest AGENTS.md applies too, so the chips follow the editor.
      vscode.window.onDidChangeActiveTextEditor(() => void this.postChatConfig()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('hearth.ollama.host') || e.affectsConfiguration('hearth.chat.model') || e.affectsConfiguration('hearth.server') || e.affectsConfiguration('hearth.providers')) void this.postModels();
      }),
      this.files,
      this.argumentSuggestions,
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  /** Sends a message as if typed in the chat (used by editor actions). */
  async ask(text: string, context: ContextItem[]): Promise<void> {
    await this.view.reveal();
    await this.send({ type: 'send', text, context, sessionId: this.currentSessionId }, true);
  }

  /** `answersSend`: the view asked for it with `/new`, so its pending send is done. */
  async newChat(answersSend = false): Promise<void> {
    // Answer the view before saving the choice: a message sent right after "New chat" starts
    // its turn while the save is still pending, and a `session: null` posted after that
    // turn's `turnStarted` would blank the new turn in the view.
    const saved = this.setCurrent(undefined);
    this.disabledRules = [];
    this.view.post({ type: 'session', session: null, ...(answersSend ? { answersSend } : {}) });
    this.view.post({ type: 'show', what: 'input' });
    await saved;
    await Promise.all([this.postChatConfig(), this.postModels()]);
  }

  /** Ask → Plan → Agent → Ask (the keyboard command). */
  async cycleMode(): Promise<void> {
    await this.setMode(nextChatMode(this.mode));
    vscode.window.setStatusBarMessage(`$(comment-discussion) Hearth: ${chatModeLabel(this.mode)} mode`, 2000);
  }

  /** Switches the shown chat's mode; an existing chat stores it at once, so reopening it restores it. */
  async setMode(mode: ChatMode): Promise<void> {
    this.mode = mode;
    await this.context.workspaceState.update(LAST_MODE_KEY, mode);
    if (this.currentSessionId) {
      await this.client.sendRequest(SessionConfigureRequest.type, { sessionId: this.currentSessionId, mode }).catch((err: unknown) => this.log.warn(`Could not store the chat's mode: ${errorMessage(err)}`));
    }
    // Each mode remembers its model: the picker follows the mode.
    await Promise.all([this.postChatConfig(), this.postModels()]);
  }

  /**
   * A model picked in the chat (or with Hearth: Select Chat Model) applies to
   * this chat in its current mode, and is remembered for the mode in this
   * workspace; the user's `hearth.chat.model` setting is left alone.
   */
  async selectModel(model: string): Promise<void> {
    this.modeModels = { ...this.modeModels, [this.mode]: model };
    const remembered = this.context.workspaceState.update(MODE_MODELS_KEY, this.modeModels);
    if (this.currentSessionId) {
      await this.client.sendRequest(SessionConfigureRequest.type, { sessionId: this.currentSessionId, mode: this.mode, model }).catch((err: unknown) => this.log.warn(`Could not store the chat's model: ${errorMessage(err)}`));
    }
    await remembered;
    await this.postModels();
  }

  async exportCurrent(): Promise<void> {
    if (!this.currentSessionId) {
      void showInformationMessage('Hearth: open a chat to export it.');
      return;
    }
    await this.bridge.exportSession(this.currentSessionId);
  }

  async stop(): Promise<void> {
    if (this.currentSessionId) await this.client.sendRequest(ChatStopRequest.type, { sessionId: this.currentSessionId });
  }

  async openSession(sessionId: string): Promise<void> {
    try {
      const session = await this.client.sendRequest(SessionGetRequest.type, { sessionId });
      await this.setCurrent(sessionId);
      this.adoptChatConfig(session.summary);
      this.view.post({ type: 'session', session });
      await Promise.all([this.postChatConfig(), this.postModels()]);
    } catch (err) {
      void showErrorMessage(`Hearth could not open that chat: ${errorMessage(err)}`);
    }
  }

  /**
   * A restore or redo from the chat's timeline: the language server does it
   * (and refuses while a reply runs); the chat is then shown again as stored,
   * and what could not be put back is said, not hidden.
   */
  private async restoreCheckpoint(message: RewindMessage): Promise<void> {
    const { what, request } = this.rewindRequest(message);
    try {
      const result = await request();
      if (message.sessionId === this.currentSessionId) await this.openSession(message.sessionId);
      this.view.post({
        type: 'checkpointRestored',
        sessionId: message.sessionId,
        ...(result.draft !== undefined ? { draft: result.draft } : {}),
        ...(message.type === 'editMessage' ? { edited: message.entryId } : {}),
      });
      // Taking a message back touches no file: nothing to report.
      if (message.type === 'editMessage') return;
      const changed = result.written.length + result.deleted.length;
      if (result.failed.length > 0) {
        const failures = result.failed.slice(0, 5).map((f) => `${f.path} (${f.error})`).join('; ');
        void showWarningMessage(`Hearth restored ${changed} file${changed === 1 ? '' : 's'}, but not: ${failures}${result.failed.length > 5 ? '; …' : ''}.`);
      } else {
        vscode.window.setStatusBarMessage(`$(history) Hearth: ${message.type === 'redoRestore' ? 'redone' : 'restored'} (${changed} file${changed === 1 ? '' : 's'} changed)`, 4000);
      }
    } catch (err) {
      void showWarningMessage(`Hearth could not ${what}: ${errorMessage(err)}`);
    }
  }

  /** The language server's request for a rewind of the chat, and what it does in words for a refusal. */
  private rewindRequest(message: RewindMessage): { what: string; request: () => Promise<CheckpointRestoreResult> } {
    switch (message.type) {
      case 'redoRestore':
        return { what: 'redo the restore', request: () => this.client.sendRequest(CheckpointRedoRequest.type, { sessionId: message.sessionId }) };
      case 'editMessage':
        return { what: 'take the message back to edit it', request: () => this.client.sendRequest(ChatEditMessageRequest.type, { sessionId: message.sessionId, entryId: message.entryId }) };
      case 'restoreCheckpoint':
        return {
          what: 'restore the checkpoint',
          request: () => this.client.sendRequest(CheckpointRestoreRequest.type, { sessionId: message.sessionId, checkpointId: message.checkpointId, scope: message.scope }),
        };
    }
  }

  async listSessions() {
    return (await this.listSessionsWithHidden()).sessions;
  }

  /** The saved chats, and how many a newer Hearth saved (hidden here until the user updates). */
  async listSessionsWithHidden(): Promise<{ sessions: SessionSummary[]; hiddenNewer: number }> {
    const { sessions, hiddenNewer } = await this.client.sendRequest(SessionListRequest.type, {});
    return { sessions, hiddenNewer: hiddenNewer ?? 0 };
  }

  attach(item: ContextItem | undefined, what: string): void {
    if (!item) {
      void showInformationMessage(`Hearth: there is no ${what} to attach. Open a file${what === 'selection' ? ' and select some text' : ''} first.`);
      return;
    }
    this.view.post({ type: 'addContext', item });
  }

  private async handle(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        await this.onReady();
        break;
      case 'send':
        await this.send(message);
        break;
      case 'retry':
        await this.startTurn(() => this.client.sendRequest(ChatRetryRequest.type, { sessionId: message.sessionId, model: message.model }), true);
        break;
      case 'downloadModel':
        await this.downloadAndRetry(message.sessionId, message.model);
        break;
      case 'continue':
        // A new reply that carries on the cut answer; it has no user message of its own.
        await this.startTurn(() => this.client.sendRequest(ChatContinueRequest.type, { sessionId: message.sessionId }), false);
        break;
      case 'stop':
        await this.client.sendRequest(ChatStopRequest.type, { sessionId: message.sessionId });
        break;
      case 'newChat':
        await this.newChat();
        break;
      case 'openSession':
        await this.openSession(message.sessionId);
        break;
      case 'renameSession':
        await this.client.sendRequest(SessionRenameRequest.type, { sessionId: message.sessionId, title: message.title });
        await this.postSessions();
        break;
      case 'deleteSession':
        await this.client.sendRequest(SessionDeleteRequest.type, { sessionId: message.sessionId });
        if (message.sessionId === this.currentSessionId) await this.newChat();
        await this.postSessions();
        break;
      case 'listSessions':
        await this.postSessions();
        break;
      case 'selectModel':
        await this.selectModel(message.model);
        break;
      case 'refreshModels':
        await this.postModels();
        break;
      case 'findFiles': {
        // Files first, then the MCP servers' resources; a server that cannot list them costs only its own entries.
        const [files, resources, agents] = await Promise.all([
          this.files.search(message.query),
          this.client.sendRequest(McpResourcesRequest.type, { query: message.query }).then(
            (r) => r.resources.map((resource) => resource.mention),
            () => [] as string[],
          ),
          // The agents (roles and agent files) for `@name` at the start of a message; none while the server cannot list them.
          this.client.sendRequest(AgentsListRequest.type, { query: message.query }).then(
            (r) => r.agents,
            () => [],
          ),
        ]);
        // `@codebase` (search the workspace for the message), `@terminal`, `@problems` and `@changes` lead the list once the query could be them.
        const query = message.query.trim().toLowerCase();
        const folderOpen = (vscode.workspace.workspaceFolders?.length ?? 0) > 0;
        const codebase = CODEBASE_MENTION.startsWith(message.query.toLowerCase()) && folderOpen ? [CODEBASE_MENTION] : [];
        const terminal = this.editorMentions[TERMINAL_MENTION] && vscode.window.terminals.length > 0 && 'terminal'.startsWith(query) ? [TERMINAL_MENTION] : [];
        const workspaceWords = [PROBLEMS_MENTION, CHANGES_MENTION].filter((word) => this.editorMentions[word] && folderOpen && word.startsWith(query));
        // A root file named like one of these words would be attached as the word's mention, so the list does not offer it twice.
        const words: string[] = [CODEBASE_MENTION, PROBLEMS_MENTION, CHANGES_MENTION];
        // A web address typed after `@` is offered as itself: the language server fetches it when the message is sent.
        const webPage = isWebPageMention(message.query) && userSetting<boolean>('hearth.chat.fetchWebPages') !== false ? [message.query] : [];
        this.view.post({ type: 'files', requestId: message.requestId, paths: [...webPage, ...codebase, ...terminal, ...workspaceWords, ...files.filter((f) => !words.includes(f)), ...resources], agents });
        break;
      }
      case 'findCommands': {
        // A language server that cannot list them (still starting) leaves the popup empty rather than failing.
        const commands = await this.client.sendRequest(SlashCommandsRequest.type, { query: message.query }).then(
          (r) => r.commands,
          () => [],
        );
        this.view.post({ type: 'commands', requestId: message.requestId, commands });
        break;
      }
      case 'expandTemplate':
        this.view.post({ type: 'templateExpanded', requestId: message.requestId, mention: (await askTemplateValues(message.mention, (params, token) => this.client.sendRequest(McpCompleteRequest.type, params, token))) ?? null });
        break;
      case 'completeArgument':
        await this.argumentSuggestions.ask(message);
        break;
      case 'pickImages':
        this.view.post({ type: 'imagesPicked', ...(await pickImages()) });
        break;
      case 'saveDraftImages':
        try {
          const { refs } = await this.client.sendRequest(DraftImagesSaveRequest.type, { draftId: message.draftId, keep: message.keep, add: message.add });
          this.view.post({ type: 'draftImagesSaved', requestId: message.requestId, refs });
        } catch (err) {
          this.view.post({ type: 'draftImagesSaved', requestId: message.requestId, refs: [], error: (err as Error).message });
        }
        break;
      case 'loadDraftImages':
        try {
          this.view.post({ type: 'draftImagesLoaded', requestId: message.requestId, ...(await this.client.sendRequest(DraftImagesLoadRequest.type, { refs: message.refs })) });
        } catch {
          this.view.post({ type: 'draftImagesLoaded', requestId: message.requestId, images: [], missing: message.refs.map((r) => r.name) });
        }
        break;
      case 'attach':
        if (message.what === 'selection') this.attach(selectionContext(vscode.window.activeTextEditor), 'selection');
        else this.attach(activeFileContext(vscode.window.activeTextEditor), 'active file');
        break;
      case 'copy':
        await vscode.env.clipboard.writeText(message.text);
        vscode.window.setStatusBarMessage('$(check) Copied to the clipboard', 2000);
        break;
      case 'insert':
        await this.insertAtCursor(message.text);
        break;
      case 'apply':
        await applyCodeBlock({ client: this.client, reviewEdit: (edit) => this.bridge.reviewEdit(edit) }, message.info, message.text, message.model);
        break;
      case 'undoTurn': {
        const result = await this.bridge.undoTurn(message.sessionId, message.entryId);
        // The notice names files as the user knows them in the workspace, not by absolute path.
        const relative = (paths: string[]) => paths.map((p) => vscode.workspace.asRelativePath(p, false));
        if (result) this.view.post({ type: 'turnUndone', sessionId: message.sessionId, entryId: message.entryId, restored: relative(result.restored), removed: relative(result.removed) });
        break;
      }
      case 'restoreCheckpoint':
      case 'editMessage':
      case 'redoRestore':
        await this.restoreCheckpoint(message);
        break;
      case 'undoCompaction':
        try {
          await this.client.sendRequest(ChatUndoCompactionRequest.type, { sessionId: message.sessionId, entryId: message.entryId });
        } catch (err) {
          void showWarningMessage(`Hearth could not undo the compaction: ${errorMessage(err)}`);
        }
        break;
      case 'editTodos':
        try {
          await this.client.sendRequest(ChatTodosRequest.type, { sessionId: message.sessionId, entryId: message.entryId, items: message.items });
        } catch (err) {
          void showWarningMessage(`Hearth could not save the plan: ${errorMessage(err)}`);
        }
        break;
      case 'exportSession':
        await this.bridge.exportSession(message.sessionId);
        break;
      case 'approvalDecision': {
        const result = await this.approvals.decide(message.id, message.decision, message.rule, message.values);
        if (!result.ok) {
          this.log.warn(`Ignored an approval answer from the chat view: ${result.reason}.`);
          // Whatever the card showed was stale: tell it how the request really ended, so no button stays that does nothing.
          const state = this.approvals.get(message.id);
          if (!state || state.outcome) this.view.post({ type: 'approvalSettled', id: message.id, outcome: state?.outcome ?? 'expired' });
        }
        break;
      }
      case 'openToolChange':
        await this.bridge.openToolChange(message.sessionId, message.entryId, message.callId);
        break;
      case 'openReference':
        await this.openReference({ sessionId: message.sessionId, entryId: message.entryId, context: message.context, reference: message.reference });
        break;
      case 'openApprovalDiff':
        await this.approvals.showDiff(message.id);
        break;
      case 'setMode':
        await this.setMode(message.mode);
        break;
      case 'contextPaths':
        this.composerPaths = message.paths;
        await this.postChatConfig();
        break;
      case 'toggleRule':
        await this.toggleRule(message.path, message.enabled);
        break;
      case 'openRule': {
        // Only a file the server listed as a rules file opens; the webview cannot name any other path.
        const rule = this.rules.find((r) => r.path === message.path);
        if (rule) await vscode.window.showTextDocument(vscode.Uri.file(rule.absolutePath), { preview: true });
        else this.log.warn(`Refused to open ${message.path} from the chat: it is not a listed rules file.`);
        break;
      }
      case 'openLink': {
        // Only web and mail links leave the editor; anything else (file:, command:, javascript:) is refused.
        const uri = vscode.Uri.parse(message.url, true);
        if (['http', 'https', 'mailto'].includes(uri.scheme)) await vscode.env.openExternal(uri);
        else this.log.warn(`Refused to open a link with scheme ${uri.scheme}: from the chat.`);
        break;
      }
      case 'openSettings':
        await vscode.commands.executeCommand('workbench.action.openSettings', message.setting);
        break;
    }
  }

  /** Opens a reference `@codebase` attached, at its lines; the language server says which file it is (or why not). */
  private async openReference(params: ChatReferenceParams): Promise<void> {
    let found;
    try {
      found = await this.client.sendRequest(ChatReferenceRequest.type, params);
    } catch (err) {
      void showInformationMessage(`Hearth cannot open that reference: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(found.uri, true));
    const last = Math.min(found.endLine, document.lineCount) - 1;
    const range = new vscode.Range(found.startLine - 1, 0, last, document.lineAt(Math.max(0, last)).text.length);
    await vscode.window.showTextDocument(document, { preview: true, selection: range });
  }

  private async onReady(): Promise<void> {
    let session = null;
    if (this.currentSessionId) {
      session = await this.client.sendRequest(SessionGetRequest.type, { sessionId: this.currentSessionId }).catch(() => null);
      if (!session) await this.setCurrent(undefined);
    }
    if (session) this.adoptChatConfig(session.summary);
    this.view.post({ type: 'session', session, restored: true });
    void this.postChatConfig();
    this.view.post({ type: 'approvals', approvals: this.approvals.list() });
    await Promise.all([this.postSessions(), this.postModels()]);
  }

  /** `fromEditor` turns did not come from the composer, so the view is given the text to show. */
  /**
   * The chat's Download button: downloads the model (or joins its running
   * download, wherever that was started) and, once Ollama has it, asks again
   * the answer that was missing it. A session waits for one retry per model,
   * so a second click during the download does not answer it twice.
   */
  private async downloadAndRetry(sessionId: string, model: string): Promise<void> {
    const key = `${sessionId}\n${modelKey(model)}`;
    if (this.retryingAfterDownload.has(key)) {
      void downloadModel(this.client, model);
      return;
    }
    this.retryingAfterDownload.add(key);
    let downloaded: boolean;
    try {
      downloaded = await downloadModel(this.client, model);
    } finally {
      this.retryingAfterDownload.delete(key);
    }
    if (downloaded) await this.startTurn(() => this.client.sendRequest(ChatRetryRequest.type, { sessionId, model }), true);
  }

  private async send(message: Extract<FromWebview, { type: 'send' }>, fromEditor = false): Promise<void> {
    // Images alone are a message too ("what is wrong in this screenshot" is often all in the picture).
    if (!message.text.trim() && !message.images?.length) return;
    const sessionId = message.sessionId ?? this.currentSessionId;
    const context = await Promise.all(message.context.map((item) => this.fillEditorMention(item)));
    const input: UserInput = { text: message.text, context, ...(message.images?.length ? { images: message.images } : {}) };
    const { mode, disabledRules } = this;
    const activeFile = this.activeFilePath();
    // No model is sent for the turn: the language server decides it (the chat's pick for this mode, else the
    // mode's remembered pick, else the setting), exactly as it told the picker.
    const rememberedModel = this.modeModels[mode];
    // A command carries the chat's mode like any message: a command that starts a chat starts it in the header's mode.
    const chat = { mode, disabledRules, rememberedModel, ...(activeFile ? { activeFile } : {}) };
    if (message.command) {
      await this.sendCommand(message.command, input, sessionId, message.model, chat);
      return;
    }
    await this.startTurn(
      () => this.client.sendRequest(ChatSendRequest.type, { sessionId, input, ...chat }),
      false,
      fromEditor ? input : undefined,
    );
    // The attachments went with the message.
    this.composerPaths = [];
  }

  /**
   * The text of a mention only the editor can read (`@terminal`, `@problems`,
   * `@changes`); other items pass through. A reader that fails still gives
   * the mention a text saying why, so the message is sent and the model and
   * the user see what happened.
   */
  private async fillEditorMention(item: ContextItem): Promise<ContextItem> {
    const read = item.kind === 'mention' && item.text === undefined ? this.editorMentions[item.path] : undefined;
    if (!read) return item;
    try {
      return await read();
    } catch (err) {
      this.log.warn(`Reading @${item.path} failed: ${errorMessage(err)}`);
      return { ...item, text: `(Hearth could not read @${item.path}: ${errorMessage(err)})` };
    }
  }

  /** Takes the mode and switched-off rules files of a chat being shown. */
  private adoptChatConfig(summary: { mode?: ChatMode; disabledRules?: string[] }): void {
    this.mode = summary.mode ?? DEFAULT_CHAT_MODE;
    this.disabledRules = summary.disabledRules ?? [];
    void this.context.workspaceState.update(LAST_MODE_KEY, this.mode);
  }

  private async toggleRule(path: string, enabled: boolean): Promise<void> {
    const next = this.disabledRules.filter((p) => p !== path);
    if (!enabled) next.push(path);
    this.disabledRules = next;
    if (this.currentSessionId) {
      await this.client.sendRequest(SessionConfigureRequest.type, { sessionId: this.currentSessionId, disabledRules: next }).catch((err: unknown) => this.log.warn(`Could not store the rules choice: ${errorMessage(err)}`));
    }
    await this.postChatConfig();
  }

  /** The active editor's file, workspace-relative, when it is in the workspace. */
  private activeFilePath(): string | undefined {
    const uri = vscode.window.activeTextEditor?.document.uri;
    if (!uri || uri.scheme !== 'file' || !vscode.workspace.getWorkspaceFolder(uri)) return undefined;
    return vscode.workspace.asRelativePath(uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
  }

  /** Tells the view the shown chat's mode and the rules files its next message carries. */
  private async postChatConfig(): Promise<void> {
    const active = this.activeFilePath();
    const paths = [...this.composerPaths, ...(active ? [active] : [])];
    try {
      const result = await this.client.sendRequest(RulesListRequest.type, { sessionId: this.currentSessionId, paths, disabledRules: this.disabledRules });
      this.rules = result.rules;
    } catch (err) {
      this.log.warn(`Could not list the rules files: ${errorMessage(err)}`);
    }
    this.view.post({ type: 'chatConfig', mode: this.mode, rules: this.rules.map((r) => ({ path: r.path, truncated: r.truncated, enabled: r.enabled })) });
  }

  /**
   * A message that starts with a slash command. The language server decides
   * what it means; the extension only adds the active editor's selection (or
   * file), which the code commands use when the message has no code of its own.
   */
  private async sendCommand(
    command: { name: string; args: string },
    input: UserInput,
    sessionId: string | undefined,
    model: string | undefined,
    chat: Pick<ChatSendParams, 'mode' | 'disabledRules' | 'rememberedModel' | 'activeFile'>,
  ): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const editorContext = selectionContext(editor) ?? activeFileContext(editor);
    let shown: UserInput | undefined;
    let newChat = false;
    await this.startTurn(async () => {
      const result = await this.client.sendRequest(ChatCommandRequest.type, { sessionId, input, model, ...chat, command, ...(editorContext ? { editorContext } : {}) });
      shown = result.input;
      newChat = result.newChat === true;
      return result.started;
    }, false, () => shown);
    if (newChat && !shown) await this.newChat(true);
  }

  private relayEvent(p: ChatEventParams): void {
    if (p.event.type === 'done') {
      this.streaming.delete(p.sessionId);
      void this.updateStreamingContext();
      void this.postSessions();
      // A turn that reached the model proves the server is back: the picker's
      // old "could not reach Ollama" must not outlive it.
      if (p.event.reason === 'stop' && this.modelsFailed) void this.postModels();
    }
    if (p.sessionId === this.currentSessionId) this.view.post({ type: 'event', ...p });
  }

  /**
   * `request` may start no turn (a command that only acts, like `/new`).
   * `input` is the user's side to show when the view did not type it (or, as
   * a function, whatever the request said was stored).
   */
  private async startTurn(request: () => Promise<ChatTurnStarted | undefined>, retry: boolean, input?: UserInput | (() => UserInput | undefined)): Promise<void> {
    let started: ChatTurnStarted | undefined;
    this.pendingTurnRequests++;
    try {
      started = await request();
    } catch (err) {
      this.pendingTurnRequests--;
      this.view.post({ type: 'sendFailed', error: toHearthError(err) });
      this.releaseHeldEvents();
      return;
    }
    this.pendingTurnRequests--;
    if (!started) {
      this.releaseHeldEvents();
      return;
    }
    // Switch to the turn's session synchronously, before any more of its
    // events are relayed, so the view never drops the first tokens of a new chat.
    this.currentSessionId = started.sessionId;
    this.view.post({ type: 'turnStarted', ...started, retry, input: typeof input === 'function' ? input() : input });
    this.streaming.set(started.sessionId, started.assistantEntryId);
    // Events that raced the response (possibly the whole turn, `done`
    // included) follow the view's turnStarted, in the order they arrived.
    this.releaseHeldEvents();
    await this.persistCurrent();
    await this.updateStreamingContext();
    await this.postSessions();
  }

  /**
   * The language server stopped (it crashed, was killed, or VS Code is
   * restarting it): the turns it was running are over, and no `done` will ever
   * come for them, so the chat would show an answer still streaming, with a
   * Stop that stops nothing and no way to send, for as long as the window
   * stays open. Each ends now with the reason and Retry; what streamed before
   * is kept in the view, and the new server's store marks the reply
   * interrupted when it replays the log.
   */
  private endTurnsOfStoppedServer(): void {
    const error: HearthError = {
      code: 'internal',
      message: "Hearth's language server stopped while answering, so this answer ends here; what it wrote so far is kept. Press Retry to ask again once the server has restarted, or see Hearth: Show Logs for why it stopped.",
      retryable: true,
    };
    for (const [sessionId, entryId] of [...this.streaming]) {
      this.relayEvent({ sessionId, entryId, event: { type: 'error', error } });
      this.relayEvent({ sessionId, entryId, event: { type: 'done', reason: 'error' } });
    }
  }

  /** Relays held events once no turn request is pending any more (each is shown only if its session is the current one). */
  private releaseHeldEvents(): void {
    if (this.pendingTurnRequests > 0) return;
    const held = this.heldEvents;
    this.heldEvents = [];
    for (const p of held) this.relayEvent(p);
  }

  private async insertAtCursor(text: string): Promise<void> {
    const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
    if (!editor) {
      void showInformationMessage('Hearth: open a file to insert the code into.');
      return;
    }
    await editor.edit((b) => {
      for (const selection of editor.selections) b.replace(selection, text);
    });
    await vscode.window.showTextDocument(editor.document, editor.viewColumn);
  }

  private async postSessions(): Promise<void> {
    try {
      this.view.post({ type: 'sessions', ...(await this.listSessionsWithHidden()) });
    } catch (err) {
      this.log.error(`Could not list chats: ${errorMessage(err)}`);
    }
  }

  /** Lists the models again (a provider's key arrived, or the providers changed). */
  async refreshModels(): Promise<void> {
    await this.postModels().catch((err: unknown) => this.log.error(`Could not list models: ${errorMessage(err)}`));
  }

  private async postModels(): Promise<void> {
    let result: ModelListResult;
    try {
      result = await this.client.sendRequest(ModelListRequest.type, {});
    } catch (err) {
      if (!isServerNotRunning(err)) throw err;
      // The picker says why there are no models, and how to get the server back, instead of its last list.
      this.modelsFailed = true;
      this.view.post({ type: 'models', models: [], selected: '', host: '', error: toHearthError(err) });
      return;
    }
    const selected = await this.client
      .sendRequest(ChatModelRequest.type, { sessionId: this.currentSessionId, mode: this.mode, rememberedModel: this.modeModels[this.mode] })
      .then((r) => r.model, () => vscode.workspace.getConfiguration('hearth').get<string>('chat.model', ''));
    const chosen = selected || result.models[0]?.name || '';
    this.modelsFailed = result.error !== undefined;
    this.view.post({ type: 'models', models: result.models, selected: chosen, host: result.host, error: result.error, providerErrors: result.providerErrors });
    const backend = result.backend ?? 'local';
    if (result.error) this.statusBar.update({ backend, host: result.host, model: chosen, state: 'error', message: result.error.message });
    else this.statusBar.update({ backend, host: result.host, model: chosen, state: 'idle' });
  }

  private showStatus(status: BackendStatus): void {
    this.statusBar.update(status);
    this.view.post({ type: 'status', status });
  }

  private async setCurrent(sessionId: string | undefined): Promise<void> {
    this.currentSessionId = sessionId;
    await this.persistCurrent();
  }

  /**
   * Saves which chat is shown. Saves run one after another and each writes the
   * value current when it runs, so a slow earlier save (New chat) cannot
   * overwrite a later one (the turn that followed it) and lose the chat on reload.
   */
  private persistCurrent(): Promise<void> {
    this.persisting = this.persisting.then(
      () => this.context.workspaceState.update(CURRENT_SESSION_KEY, this.currentSessionId),
      () => this.context.workspaceState.update(CURRENT_SESSION_KEY, this.currentSessionId),
    );
    return this.persisting;
  }

  private async updateStreamingContext(): Promise<void> {
    const streaming = this.currentSessionId !== undefined && this.streaming.has(this.currentSessionId);
    await vscode.commands.executeCommand('setContext', 'hearth.chat.streaming', streaming);
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function toHearthError(err: unknown): HearthError {
  if (isServerNotRunning(err)) return { code: 'internal', message: SERVER_NOT_RUNNING, retryable: true };
  if (err instanceof ResponseError && err.data && typeof err.data === 'object' && 'code' in err.data) return err.data as HearthError;
  return { code: 'internal', message: `Hearth's language server did not accept the message: ${errorMessage(err)}. See Hearth: Show Logs.`, retryable: true };
}
