import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  canonicalServerUrl,
  parseUrl,
  describeTarget,
  displayCommandLine,
  HearthException,
  McpManager,
  mcpProgressNotes,
  withMcpTools,
  type McpCompletion,
  type McpCompletionRequest,
  type McpManagerOptions,
  type McpOAuthHost,
  type McpPrompt,
  type McpPromptContent,
  type McpResource,
  type McpResourceTemplate,
  type McpServerStatus,
  type McpTool,
  type ToolExecutor,
} from '../../agent-host';
import { resourceMention } from '../../protocol/chat';
import { clashingServerName, isMcpServerOff, isMcpToolOff, turnedOffToolRefusal } from '../../protocol/mcpDisabledTools';
import { templateVariables } from '../../protocol/uriTemplate';
import type { HearthSettings, McpLogLevel, McpResourceChoice, McpServerInfo, McpTrustParams, TurnRef } from '../../protocol/lspMethods';
import type { McpEditor } from './mcpEditor';
import { McpServerRequests, type McpSampler, type RunningCall } from './mcpServerRequests';
import { McpToolApprovals } from './mcpToolApprovals';
import { McpWorkspaceStore } from './mcpWorkspaceStore';
import { parseMcpServers, type McpConfigProblem, type ParsedMcpServer } from './parseMcpServers';
import { mcpJsonSignature, readWorkspaceMcpConfig } from './readWorkspaceMcpConfig';

export interface McpServiceDeps {
  /** Absolute paths of the workspace folders the language server started with (they name the file trust decisions are kept in). */
  roots: readonly string[];
  /**
   * The folders open now: their mcp.json files are read, and servers are
   * told them as their MCP roots; they change when the user adds or removes
   * a folder (see `foldersChanged`). Default: `roots`.
   */
  folders?(): readonly string[];
  /** The language server's storage (outside the workspace): trust and approvals live there. */
  storagePath: string;
  settings(): Promise<HearthSettings>;
  /** VS Code Workspace Trust, read whenever it matters. */
  workspaceTrusted(): boolean;
  editor: McpEditor;
  env?: NodeJS.ProcessEnv;
  /** How often .vscode/mcp.json and Workspace Trust are checked for changes. Default 2 s. */
  pollIntervalMs?: number;
  /** Runs approved sampling requests; absent: servers are not offered sampling. */
  sampler?: McpSampler;
  /** Secret storage and the browser for HTTP servers that need OAuth sign-in. */
  oauth?: McpOAuthHost;
  /** Overrides of the manager's timeouts and backoff (tests shorten them). */
  manager?: Partial<Omit<McpManagerOptions, 'log' | 'onStatusChange'>>;
}

/** A configured server and whether it may run now. */
interface ServerRecord {
  parsed: ParsedMcpServer;
  /** `run`: handed to the manager. Otherwise the state the list shows instead. */
  gate: 'run' | 'awaitingTrust' | 'notTrusted' | 'stopped' | 'off';
  message?: string;
}

const TRUST_WORKSPACE_FIRST = 'This workspace is not trusted (VS Code Workspace Trust), so its MCP servers do not start. Trust the workspace to use them.';
const DENIED = 'You chose not to start this server. Run "Hearth: Restart MCP Server" to be asked again.';
const NO_FOLDER = 'Open a folder to use MCP servers: without one the agent has no tools, so Hearth does not start them.';
const TURNED_OFF = 'You turned this server off (hearth.mcp.disabledTools). Turn it on again in "Hearth: List MCP Servers".';
const LIST_DESCRIPTION_CHARS = 200;

/**
 * Hearth's MCP servers in the language server: reads the configuration (the
 * user's `hearth.mcp.servers` and each folder's .vscode/mcp.json), asks the
 * user before a workspace server first starts, runs the trusted ones with the
 * agent core's McpManager, and adds their tools to each turn's executor
 * behind the user's approval.
 */
/** How long one listing of the servers' resources answers `@` completion. */
const RESOURCE_LIST_TTL_MS = 5_000;

