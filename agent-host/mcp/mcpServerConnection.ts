import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport, SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { CallToolResultSchema, CreateMessageRequestSchema, ElicitRequestSchema, ErrorCode, ListRootsRequestSchema, LoggingMessageNotificationSchema, McpError, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { formatContentBlock, formatToolResult } from './formatToolResult';
import type { McpCallOptions, McpCallOutcome, McpCompletion, McpCompletionRequest, McpConnectionState, McpHttpTransport, McpManagerOptions, McpPrompt, McpPromptContent, McpResource, McpResourceTemplate, McpServerSpec, McpServerStatus, McpTool } from './mcpTypes';
import type { McpLogLevel } from '../../protocol/lspMethods';
import { requestedLevel, ServerLogRecords } from './serverLogRecords';
import { ToolChangeNotes } from './toolChangeNotes';
import { toCompletion } from './toCompletion';
import { describeTarget } from './describeTarget';
import { cappedFetch } from './cappedFetch';
import { MAX_OPEN_POSTS, openPostCap } from './openPostCap';
import { canonicalServerUrl, McpOAuthProvider, parseUrl, SignInDeclined } from './mcpOAuthProvider';
import { oauthFetchGuard } from './oauthFetchGuard';
import { nextTransportAttempt, type HttpTransportMemory } from './httpTransportMemory';
import { explainSseFailure, neitherTransportWorked } from './sseFallback';
import { MAX_MESSAGE_BYTES, StdioProcessTransport, type ProcessExit } from './stdioProcessTransport';
import { listedPages, MAX_LIST_PAGES } from './listedPages';
import { toMcpTool, type ListedTool } from './toMcpTool';
import { toSamplingRequest } from './toSamplingRequest';
import { NO_SDK_OUTPUT_CHECK, structuredContentProblem } from './structuredContentProblem';

type OptionalHooks = 'onStatusChange' | 'onPromptsChanged' | 'roots' | 'requests' | 'onResourceUpdated' | 'oauth' | 'refusedRequests';
export type ResolvedManagerOptions = Required<Omit<McpManagerOptions, OptionalHooks>> & Pick<McpManagerOptions, OptionalHooks>;

/** A server that ran this long before dying counts as having worked: its failure count starts over. */
const STABLE_AFTER_MS = 60_000;
const PING_TIMEOUT_MS = 5_000;
const MAX_LISTED_TOOLS = 1_000;
const REMEMBERED_STDERR_LINES = 3;

/** A failure that retrying cannot fix (a missing program, a malformed URL): no backoff loop. */
class PermanentFailure extends Error {}

function noop(): void {}

/** Listing or reading a resource is one request the user waits for. */
const RESOURCE_TIMEOUT_MS = 15_000;
/** Completions are offered while the user types: a late answer is worth nothing. */
const COMPLETION_TIMEOUT_MS = 5_000;

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
    const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : undefined;
    return detail && !err.message.includes(detail) ? `${err.message} (${detail})` : err.message;
  }
  return String(err);
}

function transportName(kind: McpHttpTransport): string {
  return kind === 'sse' ? 'HTTP+SSE' : 'Streamable HTTP';
}

/** "90 s" or "30 min", for a limit the model is told about. */
function describeDuration(ms: number): string {
  return ms < 120_000 ? `${Math.max(1, Math.round(ms / 1000))} s` : `${Math.round(ms / 60_000)} min`;
}

function describeExit(exit: ProcessExit): string {
  return exit.signal ? `it was killed by ${exit.signal}` : `it exited with code ${exit.code}`;
}

/**
 * One configured server: its process or HTTP session, the SDK client on top,
 * its current tools, and its lifecycle. It starts, lists its tools (and lists
 * them again on `notifications/tools/list_changed`), and when it stops
 * unexpectedly its tools disappear at once and it is restarted after an
 * exponentially growing delay, until it has failed too often in a row.
 */
export class McpServerConnection {
  private state: McpConnectionState = 'stopped';
  /** Bumped by every start and stop, so callbacks of an earlier process cannot touch the current one. */
  private generation = 0;
  private client?: Client;
  private stdio?: StdioProcessTransport;
  private http?: StreamableHTTPClientTransport | SSEClientTransport;
  /** The transport of the current http session, once chosen (configured, or found by the fallback probe). */
  private httpTransport?: McpHttpTransport;
  private tools: McpTool[] = [];
  private lastError?: string;
  /** Why the last process or session ended, in a few words (for the model; lastError adds its output for the user). */
  private stopReason?: string;
  private closeReason?: string;
  /** The server answered 404 for the session: the close that follows starts a new session at once, not as a crash. */
  private sessionExpired = false;
  private restarts = 0;
  private failures = 0;
  private runningSince?: number;
  private restartTimer?: ReturnType<typeof setTimeout>;
  private nextRestartAt?: number;
  private readonly recentStderr: string[] = [];
  /** The resources this session of the server was asked to report changes of (a restarted server starts with none). */
  private readonly subscribed = new Set<string>();
  /** http servers, when the editor can hold secrets and open a browser: the OAuth client, kept across reconnects. */
  private readonly oauth?: McpOAuthProvider;
  /** Withdraws a sign-in that waits for the user when the server is stopped. */
  private signInAbort?: AbortController;
  /** Its `notifications/message` records, kept for the connection's life: a server cannot reset its rate by crashing. */
  private readonly logRecords: ServerLogRecords;
  private readonly toolChanges: ToolChangeNotes;

