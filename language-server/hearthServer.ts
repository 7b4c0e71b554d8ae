import type { Connection, InitializeParams, ServerCapabilities, TextDocuments } from 'vscode-languageserver/node';
import { DidChangeConfigurationNotification } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { ChatEventNotification, StatusNotification, type HearthInitializationOptions } from '../protocol/lspMethods';
import { SessionStore } from './chat/sessionStore';
import { ChatService, toHearthError } from './chat/chatService';
import { createMentionResolver } from './chat/mentionResolver';
import { SettingsReader } from './settings/settingsReader';
import { AgentProvider } from './agentProvider';
import { workspaceRoots } from './workspace/workspaceRoots';
import { readWorkspaceFile } from './workspace/readWorkspaceFile';
import { registerChatHandlers } from './chat/registerChatHandlers';

/**
 * Wires the server's services to one LSP connection. Each feature registers
 * its own handlers (registerChatHandlers, …) so this file stays a table of
 * contents rather than a growing list of handlers.
 */
export class HearthServer {
  readonly store: SessionStore;
  readonly settings: SettingsReader;
  readonly agents: AgentProvider;
  readonly chat: ChatService;
  readonly roots: string[];

  constructor(
    private readonly connection: Connection,
    readonly documents: TextDocuments<TextDocument>,
    private readonly params: InitializeParams,
    readonly options: HearthInitializationOptions,
  ) {
    this.roots = workspaceRoots(params);
    this.store = new SessionStore(options.storagePath);
    this.settings = new SettingsReader(() => this.readConfiguration());
    this.agents = new AgentProvider(this.settings);
    this.chat = new ChatService({
      store: this.store,
      agent: () => this.agents.refresh(),
      settings: () => this.settings.get(),
      client: {
        sendEvent: (p) => void connection.sendNotification(ChatEventNotification.type, p),
        sendStatus: (s) => void connection.sendNotification(StatusNotification.type, s),
        log: (m) => connection.console.log(m),
      },
      resolveContext: createMentionResolver((rel) => readWorkspaceFile(this.roots, rel)),
    });
    registerChatHandlers(connection, this);
    connection.onDidChangeConfiguration(() => {
      this.settings.invalidate();
      void this.probeBackend();
    });
  }

  capabilities(): Partial<ServerCapabilities> {
    return {};
  }

  initialized(): void {
    if (this.params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration) {
      void this.connection.client.register(DidChangeConfigurationNotification.type, { section: 'hearth' });
    }
    void this.probeBackend();
    this.connection.console.log(`Hearth language server ready (storage: ${this.options.storagePath}, workspace: ${this.roots.join(', ') || 'none'}).`);
  }

  /**
   * Checks that the configured backend answers and publishes the result, so
   * the status bar shows a dead Ollama before the user sends anything.
   */
  async probeBackend(): Promise<void> {
    const settings = await this.settings.get();
    const agent = await this.agents.refresh();
    try {
      const models = await agent.listModels(AbortSignal.timeout(5000));
      const model = settings.chat.model || models[0]?.name || '';
      this.connection.sendNotification(StatusNotification.type, { backend: 'local', host: agent.host, model, state: this.chat.busy ? 'busy' : 'idle' });
    } catch (err) {
      const error = toHearthError(err);
      this.connection.sendNotification(StatusNotification.type, { backend: 'local', host: agent.host, model: settings.chat.model, state: 'error', message: error.message });
    }
  }

  async shutdown(): Promise<void> {
    await this.chat.stopAll();
    this.store.close();
  }

  private async readConfiguration(): Promise<unknown> {
    if (!this.params.capabilities.workspace?.configuration) return undefined;
    return this.connection.workspace.getConfiguration('hearth');
  }
}
