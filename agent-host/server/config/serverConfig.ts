/**
 * The team server's effective configuration: defaults, then the YAML file,
 * then HEARTH_* environment variables, then command-line flags.
 */
import type { McpServerSpec } from '../../mcp/mcpTypes';
import { DEFAULT_TOOL_TIMEOUT_MS } from '../../core/executeToolCall';
import { DEFAULT_INDEX_CONFIG, type TeamIndexConfig } from './readIndexConfig';
export type ServerMode = 'standalone' | 'remote';
/** EdDSA is not offered: jsonwebtoken 9 (and its jwa) cannot sign or verify it; ES256 is the elliptic-curve choice. */
export type SigningAlgorithm = 'HS256' | 'RS256' | 'ES256';

export interface SigningKeyConfig {
  kid: string;
  algorithm: SigningAlgorithm;
  /** HS256 only: at least 32 bytes. */
  secret?: string;
  /** RS256/ES256: PEM files. The public key alone verifies tokens signed by another replica. */
  privateKeyFile?: string;
  publicKeyFile?: string;
}

export interface ApiKeyConfig {
  user: string;
  /** `sha256:<hex>` or `scrypt:<N>:<r>:<p>:<salt b64>:<hash b64>`; never the key itself. */
  hash: string;
}

export interface BackendConfig {
  name: string;
  type: 'ollama' | 'openai';
  url: string;
  /** Requests this backend runs at once (match OLLAMA_NUM_PARALLEL). */
  maxConcurrency: number;
  /** OpenAI-compatible servers: a bearer token. */
  apiKey?: string;
  /** OpenAI-compatible servers: models that accept fill-in-the-middle (`suffix`). */
  fimModels?: string[];
  /** OpenAI-compatible backends only: models that take images (reported as the "vision" capability). */
  visionModels?: string[];
  /**
   * OpenAI-compatible servers that schedule by a request `priority` (vLLM
   * started with `--scheduling-policy priority`; lower runs first): inline
   * completions are sent with priority 0 and chat with 1, so completions stay
   * ahead of chat in the backend's own queue too. Off by default, because vLLM
   * refuses a priority when it does not schedule by priority.
   */
  requestPriority?: boolean;
}