  constructor(
    readonly spec: McpServerSpec,
    readonly slug: string,
    private readonly options: ResolvedManagerOptions,
    private readonly logLevel: () => McpLogLevel,
    private readonly transportMemory: HttpTransportMemory,
  ) {
    this.logRecords = new ServerLogRecords(logLevel, (line) => this.log(line));
    this.toolChanges = new ToolChangeNotes((line) => this.log(line));
    const config = spec.config;
    const url = config.type === 'http' ? parseUrl(config.url) : undefined;
    if (config.type === 'http' && options.oauth && url) {
      this.oauth = new McpOAuthProvider(spec.name, canonicalServerUrl(url), describeTarget(config), options.oauth, (m) => this.log(m));
    }
  }

  get name(): string {
    return this.spec.name;
  }

  status(): McpServerStatus {
    return {
      name: this.spec.name,
      namespace: this.slug,
      transport: this.spec.config.type === 'http' ? 'http' : 'stdio',
      target: describeTarget(this.spec.config),
      state: this.state,
      tools: this.state === 'running' ? [...this.tools] : [],
      lastError: this.lastError,
      pid: this.state === 'running' || this.state === 'starting' ? this.stdio?.pid : undefined,
      restarts: this.restarts,
      nextRestartAt: this.state === 'restarting' ? this.nextRestartAt : undefined,
      ...(this.oauth?.signedIn ? { signedIn: true } : {}),
      ...(this.state === 'running' && this.httpTransport ? { httpTransport: this.httpTransport } : {}),
    };
  }

  /** The tools of a running server; none while it starts, restarts or is stopped. */
  currentTools(): McpTool[] {
    return this.state === 'running' ? this.tools : [];
  }

  start(): void {
    this.failures = 0;
    void this.connect();
  }

  /** Stops the server now and starts it again, forgetting earlier failures. */
  async restart(): Promise<void> {
    await this.stop();
    this.failures = 0;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.generation++;
    this.signInAbort?.abort();
    this.signInAbort = undefined;
    await this.oauth?.close();
    this.logRecords.close();
    this.toolChanges.close();
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const client = this.client;
    const http = this.http;
    this.detach();
    this.setState('stopped');
    if (http instanceof StreamableHTTPClientTransport && http.sessionId) await Promise.race([http.terminateSession().catch(noop), new Promise((r) => setTimeout(r, 1000).unref())]);
    await client?.close().catch(noop);
  }

  private log(message: string): void {
    this.options.log(this.spec.name, message);
  }

  private setState(state: McpConnectionState): void {
    this.state = state;
    this.options.onStatusChange?.(this.status());
  }

  private detach(): void {
    this.subscribed.clear();
    this.client = undefined;
    this.stdio = undefined;
    this.http = undefined;
    this.httpTransport = undefined;
    this.tools = [];
    this.runningSince = undefined;
  }

  /** Ends the calls waiting on this session with the reason, and reconnects like a crashed server. */
  private closeSession(gen: number, reason: string): void {
    if (gen !== this.generation || this.state !== 'running' || this.closeReason) return;
    this.closeReason = reason;
    void this.client?.close().catch(noop);
  }

