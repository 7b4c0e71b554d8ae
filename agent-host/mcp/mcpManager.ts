import { canonicalJson } from './definitionHash';
import { DEFAULT_MAX_RESULT_CHARS } from './formatToolResult';
import { HttpTransportMemory } from './httpTransportMemory';
import { McpServerConnection, type ResolvedManagerOptions } from './mcpServerConnection';
import type { McpCallOptions, McpCallOutcome, McpCompletion, McpCompletionRequest, McpManagerOptions, McpPrompt, McpPromptContent, McpResource, McpResourceTemplate, McpServerSpec, McpServerStatus, McpTool } from './mcpTypes';
import { serverSlug } from './namespaceToolName';
import { DEFAULT_MCP_LOG_LEVEL } from './serverLogRecords';
import type { McpLogLevel } from '../../protocol/lspMethods';

function withDefaults(options: McpManagerOptions): ResolvedManagerOptions {
  return {
    log: options.log,
    onStatusChange: options.onStatusChange,
    onPromptsChanged: options.onPromptsChanged,
    roots: options.roots,
    requests: options.requests,
    refusedRequests: options.refusedRequests,
    onResourceUpdated: options.onResourceUpdated,
    oauth: options.oauth,
    signInTimeoutMs: options.signInTimeoutMs ?? 5 * 60_000,
    clientInfo: options.clientInfo ?? { name: 'hearth', version: '0.1.0' },
    connectTimeoutMs: options.connectTimeoutMs ?? 60_000,
    callTimeoutMs: options.callTimeoutMs ?? 5 * 60_000,
    maxCallMs: options.maxCallMs ?? 30 * 60_000,
    maxResultChars: options.maxResultChars ?? DEFAULT_MAX_RESULT_CHARS,
    restartDelayMs: options.restartDelayMs ?? 1_000,
    maxRestartDelayMs: options.maxRestartDelayMs ?? 30_000,
    maxConsecutiveFailures: options.maxConsecutiveFailures ?? 6,
    killGraceMs: options.killGraceMs ?? 1_000,
  };
}

interface Entry {
  connection: McpServerConnection;
  /** The canonical JSON of the spec: a different one means the server must be restarted. */
  key: string;
}

/**
 * Runs a set of MCP servers on `@modelcontextprotocol/sdk` and offers their
 * tools under namespaced names (`server.tool`). It knows nothing about trust,
 * approvals or editors: the language server decides which servers to give it
 * and whether a call may run; the team server can use it the same way for
 * the servers an admin configures.
 */
export class McpManager {
  private readonly entries = new Map<string, Entry>();
  private readonly options: ResolvedManagerOptions;
  private disposed = false;
  private logLevel: McpLogLevel = DEFAULT_MCP_LOG_LEVEL;
  /** Which transport worked for each http server, kept across its reconnects and restarts for the manager's (the process's) life. */
  private readonly transports = new HttpTransportMemory();

  constructor(options: McpManagerOptions) {
    this.options = withDefaults(options);
  }

  /**
   * Makes the running set match `specs`: new servers start, removed ones
   * stop, and a server whose configuration changed is restarted. Servers
   * that did not change keep running (and keep their namespace).
   */
  async configure(specs: readonly McpServerSpec[]): Promise<void> {
    if (this.disposed) return;
    const wanted = new Map(specs.map((s) => [s.name, s]));
    const stopping: Promise<void>[] = [];
    for (const [name, entry] of [...this.entries]) {
      const spec = wanted.get(name);
      if (!spec || canonicalJson(spec) !== entry.key) {
        this.transports.configChanged(name, entry.connection.spec.config, spec?.config);
        this.entries.delete(name);
        stopping.push(entry.connection.stop());
      }
    }
    await Promise.all(stopping);
    const taken = new Set([...this.entries.values()].map((e) => e.connection.slug));
    for (const spec of specs) {
      if (this.entries.has(spec.name)) continue;
      const slug = serverSlug(spec.name, taken);
      taken.add(slug);
      const connection = new McpServerConnection(spec, slug, this.options, () => this.logLevel, this.transports);
      this.entries.set(spec.name, { connection, key: canonicalJson(spec) });
      connection.start();
    }
  }

  statuses(): McpServerStatus[] {
    return [...this.entries.values()].map((e) => e.connection.status());
  }

  status(name: string): McpServerStatus | undefined {
    return this.entries.get(name)?.connection.status();
  }

  /** The tools of every running server, in configuration order. */
  tools(): McpTool[] {
    return [...this.entries.values()].flatMap((e) => e.connection.currentTools());
  }

  findTool(name: string): McpTool | undefined {
    return this.tools().find((t) => t.name === name);
  }

