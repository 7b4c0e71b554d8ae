import type { Connection, InitializeParams, ServerCapabilities, TextDocuments } from 'vscode-languageserver/node';
import { DidChangeConfigurationNotification } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatEventNotification, StatusNotification, SUGGESTION_ACCEPTED_COMMAND, type HearthInitializationOptions, type HearthSettings, type TurnRef } from '../protocol/lspMethods';
import type { ToolExecutor } from '../agent-host';
import { createTurnExecutor, TurnCheckpoints } from './tools';
import { lspApprovalGateway } from './agentTools/lspApprovalGateway';
import { lspProblemsProvider } from './agentTools/lspProblemsProvider';
import { toolPolicyFromSettings } from './agentTools/toolPolicyFromSettings';
import { registerAgentToolHandlers } from './agentTools/registerAgentToolHandlers';
import { registerTeamHandlers } from './remote/registerTeamHandlers';
import { SessionStore } from './chat/sessionStore';
import { ChatService, toHearthError } from './chat/chatService';
import { createMentionResolver } from './chat/mentionResolver';
import { SettingsReader } from './settings/settingsReader';
import { AgentProvider } from './agentProvider';
import { ModelRunPlanner, type RequestPath, type RunPlan } from './model/modelRunPlanner';
import { workspaceRoots } from './workspace/workspaceRoots';
import { readWorkspaceFile } from './workspace/readWorkspaceFile';
import { registerChatHandlers } from './chat/registerChatHandlers';
import { registerInlineCompletion } from './completion/registerInlineCompletion';
import { lspMcpEditor, lspMcpOAuthHost, McpService, registerMcpHandlers } from './mcp';
import { SlashCommandService } from './slash/slashCommandService';
import { registerSlashHandlers } from './slash/registerSlashHandlers';

/**
 * Wires the server's services to one LSP connection. Each feature registers
 * its own handlers (registerChatHandlers, …) so this file stays a table of
 * contents rather than a growing list of handlers.
 */
export class HearthServer {
  readonly store: SessionStore;
  readonly settings: SettingsReader;
  readonly agents: AgentProvider;
  /** Decides num_ctx and think for every request to a model (chat, editor actions, suggestions). */
  readonly runs = new ModelRunPlanner();
  readonly chat: ChatService;
  readonly roots: string[];
  readonly checkpoints: TurnCheckpoints;
  /** VS Code Workspace Trust; untrusted workspaces get read-only tools. */
  workspaceTrusted: boolean;
  /** MCP servers (user settings and .vscode/mcp.json) and their tools. */
  readonly mcp: McpService;
  /** Slash commands: built-ins, prompt files and MCP prompts, expanded here and nowhere else. */
  readonly slash: SlashCommandService;

  constructor(
    private readonly connection: Connection,
    readonly documents: TextDocuments<TextDocument>,
    private readonly params: InitializeParams,
    readonly options: HearthInitializationOptions,
  ) {
    this.roots = workspaceRoots(params);
    this.workspaceTrusted = options.workspaceTrusted ?? false;
    this.checkpoints = new TurnCheckpoints(path.join(options.storagePath, 'checkpoints'));
    this.store = new SessionStore(options.storagePath);
    this.settings = new SettingsReader(() => this.readConfiguration());
    this.agents = new AgentProvider(this.settings);
    this.mcp = new McpService({
      roots: this.roots,
      storagePath: options.storagePath,
      settings: () => this.settings.get(),
      workspaceTrusted: () => this.workspaceTrusted,
      editor: lspMcpEditor(connection),
      // Only an editor that declared it keeps the secrets; asking any other would delay every HTTP server's start.
      oauth: options.mcpOAuth ? lspMcpOAuthHost(connection) : undefined,
    });
    this.chat = new ChatService({
      store: this.store,
      agent: () => this.agents.refresh(),
      // Read at the start of each turn; one round trip to the editor is nothing next to a model's answer.
      settings: () => this.settings.fresh(),
      client: {
        sendEvent: (p) => void connection.sendNotification(ChatEventNotification.type, p),
        sendStatus: (s) => void connection.sendNotification(StatusNotification.type, s),
        log: (m) => connection.console.log(m),
      },
      resolveContext: createMentionResolver((rel) => readWorkspaceFile(this.roots, rel), (server, uri, max) => this.mcp.readResource(server, uri, max)),
      executorForTurn: (turn, settings) => this.executorForTurn(turn, settings),
      plan: (agent, model, settings, signal) => this.runs.plan(agent, model, 'chat', settings.chat, signal),
    });
    this.slash = new SlashCommandService({
      roots: this.roots,
      // The user's own prompt files sit beside nothing the agent can write: outside every workspace, in the home folder.
      userPromptsDir: path.join(os.homedir(), '.hearth', 'prompts'),
      workspaceTrusted: () => this.workspaceTrusted,
      mcp: this.mcp,
      send: (params, expansion) => this.chat.send(params, expansion),
      log: (m) => connection.console.log(m),
    });
    registerChatHandlers(connection, this);
    registerSlashHandlers(connection, this.slash);
    registerAgentToolHandlers(connection, this);
    registerTeamHandlers(connection, this.agents);
    registerInlineCompletion(connection, this);
    registerMcpHandlers(connection, this.mcp);
    connection.onDidChangeConfiguration(() => {
      this.settings.invalidate();
      this.runs.invalidate();
      void this.probeBackend();
      void this.mcp.reload();
    });
  }