export class McpService {
  private readonly manager: McpManager;
  private readonly store: McpWorkspaceStore;
  private readonly approvals: McpToolApprovals;
  private records: ServerRecord[] = [];
  /** `hearth.mcp.disabledTools` as the last reload read it. */
  private disabled: readonly string[] = [];
  private problems: McpConfigProblem[] = [];
  private fileProblems: string[] = [];
  private reloading: Promise<void> = Promise.resolve();
  private readonly prompts = new Map<string, { configHash: string; controller: AbortController }>();
  /** Why asking about a server failed (the editor could not show the prompt). */
  private readonly promptFailures = new Map<string, string>();
  private readonly published = new Map<string, string>();
  private lastTrusted: boolean | undefined;
  private logLevel: McpLogLevel | undefined;
  private lastSignature: string | undefined;
  private timer?: ReturnType<typeof setInterval>;
  private polling = false;
  private disposed = false;
  /** The servers' prompts, listed at most once per RESOURCE_LIST_TTL_MS and again when a server says they changed. */
  private promptList: { at: number; list: Promise<McpPrompt[]> } | undefined;
  /** The servers' resources, listed at most once per RESOURCE_LIST_TTL_MS. */
  private resourceList: { at: number; list: Promise<[McpResource[], McpResourceTemplate[]]> } | undefined;
  /** How many times each subscribed resource (by mention) changed since this language server started. */
  private readonly resourceVersions = new Map<string, number>();
  /** The version of a resource a chat last read, by `sessionId\0mention`. */
  private readonly readVersions = new Map<string, number>();
  /** Resources whose change is in the log and that no chat has read since: a server reporting the same change again and again logs it once. */
  private readonly changeLogged = new Set<string>();
  /** The MCP tool calls running now, per server, latest last: a server's sampling or form request is shown in its call's row. */
  private readonly runningCalls = new Map<string, RunningCall[]>();

  constructor(private readonly deps: McpServiceDeps) {
    const log = (server: string, message: string) => deps.editor.log(server, message);
    this.store = new McpWorkspaceStore(deps.storagePath, deps.roots, (m) => log('hearth', m));
    this.approvals = new McpToolApprovals(this.store, deps.editor);
    const requests = new McpServerRequests({
      editor: deps.editor,
      settings: deps.settings,
      sampler: deps.sampler,
      sourceOf: (server) => this.sourceOfServer(server),
      runningCall: (server) => this.runningCalls.get(server)?.at(-1),
    });
    this.manager = new McpManager({
      requests: requests.handlers(),
      ...deps.manager,
      log,
      onStatusChange: (status) => {
        // A server that started, stopped or restarted may offer other prompts: list them again when next asked.
        this.promptList = undefined;
        this.publish(status.name);
      },
      onPromptsChanged: () => (this.promptList = undefined),
      oauth: deps.oauth,
      clientInfo: { name: 'hearth', version: '0.1.0' },
      roots: () => this.currentRoots().map((root) => ({ uri: pathToFileURL(root).href, name: path.basename(root) })),
      onResourceUpdated: (server, uri) => {
        const mention = resourceMention(server, uri);
        this.resourceVersions.set(mention, (this.resourceVersions.get(mention) ?? 0) + 1);
        if (this.changeLogged.has(mention)) return;
        this.changeLogged.add(mention);
        deps.editor.log(server, `${uri} changed; a chat it is attached to reads it again with its next message.`);
      },
    });
  }

  /** Reads the configuration, starts what may start, and begins watching for changes. */
  async start(): Promise<void> {
    if (this.disposed || this.timer) return;
    this.timer = setInterval(() => void this.checkForChanges(), this.deps.pollIntervalMs ?? 2000);
    this.timer.unref?.();
    await this.reload();
  }

  /** Reads the configuration again (settings changed, mcp.json changed, trust changed). Calls run one after another. */
  reload(): Promise<void> {
    const next = this.reloading.then(() => this.doReload());
    this.reloading = next.catch((err: unknown) => this.deps.editor.log('hearth', `Reading the MCP configuration failed: ${err instanceof Error ? err.message : String(err)}`));
    return this.reloading;
  }

  /** Every configured server (and every bad entry) with its state, after pending changes are applied. */
  async list(): Promise<{ servers: McpServerInfo[]; problems: string[] }> {
    await this.checkForChanges();
    await this.reloading;
    return { servers: this.infos(), problems: [...this.fileProblems] };
  }

