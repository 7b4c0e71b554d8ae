/**
 * Every scalar setting, with its flag and environment variable, declared once:
 * the flag parser, the environment reader and `--help` all read this table.
 */
export type SettingKind = 'string' | 'int' | 'bool' | 'duration';

export interface SettingSpec {
  /** Path in ServerConfig, for example "server.port". */
  path: string;
  flag: string;
  env: string;
  kind: SettingKind;
  help: string;
}

export const SETTINGS: SettingSpec[] = [
  { path: 'server.mode', flag: '--mode', env: 'HEARTH_MODE', kind: 'string', help: 'standalone (127.0.0.1, no auth) or remote (TLS + API keys)' },
  { path: 'server.host', flag: '--host', env: 'HEARTH_HOST', kind: 'string', help: 'address to bind' },
  { path: 'server.port', flag: '--port', env: 'HEARTH_PORT', kind: 'int', help: 'gRPC port (0 picks a free one)' },
  { path: 'server.insecure', flag: '--insecure', env: 'HEARTH_INSECURE', kind: 'bool', help: 'allow remote mode without TLS or auth (dangerous)' },
  { path: 'server.shutdownGraceMs', flag: '--shutdown-grace', env: 'HEARTH_SHUTDOWN_GRACE', kind: 'duration', help: 'how long running turns may finish after SIGTERM' },
  { path: 'server.maxMessageBytes', flag: '--max-message-bytes', env: 'HEARTH_MAX_MESSAGE_BYTES', kind: 'int', help: 'largest gRPC message either way, and the conversation one person may hold in open turns (default 32 MiB)' },
  { path: 'server.healthPort', flag: '--health-port', env: 'HEARTH_HEALTH_PORT', kind: 'int', help: 'plaintext port with only grpc.health.v1, for Kubernetes gRPC probes; -1 disables (default)' },
  { path: 'server.trustedProxies', flag: '--trusted-proxies', env: 'HEARTH_TRUSTED_PROXIES', kind: 'string', help: 'balancers (addresses or CIDR ranges, comma-separated) whose X-Forwarded-For the sign-in throttle believes' },
  { path: 'tls.certFile', flag: '--tls-cert', env: 'HEARTH_TLS_CERT', kind: 'string', help: 'PEM certificate chain' },
  { path: 'tls.keyFile', flag: '--tls-key', env: 'HEARTH_TLS_KEY', kind: 'string', help: 'PEM private key' },
  { path: 'tls.clientCaFile', flag: '--tls-client-ca', env: 'HEARTH_TLS_CLIENT_CA', kind: 'string', help: 'CA bundle; when set, clients must present a certificate (mTLS)' },
  { path: 'auth.enabled', flag: '--auth', env: 'HEARTH_AUTH', kind: 'bool', help: 'require API keys and tokens (always on in remote mode)' },
  { path: 'auth.issuer', flag: '--jwt-issuer', env: 'HEARTH_JWT_ISSUER', kind: 'string', help: 'the iss claim' },
  { path: 'auth.audience', flag: '--jwt-audience', env: 'HEARTH_JWT_AUDIENCE', kind: 'string', help: 'the aud claim' },
  { path: 'auth.accessTtlMs', flag: '--access-ttl', env: 'HEARTH_ACCESS_TTL', kind: 'duration', help: 'access token lifetime' },
  { path: 'auth.refreshTtlMs', flag: '--refresh-ttl', env: 'HEARTH_REFRESH_TTL', kind: 'duration', help: 'refresh token lifetime' },
  { path: 'auth.refreshReuseWindowMs', flag: '--refresh-reuse-window', env: 'HEARTH_REFRESH_REUSE_WINDOW', kind: 'duration', help: 'a just-rotated refresh token is accepted again this long (lost replies); 0 = never' },
  { path: 'auth.activeKid', flag: '--active-kid', env: 'HEARTH_ACTIVE_KID', kind: 'string', help: 'signing key for new tokens' },
  { path: 'auth.apiKeysFile', flag: '--api-keys-file', env: 'HEARTH_API_KEYS_FILE', kind: 'string', help: 'YAML file with api_keys entries' },
  { path: 'scheduler.policy', flag: '--scheduler-policy', env: 'HEARTH_SCHEDULER_POLICY', kind: 'string', help: 'fair (default) or fcfs' },
  { path: 'scheduler.maxQueue', flag: '--max-queue', env: 'HEARTH_MAX_QUEUE', kind: 'int', help: 'requests that may wait for a GPU slot' },
  { path: 'scheduler.maxQueuePerUser', flag: '--max-queue-per-user', env: 'HEARTH_MAX_QUEUE_PER_USER', kind: 'int', help: 'waiting requests per user' },
  { path: 'scheduler.toolTimeoutMs', flag: '--tool-timeout', env: 'HEARTH_TOOL_TIMEOUT', kind: 'duration', help: 'longest a tool call on the client may take (default 15m, the local limit)' },
  { path: 'scheduler.reservedCompletionSlots', flag: '--reserved-completion-slots', env: 'HEARTH_RESERVED_COMPLETION_SLOTS', kind: 'int', help: 'slots per backend kept for inline completions (default 1; backends with 2+ slots)' },
  { path: 'scheduler.maxWaitMs', flag: '--max-wait', env: 'HEARTH_MAX_WAIT', kind: 'duration', help: 'longest wait for a GPU slot' },
  { path: 'limits.chatTurnsPerMinute', flag: '--chat-turns-per-minute', env: 'HEARTH_CHAT_TURNS_PER_MINUTE', kind: 'int', help: 'per user; 0 = unlimited' },
  { path: 'limits.signInsPerMinute', flag: '--sign-ins-per-minute', env: 'HEARTH_SIGN_INS_PER_MINUTE', kind: 'int', help: 'successful sign-ins per user (default 30; raise it for a key shared by many machines); 0 = unlimited' },
  { path: 'limits.maxImageBytes', flag: '--max-image-bytes', env: 'HEARTH_MAX_IMAGE_BYTES', kind: 'int', help: 'largest image a chat message may carry (default 5 MiB)' },
  { path: 'limits.chatTurnsPerUserAtOnce', flag: '--chat-turns-per-user-at-once', env: 'HEARTH_CHAT_TURNS_PER_USER_AT_ONCE', kind: 'int', help: 'chat turns one user may have open at once (default 4)' },
  { path: 'limits.chatBytesInFlight', flag: '--chat-bytes-in-flight', env: 'HEARTH_CHAT_BYTES_IN_FLIGHT', kind: 'int', help: 'conversation bytes all open chat turns may hold (default 96 MiB; the server keeps several times that in memory)' },
  { path: 'limits.unreadReplyTimeoutMs', flag: '--unread-reply-timeout', env: 'HEARTH_UNREAD_REPLY_TIMEOUT', kind: 'duration', help: 'how long a chat reply may wait for a client that stopped reading it before the turn ends and frees its model slot (default 30s)' },
  { path: 'limits.completionsPerMinute', flag: '--completions-per-minute', env: 'HEARTH_COMPLETIONS_PER_MINUTE', kind: 'int', help: 'per user, for inline completions and, counted apart, MCP argument suggestions; 0 = unlimited' },
  { path: 'metrics.host', flag: '--metrics-host', env: 'HEARTH_METRICS_HOST', kind: 'string', help: 'address of the Prometheus endpoint' },
  { path: 'metrics.port', flag: '--metrics-port', env: 'HEARTH_METRICS_PORT', kind: 'int', help: '/metrics port; -1 disables' },
  { path: 'metrics.hosts', flag: '--metrics-hosts', env: 'HEARTH_METRICS_HOSTS', kind: 'string', help: 'host names /metrics answers to besides IP addresses and localhost, comma-separated (a Service\'s name Prometheus scrapes by)' },
  { path: 'admin.enabled', flag: '--admin', env: 'HEARTH_ADMIN', kind: 'bool', help: 'serve the admin page at /admin on the metrics port' },
  { path: 'admin.keyHash', flag: '--admin-key-hash', env: 'HEARTH_ADMIN_KEY_HASH', kind: 'string', help: 'hash of the admin key (hearth-agent-host hash-key --user admin)' },
  { path: 'admin.hosts', flag: '--admin-hosts', env: 'HEARTH_ADMIN_HOSTS', kind: 'string', help: 'host names the admin page answers to besides IP addresses and localhost, comma-separated (a TLS proxy\'s public name)' },
  { path: 'admin.trustedProxies', flag: '--admin-trusted-proxies', env: 'HEARTH_ADMIN_TRUSTED_PROXIES', kind: 'string', help: 'proxies (addresses or CIDR ranges, comma-separated) whose X-Forwarded-For the admin sign-in throttle believes' },
  { path: 'logging.level', flag: '--log-level', env: 'HEARTH_LOG_LEVEL', kind: 'string', help: 'debug, info, warn or error' },
  { path: 'state.store', flag: '--state-store', env: 'HEARTH_STATE_STORE', kind: 'string', help: 'memory (one server, default) or redis (replicas share auth, limits and slots)' },
  { path: 'state.redisUrl', flag: '--redis-url', env: 'HEARTH_REDIS_URL', kind: 'string', help: 'redis://host:6379/0 or rediss://… (prefer the env variable when it has a password)' },
  { path: 'state.keyPrefix', flag: '--redis-key-prefix', env: 'HEARTH_REDIS_KEY_PREFIX', kind: 'string', help: 'prefix of every Redis key (default hearth:)' },
  { path: 'state.slotLeaseTtlMs', flag: '--slot-lease-ttl', env: 'HEARTH_SLOT_LEASE_TTL', kind: 'duration', help: "how soon a dead replica's backend slots are freed (default 15s)" },
  { path: 'logging.auditFile', flag: '--audit-log', env: 'HEARTH_AUDIT_LOG', kind: 'string', help: 'append the audit log to this file (default: stderr)' },
];
