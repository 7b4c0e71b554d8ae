/**
 * The language server's link to a team server: created when the extension
 * hands over the URL and API key (hearth/team/connect), dropped on
 * disconnect. The key stays in this process's memory and goes only to the
 * URL it was given for.
 */
import { readFile } from 'node:fs/promises';
import type { HearthError } from '../../protocol/chat';
import type { TeamConnectParams, TeamStatus } from '../../protocol/lspMethods';
import { HearthException } from '../../agent-host';
import { RemoteAgent } from './remoteAgent';
import { toHearthErrorFromGrpc } from './remoteErrors';
import { describeProxy, type HttpProxy } from '../net/httpProxy';
import { teamChannelRoute, type TeamChannelRoute } from './teamChannelRoute';
import { TeamConnection, type TlsOptions } from './teamConnection';
import { parseTeamServerUrl } from './teamServerUrl';

export interface TeamSessionOptions {
  /** Sent to the server for its audit log; 'Hearth language server' unless given. */
  clientName?: string;
  /** Reads `hearth.server.caFile`. */
  readFile?: (path: string) => Promise<Buffer>;
  /** The company proxy for a URL (OutgoingProxies.proxyFor); without it, every connection is direct. */
  proxyFor?: (url: URL) => Promise<HttpProxy | undefined>;
}

export class TeamSession {
  private current: { url: string; connection: TeamConnection; agent: RemoteAgent } | undefined;
  private state: TeamStatus = { state: 'disconnected' };
  private readonly listeners = new Set<(status: TeamStatus) => void>();

  constructor(private readonly options: TeamSessionOptions = {}) {}

  get status(): TeamStatus {
    return this.state;
  }

  onStatus(listener: (status: TeamStatus) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** The remote agent of the current connection, whatever its URL. */
  get currentAgent(): RemoteAgent | undefined {
    return this.current?.agent;
  }

  /** The remote agent when connected to `url`. */
  agentFor(url: string): RemoteAgent | undefined {
    return this.current && this.current.url === url.trim() ? this.current.agent : undefined;
  }

  /** Signs in with the key; the previous connection (if any) is closed only once the new one works. */
  async connect(params: TeamConnectParams, caFile = ''): Promise<TeamStatus> {
    const url = params.url.trim();
    let address;
    try {
      address = parseTeamServerUrl(url);
    } catch (err) {
      throw new HearthException({ code: 'invalidRequest', message: (err as Error).message, retryable: false });
    }
    if (!params.apiKey || params.apiKey.trim() === '') {
      throw new HearthException({ code: 'invalidRequest', message: 'An API key is needed to connect to a team server. Ask the server admin for one.', retryable: false });
    }
    let tls: TlsOptions | undefined;
    if (caFile) {
      try {
        tls = { caPem: await (this.options.readFile ?? readFile)(caFile) };
      } catch (err) {
        throw new HearthException({ code: 'invalidRequest', message: `Hearth could not read the CA file ${caFile} (hearth.server.caFile): ${(err as Error).message}`, retryable: false });
      }
    }
    let proxy: HttpProxy | undefined;
    let route: TeamChannelRoute;
    try {
      // A grpcs:// server is reached as an https:// one would be (HTTPS_PROXY, http.noProxy's entries with its port).
      proxy = await this.options.proxyFor?.(new URL(`${address.tls ? 'https' : 'http'}://${address.display}`));
      route = teamChannelRoute(address, proxy);
    } catch (err) {
      const message = `Hearth cannot reach the team server at ${url} through the proxy: ${(err as Error).message}`;
      this.publish({ state: 'error', url, host: address.display, message });
      throw new HearthException({ code: 'invalidRequest', message, retryable: false });
    }
    this.publish({ state: 'connecting', url, host: address.display });
    const connection = new TeamConnection({ address, apiKey: params.apiKey.trim(), tls, clientName: this.options.clientName ?? 'Hearth language server', route });
    try {
      await connection.auth.renew();
    } catch (err) {
      connection.close();
      const error = throughProxy(toHearthErrorFromGrpc(err, url, false), proxy);
      this.publish({ state: 'error', url, host: address.display, message: error.message });
      throw new HearthException(error, { cause: err });
    }
    this.current?.connection.close();
    this.current = { url, connection, agent: new RemoteAgent(connection) };
    connection.auth.onChange = ({ user, error }) => {
      if (this.current?.connection !== connection) return;
      if (error) this.publish({ state: 'error', url, host: address.display, user: connection.auth.user, message: toHearthErrorFromGrpc(error, url, false).message });
      else this.publish({ state: 'connected', url, host: address.display, user });
    };
    const status: TeamStatus = { state: 'connected', url, host: address.display, user: connection.auth.user };
    this.publish(status);
    return status;
  }

  disconnect(): TeamStatus {
    this.current?.connection.close();
    this.current = undefined;
    this.publish({ state: 'disconnected' });
    return this.state;
  }

  private publish(status: TeamStatus): void {
    this.state = status;
    for (const l of this.listeners) l(status);
  }
}

/**
 * A connection that failed through a proxy may have failed at the proxy (down,
 * wanting credentials, refusing the tunnel): grpc-js reports all of these as
 * the server being unavailable, so the message names the proxy too.
 */
function throughProxy(error: HearthError, proxy: HttpProxy | undefined): HearthError {
  if (!proxy || error.code !== 'connectionDropped') return error;
  return {
    ...error,
    message: `${error.message} The connection went through the proxy ${describeProxy(proxy)}: check that it is running and allows tunnels to the team server's port, and that its credentials (in the proxy's address or http.proxyAuthorization) are right.`,
  };
}