  /**
   * Resources and resource templates of the running servers whose name, URI
   * or server matches `query`, for `@` completion. Only level-1 templates
   * (`{name}` variables) are offered: the editor asks for each value.
   */
  async resources(query: string): Promise<{ resources: McpResourceChoice[] }> {
    const q = query.toLowerCase();
    // Every `@` keystroke burst asks; the servers are listed once for a few seconds, not once per query.
    if (!this.resourceList || Date.now() - this.resourceList.at > RESOURCE_LIST_TTL_MS) {
      this.resourceList = { at: Date.now(), list: Promise.all([this.manager.resources(), this.manager.resourceTemplates()]) };
    }
    const [resources, templates] = await this.resourceList.list;
    const matches = (r: { name: string; server: string }, uri: string) => !q || r.name.toLowerCase().includes(q) || uri.toLowerCase().includes(q) || r.server.toLowerCase().includes(q);
    const plain = resources.filter((r) => matches(r, r.uri)).map((r): McpResourceChoice => ({ server: r.server, uri: r.uri, name: r.name, mention: resourceMention(r.server, r.uri) }));
    const templated = templates
      .filter((t) => matches(t, t.uriTemplate))
      .flatMap((t): McpResourceChoice[] => {
        const variables = templateVariables(t.uriTemplate);
        return variables ? [{ server: t.server, uri: t.uriTemplate, name: t.name, mention: resourceMention(t.server, t.uriTemplate), variables }] : [];
      });
    return { resources: [...plain.slice(0, 20), ...templated.slice(0, 10)] };
  }

  /**
   * A resource's text for a message the user attached it to. Throws an Error
   * with a user-facing message. A server that supports subscriptions is asked
   * to report changes to it (see `changedResources`).
   */
  async readResource(server: string, uri: string, maxChars: number): Promise<string> {
    this.changeLogged.delete(resourceMention(server, uri));
    const text = await this.manager.readResource(server, uri, maxChars);
    void this.manager.subscribe(server, uri).catch(() => undefined);
    return text;
  }

  /** The running servers' prompts, for `/` completion and for running one; listed once for a few seconds, like resources. */
  listPrompts(): Promise<McpPrompt[]> {
    if (!this.promptList || Date.now() - this.promptList.at > RESOURCE_LIST_TTL_MS) {
      this.promptList = { at: Date.now(), list: this.manager.prompts() };
    }
    return this.promptList.list;
  }

  /**
   * The workspace folders changed: running servers are told, and their next
   * `roots/list` gets the new folders; the mcp.json files are read again, so
   * an added folder's servers go through the same trust prompt as any
   * workspace server, and a removed folder's servers are stopped.
   */
  foldersChanged(): Promise<void> {
    this.manager.rootsChanged();
    return this.reload();
  }

  private currentRoots(): readonly string[] {
    return this.deps.folders?.() ?? this.deps.roots;
  }

  /**
   * A server's suggestions for one argument of its prompt or resource
   * template, while the user fills it in; none when the server does not offer
   * completions. Throws an Error with a user-facing message.
   */
  complete(server: string, request: McpCompletionRequest, signal?: AbortSignal): Promise<McpCompletion> {
    return this.manager.complete(server, request, signal);
  }

  /** One prompt's messages with the user's arguments. Throws an Error with a user-facing message. */
  getPrompt(server: string, name: string, args: Record<string, string>, maxChars: number): Promise<McpPromptContent> {
    return this.manager.getPrompt(server, name, args, maxChars);
  }

  /**
   * Of the resources attached earlier in a chat (`earlier`, mentions), those
   * whose server reported a change since this chat last read them; the chat
   * reads them again with its next message. Those attached to the new message
   * (`now`) count as read.
   */
  changedResources(sessionId: string, earlier: readonly string[], now: readonly string[]): string[] {
    const changed: string[] = [];
    for (const mention of now) this.readVersions.set(`${sessionId}\0${mention}`, this.resourceVersions.get(mention) ?? 0);
    for (const mention of earlier) {
      if (now.includes(mention)) continue;
      const version = this.resourceVersions.get(mention) ?? 0;
      const key = `${sessionId}\0${mention}`;
      if (version > (this.readVersions.get(key) ?? 0)) {
        changed.push(mention);
        this.readVersions.set(key, version);
      }
    }
    return changed;
  }