  /**
   * Runs one tool. Never throws: an unknown tool, a server that is down, a
   * timeout, a crash mid-call or the server's own error all become an error
   * outcome the model can read. Aborting `options.signal` sends
   * `notifications/cancelled` to the server.
   */
  async callTool(tool: McpTool, args: Record<string, unknown>, options: McpCallOptions): Promise<McpCallOutcome> {
    const entry = this.entries.get(tool.server);
    if (!entry) {
      return { isError: true, summary: 'server removed', content: `${tool.name} cannot run: the MCP server "${tool.server}" is no longer configured.` };
    }
    return entry.connection.callTool(tool, args, options);
  }

  /** Every running server's resources, servers in configuration order, at most `limit` in all. */
  async resources(limit = 500): Promise<McpResource[]> {
    const out: McpResource[] = [];
    for (const entry of this.entries.values()) {
      if (out.length >= limit) break;
      // One server that fails to list must not hide the others'.
      out.push(...(await entry.connection.resources(limit - out.length).catch(() => [])));
    }
    return out;
  }

  /** Every running server's resource templates, at most `limit` in all. */
  async resourceTemplates(limit = 200): Promise<McpResourceTemplate[]> {
    const out: McpResourceTemplate[] = [];
    for (const entry of this.entries.values()) {
      if (out.length >= limit) break;
      out.push(...(await entry.connection.resourceTemplates(limit - out.length).catch(() => [])));
    }
    return out;
  }

  /**
   * Asks `server` to report changes to one resource, when it supports
   * subscriptions; false when it does not (or is not running). Changes arrive
   * through `onResourceUpdated`. A restarted server forgets its subscriptions.
   */
  async subscribe(server: string, uri: string): Promise<boolean> {
    const entry = this.entries.get(server);
    return entry ? entry.connection.subscribe(uri).catch(() => false) : false;
  }

  /** Reads one resource of `server` as text for the model. Throws an Error with a user-facing message. */
  async readResource(server: string, uri: string, maxChars: number): Promise<string> {
    const entry = this.entries.get(server);
    if (!entry) throw new Error(`there is no MCP server "${server}"`);
    return entry.connection.readResource(uri, maxChars);
  }

  /** Every running server's prompts, servers in configuration order, at most `limit` in all. */
  async prompts(limit = 500): Promise<McpPrompt[]> {
    const out: McpPrompt[] = [];
    for (const entry of this.entries.values()) {
      if (out.length >= limit) break;
      // One server that fails to list must not hide the others'.
      out.push(...(await entry.connection.prompts(limit - out.length).catch(() => [])));
    }
    return out;
  }

  /** Gets one prompt of `server` with its arguments. Throws an Error with a user-facing message. */
  async getPrompt(server: string, name: string, args: Record<string, string>, maxChars: number): Promise<McpPromptContent> {
    const entry = this.entries.get(server);
    if (!entry) throw new Error(`there is no MCP server "${server}"`);
    return entry.connection.getPrompt(name, args, maxChars);
  }

  /**
   * The least severe log message servers should send (`logging/setLevel`);
   * running servers that offer logging are asked at once, others when they start.
   */
  setLogLevel(level: McpLogLevel): void {
    if (level === this.logLevel) return;
    this.logLevel = level;
    for (const entry of this.entries.values()) entry.connection.logLevelChanged();
  }

  /** The workspace folders (`roots`) changed: every running server is sent `notifications/roots/list_changed`. */
  rootsChanged(): void {
    for (const entry of this.entries.values()) entry.connection.rootsChanged();
  }

  /**
   * Values `server` suggests for one argument of its prompt or resource
   * template; none when it does not offer completions. Throws an Error with a
   * user-facing message when there is no such server or it failed to answer.
   */
  async complete(server: string, request: McpCompletionRequest, signal?: AbortSignal): Promise<McpCompletion> {
    const entry = this.entries.get(server);
    if (!entry) throw new Error(`there is no MCP server "${server}"`);
    return entry.connection.complete(request, signal);
  }

  /** Restarts one server now; undefined when there is no such server. */
  async restart(name: string): Promise<McpServerStatus | undefined> {
    const entry = this.entries.get(name);
    if (!entry) return undefined;
    await entry.connection.restart();
    return entry.connection.status();
  }

  /** Signs out of one HTTP server (deletes its OAuth tokens) and stops it; false when it has no OAuth sign-in to forget. */
  async signOut(name: string): Promise<boolean> {
    const entry = this.entries.get(name);
    return entry ? entry.connection.signOut() : false;
  }

  /** Stops every server (their processes included). */
  async dispose(): Promise<void> {
    this.disposed = true;
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((e) => e.connection.stop()));
  }
}