  /**
   * An http server's transport. Both kinds get the same protections: the
   * configured headers, the OAuth provider, and one guarded fetch (sign-in
   * endpoints must be https, configured headers stay with the server's
   * origin, a reply or event past MAX_MESSAGE_BYTES ends the session, and
   * so does a server that leaves MAX_OPEN_POSTS of Hearth's messages
   * unanswered).
   */
  private createTransport(kind?: McpHttpTransport): Transport {
    const config = this.spec.config;
    if (config.type === 'http') {
      let url: URL;
      try {
        url = new URL(config.url);
      } catch {
        throw new PermanentFailure(`"${config.url}" is not a valid URL`);
      }
      const gen = this.generation;
      const end = (reason: string): void => this.closeSession(gen, reason);
      const guarded = oauthFetchGuard(url, Object.keys(config.headers ?? {}), openPostCap(MAX_OPEN_POSTS, end, cappedFetch(MAX_MESSAGE_BYTES, end)));
      const options = { requestInit: { headers: { ...config.headers } }, fetch: guarded, authProvider: this.oauth };
      this.httpTransport = kind ?? 'streamable-http';
      if (kind !== 'sse') {
        this.http = new StreamableHTTPClientTransport(url, options);
        return this.http;
      }
      // The SDK refuses an `endpoint` event on another origin than the URL's (and POSTs within that origin only).
      const sse = new SSEClientTransport(url, options);
      sse.onerror = (err) => {
        // A dropped event stream cannot be resumed: a new GET starts a new, uninitialized session. So it ends like a crash.
        if (err instanceof SseError) this.closeSession(gen, `its event stream ended (${err.message})`);
      };
      this.http = sse;
      return sse;
    }
    this.stdio = new StdioProcessTransport({
      command: config.command,
      args: config.args ?? [],
      env: config.env ?? {},
      cwd: config.cwd,
      killGraceMs: this.options.killGraceMs,
      onStderrLine: (line) => {
        this.recentStderr.push(line);
        if (this.recentStderr.length > REMEMBERED_STDERR_LINES) this.recentStderr.shift();
        this.log(line);
      },
    });
    return this.stdio;
  }

  private async connect(): Promise<void> {
    const gen = ++this.generation;
    clearTimeout(this.restartTimer);
    this.nextRestartAt = undefined;
    this.recentStderr.length = 0;
    this.closeReason = undefined;
    this.sessionExpired = false;
    this.setState('starting');
    let client = this.createClient(gen);
    try {
      const config = this.spec.config;
      let attempt = config.type === 'http' ? this.transportMemory.firstAttempt(this.spec.name, config) : undefined;
      if (attempt?.source === 'remembered') this.log(`Connecting with ${transportName(attempt.kind)}, the transport that worked for it last time (no Streamable HTTP probe).`);
      /** The status Streamable HTTP was refused with in this attempt, for the message when HTTP+SSE fails too. */
      let refusedWith: number | undefined;
      for (;;) {
        try {
          await client.connect(this.createTransport(attempt?.kind), { timeout: this.options.connectTimeoutMs });
          break;
        } catch (err) {
          const next = attempt && gen === this.generation ? nextTransportAttempt(attempt, err) : undefined;
          if (!next || !attempt) throw attempt?.kind === 'sse' && refusedWith !== undefined ? neitherTransportWorked(refusedWith, explainSseFailure(err)) : explainSseFailure(err);
          if (attempt.kind === 'streamable-http') refusedWith = next.refusedWith;
          if (attempt.source === 'remembered') {
            this.transportMemory.forget(this.spec.name);
            this.log(`It refused ${transportName(attempt.kind)}, the transport that worked before, with HTTP ${next.refusedWith}; probing again from Streamable HTTP.`);
          } else {
            this.log(`It answered Streamable HTTP's initialize with HTTP ${next.refusedWith}; trying the older HTTP+SSE transport (protocol 2024-11-05) on the same URL.`);
          }
          attempt = next;
          await client.close().catch(noop);
          client = this.createClient(gen);
        }
      }
      if (config.type === 'http' && attempt && gen === this.generation) this.transportMemory.remember(this.spec.name, config, attempt);
      if (gen !== this.generation) return;
      await this.refreshTools(gen);
      if (gen !== this.generation) return;
      await this.sendLogLevel(gen);
      if (gen !== this.generation) return;
      this.runningSince = Date.now();
      const version = client.getServerVersion();
      const over = this.httpTransport ? ` over ${transportName(this.httpTransport)}` : '';
      const how = attempt ? ` (transport ${attempt.source === 'remembered' ? 'remembered from an earlier connection' : attempt.source === 'probe' ? 'found by the probe' : 'set in its configuration'})` : '';
      this.log(`Started${version ? ` (${version.name} ${version.version})` : ''}${over} with ${this.tools.length} tool${this.tools.length === 1 ? '' : 's'}${how}.`);
      this.setState('running');
    } catch (err) {
      if (gen !== this.generation) return;
      const http = this.http;
      if (this.oauth?.needsSignIn && http && err instanceof UnauthorizedError) {
        // The server answered 401 and the SDK prepared an authorization: the user signs in, then the server starts again.
        this.detach();
        await client.close().catch(noop);
        if (gen === this.generation) await this.signIn(gen, http, this.oauth);
        return;
      }
      this.lastError = this.describeStartFailure(err);
      this.log(`Could not start: ${this.lastError}`);
      const permanent = err instanceof PermanentFailure || (err as { permanent?: unknown } | undefined)?.permanent === true;
      this.generation++;
      this.detach();
      await client.close().catch(noop);
      // Discovery opened the loopback listener for a browser that will not come now (the metadata was refused, the
      // server went away): close it, so it does not wait on this computer's loopback while the server sits failed.
      // The next start opens it again if it signs in.
      await this.oauth?.close().catch(noop);
      if (permanent) {
        this.setState('failed');
        return;
      }
      this.scheduleRestart(this.generation);
    }
  }

