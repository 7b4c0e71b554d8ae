import * as dns from 'node:dns/promises';
import type { Connection, InitializeParams, ServerCapabilities, TextDocuments } from 'vscode-languageserver/node';
import { DidChangeConfigurationNotification, DidChangeWatchedFilesNotification } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatEventNotification, IndexStatusNotification, SemanticIndexStatusNotification, StatusNotification, SUGGESTION_ACCEPTED_COMMAND, type HearthInitializationOptions, type HearthSettings, type TurnRef } from '../protocol/lspMethods';
import { estimateTokens, type ToolExecutor } from '../agent-host';
import type { WorkspaceContextSection } from '../protocol/chat';
import { createTurnExecutor, TurnCheckpoints, type SkillLibrary } from './tools';
import { lspApprovalGateway } from './agentTools/lspApprovalGateway';
import { lspCommandObserver } from './agentTools/lspCommandObserver';
import { lspProblemsProvider } from './agentTools/lspProblemsProvider';
import { toolPolicyFromSettings } from './agentTools/toolPolicyFromSettings';
import { registerAgentToolHandlers } from './agentTools/registerAgentToolHandlers';
import { registerTeamHandlers } from './remote/registerTeamHandlers';
import { TeamSession } from './remote/teamSession';
import { registerProviderHandlers } from './settings/registerProviderHandlers';
import { SessionStore } from './chat/sessionStore';
import { ChatService, toHearthError } from './chat/chatService';
import { createMentionResolver, MENTION_READ_BYTES } from './chat/mentionResolver';
import { readWebPage } from './chat/readWebPage';
import type { HttpProxy } from './net/httpProxy';
import { OutgoingProxies } from './net/outgoingProxies';
import { SettingsReader } from './settings/settingsReader';
import { AgentProvider } from './agentProvider';
import { ModelRunPlanner, type RequestPath, type RunPlan } from './model/modelRunPlanner';
import { workspaceRoots } from './workspace/workspaceRoots';
import { changedWorkspaceRoots } from './workspace/changedWorkspaceRoots';
import { readWorkspaceFile } from './workspace/readWorkspaceFile';
import { readWorkspaceFolder } from './workspace/readWorkspaceFolder';
import { registerSecretsFilesHandler } from './workspace/registerSecretsFilesHandler';
import { registerDraftImageHandlers } from './chat/registerDraftImageHandlers';
import { DraftImages } from './chat/draftImages';
import { registerChatHandlers } from './chat/registerChatHandlers';
import { AgentCatalog } from './agents/agentCatalog';
import { agentOwnModel, chooseAgent, installedModels } from './agents/chooseAgent';
import { registerAgentsHandlers } from './agents/registerAgentsHandlers';
import { findRulesFiles } from './chat/rulesFiles';
import { registerInlineCompletion } from './completion/registerInlineCompletion';
import type { DisabledFileMatcher } from './completion/disabledFileMatcher';
import { secretsFilesOf } from './workspace/secretsFilesOf';
import { createMcpSampler, lspMcpEditor, lspMcpOAuthHost, McpService, registerMcpHandlers, TeamMcp } from './mcp';
import { SlashCommandService } from './slash/slashCommandService';
import { registerSlashHandlers } from './slash/registerSlashHandlers';
import { CodeIndexService, registerIndexHandlers } from './codeIndex';
import { IndexWorker } from './indexWorker';
import { readProjectMemory } from './workspace/readProjectMemory';
import { ChatCheckpoints, checkpointStorageDir } from './checkpoints/chatCheckpoints';
import { WorkspaceSnapshots } from './checkpoints/workspaceSnapshots';
import { registerCheckpointHandlers } from './checkpoints/registerCheckpointHandlers';