  /**
   * Restarts one server. A workspace server the user declined (or whose
   * prompt failed) is asked about again; a bad entry is read again.
   */
  async restart(name: string): Promise<McpServerInfo> {
    await this.reloading;
    const record = this.records.find((r) => r.parsed.name === name);
    if (!record) {
      if (this.problems.some((p) => p.name === name)) {
        await this.reload();
        return this.requireInfo(name);
      }
      throw this.missing(name);
    }
    if (record.gate === 'off') {
      throw new HearthException({ code: 'invalidRequest', message: `You turned the MCP server "${name}" off. Turn it on in "Hearth: List MCP Servers" to start it.`, retryable: false });
    }
    if (record.gate === 'run') {
      await this.manager.restart(name);
    } else {
      this.promptFailures.delete(name);
      if (record.parsed.source === 'workspace') await this.store.forgetDenial(name);
      await this.reload();
    }
    return this.requireInfo(name);
  }

  /**
   * Signs out of an HTTP server: its OAuth tokens and registration are
   * deleted from secret storage and it stops; "Restart" asks to sign in again.
   */
  async signOut(name: string): Promise<McpServerInfo> {
    await this.reloading;
    const record = this.records.find((r) => r.parsed.name === name);
    if (!record) throw this.missing(name);
    const config = record.parsed.config;
    if (config.type !== 'http' || !this.deps.oauth) {
      throw new HearthException({ code: 'invalidRequest', message: `The MCP server "${name}" does not sign in: only HTTP servers use OAuth.`, retryable: false });
    }
    // A server that is not running (untrusted, declined) still has its stored tokens deleted.
    const url = parseUrl(config.url);
    if (!(await this.manager.signOut(name)) && url) await this.deps.oauth.remove(canonicalServerUrl(url));
    return this.requireInfo(name);
  }

  private requireInfo(name: string): McpServerInfo {
    const info = this.infoFor(name);
    if (!info) throw this.missing(name);
    return info;
  }

  /**
   * The turn's executor: `inner` (the built-in tools) plus the MCP tools,
   * which are offered only in a trusted workspace and run only after the
   * user's approval. Progress notifications become status notes in the chat.
   * The tools the user turned off (`disabledTools`, from the settings the
   * turn read; by default those of the last reload) are not offered, here or
   * to the team server in remote mode, which is sent this executor's tools.
   */
  executorFor(turn: TurnRef, inner: ToolExecutor, disabledTools?: readonly string[]): ToolExecutor {
    void this.checkForChanges();
    const progressNote = mcpProgressNotes();
    const executor = withMcpTools(inner, this.manager, {
      enabled: () => this.deps.workspaceTrusted(),
      turnedOff: (tool) =>
        isMcpToolOff(disabledTools ?? this.disabled, tool.server, tool.toolName)
          ? {
              content: turnedOffToolRefusal(tool.name),
              summary: 'turned off by the user',
            }
          : undefined,
      authorize: (tool, call, signal) => this.approvals.authorize(tool, this.sourceOf(tool), call, turn, signal),
      onProgress: (tool, call, p) => {
        const note = progressNote(tool, call, p);
        if (note) this.deps.editor.progress(turn, note);
      },
      onNameConflict: (tool) => this.deps.editor.log(tool.server, `The tool ${tool.name} is not offered: another tool already has that name.`),
    });
    return {
      definitions: () => executor.definitions(),
      refusalFor: (name) => executor.refusalFor?.(name),
      turnedOff: () => executor.turnedOff?.() ?? [],
      execute: async (call, signal) => {
        const server = call.name.includes('.') ? this.manager.findTool(call.name)?.server : undefined;
        if (!server) return executor.execute(call, signal);
        // While the call runs, what its server asks of the user belongs in this call's row.
        const running: RunningCall = { origin: { ...turn, callId: call.id }, signal };
        this.runningCalls.set(server, [...(this.runningCalls.get(server) ?? []), running]);
        try {
          return await executor.execute(call, signal);
        } finally {
          const left = (this.runningCalls.get(server) ?? []).filter((r) => r !== running);
          if (left.length > 0) this.runningCalls.set(server, left);
          else this.runningCalls.delete(server);
        }
      },
    };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    clearInterval(this.timer);
    for (const { controller } of this.prompts.values()) controller.abort();
    this.prompts.clear();
    await this.reloading;
    await this.manager.dispose();
  }

