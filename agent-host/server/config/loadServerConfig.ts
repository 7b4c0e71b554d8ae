/**
 * Builds the effective ServerConfig: defaults < YAML file (with ${ENV}
 * expansion) < HEARTH_* environment variables < flags. All problems are
 * collected and reported together, each naming the setting and the fix.
 */
import { parse as parseYaml } from 'yaml';
import { readIndexConfig } from './readIndexConfig';
import { readBackends } from './readBackends';
import { readMcpServers } from './readMcpServers';
import { DEFAULT_CONFIG, type ApiKeyConfig, type BackendConfig, type ServerConfig, type SigningKeyConfig } from './serverConfig';
import { expandEnv } from './expandEnv';
import { parseDuration } from './parseDuration';
import { SETTINGS, type SettingSpec } from './settingsTable';
import { unknownConfigKeys, yamlKey } from './unknownConfigKeys';
import { parseTrustedProxies } from '../admin/clientAddress';

export interface CliArgs {
  command: 'serve' | 'hash-key' | 'help';
  configFile?: string;
  printConfig: boolean;
  /** Flag values by setting path, still as text. */
  values: Map<string, string>;
  backends: string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export function parseArgs(argv: string[]): CliArgs {
  const args: CliArgs = { command: 'serve', printConfig: false, values: new Map(), backends: [] };
  const byFlag = new Map(SETTINGS.map((s) => [s.flag, s]));
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (i === 0 && (arg === 'serve' || arg === 'hash-key' || arg === 'help')) {
      args.command = arg;
      continue;
    }
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const next = (): string | undefined => inline ?? (i + 1 < argv.length ? argv[++i] : undefined);
    if (flag === '--help' || flag === '-h') args.command = 'help';
    else if (flag === '--print-config') args.printConfig = true;
    else if (flag === '--config' || flag === '-c') {
      const v = next();
      if (v === undefined) problems.push('--config needs a file path');
      else args.configFile = v;
    } else if (flag === '--backend') {
      const v = next();
      if (v === undefined) problems.push('--backend needs a URL (http://gpu:11434, or openai=http://vllm:8000)');
      else args.backends.push(v);
    } else if (flag === '--no-auth') args.values.set('auth.enabled', 'false');
    else {
      const spec = byFlag.get(flag);
      if (!spec) {
        problems.push(`unknown argument "${arg}" (see --help)`);
        continue;
      }
      // A bare boolean flag means true; `--insecure=false` is also accepted.
      const v = spec.kind === 'bool' ? (inline ?? 'true') : next();
      if (v === undefined) problems.push(`${flag} needs a value`);
      else args.values.set(spec.path, v);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return args;
}

type Raw = Record<string, unknown>;

function obj(value: unknown): Raw {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : {};
}

function convert(spec: Pick<SettingSpec, 'kind'>, value: unknown, field: string): unknown {
  switch (spec.kind) {
    case 'string':
      if (typeof value === 'string') return value;
      if (typeof value === 'number') return String(value);
      throw new Error(`${field}: must be text`);
    case 'int': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isInteger(n)) throw new Error(`${field}: "${String(value)}" is not a whole number`);
      return n;
    }
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|1|yes|on)$/i.test(value)) return true;
      if (typeof value === 'string' && /^(false|0|no|off)$/i.test(value)) return false;
      throw new Error(`${field}: "${String(value)}" is not true or false`);
    case 'duration':
      return parseDuration(value, field);
  }
}

function setPath(config: ServerConfig, path: string, value: unknown): void {
  const [section, key] = path.split('.') as [keyof ServerConfig, string];
  (config[section] as unknown as Raw)[key] = value;
}