/** The most tokens of repository map the server prepares; the agent core cuts it to its budget. */
const REPO_MAP_MAX_TOKENS = 3000;
/** Project memory's cap within the workspace-context budget, so the map always keeps room. */
const MEMORY_MAX_TOKENS = 1200;
import { CodebaseSearchService } from './semanticSearch/codebaseSearchService';
import { codebaseMentionText } from './semanticSearch/codebaseMention';
import { registerCodebaseSearch } from './semanticSearch/registerCodebaseSearch';
import { DocumentationFolders } from './documentation/documentationFolders';
import { withDocumentation } from './documentation/withDocumentation';
import { registerModelPull } from './model/registerModelPull';
import { SkillCatalog } from './skills/skillCatalog';
import { hearthPrivateFolders } from './tools/sandbox/hearthPrivateFolders';
import { skillFileForModel, skillForModel, skillsSection } from './skills/skillText';

/**
 * Wires the server's services to one LSP connection. Each feature registers
 * its own handlers (registerChatHandlers, …) so this file stays a table of
 * contents rather than a growing list of handlers.
 */
export class HearthServer {
  readonly store: SessionStore;
  readonly settings: SettingsReader;
  readonly agents: AgentProvider;
  /** The proxies of model servers, web pages and the team server, from VS Code's `http` settings (read on first use, again after a change). */
  private readonly proxies = new OutgoingProxies(() => this.readHttpConfiguration());
  /** Decides num_ctx and think for every request to a model (chat, editor actions, suggestions). */
  readonly runs = new ModelRunPlanner();
  readonly chat: ChatService;
  /** The built-in roles and the agent files (`~/.hearth/agents`, a trusted workspace's `.hearth/agents`). */
  readonly agentCatalog: AgentCatalog;
  readonly skills: SkillCatalog;
  readonly roots: string[];
  /**
   * The folders open now: `roots` changed by `workspace/didChangeWorkspaceFolders`.
   * Everything a turn touches follows it (the tools and their sandbox, rules,
   * project memory, mentions, checkpoints), and so do the indexes and the
   * MCP servers (their roots, and the mcp.json files read): a folder the
   * user adds is one the agent may work in, under the same approvals, and
   * a folder the user removes is out of its reach, and out of every index
   * answer, at once. Agent and prompt files, inline suggestions and editor
   * actions read it too.
   */
  private folders: string[];

  /** The workspace folders open now (see `folders`). */
  get openFolders(): readonly string[] {
    return this.folders;
  }
  readonly checkpoints: TurnCheckpoints;
  /** Checkpoints of the workspace at each step of a chat, with restore and redo. */
  readonly chatCheckpoints: ChatCheckpoints;
  /** VS Code Workspace Trust; untrusted workspaces get read-only tools. */
  workspaceTrusted: boolean;
  /** MCP servers (user settings and .vscode/mcp.json) and their tools. */
  readonly mcp: McpService;
  /** The team server's (the admin's) MCP resources and prompts, in remote mode. */
  readonly teamMcp: TeamMcp;
  /** Slash commands: built-ins, prompt files and MCP prompts, expanded here and nowhere else. */
  readonly slash: SlashCommandService;
  /** The symbol index (find_symbol, the repository map). */
  readonly index: CodeIndexService;
  private readonly indexWorker: IndexWorker;
  /** The codebase index (codebase_search, @codebase), kept under the extension's storage. */
  readonly codebase: CodebaseSearchService;
  /** The user's documentation folders, searched by codebase_search beside the workspace. */
  private readonly documentation: DocumentationFolders;