  private sourceOf(tool: McpTool): 'user' | 'workspace' {
    return this.sourceOfServer(tool.server);
  }

  private sourceOfServer(server: string): 'user' | 'workspace' {
    return this.records.find((r) => r.parsed.name === server)?.parsed.source ?? 'user';
  }

  private missing(name: string): HearthException {
    return new HearthException({ code: 'invalidRequest', message: `There is no MCP server named "${name}". Run "Hearth: List MCP Servers" to see the configured ones.`, retryable: false });
  }

  /** Workspace Trust and the mcp.json files are checked here: on a timer, before each turn and before a list. */
  private async checkForChanges(): Promise<void> {
    if (this.polling || this.disposed || this.lastSignature === undefined) return;
    this.polling = true;
    try {
      const signature = await mcpJsonSignature(this.currentRoots());
      if (signature !== this.lastSignature || this.deps.workspaceTrusted() !== this.lastTrusted) await this.reload();
    } finally {
      this.polling = false;
    }
  }

  private async doReload(): Promise<void> {
    if (this.disposed) return;
    const env = this.deps.env ?? process.env;
    const roots = this.currentRoots();
    // The signature is taken before reading, so a change made while reading is seen by the next check.
    this.lastSignature = await mcpJsonSignature(roots);
    const trusted = this.deps.workspaceTrusted();
    this.lastTrusted = trusted;
    const settings = await this.deps.settings();
    const disabled = settings.mcp?.disabledTools ?? [];
    this.disabled = disabled;
    const logLevel = settings.mcp?.logLevel ?? 'warning';
    if (logLevel !== this.logLevel) {
      this.logLevel = logLevel;
      this.manager.setLogLevel(logLevel);
      this.deps.editor.log('hearth', logLevel === 'off' ? "MCP servers' log messages are not shown (hearth.mcp.logLevel is off)." : `MCP servers' log messages at ${logLevel} and above are shown (hearth.mcp.logLevel).`);
    }
    // The user's servers keep the first folder the window started with: a folder change must not restart them (they
    // are told the new folders as MCP roots). In a window that started without a folder, the first one added.
    const home = this.deps.roots[0] ?? roots[0];
    // They run in that folder only once it is trusted: launchers look in their working folder first
    // (npx runs the project's node_modules/.bin, python -m imports from it, uvx reads its pyproject),
    // so a repository would otherwise run its own code through the user's servers just by being opened.
    // Trusting the folder restarts them there.
    const user = parseMcpServers(settings.mcp?.servers, { source: 'user', workspaceFolder: home, env, defaultCwd: trusted && home ? home : os.homedir() });
    const workspace = await readWorkspaceMcpConfig(roots, env);

    const records: ServerRecord[] = [];
    const problems: McpConfigProblem[] = [...user.problems, ...workspace.problems];
    const seen = new Set<string>();
    // A name that clashes with one already taken in hearth.mcp.disabledTools (`a` and `a.b`) is refused, the later entry losing.
    const clashProblem = (parsed: ParsedMcpServer, other: string): McpConfigProblem => {
      const [short, long] = parsed.name.length < other.length ? [parsed.name, other] : [other, parsed.name];
      return {
        name: parsed.name,
        source: parsed.source,
        configPath: parsed.configPath,
        transport: parsed.config.type === 'http' ? 'http' : 'stdio',
        target: describeTarget(parsed.config),
        message: `The server "${parsed.name}" is ignored: its name and the server "${other}" would share switches in hearth.mcp.disabledTools, where "${long}" also names the tool "${long.slice(short.length + 1)}" of "${short}", so turning one off or on would turn the other too. Rename it${parsed.configPath ? ` in ${parsed.configPath}` : ''}.`,
      };
    };
    for (const parsed of user.servers) {
      const clash = clashingServerName(parsed.name, seen);
      if (clash !== undefined) {
        problems.push(clashProblem(parsed, clash));
        continue;
      }
      seen.add(parsed.name);
      // A server the user turned off still holds its name, so a workspace server cannot take its place.
      if (isMcpServerOff(disabled, parsed.name)) records.push({ parsed, gate: 'off', message: TURNED_OFF });
      // Tools are offered only in a folder (see HearthServer.executorForTurn), so servers would run for nothing without one.
      else records.push(roots.length > 0 ? { parsed, gate: 'run' } : { parsed, gate: 'stopped', message: NO_FOLDER });
    }
    for (const parsed of workspace.servers) {
      if (seen.has(parsed.name)) {
        // The user's own server keeps its name: a repository cannot replace it by declaring one with the same name.
        problems.push({
          name: parsed.name,
          source: 'workspace',
          configPath: parsed.configPath,
          transport: parsed.config.type === 'http' ? 'http' : 'stdio',
          target: describeTarget(parsed.config),
          message: `Another server is already named "${parsed.name}" (in your user settings or another folder's mcp.json), so this entry in ${parsed.configPath} is ignored. Rename it.`,
        });
        continue;
      }
      const clash = clashingServerName(parsed.name, seen);
      if (clash !== undefined) {
        problems.push(clashProblem(parsed, clash));
        continue;
      }
      seen.add(parsed.name);
      // Off before the trust question: the user is not asked about a server they already turned off.
      records.push(isMcpServerOff(disabled, parsed.name) ? { parsed, gate: 'off', message: TURNED_OFF } : await this.gateWorkspaceServer(parsed, trusted));
    }
    for (const parsed of [...user.servers, ...workspace.servers]) {
      for (const warning of parsed.warnings) this.deps.editor.log(parsed.name, warning);
    }
    for (const problem of workspace.fileProblems) this.deps.editor.log('hearth', problem);

    // Questions about entries that changed or disappeared are withdrawn.
    for (const [name, prompt] of [...this.prompts]) {
      const record = records.find((r) => r.parsed.name === name);
      if (!record || record.gate !== 'awaitingTrust' || record.parsed.configHash !== prompt.configHash) {
        prompt.controller.abort();
        this.prompts.delete(name);
      }
    }

    this.records = records;
    this.problems = problems;
    this.fileProblems = workspace.fileProblems;
    await this.manager.configure(records.filter((r) => r.gate === 'run').map((r) => ({ name: r.parsed.name, config: r.parsed.config })));
    for (const info of this.infos()) this.publishInfo(info);
    for (const [name] of [...this.published]) if (!this.infoFor(name)) this.published.delete(name);
    for (const record of records) if (record.gate === 'awaitingTrust' && !this.promptFailures.has(record.parsed.name)) this.askTrust(record);
  }