function readSigningKeys(value: unknown, problems: string[]): SigningKeyConfig[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push('auth.signing_keys: must be a list');
    return [];
  }
  return value.map((entry, i) => {
    const e = obj(entry);
    const key: SigningKeyConfig = { kid: String(e.kid ?? ''), algorithm: String(e.algorithm ?? 'HS256') as SigningKeyConfig['algorithm'] };
    if (e.secret !== undefined) key.secret = String(e.secret);
    if (e.private_key_file !== undefined) key.privateKeyFile = String(e.private_key_file);
    if (e.public_key_file !== undefined) key.publicKeyFile = String(e.public_key_file);
    if (!key.kid) problems.push(`auth.signing_keys[${i}].kid: every key needs a kid (tokens name the key that signed them)`);
    return key;
  });
}

const KEY_HASH = /^(sha256:[0-9a-f]{64}|scrypt:\d+:\d+:\d+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+)$/;

export function readApiKeys(value: unknown, where: string, problems: string[]): ApiKeyConfig[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push(`${where}: must be a list of {user, hash}`);
    return [];
  }
  return value.map((entry, i) => {
    const e = obj(entry);
    const key = { user: String(e.user ?? ''), hash: String(e.hash ?? '') };
    if (!key.user) problems.push(`${where}[${i}].user: every API key maps to a user name`);
    if (!KEY_HASH.test(key.hash)) {
      problems.push(`${where}[${i}].hash: must be sha256:<64 hex> or scrypt:N:r:p:salt:hash; create one with \`hearth-agent-host hash-key\``);
    }
    if (e.key !== undefined || e.api_key !== undefined) problems.push(`${where}[${i}]: store the key's hash, never the key itself`);
    return key;
  });
}