  constructor(
    private readonly connection: Connection,
    readonly documents: TextDocuments<TextDocument>,
    private readonly params: InitializeParams,
    readonly options: HearthInitializationOptions,
  ) {
    this.roots = workspaceRoots(params);
    this.folders = this.roots;
    this.workspaceTrusted = options.workspaceTrusted ?? false;
    this.checkpoints = new TurnCheckpoints(path.join(options.storagePath, 'checkpoints'));
    this.store = new SessionStore(options.storagePath, Date.now, { log: (message) => connection.console.log(message) });
    this.settings = new SettingsReader(() => this.readConfiguration());
    this.agents = new AgentProvider(this.settings, new TeamSession({ proxyFor: (url) => this.proxies.proxyFor(url) }), this.proxies.route);
    this.mcp = new McpService({
      roots: this.roots,
      folders: () => this.folders,
      storagePath: options.storagePath,
      settings: () => this.settings.get(),
      workspaceTrusted: () => this.workspaceTrusted,
      editor: lspMcpEditor(connection),
      // Sampling uses the chat's own agent, model and run plan (see createMcpSampler).
      sampler: createMcpSampler({
        settings: () => this.settings.fresh(),
        agent: () => this.agents.refresh(),
        team: () => this.teamAgent(),
        plan: (agent, model, settings, signal) => this.runs.plan(agent, model, 'chat', settings.chat, signal),
      }),
      // Only an editor that declared it keeps the secrets; asking any other would delay every HTTP server's start.
      oauth: options.mcpOAuth ? lspMcpOAuthHost(connection) : undefined,
    });
    this.teamMcp = new TeamMcp({ team: () => this.teamAgent(), log: (m) => connection.console.log(m) });
    // dist/tree-sitter/, copied there by esbuild.mjs; a client (or a test) may name another place.
    const wasmDir = options.treeSitterDir ?? path.join(__dirname, 'tree-sitter');
    // Both indexes parse and chunk in one worker thread (dist/index-worker.js), so the server's thread only merges results.
    this.indexWorker = new IndexWorker({ script: path.join(__dirname, 'index-worker.js'), wasmDir, log: (m) => connection.console.log(m) });
    this.index = new CodeIndexService({
      folders: this.roots,
      storageDir: options.storagePath,
      wasmDir,
      parser: this.indexWorker,
      enabled: async () => (await this.settings.get()).index?.enabled !== false,
      onProgress: (p) => void connection.sendNotification(IndexStatusNotification.type, p),
      log: (m) => connection.console.log(m),
    });
    documents.onDidSave((e) => this.index.fileChanged(e.document.uri));
    documents.onDidChangeContent((e) => this.index.documentEdited(e.document.uri, () => e.document.getText()));
    // One handler for the connection (a second registration would replace the first): both indexes hear every change,
    // and each updates only the paths it names (a folder's URI stands for everything under it).
    connection.onDidChangeWatchedFiles((params) => {
      for (const change of params.changes) this.index.fileChanged(change.uri);
      this.codebase.filesChanged(params.changes.map((c) => c.uri));
    });
    this.codebase = new CodebaseSearchService({
      storageDir: options.storagePath,
      proxyRoute: this.proxies.route,
      folders: this.roots,
      config: async () => {
        const s = await this.settings.get();
        return { enabled: s.codebaseSearch?.enabled ?? true, embeddingModel: s.codebaseSearch?.embeddingModel ?? 'nomic-embed-text', ollamaHost: s.ollama.host, ollamaAuthorization: s.ollama.authorization };
      },
      onProgress: (p) => void connection.sendNotification(SemanticIndexStatusNotification.type, p),
      log: (m) => connection.console.log(m),
      chunker: (rel, content, maxTokens, signal) => this.indexWorker.chunks(rel, content, maxTokens, signal),
    });
    this.documentation = new DocumentationFolders((m) => connection.console.log(m), this.proxies.route);
    const readFile = (rel: string) => readWorkspaceFile(this.folders, rel, MENTION_READ_BYTES);
    this.agentCatalog = new AgentCatalog({
      // Like the prompt files: the user's own agents live outside every workspace, where the agent cannot write.
      home: os.homedir(),
      roots: () => this.folders,
      workspaceTrusted: () => this.workspaceTrusted,
      log: (m) => connection.console.log(m),
    });
    // The user's skills live in the home folder, beside their agent files, where the agent cannot write.
    this.skills = new SkillCatalog({ home: os.homedir(), roots: () => this.folders, workspaceTrusted: () => this.workspaceTrusted, log: (m) => connection.console.log(m) });
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
      resolveContext: createMentionResolver({
        readFile,
        readResource: (server, uri, max, team) => (team ? this.teamMcp.readResource(server, uri, max) : this.mcp.readResource(server, uri, max)),
        searchCodebase: (text) => codebaseMentionText(this.codebase, readFile, text, AbortSignal.timeout(60_000)),
        readFolder: async (folder) => {
          // A folder's secrets files (the user's own list, which a repository cannot change) are named, never read.
          return readWorkspaceFolder(this.folders, folder, AbortSignal.timeout(30_000), await this.secretsFiles());
        },
        readWebPage: async (url) => {
          if ((await this.settings.fresh()).chat.fetchWebPages === false) throw new Error('fetching web pages is turned off (the hearth.chat.fetchWebPages setting)');
          // Each redirect is routed as its own address would be: a host http.noProxy names goes direct, where its address is judged.
          return readWebPage(url, { proxyFor: (target) => this.proxyFor(target.href) });
        },
      }),
      executorForTurn: (turn, settings, note) => this.executorForTurn(turn, settings, note),
      changedResources: (sessionId, earlier, now) => this.mcp.changedResources(sessionId, earlier, now),
      plan: (agent, model, settings, signal) => this.runs.plan(agent, model, 'chat', settings.chat, signal),
      rulesFor: (paths, disabled) => findRulesFiles(this.folders, paths, disabled),
      workspaceContext: (settings) => this.workspaceContext(settings),
      checkpoint: (signal) => this.chatCheckpoints.take(signal),
      restoring: () => this.chatCheckpoints.busy,
      chooseAgent: (req) => chooseAgent({ catalog: this.agentCatalog, log: (m) => connection.console.log(m) }, req),
      subagentAgents: (settings, agent, signal) => {
        const installed = installedModels(agent, signal);
        return this.agentCatalog.subagentAgents((a) => agentOwnModel(a, settings, installed));
      },
    });
    this.chatCheckpoints = new ChatCheckpoints({
      store: this.store,
      // The watcher's ordering guarantee is inotify's (see workspaceWatcher.ts); elsewhere every checkpoint walks.
      snapshots: new WorkspaceSnapshots(checkpointStorageDir(options.storagePath), () => this.folders, undefined, { watch: process.platform === 'linux' }),
      log: (m) => connection.console.log(m),
      running: (sessionId) => (sessionId === undefined ? this.chat.busy : this.chat.isRunning(sessionId)),
    });
    this.slash = new SlashCommandService({
      roots: () => this.folders,
      // The user's own prompt files sit beside nothing the agent can write: outside every workspace, in the home folder.
      userPromptsDir: path.join(os.homedir(), '.hearth', 'prompts'),
      workspaceTrusted: () => this.workspaceTrusted,
      secretsFiles: () => this.secretsFiles(),
      mcp: this.mcp,
      teamMcp: this.teamMcp,
      // Skills are commands too (`/release-notes …`), read as each agent turn reads them, and off with them.
      skills: async () => ((await this.settings.get()).agent?.skills === false ? [] : this.skills.list()),
      skillFiles: (skill) => this.skills.files(skill),
      send: (params, expansion, options) => this.chat.send(params, expansion, options),
      log: (m) => connection.console.log(m),
    });
    registerChatHandlers(connection, this);
    registerModelPull(connection, this);
    registerDraftImageHandlers(connection, new DraftImages(this.store.images, this.store.imageCollector));
    registerSlashHandlers(connection, this.slash);
    registerSecretsFilesHandler(connection, { secretsFiles: () => this.secretsFiles(), roots: () => this.folders });
    registerAgentsHandlers(connection, this.agentCatalog);
    registerAgentToolHandlers(connection, this);
    registerCheckpointHandlers(connection, this.chatCheckpoints);
    registerTeamHandlers(connection, this.agents);
    registerProviderHandlers(connection, this.agents.providerKeys);
    registerInlineCompletion(connection, this);
    registerMcpHandlers(connection, this.mcp, this.teamMcp);
    registerCodebaseSearch(connection, documents, this.codebase);
    registerIndexHandlers(connection, this.index, this.codebase);
    connection.onDidChangeConfiguration(() => {
      this.settings.invalidate();
      this.proxies.invalidate();
      void this.settings.get().then(() => this.codebase.refresh());
      this.runs.invalidate();
      void this.probeBackend();
      void this.mcp.reload();
      void this.index.applySettings();
    });
  }

  /**
   * The workspace context of an agent turn: the project memory (when the
   * workspace turned it on and is trusted), the repository map (when the index is on) and
   * the skills the agent may load. The agent core fits them into its budget.
   * The skill folders are read here, at the start of the turn and before
   * the model is offered its tools: load_skill offers what this read found.
   */
  private async workspaceContext(settings: HearthSettings): Promise<WorkspaceContextSection[]> {
    const sections: WorkspaceContextSection[] = [];
    // Only the agent writes this file (remember, trusted workspaces only), and the turn tells the model the user approved its
    // notes: in Restricted Mode it can only be the repository's, which may turn the setting on in its own .vscode/settings.json.
    if (settings.memory?.enabled && this.workspaceTrusted) {
      const memory = await readProjectMemory(this.folders);
      if (memory?.trim()) sections.push({ title: 'Project memory (.hearth/memory.md: notes the user approved; the user may edit them)', text: memory, maxTokens: MEMORY_MAX_TOKENS });
    }
    const map = await this.index.repoMap(REPO_MAP_MAX_TOKENS, estimateTokens);
    if (map) sections.push({ title: 'Repository map (the most referenced files and their key symbols, most important first)', text: map });
    const skills = skillsSection(settings.agent?.skills === false ? this.skills.clear() : await this.skills.list().catch(() => []));
    if (skills) sections.push(skills);
    return sections;
  }

  /**
   * The tools for one agent turn, on this machine, under the user's policy.
   * Without an open folder there is nothing to work on, so the turn is plain chat.
   */
  /** codebase_search's index: the workspace, plus the documentation folders of the user's settings when there are any. */
  private codebaseWithDocumentation(settings: HearthSettings) {
    const s = settings.codebaseSearch;
    this.documentation.configure({ folders: s?.documentationFolders ?? [], embeddingModel: s?.embeddingModel ?? 'nomic-embed-text', ollamaHost: settings.ollama.host, ollamaAuthorization: settings.ollama.authorization });
    return withDocumentation(this.codebase, this.documentation);
  }

  private executorForTurn(turn: TurnRef, settings: HearthSettings, note: (callId: string, message: string) => void): ToolExecutor | undefined {
    if (this.folders.length === 0) return undefined;
    const builtin = createTurnExecutor({
      turnId: turn.entryId,
      // Read at every call: a folder removed while the turn runs is out of reach at once.
      workspaceFolders: () => this.folders,
      policy: () => toolPolicyFromSettings(settings, this.workspaceTrusted),
      approvals: lspApprovalGateway(this.connection, turn),
      problems: lspProblemsProvider(this.connection),
      checkpoints: this.checkpoints,
      hiddenFromCommands: hearthPrivateFolders(this.options.storagePath),
      ripgrepPath: this.options.ripgrepPath,
      commandObserver: lspCommandObserver(this.connection, turn),
      notes: note,
      symbols: this.index.enabled ? this.index : undefined,
      memoryEnabled: settings.memory?.enabled === true,
      codebaseSearch: this.codebaseWithDocumentation(settings),
      codebaseSearchEnabled: settings.codebaseSearch?.enabled ?? true,
      // The same switch and reader as @https:// mentions: off, the tool is not offered.
      webPages:
        settings.chat.fetchWebPages === false
          ? undefined
          : {
              proxyFor: (url) => this.proxyFor(url.href),
              resolve: (hostname) => dns.lookup(hostname, { verbatim: true }),
              read: (url, signal, route) => readWebPage(url, { ...route, signal, redirects: 'same-origin' }),
            },
      skills: this.skillLibrary(),
    });
    // One executor for the agent: the built-in tools plus the MCP servers' tools (behind approval).
    return this.mcp.executorFor(turn, builtin, settings.mcp?.disabledTools ?? []);
  }

  /** load_skill's view of the skills the turn's workspace context listed (see workspaceContext). */
  private skillLibrary(): SkillLibrary {
    const skill = (name: string) => {
      const found = this.skills.find(name);
      if (!found) throw new Error(`There is no skill named ${JSON.stringify(name)}.`);
      return found;
    };
    return {
      names: () => this.skills.current.map((s) => s.name),
      load: async (name) => skillForModel(skill(name), await this.skills.files(skill(name))),
      readFile: async (name, file) => skillFileForModel(skill(name), file, await this.skills.readFile(skill(name), file)),
    };
  }

  /** The connected team server while remote mode is on (after the settings were read again); undefined in local mode. */
  private async teamAgent() {
    await this.agents.refresh();
    return this.agents.currentTeamAgent();
  }

  /** The plan for one request to `model` on the current backend (for paths that do not hold an agent). */
  async planRun(model: string, path: RequestPath, signal?: AbortSignal): Promise<RunPlan> {
    const [settings, agent] = await Promise.all([this.settings.get(), this.agents.refresh()]);
    return this.runs.plan(agent, model, path, settings.chat, signal);
  }

  capabilities(): Partial<ServerCapabilities> {
    // The accept command of team-mode suggestions (see SUGGESTION_ACCEPTED_COMMAND); the language client registers it in VS Code.
    return {
      inlineCompletionProvider: true,
      codeActionProvider: true,
      executeCommandProvider: { commands: [SUGGESTION_ACCEPTED_COMMAND] },
      // The editor then reports added and removed folders (workspace/didChangeWorkspaceFolders), which MCP servers are told.
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    };
  }

  initialized(): void {
    if (this.params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration) {
      // `http` too: the proxy of model servers, web pages and the team server follows VS Code's `http.proxy` (see OutgoingProxies).
      void this.connection.client.register(DidChangeConfigurationNotification.type, { section: ['hearth', 'http'] });
    }
    if (this.params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      // The editor's file watcher reports changes the server does not see as documents (git checkouts, other tools).
      // One watcher for every file: the codebase index reads documentation too; the symbol index takes its languages
      // only. Registered here, after `initialized`: a client refuses registrations during `initialize`, and a refusal
      // must never take the server down.
      this.connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*' }] })
        .catch((err: unknown) => this.connection.console.warn(`Could not watch the workspace's files: ${(err as Error).message}`));
    }
    if (this.params.capabilities.workspace?.workspaceFolders) {
      this.connection.workspace.onDidChangeWorkspaceFolders((event) => {
        this.folders = changedWorkspaceRoots(this.folders, event);
        this.connection.console.log(`Workspace folders changed: ${this.folders.join(', ') || 'none'}.`);
        void this.mcp.foldersChanged();
        const failed = (what: string) => (err: unknown) => this.connection.console.warn(`${what} could not follow the folders: ${(err as Error).message}`);
        this.index.setFolders(this.folders).catch(failed('The symbol index'));
        this.codebase.setFolders(this.folders).catch(failed('The codebase index'));
      });
    }
    void this.probeBackend();
    void this.mcp.start();
    void this.index.applySettings();
    void this.codebase.refresh();
    // Images of chats deleted in a window that crashed, and anything past the store's cap; other windows may be writing meanwhile (see imageCollector.ts).
    this.store.collectImages().catch((err: unknown) => this.connection.console.warn(`Could not clean up the chat image store: ${(err as Error).message}`));
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
    await this.index.dispose();
    await this.codebase.dispose();
    await this.indexWorker.dispose();
    this.chatCheckpoints.dispose();
    this.store.close();
    this.proxies.dispose();
  }

  private async readConfiguration(): Promise<unknown> {
    if (!this.params.capabilities.workspace?.configuration) return undefined;
    return this.connection.workspace.getConfiguration('hearth');
  }

  /** The proxy a web page goes through, from VS Code's settings or the environment (mentions and fetch_web_page). */
  /** The user's secrets files, read from the settings as they are now: a list just edited applies at once. */
  private async secretsFiles(): Promise<DisabledFileMatcher> {
    return secretsFilesOf(await this.settings.fresh());
  }

  private async proxyFor(url: string): Promise<HttpProxy | undefined> {
    return URL.canParse(url) ? this.proxies.proxyFor(new URL(url)) : undefined;
  }

  /** VS Code's own `http` settings (proxy, noProxy, proxyStrictSSL, proxyAuthorization), read by `proxies` when it needs them. */
  private async readHttpConfiguration(): Promise<unknown> {
    if (!this.params.capabilities.workspace?.configuration) return undefined;
    return this.connection.workspace.getConfiguration('http').catch(() => undefined);
  }
}