  /**
   * The tools for one agent turn, on this machine, under the user's policy.
   * Without an open folder there is nothing to work on, so the turn is plain chat.
   */
  private executorForTurn(turn: TurnRef, settings: HearthSettings): ToolExecutor | undefined {
    if (this.roots.length === 0) return undefined;
    const builtin = createTurnExecutor({
      turnId: turn.entryId,
      workspaceFolders: this.roots,
      policy: () => toolPolicyFromSettings(settings, this.workspaceTrusted),
      approvals: lspApprovalGateway(this.connection, turn),
      problems: lspProblemsProvider(this.connection),
      checkpoints: this.checkpoints,
      ripgrepPath: this.options.ripgrepPath,
    });
    // One executor for the agent: the built-in tools plus the MCP servers' tools (behind approval).
    return this.mcp.executorFor(turn, builtin);
  }

  /** The plan for one request to `model` on the current backend (for paths that do not hold an agent). */
  async planRun(model: string, path: RequestPath, signal?: AbortSignal): Promise<RunPlan> {
    const [settings, agent] = await Promise.all([this.settings.get(), this.agents.refresh()]);
    return this.runs.plan(agent, model, path, settings.chat, signal);
  }

  capabilities(): Partial<ServerCapabilities> {
    // The accept command of team-mode suggestions (see SUGGESTION_ACCEPTED_COMMAND); the language client registers it in VS Code.
    return { inlineCompletionProvider: true, codeActionProvider: true, executeCommandProvider: { commands: [SUGGESTION_ACCEPTED_COMMAND] } };
  }

  initialized(): void {
    if (this.params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration) {
      void this.connection.client.register(DidChangeConfigurationNotification.type, { section: 'hearth' });
    }
    void this.probeBackend();
    void this.mcp.start();
    this.connection.console.log(`Hearth language server ready (storage: ${this.options.storagePath}, workspace: ${this.roots.join(', ') || 'none'}).`);
  }

  /**
   * Checks that the configured backend answers and publishes the result, so
   * the status bar shows a dead Ollama before the user sends anything.
   */
  async probeBackend(): Promise<void> {
    const settings = await this.settings.get();
    const agent = await this.agents.refresh();
    const backend = settings.server?.mode ?? 'local';
    try {
      const models = await agent.listModels(AbortSignal.timeout(5000));
      const model = settings.chat.model || models[0]?.name || '';
      this.connection.sendNotification(StatusNotification.type, { backend, host: agent.host, model, state: this.chat.busy ? 'busy' : 'idle' });
    } catch (err) {
      const error = toHearthError(err);
      this.connection.sendNotification(StatusNotification.type, { backend, host: agent.host, model: settings.chat.model, state: 'error', message: error.message });
    }
  }

  async shutdown(): Promise<void> {
    await this.chat.stopAll();
    await this.mcp.dispose();
    this.store.close();
  }

  private async readConfiguration(): Promise<unknown> {
    if (!this.params.capabilities.workspace?.configuration) return undefined;
    return this.connection.workspace.getConfiguration('hearth');
  }
}