export interface ServerConfig {
  server: {
    mode: ServerMode;
    host: string;
    port: number;
    /** Allows remote mode without TLS or auth. Logged as a warning at every start. */
    insecure: boolean;
    shutdownGraceMs: number;
    /**
     * The largest gRPC message either way (a chat turn's start message carries
     * the whole conversation), and what one person's open turns may hold
     * together (limits.chatBytesInFlight bounds everyone's).
     */
    maxMessageBytes: number;
    /**
     * A second, plaintext port that serves only grpc.health.v1 (-1: off), for
     * probes that cannot speak TLS (Kubernetes' native gRPC probes). It
     * carries nothing but SERVING / NOT_SERVING.
     */
    healthPort: number;
    /**
     * Balancers (addresses or CIDR ranges, comma-separated) whose
     * X-Forwarded-For names the client the sign-in throttle counts; from
     * anyone else that header is ignored.
     */
    trustedProxies: string;
  };
  tls: { certFile: string; keyFile: string; clientCaFile: string };
  auth: {
    enabled: boolean;
    issuer: string;
    audience: string;
    accessTtlMs: number;
    refreshTtlMs: number;
    /** How long the refresh token rotated last is still accepted, for a client retrying a refresh whose reply was lost. */
    refreshReuseWindowMs: number;
    signingKeys: SigningKeyConfig[];
    /** The kid new tokens are signed with; the others only verify (rotation). Defaults to the first key. */
    activeKid: string;
    apiKeys: ApiKeyConfig[];
    /** A YAML file with more `api_keys` entries, re-read on SIGHUP. */
    apiKeysFile: string;
  };
  backends: BackendConfig[];
  scheduler: {
    policy: 'fair' | 'fcfs';
    maxQueue: number;
    maxQueuePerUser: number;
    /**
     * The longest a tool call may take (approval included). A turn's tool
     * deadline is the client's requested tool timeout, if any, capped by this;
     * see RemoteToolExecutor. Defaults to the local agent's own limit, so a
     * command that finishes locally is not cut short on the team server.
     */
    toolTimeoutMs: number;
    /** How long a request may wait for a GPU slot before it is refused. */
    maxWaitMs: number;
    /** Slots per backend kept free of chat so inline completions start at once (fair policy, backends with 2+ slots). */
    reservedCompletionSlots: number;
  };
  /** `maxImageBytes`: the largest image a chat message may carry (the client's own cap is 5 MB). */
  limits: {
    chatTurnsPerMinute: number;
    completionsPerMinute: number;
    /**
     * Successful sign-ins per user a minute (0 = unlimited). Each starts a
     * refresh-token family the server keeps until it expires (a day by
     * default), so without a bound one developer signing in in a loop grows
     * that store for everyone; a team sharing one key across many machines
     * raises it.
     */
    signInsPerMinute: number;
    maxImageBytes: number;
    /** Chat turns one user may have open at once. */
    chatTurnsPerUserAtOnce: number;
    /** Conversation bytes (start messages as sent) all open turns may hold together; one user may hold server.maxMessageBytes. */
    chatBytesInFlight: number;
    /**
     * How long a chat reply may make no progress towards a client that stopped
     * reading it; then the turn ends, freeing its model slot, and the stream is reset.
     */
    unreadReplyTimeoutMs: number;
  };
  metrics: {
    host: string;
    port: number;
    /** Host names /metrics answers to besides IP addresses and localhost (a Service's or a proxy's name), comma-separated. */
    hosts: string;
  };
  /** The admin web page, served under /admin on the metrics port, behind an admin key stored as a hash. */
  admin: {
    enabled: boolean;
    keyHash: string;
    /** Host names the page answers to besides IP addresses and localhost (a TLS proxy's public name), comma-separated. */
    hosts: string;
    /** Proxies (addresses or CIDR ranges, comma-separated) whose X-Forwarded-For names the client the sign-in throttle counts. */
    trustedProxies: string;
  };
  logging: { level: 'debug' | 'info' | 'warn' | 'error'; auditFile: string };
  /**
   * Where the state replicas must share lives (refresh-token families,
   * sign-in throttling, rate limits, backend slots): this process's memory
   * (one server) or Redis/Valkey (replicas behind a load balancer).
   */
  state: {
    store: 'memory' | 'redis';
    /** redis://host:6379/0 or rediss:// for TLS. A secret when it carries a password. */
    redisUrl: string;
    /** Overrides the URL's password; best from HEARTH_REDIS_PASSWORD (a Kubernetes Secret). */
    redisPassword: string;
    keyPrefix: string;
    /** A backend slot held by a replica that died is freed after this. */
    slotLeaseTtlMs: number;
  };
  /** The admin's MCP servers: they run next to the agent host and their tools are offered to every user. */
  mcp: { servers: McpServerSpec[] };
  /** The team's shared code and documentation index, offered to every agent as team_search. */
  index: TeamIndexConfig;
}

export const DEFAULT_CONFIG: ServerConfig = {
  server: { mode: 'standalone', host: '127.0.0.1', port: 50051, insecure: false, shutdownGraceMs: 30_000, maxMessageBytes: 32 * 1024 * 1024, healthPort: -1, trustedProxies: '' },
  tls: { certFile: '', keyFile: '', clientCaFile: '' },
  auth: {
    enabled: false,
    issuer: 'hearth-agent-host',
    audience: 'hearth',
    accessTtlMs: 15 * 60_000,
    refreshTtlMs: 24 * 3_600_000,
    refreshReuseWindowMs: 10_000,
    signingKeys: [],
    activeKid: '',
    apiKeys: [],
    apiKeysFile: '',
  },
  backends: [],
  scheduler: { policy: 'fair', maxQueue: 512, maxQueuePerUser: 32, toolTimeoutMs: DEFAULT_TOOL_TIMEOUT_MS, maxWaitMs: 120_000, reservedCompletionSlots: 1 },
  limits: { chatTurnsPerMinute: 0, completionsPerMinute: 0, signInsPerMinute: 30, maxImageBytes: 5 * 1024 * 1024, chatTurnsPerUserAtOnce: 4, chatBytesInFlight: 96 * 1024 * 1024, unreadReplyTimeoutMs: 30_000 },
  metrics: { host: '127.0.0.1', port: 9464, hosts: '' },
  admin: { enabled: false, keyHash: '', hosts: '', trustedProxies: '' },
  logging: { level: 'info', auditFile: '' },
  state: { store: 'memory', redisUrl: '', redisPassword: '', keyPrefix: 'hearth:', slotLeaseTtlMs: 15_000 },
  mcp: { servers: [] },
  index: DEFAULT_INDEX_CONFIG,
};
