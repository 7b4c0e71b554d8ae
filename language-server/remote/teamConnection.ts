/**
 * One connection to a team server: a gRPC channel (TLS unless the address is
 * loopback grpc://), the service clients on it, and the sign-in state. The
 * API key lives only in this object's memory; it is never logged.
 */
import * as grpc from '@grpc/grpc-js';
import type { AgentServiceClient } from '../../protocol/generated/hearth/v1/AgentService';
import type { AuthServiceClient } from '../../protocol/generated/hearth/v1/AuthService';
import type { CompletionServiceClient } from '../../protocol/generated/hearth/v1/CompletionService';
import type { McpServiceClient } from '../../protocol/generated/hearth/v1/McpService';
import type { ModelServiceClient } from '../../protocol/generated/hearth/v1/ModelService';
import { hearthPackage } from '../../protocol/grpc/loadProtos';
import { teamChannelRoute, type TeamChannelRoute } from './teamChannelRoute';
import type { TeamServerAddress } from './teamServerUrl';
import { TeamAuth } from './teamAuth';

export interface TlsOptions {
  /** A PEM CA bundle for servers with a private CA; the system roots otherwise. */
  caPem?: Buffer;
  /** Client certificate and key for servers that require mutual TLS. */
  certPem?: Buffer;
  keyPem?: Buffer;
}

export interface TeamConnectionOptions {
  address: TeamServerAddress;
  apiKey: string;
  tls?: TlsOptions;
  clientName?: string;
  /** How long before expiry the access token is refreshed. */
  refreshLeadMs?: number;
  /** How the channel is dialled (teamChannelRoute: through the company proxy or not); direct without one. */
  route?: TeamChannelRoute;
}

const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

export class TeamConnection {
  readonly auth: TeamAuth;
  readonly agent: AgentServiceClient;
  readonly models: ModelServiceClient;
  readonly completion: CompletionServiceClient;
  /** The admin's MCP servers' resources and prompts. */
  readonly mcp: McpServiceClient;
  private readonly authClient: AuthServiceClient;

  constructor(readonly options: TeamConnectionOptions) {
    const { address } = options;
    const route = options.route ?? teamChannelRoute(address, undefined);
    const creds = address.tls
      ? grpc.credentials.createSsl(options.tls?.caPem ?? null, options.tls?.keyPem ?? null, options.tls?.certPem ?? null)
      : grpc.credentials.createInsecure();
    const channelOptions: grpc.ChannelOptions = {
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
      // Keepalive pings notice a dead connection (VPN dropped, laptop slept) during a long turn.
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
      'grpc.initial_reconnect_backoff_ms': 250,
      'grpc.max_reconnect_backoff_ms': 5_000,
      'grpc.enable_channelz': 0,
      ...route.options,
    };
    const pkg = hearthPackage().grpc.hearth.v1;
    this.authClient = new pkg.AuthService(route.target, creds, channelOptions);
    // The other clients share the auth client's channel, so one TCP/TLS connection serves everything.
    const channelOverride = this.authClient.getChannel();
    const shared = { ...channelOptions, channelOverride } as grpc.ClientOptions;
    this.agent = new pkg.AgentService(route.target, creds, shared);
    this.models = new pkg.ModelService(route.target, creds, shared);
    this.completion = new pkg.CompletionService(route.target, creds, shared);
    this.mcp = new pkg.McpService(route.target, creds, shared);
    this.auth = new TeamAuth(this.authClient, options.apiKey, options.clientName ?? 'Hearth', options.refreshLeadMs);
  }

  get host(): string {
    return `${this.options.address.tls ? 'grpcs' : 'grpc'}://${this.options.address.display}`;
  }

  /** Call metadata with the current access token (none when the server does not use auth). */
  async metadata(signal?: AbortSignal): Promise<grpc.Metadata> {
    const token = await this.auth.accessToken(signal);
    const md = new grpc.Metadata();
    if (token) md.set('authorization', `Bearer ${token}`);
    return md;
  }

  close(): void {
    this.auth.dispose();
    this.agent.close();
    this.models.close();
    this.completion.close();
    this.mcp.close();
    this.authClient.close();
  }
}