  private async gateWorkspaceServer(parsed: ParsedMcpServer, workspaceTrusted: boolean): Promise<ServerRecord> {
    if (!workspaceTrusted) return { parsed, gate: 'notTrusted', message: TRUST_WORKSPACE_FIRST };
    const { decision } = await this.store.trust(parsed.name, parsed.configHash, parsed.configPath ?? '');
    if (decision === 'trusted') return { parsed, gate: 'run' };
    if (decision === 'denied') return { parsed, gate: 'notTrusted', message: DENIED };
    const failure = this.promptFailures.get(parsed.name);
    return { parsed, gate: 'awaitingTrust', message: failure ?? 'Waiting for you to decide whether to start it.' };
  }

  /** Asks the user about one workspace server (once per version of its entry), then reloads with the answer. */
  private askTrust(record: ServerRecord): void {
    const { parsed } = record;
    const pending = this.prompts.get(parsed.name);
    if (pending && pending.configHash === parsed.configHash) return;
    const controller = new AbortController();
    this.prompts.set(parsed.name, { configHash: parsed.configHash, controller });
    void (async () => {
      try {
        const { changed } = await this.store.trust(parsed.name, parsed.configHash, parsed.configPath ?? '');
        const decision = await this.deps.editor.askTrust(this.trustParams(parsed, changed), controller.signal);
        if (controller.signal.aborted) return;
        await this.store.setTrust(parsed.name, parsed.configHash, parsed.configPath ?? '', decision === 'trust' ? 'trusted' : 'denied');
        this.deps.editor.log(parsed.name, decision === 'trust' ? 'You trusted this workspace server; starting it.' : 'You chose not to start this workspace server.');
      } catch (err) {
        if (controller.signal.aborted) return;
        const message = `Hearth could not ask you whether to start it (${err instanceof Error ? err.message : String(err)}). Run "Hearth: Restart MCP Server" to be asked again.`;
        this.promptFailures.set(parsed.name, message);
        this.deps.editor.log(parsed.name, message);
      } finally {
        if (this.prompts.get(parsed.name)?.controller === controller) this.prompts.delete(parsed.name);
      }
      if (!controller.signal.aborted && !this.disposed) await this.reload();
    })();
  }