/** Parses `http://gpu:11434`, `ollama=http://…` or `openai=http://…#4` (the fragment is the concurrency). */
export function parseBackendSpec(spec: string, index: number): BackendConfig {
  const match = /^(?:(ollama|openai)=)?([^#]+)(?:#(\d+))?$/.exec(spec.trim());
  if (!match) throw new Error(`backend "${spec}": write a URL, optionally prefixed with ollama= or openai=`);
  return { name: `backend${index}`, type: (match[1] ?? 'ollama') as BackendConfig['type'], url: match[2], maxConcurrency: Number(match[3] ?? 1) };
}

export interface LoadedConfig {
  config: ServerConfig;
  /** Things an admin must see at every start (an --insecure remote server). */
  warnings: string[];
}

export interface ConfigSources {
  args: CliArgs;
  env: NodeJS.ProcessEnv;
  readFile: (path: string) => string;
}

export function loadServerConfig({ args, env, readFile }: ConfigSources): LoadedConfig {
  const problems: string[] = [];
  const config = structuredClone(DEFAULT_CONFIG);
  let file: Raw = {};
  if (args.configFile) {
    try {
      file = obj(expandEnv(parseYaml(readFile(args.configFile)) ?? {}, env));
    } catch (err) {
      throw new ConfigError([`${args.configFile}: ${(err as Error).message}`]);
    }
  }
  // Scalars from the file, then the environment, then flags.
  for (const spec of SETTINGS) {
    const [section, key] = spec.path.split('.');
    const fromFile = obj(file[section])[yamlKey(key)];
    const layers: [unknown, string][] = [
      [fromFile, `${section}.${yamlKey(key)}`],
      [env[spec.env], spec.env],
      [args.values.get(spec.path), spec.flag],
    ];
    for (const [value, where] of layers) {
      if (value === undefined || value === null || value === '') continue;
      try {
        setPath(config, spec.path, convert(spec, value, where));
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
  }
  const auth = obj(file.auth);
  config.auth.signingKeys = readSigningKeys(auth.signing_keys, problems);
  config.auth.apiKeys = readApiKeys(auth.api_keys, 'auth.api_keys', problems);
  // A secret in the environment is the simplest production setup: one HS256 key.
  if (env.HEARTH_JWT_SECRET && config.auth.signingKeys.length === 0) {
    config.auth.signingKeys.push({ kid: 'env', algorithm: 'HS256', secret: env.HEARTH_JWT_SECRET });
  }
  // The Redis password is a secret: from the file (usually ${ENV}) or the environment, never a flag.
  const statePassword = obj(file.state).redis_password ?? env.HEARTH_REDIS_PASSWORD;
  if (statePassword !== undefined && statePassword !== null && statePassword !== '') config.state.redisPassword = String(statePassword);
  // The readers of lists and maps warn of the keys they did not read; unknownConfigKeys does it for the scalar settings.
  const unread = unknownConfigKeys(file);
  config.backends = readBackends(file.backends, problems, unread);
  config.mcp = { servers: readMcpServers(file.mcp, problems, unread) };
  config.index = readIndexConfig(file.index, problems);
  const cliBackends = args.backends.length > 0 ? args.backends : (env.HEARTH_BACKENDS ?? '').split(',').filter((s) => s.trim() !== '');
  if (cliBackends.length > 0) {
    try {
      config.backends = cliBackends.map(parseBackendSpec);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (config.backends.length === 0) config.backends = [{ name: 'ollama', type: 'ollama', url: env.OLLAMA_HOST ? normalizeUrl(env.OLLAMA_HOST) : 'http://127.0.0.1:11434', maxConcurrency: 1 }];

  const authExplicitlyOff = [obj(file.auth).enabled, env.HEARTH_AUTH, args.values.get('auth.enabled')].some((v) => v === false || (typeof v === 'string' && /^(false|0|no|off)$/i.test(v)));
  const warnings = [...unread, ...validate(config, problems, authExplicitlyOff)];
  if (problems.length > 0) throw new ConfigError(problems);
  return { config, warnings };
}

function normalizeUrl(host: string): string {
  return /^[a-z]+:\/\//i.test(host) ? host : `http://${host}`;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function validate(config: ServerConfig, problems: string[], authExplicitlyOff: boolean): string[] {
  const warnings: string[] = [];
  const { server, tls, auth } = config;
  if (server.mode !== 'standalone' && server.mode !== 'remote') problems.push(`server.mode: "${server.mode}" must be standalone or remote`);
  if (server.port < 0 || server.port > 65535) problems.push(`server.port: ${server.port} is not a port`);
  if ((tls.certFile === '') !== (tls.keyFile === '')) problems.push('tls: set both cert_file and key_file (or neither)');
  if (tls.clientCaFile && !tls.certFile) problems.push('tls.client_ca_file: mutual TLS needs the server certificate too (tls.cert_file, tls.key_file)');
  const hasTls = tls.certFile !== '';
  if (server.mode === 'standalone') {
    if (!isLoopback(server.host)) problems.push(`server.host: standalone mode binds 127.0.0.1 only, not ${server.host}; use --mode remote with TLS and API keys to serve a team`);
    auth.enabled = false;
  } else if (server.mode === 'remote') {
    // Remote mode means auth; turning it off is refused unless --insecure says the admin means it.
    if (authExplicitlyOff && !server.insecure) problems.push('auth.enabled: remote mode requires authentication (pass --insecure to run without it, never on a shared network)');
    auth.enabled = !authExplicitlyOff;
    if (!hasTls && !isLoopback(server.host)) {
      if (server.insecure) warnings.push(`INSECURE: serving ${server.host}:${server.port} WITHOUT TLS. API keys and tokens cross the network in clear text. Never do this outside a lab.`);
      else problems.push(`tls: remote mode on ${server.host} needs tls.cert_file and tls.key_file (or --insecure, which sends API keys in clear text)`);
    }
    if (!auth.enabled) warnings.push('INSECURE: authentication is DISABLED in remote mode. Anyone who can reach this port can use the GPU.');
  }
  if (auth.enabled) {
    if (auth.signingKeys.length === 0) problems.push('auth.signing_keys: auth needs a signing key; set HEARTH_JWT_SECRET (32+ bytes) or list keys in the config');
    if (auth.apiKeys.length === 0 && !auth.apiKeysFile) problems.push('auth.api_keys: no API keys are configured, so nobody could sign in; add hashes from `hearth-agent-host hash-key`');
    if (auth.activeKid && !auth.signingKeys.some((k) => k.kid === auth.activeKid)) problems.push(`auth.active_kid: no signing key has kid "${auth.activeKid}"`);
    if (auth.accessTtlMs < 10_000 || auth.accessTtlMs > 24 * 3_600_000) problems.push('auth.access_ttl: must be between 10s and 24h (short-lived is the point)');
    if (auth.refreshTtlMs <= auth.accessTtlMs) problems.push('auth.refresh_ttl: must be longer than access_ttl');
    for (const key of auth.signingKeys) {
      if ((key.algorithm as string) === 'EdDSA') problems.push(`auth.signing_keys[${key.kid}].algorithm: EdDSA is not supported by the JWT library (jsonwebtoken 9); use ES256 (P-256) or RS256`);
      else if (!['HS256', 'RS256', 'ES256'].includes(key.algorithm)) problems.push(`auth.signing_keys[${key.kid}].algorithm: "${key.algorithm}" must be HS256, RS256 or ES256`);
      else if (key.algorithm === 'HS256') {
        if (!key.secret || Buffer.byteLength(key.secret) < 32) problems.push(`auth.signing_keys[${key.kid}].secret: HS256 needs a secret of at least 32 bytes (openssl rand -base64 48)`);
      } else if (!key.publicKeyFile && !key.privateKeyFile) problems.push(`auth.signing_keys[${key.kid}]: ${key.algorithm} needs private_key_file (to sign) and/or public_key_file (to verify)`);
    }
  }
  const backendNames = new Set<string>();
  for (const b of config.backends) {
    // The scheduler, the backend pool and the shared slot counts all find a backend by its name: two of one name
    // would send one backend's requests to the other's URL under the other's slot count, and never use the second.
    if (backendNames.has(b.name)) problems.push(`backends[${b.name}].name: two backends are named "${b.name}"; give each its own name`);
    backendNames.add(b.name);
    if (b.type !== 'ollama' && b.type !== 'openai') problems.push(`backends[${b.name}].type: "${b.type}" must be ollama or openai`);
    if (!/^https?:\/\/[^\s/]+/.test(b.url)) problems.push(`backends[${b.name}].url: "${b.url}" must be an http(s) URL`);
    if (!Number.isInteger(b.maxConcurrency) || b.maxConcurrency < 1) problems.push(`backends[${b.name}].max_concurrency: must be 1 or more`);
  }
  if (config.scheduler.policy !== 'fair' && config.scheduler.policy !== 'fcfs') problems.push('scheduler.policy: must be fair or fcfs');
  if (config.scheduler.maxQueue < 1 || config.scheduler.maxQueuePerUser < 1) problems.push('scheduler: max_queue and max_queue_per_user must be 1 or more');
  if (config.scheduler.reservedCompletionSlots < 0) problems.push('scheduler.reserved_completion_slots: must be 0 or more');
  // Under a second, every request that has to wait for a slot, or every tool call, would fail at once: at the first turn, not here.
  if (!(config.scheduler.maxWaitMs >= 1000)) problems.push('scheduler.max_wait: must be at least 1s');
  if (!(config.scheduler.toolTimeoutMs >= 1000)) problems.push('scheduler.tool_timeout: must be at least 1s');
  // 0 means unlimited; a negative number would mean unlimited too, without saying so.
  for (const [key, value] of [['chat_turns_per_minute', config.limits.chatTurnsPerMinute], ['completions_per_minute', config.limits.completionsPerMinute], ['sign_ins_per_minute', config.limits.signInsPerMinute]] as const) {
    if (!(value >= 0)) problems.push(`limits.${key}: must be 0 (unlimited) or more`);
  }
  if (!(config.limits.maxImageBytes >= 0)) problems.push('limits.max_image_bytes: must be 0 (no images) or more');
  for (const [setting, text] of [['server.trusted_proxies', config.server.trustedProxies], ['admin.trusted_proxies', config.admin.trustedProxies]]) {
    try {
      parseTrustedProxies(text);
    } catch (err) {
      problems.push(`${setting}: ${(err as Error).message}`);
    }
  }
  if (config.admin.enabled) {
    if (!KEY_HASH.test(config.admin.keyHash)) problems.push('admin.key_hash: the admin page needs the admin key\'s hash (sha256:<64 hex> or scrypt:…); create one with `hearth-agent-host hash-key --user admin`');
    if (config.metrics.port < 0) problems.push('admin.enabled: the admin page is served on the metrics port; set metrics.port (it is -1)');
    // The metrics listener is plain HTTP: the admin key and the session cookie must not cross a network in clear text.
    if (!isLoopback(config.metrics.host)) warnings.push(`The admin page is served over plain HTTP on ${config.metrics.host}:${config.metrics.port}; keep metrics.host on 127.0.0.1 and reach it through an SSH tunnel or a TLS proxy.`);
  }
  validateState(config, problems);
  if (!['debug', 'info', 'warn', 'error'].includes(config.logging.level)) problems.push('logging.level: must be debug, info, warn or error');
  if (!(config.limits.unreadReplyTimeoutMs >= 1000)) problems.push('limits.unread_reply_timeout: must be at least 1s');
  if (!(config.limits.chatTurnsPerUserAtOnce >= 1)) problems.push('limits.chat_turns_per_user_at_once: must be at least 1');
  // gRPC's limits are signed 32-bit; under 1 MiB an ordinary conversation with one image would not fit.
  if (!(config.server.maxMessageBytes >= 1024 * 1024 && config.server.maxMessageBytes <= 1024 * 1024 * 1024)) problems.push('server.max_message_bytes: must be between 1 MiB (1048576) and 1 GiB (1073741824)');
  else if (!(config.server.maxMessageBytes > config.limits.maxImageBytes)) problems.push(`server.max_message_bytes: must be larger than limits.max_image_bytes (${config.limits.maxImageBytes}), or a message with the largest image allowed could never arrive`);
  if (!(config.limits.chatBytesInFlight >= config.server.maxMessageBytes)) {
    problems.push(`limits.chat_bytes_in_flight: must be at least server.max_message_bytes (${config.server.maxMessageBytes}), or a turn of the largest size accepted could never run`);
  }
  return warnings;
}

function validateState(config: ServerConfig, problems: string[]): void {
  const { state, auth } = config;
  if (config.server.healthPort < -1 || config.server.healthPort > 65535) problems.push(`server.health_port: ${config.server.healthPort} is not a port (-1 disables it)`);
  if (state.store !== 'memory' && state.store !== 'redis') problems.push(`state.store: "${state.store}" must be memory or redis`);
  if (state.store === 'redis' && !/^rediss?:\/\/[^\s]+$/.test(state.redisUrl)) problems.push('state.redis_url: state.store redis needs a redis:// or rediss:// URL (HEARTH_REDIS_URL)');
  if (state.slotLeaseTtlMs < 3000) problems.push('state.slot_lease_ttl: must be at least 3s (leases are renewed every third of it)');
  if (auth.refreshReuseWindowMs < 0 || auth.refreshReuseWindowMs > 60_000) problems.push('auth.refresh_reuse_window: must be between 0s and 60s (it only covers a retried refresh)');
}

export function helpText(): string {
  const rows = SETTINGS.map((s) => `  ${(s.flag + (s.kind === 'bool' ? '' : ' <' + s.kind + '>')).padEnd(34)} ${s.env.padEnd(30)} ${s.help}`);
  return [
    'Usage: hearth-agent-host [serve] [--config config.yaml] [options]',
    '       hearth-agent-host hash-key [--user NAME]   prints a new API key and the hash to put in the config',
    '',
    '  --config, -c <file>                YAML configuration (${ENV} and ${ENV:-default} are expanded)',
    '  --print-config                     print the effective configuration, secrets masked, and exit',
    '  --backend <[ollama=|openai=]url[#n]>  a model backend (repeatable; n = concurrency). Env: HEARTH_BACKENDS',
    '  --no-auth                          same as --auth=false',
    ...rows,
    '',
    'Secrets come from the environment or files: HEARTH_JWT_SECRET, signing key files, the API keys file.',
  ].join('\n');
}
