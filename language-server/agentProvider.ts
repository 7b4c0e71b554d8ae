import { authorizationHeaders } from './settings/readOllamaHost';
import { createAgent, type Agent, type FimCompleter, type ProxyRoute } from '../agent-host';
import type { TeamConnectParams, TeamStatus } from '../protocol/lspMethods';
import { modelServerFetch } from './net/modelServerFetch';
import type { SettingsReader } from './settings/settingsReader';
import { ProviderKeys } from './settings/providerKeys';
import { notConnectedAgent } from './remote/notConnectedAgent';
import type { RemoteAgent } from './remote/remoteAgent';
import { remoteFimCompleter } from './remote/remoteFimCompleter';
import { TeamSession } from './remote/teamSession';

/**
 * Keeps one agent per configured backend and swaps it when the settings
 * change. Local mode embeds the agent core in this process; remote mode
 * (`hearth.server.mode: remote`) uses the team server the extension
 * connected to, behind the same Agent interface.
 */
export class AgentProvider {
  private agent: Agent | undefined;
  /** What the local agent was made for: the Ollama host and the providers, so a change of either makes a new one. */
  private agentConfig = '';
  /** The providers' API keys, handed over by the extension; the agent looks them up at each request. */
  readonly providerKeys = new ProviderKeys();
  private teamCompleter: { agent: RemoteAgent; completer: FimCompleter } | undefined;
  /**
   * The team server just connected to, until the settings say so too. The
   * extension writes `hearth.server.*` only after a successful connect, and a
   * message sent in between must already go to the team server.
   */
  private justConnected: string | undefined;
  /** Whether the last `refresh()` chose the team server, for callers that cannot await (inline suggestions). */
  private remoteActive = false;

  /**
   * @param proxyRoute the model servers' proxies (VS Code's `http.proxy`), shared by the chat agent and the suggestion completer
   */
  /** One fetch (and one pool of connections) for every agent this provider makes; see modelServerFetch. */
  private readonly modelFetch = modelServerFetch();

  constructor(
    private readonly settings: SettingsReader,
    readonly team: TeamSession = new TeamSession(),
    readonly proxyRoute?: ProxyRoute,
  ) {}

  /** Re-reads the settings and recreates the agent if its host changed. */
  async refresh(): Promise<Agent> {
    const settings = await this.settings.get();
    if (this.justConnected && settings.server?.mode === 'remote' && settings.server.url.trim() === this.justConnected) this.justConnected = undefined;
    this.remoteActive = Boolean(this.justConnected) || settings.server?.mode === 'remote';
    if (this.justConnected) return this.team.agentFor(this.justConnected) ?? notConnectedAgent(this.justConnected);
    if (settings.server?.mode === 'remote') {
      return this.team.agentFor(settings.server.url) ?? notConnectedAgent(settings.server.url);
    }
    let agent = this.agent;
    const providers = settings.providers ?? [];
    const { host, authorization } = settings.ollama;
    const config = JSON.stringify([host, authorization, providers]);
    if (!agent || this.agentConfig !== config) {
      agent = createAgent({ host, headers: authorizationHeaders(authorization), providers, providerKey: (name, baseUrl) => this.providerKeys.get(name, baseUrl), proxyRoute: this.proxyRoute, fetch: this.modelFetch });
      this.agent = agent;
      this.agentConfig = config;
    }
    return agent;
  }

  /** Signs in to a team server (the key comes from the extension's secret storage). */
  async connectTeam(params: TeamConnectParams): Promise<TeamStatus> {
    const settings = await this.settings.get();
    const status = await this.team.connect(params, settings.server?.caFile ?? '');
    this.justConnected = params.url.trim();
    return status;
  }

  disconnectTeam(): TeamStatus {
    this.justConnected = undefined;
    return this.team.disconnect();
  }

  /**
   * Inline suggestions through the team server when `host` is the connected
   * team server's address (the `host` of the agent `refresh()` returned);
   * undefined otherwise, so the caller uses its local completer.
   */
  /** The team server's completer while team mode is on and connected; undefined in local mode. */
  currentTeamCompleter(): FimCompleter | undefined {
    const agent = this.team.currentAgent;
    return this.remoteActive && agent ? this.teamCompleterFor(agent.host) : undefined;
  }

  /** The team server's agent while team mode is on and connected (suggestion reports go to it); undefined in local mode. */
  currentTeamAgent(): RemoteAgent | undefined {
    const agent = this.team.currentAgent;
    return this.remoteActive && agent ? agent : undefined;
  }

  teamCompleterFor(host: string): FimCompleter | undefined {
    const agent = this.team.currentAgent;
    if (!agent || agent.host !== host) return undefined;
    if (this.teamCompleter?.agent !== agent) this.teamCompleter = { agent, completer: remoteFimCompleter(agent) };
    return this.teamCompleter.completer;
  }
}