  /** The SDK client of one connection attempt, with Hearth's handlers; it becomes `this.client`. */
  private createClient(gen: number): Client {
    const roots = this.options.roots;
    const requests = this.options.requests;
    const client = new Client(this.options.clientInfo, {
      capabilities: {
        // The host calls rootsChanged when the workspace folders change (see McpManager.rootsChanged).
        ...(roots ? { roots: { listChanged: true } } : {}),
        ...(requests?.sampling ? { sampling: {} } : {}),
        // Form mode only: URL mode sends the user to a web page, which Hearth does not offer.
        ...(requests?.elicitation ? { elicitation: { form: {} } } : {}),
      },
      // Output schemas are the server's text: callTool checks results against them, without compiling them (see NO_SDK_OUTPUT_CHECK).
      jsonSchemaValidator: NO_SDK_OUTPUT_CHECK,
      listChanged: {
        tools: {
          autoRefresh: false,
          debounceMs: 100,
          onChanged: () => {
            if (gen === this.generation && this.state === 'running') void this.refreshTools(gen).catch((err: unknown) => this.log(`Listing tools again failed: ${errorText(err)}`));
          },
        },
        prompts: {
          autoRefresh: false,
          debounceMs: 100,
          onChanged: () => {
            if (gen === this.generation && this.state === 'running') this.options.onPromptsChanged?.(this.spec.name);
          },
        },
      },
    });
    if (roots) client.setRequestHandler(ListRootsRequestSchema, () => ({ roots: roots() }));
    if (requests?.sampling) {
      const sampling = requests.sampling;
      client.setRequestHandler(CreateMessageRequestSchema, async (request, extra) => {
        const result = await sampling(toSamplingRequest(this.spec.name, request.params), extra.signal);
        return { role: 'assistant', content: { type: 'text', text: result.text }, model: result.model, stopReason: result.stopReason };
      });
    }
    if (requests?.elicitation) {
      const elicitation = requests.elicitation;
      client.setRequestHandler(ElicitRequestSchema, async (request, extra) => {
        const params = request.params;
        if (params.mode === 'url') throw new McpError(ErrorCode.InvalidParams, 'Hearth supports form elicitation only.');
        return elicitation({ server: this.spec.name, message: params.message, requestedSchema: params.requestedSchema }, extra.signal);
      });
    }
    const refused = this.options.refusedRequests;
    if (refused) {
      // A server that asks for what this client did not declare (sampling, a form) gets the host's reason, not a bare "Method not found".
      client.fallbackRequestHandler = async (request) => {
        this.log(`Refused its ${request.method} request: ${refused}`);
        throw new McpError(ErrorCode.MethodNotFound, `${request.method} is not offered here: ${refused}`);
      };
    }
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => {
      // Only resources this session subscribed to (ones the user attached): a report about any other URI is the
      // server's own text, and each one would be kept and logged.
      if (gen === this.generation && typeof notification.params.uri === 'string' && this.subscribed.has(notification.params.uri)) {
        this.options.onResourceUpdated?.(this.spec.name, notification.params.uri);
      }
    });
    client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
      if (gen === this.generation) this.logRecords.receive(notification.params);
    });
    client.onclose = () => this.handleClosed(gen);
    this.client = client;
    return client;
  }

  /**
   * Asks the user to sign in, waits for the browser's redirect, exchanges the
   * code (on the transport that started the flow, which knows the resource
   * metadata the 401 named) and connects again. A declined sign-in leaves the
   * server stopped; a failed one leaves it failed: retrying on a timer would
   * open the browser again and again.
   */
  private async signIn(gen: number, transport: StreamableHTTPClientTransport | SSEClientTransport, oauth: McpOAuthProvider): Promise<void> {
    const origin = oauth.authorizationServer ?? 'its authorization server';
    const controller = new AbortController();
    this.signInAbort = controller;
    this.lastError = `Waiting for you to sign in to ${origin} in your browser.`;
    this.log(this.lastError);
    this.setState('starting');
    try {
      const code = await oauth.signIn(controller.signal, this.options.signInTimeoutMs);
      if (gen !== this.generation) return;
      await oauth.finishSignIn(() => transport.finishAuth(code));
      if (gen !== this.generation) return;
      this.lastError = undefined;
      void this.connect();
    } catch (err) {
      if (gen !== this.generation) return;
      this.generation++;
      await oauth.close();
      if (err instanceof SignInDeclined) {
        this.lastError = err.message;
        this.log(this.lastError);
        this.setState('stopped');
        return;
      }
      this.lastError = `signing in to ${origin} failed: ${errorText(err)}. Run "Hearth: Restart MCP Server" to try again.`;
      this.log(`Could not start: ${this.lastError}`);
      this.setState('failed');
    } finally {
      if (this.signInAbort === controller) this.signInAbort = undefined;
    }
  }

  /** Forgets the server's OAuth tokens (here and in secret storage) and stops it; a restart asks to sign in again. */
  async signOut(): Promise<boolean> {
    if (!this.oauth) return false;
    await this.stop();
    await this.oauth.signOut();
    this.lastError = 'You signed out: its tokens were deleted. Run "Hearth: Restart MCP Server" to sign in again.';
    this.log('Signed out; its tokens were deleted.');
    this.setState('stopped');
    return true;
  }

  private describeStartFailure(err: unknown): string {
    const exit = this.stdio?.exit;
    const output = this.recentStderr.length > 0 ? ` Its last output: ${this.recentStderr.map((l) => JSON.stringify(l)).join(' ')}` : '';
    if (exit) return `${describeExit(exit)} during startup.${output}`;
    if (err instanceof McpError && err.code === ErrorCode.RequestTimeout) return `it did not finish initializing within ${Math.round(this.options.connectTimeoutMs / 1000)} s.${output}`;
    if (this.spec.config.type === 'http') return `could not connect to ${describeTarget(this.spec.config)}: ${errorText(err)}.${output}`;
    return `${errorText(err)}.${output}`;
  }

  private async refreshTools(gen: number): Promise<void> {
    const client = this.client;
    if (!client || !client.getServerCapabilities()?.tools) {
      this.tools = [];
      return;
    }
    const listed: ListedTool[] = [];
    for await (const page of listedPages((params, options) => client.listTools(params, options), this.options.connectTimeoutMs, () => this.listingCapped('tools/list'))) {
      // The cap holds within a page too: one page of 20,000 tools is as many as 20,000 pages of one.
      const pageTools = page.tools as ListedTool[];
      const room = MAX_LISTED_TOOLS - listed.length;
      listed.push(...pageTools.slice(0, room));
      if (pageTools.length > room || (pageTools.length === room && page.nextCursor)) {
        this.log(`It lists more than ${MAX_LISTED_TOOLS} tools; Hearth uses the first ${MAX_LISTED_TOOLS}.`);
        break;
      }
    }
    if (gen !== this.generation) return;
    const taken = new Set<string>();
    const tools: McpTool[] = [];
    for (const tool of listed) {
      // Task-only tools need the experimental tasks API, which Hearth does not speak; offering them would only produce errors.
      if (tool.execution?.taskSupport === 'required') continue;
      const converted = toMcpTool(this.spec.name, this.slug, tool, taken);
      taken.add(converted.name);
      tools.push(converted);
    }
    const changed = this.tools.length !== tools.length || this.tools.some((t, i) => t.name !== tools[i].name || t.hash !== tools[i].hash);
    this.tools = tools;
    if (changed && this.state === 'running') {
      this.toolChanges.changed(tools.length);
      this.options.onStatusChange?.(this.status());
    }
  }

  /** A listing stopped at MAX_LIST_PAGES while the server still offered more: the user can see why entries are missing. */
  private listingCapped(method: string): void {
    this.log(`It kept sending more pages of ${method} after ${MAX_LIST_PAGES}; Hearth uses the first ${MAX_LIST_PAGES} pages.`);
  }

  /**
   * Asks a server that offers logging for records at the chosen level or
   * above. A server that refuses still runs: its records are filtered here too.
   */
  private async sendLogLevel(gen: number): Promise<void> {
    const client = this.client;
    if (!client?.getServerCapabilities()?.logging) return;
    try {
      await client.setLoggingLevel(requestedLevel(this.logLevel()), { timeout: RESOURCE_TIMEOUT_MS });
    } catch (err) {
      if (gen === this.generation) this.log(`It did not accept the log level (${errorText(err)}); its messages below the level are hidden anyway.`);
    }
  }

  /** The user chose another log level: a running server is asked for it now. */
  logLevelChanged(): void {
    if (this.state === 'running') void this.sendLogLevel(this.generation);
  }

  /** The workspace folders changed: a running server is told, and asks `roots/list` again when it cares. */
  rootsChanged(): void {
    const client = this.client;
    if (!client || this.state !== 'running' || !this.options.roots) return;
    const gen = this.generation;
    client.sendRootsListChanged().catch((err: unknown) => {
      if (gen === this.generation) this.log(`Could not tell it the workspace folders changed: ${errorText(err)}`);
    });
  }

  /**
   * Values for one argument of a prompt or resource template
   * (`completion/complete`); none when the server does not offer completions
   * or is not running.
   */
  async complete(request: McpCompletionRequest, signal?: AbortSignal): Promise<McpCompletion> {
    const client = this.client;
    if (!client || this.state !== 'running' || !client.getServerCapabilities()?.completions) return { values: [], hasMore: false };
    const ref = request.ref.type === 'prompt' ? { type: 'ref/prompt' as const, name: request.ref.name } : { type: 'ref/resource' as const, uri: request.ref.uriTemplate };
    const result = await client.complete(
      { ref, argument: request.argument, ...(request.context ? { context: { arguments: request.context } } : {}) },
      { timeout: COMPLETION_TIMEOUT_MS, signal },
    );
    return toCompletion(result.completion);
  }

  /** The connection closed on its own (the process died, or a broken HTTP session was closed). */
  private handleClosed(gen: number): void {
    if (gen !== this.generation || this.state !== 'running') return;
    if (this.sessionExpired) {
      // The specification's answer to a 404 for a session: a new initialize without the old id. The server is
      // there (it answered), so this is neither a failure nor a reason to wait.
      this.sessionExpired = false;
      this.log('It no longer knew Hearth\'s session (HTTP 404; it may have restarted); starting a new session.');
      this.detach();
      void this.connect();
      return;
    }
    const exit = this.stdio?.exit;
    const output = this.recentStderr.length > 0 ? ` Its last output: ${this.recentStderr.map((l) => JSON.stringify(l)).join(' ')}` : '';
    this.stopReason = this.closeReason ?? this.stdio?.stopReason ?? (exit ? describeExit(exit) : 'the connection closed');
    this.lastError = `${this.stopReason}.${output}`;
    if (this.runningSince !== undefined && Date.now() - this.runningSince >= STABLE_AFTER_MS) this.failures = 0;
    this.generation++;
    this.detach();
    this.log(`Stopped unexpectedly: ${this.lastError}`);
    this.scheduleRestart(this.generation);
  }

  private scheduleRestart(gen: number): void {
    this.failures++;
    if (this.failures >= this.options.maxConsecutiveFailures) {
      this.lastError = `${this.lastError ?? 'It kept failing.'} Hearth stopped restarting it after ${this.failures} failures in a row; fix the problem, then run "Hearth: Restart MCP Server".`;
      this.setState('failed');
      return;
    }
    const delay = Math.min(this.options.maxRestartDelayMs, this.options.restartDelayMs * 2 ** (this.failures - 1));
    this.nextRestartAt = Date.now() + delay;
    this.log(`Restarting in ${delay < 1000 ? `${delay} ms` : `${Math.round(delay / 1000)} s`}.`);
    this.setState('restarting');
    this.restartTimer = setTimeout(() => {
      if (gen !== this.generation) return;
      this.restarts++;
      void this.connect();
    }, delay);
    this.restartTimer.unref?.();
  }

  private notRunning(tool: McpTool): McpCallOutcome {
    const when = this.state === 'restarting' && this.nextRestartAt ? ` Hearth restarts it in about ${Math.max(1, Math.round((this.nextRestartAt - Date.now()) / 1000))} s.` : '';
    const why = this.lastError ? ` Last problem: ${this.lastError}` : '';
    return {
      isError: true,
      summary: 'server not running',
      content: `${tool.name} cannot run: the MCP server "${this.spec.name}" is ${this.state === 'starting' ? 'still starting' : this.state === 'restarting' ? 'restarting' : 'not running'}.${why}${when} Continue without this tool, or try again later.`,
    };
  }

  /** The server's resources (first pages, up to `limit`); none when it is not running or offers none. */
  async resources(limit: number): Promise<McpResource[]> {
    const client = this.client;
    if (!client || this.state !== 'running' || !client.getServerCapabilities()?.resources) return [];
    const out: McpResource[] = [];
    for await (const page of listedPages((params, options) => client.listResources(params, options), RESOURCE_TIMEOUT_MS, () => this.listingCapped('resources/list'))) {
      for (const r of page.resources) {
        // Braces are not valid in a URI; one that has them would be taken for a template.
        if (typeof r.uri !== 'string' || r.uri.length > 2048 || /[\s{}]/.test(r.uri)) continue;
        out.push({ server: this.spec.name, uri: r.uri, name: typeof r.name === 'string' ? r.name : r.uri, ...(typeof r.mimeType === 'string' ? { mimeType: r.mimeType } : {}) });
        if (out.length >= limit) return out;
      }
    }
    return out;
  }

  /** The server's resource templates (first pages, up to `limit`); none when it is not running or offers no resources. */
  async resourceTemplates(limit: number): Promise<McpResourceTemplate[]> {
    const client = this.client;
    if (!client || this.state !== 'running' || !client.getServerCapabilities()?.resources) return [];
    const out: McpResourceTemplate[] = [];
    for await (const page of listedPages((params, options) => client.listResourceTemplates(params, options), RESOURCE_TIMEOUT_MS, () => this.listingCapped('resources/templates/list'))) {
      for (const t of page.resourceTemplates) {
        if (typeof t.uriTemplate !== 'string' || t.uriTemplate.length > 2048 || /\s/.test(t.uriTemplate)) continue;
        out.push({
          server: this.spec.name,
          uriTemplate: t.uriTemplate,
          name: typeof t.name === 'string' ? t.name : t.uriTemplate,
          ...(typeof t.description === 'string' ? { description: t.description.slice(0, 500) } : {}),
        });
        if (out.length >= limit) return out;
      }
    }
    return out;
  }

  /** Subscribes to one resource's changes; false when the server does not offer subscriptions. */
  async subscribe(uri: string): Promise<boolean> {
    const client = this.client;
    if (!client || this.state !== 'running' || !client.getServerCapabilities()?.resources?.subscribe) return false;
    if (this.subscribed.has(uri)) return true;
    this.subscribed.add(uri);
    try {
      await client.subscribeResource({ uri }, { timeout: RESOURCE_TIMEOUT_MS });
    } catch (err) {
      this.subscribed.delete(uri);
      throw err;
    }
    return true;
  }

  /**
   * A resource's contents as text for the model: text parts as they are,
   * binary parts described (size and type), cut at `maxChars`.
   */
  async readResource(uri: string, maxChars: number): Promise<string> {
    const client = this.client;
    if (!client || this.state !== 'running') throw new Error(`the MCP server "${this.spec.name}" is not running`);
    const result = await client.readResource({ uri }, { timeout: RESOURCE_TIMEOUT_MS });
    const parts = result.contents.map((c) =>
      'text' in c && typeof c.text === 'string'
        ? c.text
        : `(binary content${typeof c.mimeType === 'string' ? ` of type ${c.mimeType}` : ''}, ${'blob' in c && typeof c.blob === 'string' ? Math.floor((c.blob.length * 3) / 4) : 0} bytes, not shown)`,
    );
    const text = parts.join('\n');
    return text.length > maxChars ? `${text.slice(0, maxChars)}\n… (truncated: the resource is longer than ${maxChars} characters)` : text;
  }

  /** The server's prompts (first pages, up to `limit`); none when it is not running or offers none. */
  async prompts(limit: number): Promise<McpPrompt[]> {
    const client = this.client;
    if (!client || this.state !== 'running' || !client.getServerCapabilities()?.prompts) return [];
    const out: McpPrompt[] = [];
    for await (const page of listedPages((params, options) => client.listPrompts(params, options), RESOURCE_TIMEOUT_MS, () => this.listingCapped('prompts/list'))) {
      for (const p of page.prompts) {
        if (typeof p.name !== 'string' || p.name.length === 0 || p.name.length > 200) continue;
        const args = Array.isArray(p.arguments) ? p.arguments.filter((a) => typeof a.name === 'string' && a.name.length > 0 && a.name.length <= 100).slice(0, 50) : [];
        out.push({
          server: this.spec.name,
          namespace: this.slug,
          name: p.name,
          ...(typeof p.title === 'string' ? { title: p.title.slice(0, 200) } : {}),
          description: typeof p.description === 'string' ? p.description.slice(0, 500) : '',
          arguments: args.map((a) => ({ name: a.name, ...(typeof a.description === 'string' ? { description: a.description.slice(0, 200) } : {}), required: a.required === true })),
        });
        if (out.length >= limit) return out;
      }
    }
    return out;
  }

  /**
   * Runs `prompts/get` and turns the messages into one message's content:
   * text parts as they are (labelled by role when the prompt mixes roles),
   * images and audio described, embedded resources apart as data. Everything
   * together is cut at `maxChars`.
   */
  async getPrompt(name: string, args: Record<string, string>, maxChars: number): Promise<McpPromptContent> {
    const client = this.client;
    if (!client || this.state !== 'running') throw new Error(`the MCP server "${this.spec.name}" is not running`);
    const result = await client.getPrompt({ name, arguments: args }, { timeout: RESOURCE_TIMEOUT_MS });
    const messages = Array.isArray(result.messages) ? result.messages : [];
    const mixed = messages.some((m) => m.role !== 'user');
    const texts: string[] = [];
    const resources: McpPromptContent['resources'] = [];
    let budget = maxChars;
    const take = (text: string) => {
      const cut = text.length > budget ? `${text.slice(0, Math.max(0, budget))}\n… (truncated: the prompt is longer than ${maxChars} characters)` : text;
      budget -= Math.min(text.length, budget);
      return cut;
    };
    for (const message of messages) {
      if (budget <= 0) break;
      const content = message.content as { type?: unknown; resource?: { uri?: unknown; text?: unknown } };
      if (content.type === 'resource' && typeof content.resource?.uri === 'string' && typeof content.resource.text === 'string') {
        resources.push({ uri: content.resource.uri, text: take(content.resource.text) });
        continue;
      }
      const text = take(formatContentBlock(content));
      texts.push(mixed ? `${message.role === 'assistant' ? 'Assistant' : 'User'}: ${text}` : text);
    }
    return { text: texts.join('\n\n'), resources };
  }

  async callTool(tool: McpTool, args: Record<string, unknown>, options: McpCallOptions): Promise<McpCallOutcome> {
    const client = this.client;
    if (!client || this.state !== 'running') return this.notRunning(tool);
    const gen = this.generation;
    // The hard cap is a signal of its own, not the SDK's maxTotalTimeout: that one is checked only when progress
    // arrives, and ends the call without telling the server, which would go on working for nobody. An aborted
    // signal sends notifications/cancelled, as the user's Stop does.
    const capped = AbortSignal.timeout(this.options.maxCallMs);
    try {
      // A plain request, not the SDK's callTool: its output check knows only the tools of the last page listed.
      const result = await client.request({ method: 'tools/call', params: { name: tool.toolName, arguments: args } }, CallToolResultSchema, {
        signal: AbortSignal.any([options.signal, capped]),
        timeout: this.options.callTimeoutMs,
        resetTimeoutOnProgress: true,
        onprogress: options.onProgress
          ? (p) => options.onProgress!({ progress: p.progress, total: p.total, message: typeof p.message === 'string' ? p.message : undefined })
          : undefined,
      });
      const problem = structuredContentProblem(tool.name, tool.snapshot.outputSchema, result);
      if (problem) return { isError: true, summary: 'invalid output', content: problem };
      return formatToolResult(tool.name, result, this.options.maxResultChars);
    } catch (err) {
      if (options.signal.aborted) {
        return { isError: true, summary: 'cancelled', content: `${tool.name} was cancelled; the MCP server was asked to stop it.` };
      }
      if (capped.aborted && gen === this.generation) {
        return {
          isError: true,
          summary: 'too long',
          content:
            `${tool.name} ran for ${describeDuration(this.options.maxCallMs)}, the longest Hearth lets one MCP tool call run even while the server reports progress, ` +
            'so Hearth cancelled it and asked the server to stop. It returned no result; do not assume it finished. Try a smaller task, or continue without it.',
        };
      }
      if (gen !== this.generation || (err instanceof McpError && err.code === ErrorCode.ConnectionClosed)) {
        return {
          isError: true,
          summary: 'server stopped',
          content:
            `The MCP server "${this.spec.name}" stopped while ${tool.name} was running (${this.stopReason ?? 'the connection closed'}), so the call did not finish. ` +
            'Hearth restarts the server automatically and its tools come back in a few seconds; do not assume the call had any effect.',
        };
      }
      if (err instanceof McpError && err.code === ErrorCode.RequestTimeout) {
        return { isError: true, summary: 'timed out', content: `${tool.name} sent neither a result nor progress for ${Math.round(this.options.callTimeoutMs / 1000)} s, so Hearth cancelled it.` };
      }
      if (err instanceof UnauthorizedError && this.oauth && gen === this.generation) {
        // The tokens were refused and could not be refreshed: the session restarts, which asks the user to sign in again.
        this.closeReason = 'its sign-in expired';
        void client.close().catch(noop);
        return { isError: true, summary: 'sign-in needed', content: `${tool.name} did not run: the MCP server "${this.spec.name}" needs the user to sign in again. Hearth asks them; continue without this tool for now.` };
      }
      if (err instanceof StreamableHTTPError && err.code === 404 && gen === this.generation && this.http instanceof StreamableHTTPClientTransport && !this.closeReason) {
        this.sessionExpired = true;
        this.closeSession(gen, 'it no longer knew the session (HTTP 404)');
        return {
          isError: true,
          summary: 'session expired',
          content:
            `${tool.name} did not run: the MCP server "${this.spec.name}" no longer knew Hearth's session (HTTP 404; it may have restarted), so it refused the call. ` +
            'Hearth is starting a new session now; its tools come back in a moment, and calling it again then is safe.',
        };
      }
      if (!(err instanceof McpError) && this.http) void this.checkAlive(gen, err);
      return { isError: true, summary: 'failed', content: `${tool.name} failed: ${errorText(err)}` };
    }
  }

  /**
   * An HTTP server that failed a request outside the protocol (refused, reset)
   * may be gone. There is no process to watch, so it is pinged; if it does not
   * answer, its session is closed, which restarts it like a crashed process.
   */
  private async checkAlive(gen: number, cause: unknown): Promise<void> {
    const client = this.client;
    if (!client) return;
    try {
      await client.ping({ timeout: PING_TIMEOUT_MS });
    } catch {
      if (gen !== this.generation || this.state !== 'running') return;
      this.closeReason = `it stopped answering (${errorText(cause)})`;
      await client.close().catch(noop);
    }
  }
}