  private trustParams(parsed: ParsedMcpServer, changed: boolean): McpTrustParams {
    const config = parsed.config;
    const base = { name: parsed.name, configPath: parsed.configPath ?? '', envNames: parsed.envNames, headerNames: parsed.headerNames, envReads: parsed.envReads, headerPathReads: parsed.headerPathReads, changed };
    // The URL as it will be requested, parsed: the text as written can differ (a parser drops line breaks, so a known
    // host, forty blank lines and "@real-host/" read as two lines but reach real-host, with the known host as a user name).
    if (config.type === 'http') return { ...base, transport: 'http', url: parseUrl(config.url)?.href ?? config.url };
    return { ...base, transport: 'stdio', command: config.command, args: config.args ?? [], cwd: config.cwd, commandLine: displayCommandLine(config.command, config.args) };
  }

  private infos(): McpServerInfo[] {
    const fromRecords = this.records.map((r) => this.recordInfo(r));
    const fromProblems = this.problems.map(
      (p): McpServerInfo => ({ name: p.name, source: p.source, configPath: p.configPath, transport: p.transport, target: p.target, state: 'failed', tools: [], lastError: p.message, restarts: 0 }),
    );
    return [...fromRecords, ...fromProblems];
  }

  private infoFor(name: string): McpServerInfo | undefined {
    return this.infos().find((i) => i.name === name);
  }

  private recordInfo(record: ServerRecord): McpServerInfo {
    const { parsed } = record;
    const base = {
      name: parsed.name,
      source: parsed.source,
      configPath: parsed.configPath,
      transport: parsed.config.type === 'http' ? ('http' as const) : ('stdio' as const),
      target: describeTarget(parsed.config),
    };
    const status = record.gate === 'run' ? this.manager.status(parsed.name) : undefined;
    if (!status) return { ...base, state: record.gate === 'run' ? 'starting' : record.gate, tools: [], lastError: record.message, restarts: 0 };
    return { ...base, ...this.statusFields(status) };
  }

  private statusFields(status: McpServerStatus): Omit<McpServerInfo, 'name' | 'source' | 'configPath' | 'transport' | 'target'> {
    return {
      state: status.state,
      tools: status.tools.map((t) => ({
        name: t.name,
        toolName: t.toolName,
        title: t.title,
        description: t.snapshot.description.length > LIST_DESCRIPTION_CHARS ? `${t.snapshot.description.slice(0, LIST_DESCRIPTION_CHARS - 1)}…` : t.snapshot.description,
        ...(isMcpToolOff(this.disabled, status.name, t.toolName) ? { off: true } : {}),
      })),
      lastError: status.lastError,
      pid: status.pid,
      restarts: status.restarts,
      nextRestartAt: status.nextRestartAt,
      ...(status.signedIn ? { signedIn: true } : {}),
      ...(status.httpTransport ? { httpTransport: status.httpTransport } : {}),
    };
  }

  private publish(name: string): void {
    const info = this.infoFor(name);
    if (info) this.publishInfo(info);
  }

  /** Tells the editor about a server whose state or tools changed since it was last told. */
  private publishInfo(info: McpServerInfo): void {
    const key = JSON.stringify(info);
    if (this.published.get(info.name) === key) return;
    this.published.set(info.name, key);
    this.deps.editor.statusChanged(info);
  }
}
