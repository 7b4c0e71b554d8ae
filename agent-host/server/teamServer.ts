/**
 * Assembles the team server: gRPC services behind the auth guard, the model
 * router and scheduler in front of the backends, health, reflection,
 * metrics and the admin page. `startTeamServer` is what the CLI, the tests
 * and the benchmark run.
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import * as grpc from '@grpc/grpc-js';
import { parse as parseYaml } from 'yaml';
import { hearthPackage } from '../../protocol/grpc/loadProtos';
import { healthPackage } from '../../protocol/grpc/loadProtos';
import { createAgent, createFimCompleter, type Agent, type FimCompleter } from '../index';
import { ActivityRecorder } from './admin/activityRecorder';
import { AdminAuth } from './admin/adminAuth';
import { adminRoutes } from './admin/adminRoutes';
import { adminStats, replicaView, teamStats } from './admin/adminStats';
import { startReplicaViewPublisher } from './admin/replicaViewPublisher';
import { startUsageLedger } from './admin/usageLedger';
import { ApiKeyStore } from './auth/apiKeys';
import { loadSigningKeys } from './auth/signingKeys';
import { TokenService } from './auth/tokenService';
import { BackendPool } from './backends/backendPool';
import { createModelRouter, ROUTER_HOST } from './backends/modelRouter';
import { readApiKeys } from './config/loadServerConfig';
import type { ApiKeyConfig, ServerConfig } from './config/serverConfig';
import { createAuditLog, type AuditLog } from './ops/auditLog';
import { watchHttp2Sessions } from './ops/http2SessionWatchdog';
import { createLogger, type Logger } from './ops/logger';
import { startMetricsServer } from './ops/metricsServer';
import { LoadGauge } from './ops/loadGauge';
import { ServerMetrics } from './ops/serverMetrics';
import { ReloadingTlsCredentials } from './ops/reloadingTlsCredentials';
import { Scheduler } from './scheduler/scheduler';
import { handleChat, type RunningTurn } from './services/agentService';
import { McpManager } from '../mcp/mcpManager';
import { authenticate, refresh } from './services/authService';
import { guardBidi, guardUnary, revocationOf, userRemoved, withCancellation, type GuardDeps } from './services/callGuard';
import { complete } from './services/completionService';
import { AdminMcpService } from './services/adminMcpService';
import { sample } from './services/sampleService';
import { MAX_REPORTS_PER_MINUTE, reportSuggestions } from './services/reportSuggestions';
import { HealthService } from './services/healthService';
import { TurnBudget } from './services/turnBudget';
import { measuringRequests } from './services/wireSizes';
import { listModels } from './services/modelService';
import { addReflection } from './services/reflectionService';
import { createSharedState } from './state/createSharedState';
import { TeamIndex } from './teamIndex/teamIndex';
import { parseTrustedProxies } from './admin/clientAddress';

export interface TeamServerOptions {
  config: ServerConfig;
  readFile?: (path: string) => string;
  logger?: Logger;
  audit?: AuditLog;
  /** Process CPU/memory metrics; off when several servers share a process. */
  processMetrics?: boolean;
}

export interface TeamServer {
  /** The bound gRPC port. */
  port: number;
  /** The bound plaintext health-only port, when server.health_port is set. */
  healthPort?: number;
  /** The bound /metrics port, when metrics are enabled. */
  metricsPort?: number;
  metrics: ServerMetrics;
  /** What the admin page shows about usage over time. */
  activity: ActivityRecorder;
  scheduler: Scheduler;
  health: HealthService;
  /** The admin's shared index (config.yaml `index:`); `configured` is false without sources. */
  teamIndex: TeamIndex;
  /** Re-reads the API keys file (SIGHUP). */
  reloadApiKeys(): void;
  /** Re-reads the TLS certificate, key and client CA (SIGHUP, and every minute); new connections get them, open ones keep theirs. */
  reloadTls(): void;
  /** Stops accepting, lets turns finish for `graceMs`, then ends them with a clear message. */
  shutdown(graceMs?: number): Promise<void>;
}

const SERVICE_NAMES = ['hearth.v1.AuthService', 'hearth.v1.AgentService', 'hearth.v1.ModelService', 'hearth.v1.CompletionService', 'hearth.v1.McpService'];
/** What an admin MCP server that asks for sampling or a form is told (see docs/ARCHITECTURE.md, "What MCP servers ask of Hearth"). */
export const ADMIN_SERVER_REQUESTS_REFUSED =
  "Hearth's team server shares its MCP servers among all developers and cannot tie this request to one developer's turn, so it does not offer sampling or forms to them. Ask the admin to run this server on developers' machines instead.";
/** Per-user agents and completers are cached (model facts stay warm) up to this many users. */
const MAX_CACHED_USERS = 2048;

function lruGet<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let value = cache.get(key);
  if (value !== undefined) {
    cache.delete(key);
  } else {
    value = make();
    if (cache.size >= MAX_CACHED_USERS) cache.delete(cache.keys().next().value as string);
  }
  cache.set(key, value);
  return value;
}

/** How often the TLS files are looked at for a renewed certificate (SIGHUP looks at once). */
const TLS_RELOAD_INTERVAL_MS = 60_000;

export async function startTeamServer(options: TeamServerOptions): Promise<TeamServer> {
  const { config } = options;
  const readFile = options.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const logger = options.logger ?? createLogger(config.logging.level);
  const audit = options.audit ?? createAuditLog(config.logging.auditFile);
  const metrics = new ServerMetrics(options.processMetrics ?? true);
  const activity = new ActivityRecorder();
  const adminMcp =
    config.mcp.servers.length > 0
      ? new McpManager({
          log: (server, message) => logger.info('mcp', { server, message }),
          clientInfo: { name: 'hearth-agent-host', version: '0.1.0' },
          // Sampling and forms need one developer's approval, and the admin's servers are shared by every developer:
          // MCP cannot tie a server's request to the turn that caused it (not over stdio, nor with several users'
          // calls at once), so the card could reach the wrong person, or the team's GPUs would answer nobody's request.
          refusedRequests: ADMIN_SERVER_REQUESTS_REFUSED,
        })
      : undefined;
  if (adminMcp) void adminMcp.configure(config.mcp.servers);

  const readKeys = (): ApiKeyConfig[] => {
    const fromFile: ApiKeyConfig[] = [];
    if (config.auth.apiKeysFile) {
      const problems: string[] = [];
      const doc = parseYaml(readFile(config.auth.apiKeysFile)) as { api_keys?: unknown } | null;
      fromFile.push(...readApiKeys(doc?.api_keys, config.auth.apiKeysFile, problems));
      if (problems.length > 0) throw new Error(problems.join('; '));
    }
    return [...config.auth.apiKeys, ...fromFile];
  };
  const apiKeys = config.auth.enabled ? new ApiKeyStore(readKeys()) : undefined;
  // Everything replicas must share lives here (memory for one server, Redis for replicas).
  const state = await createSharedState(config.state, logger);
  const tokens = config.auth.enabled
    ? new TokenService(loadSigningKeys(config.auth.signingKeys, readFile), {
        issuer: config.auth.issuer,
        audience: config.auth.audience,
        accessTtlMs: config.auth.accessTtlMs,
        refreshTtlMs: config.auth.refreshTtlMs,
        activeKid: config.auth.activeKid,
        refreshReuseWindowMs: config.auth.refreshReuseWindowMs,
      }, state.families)
    : undefined;

  // The shared index starts below, after the port is bound: indexing never delays serving.
  const teamIndex = new TeamIndex({
    config: config.index,
    ollamaUrl: config.backends.find((b) => b.type === 'ollama')?.url,
    logger,
    onStatus: (statuses) => {
      for (const s of statuses) {
        const labels = { source: s.name, kind: s.kind };
        metrics.indexFiles.set(labels, s.files);
        metrics.indexChunks.set(labels, s.chunks);
        metrics.indexReady.set(labels, s.state === 'ready' ? 1 : 0);
        if (s.refreshedAt) metrics.indexRefreshed.set(labels, s.refreshedAt / 1000);
      }
      // Its own health entry: a source that failed is worth an alert, but chat keeps serving.
      if (!draining) health.set('hearth.v1.TeamIndex', statuses.every((s) => s.state === 'ready') ? 'SERVING' : 'NOT_SERVING');
    },
  });
  const pool = new BackendPool(config.backends, logger);
  await pool.refresh();
  pool.startBackgroundRefresh();
  const scheduler = new Scheduler(
    config.backends.map((b) => ({ id: b.name, capacity: b.maxConcurrency })),
    { ...config.scheduler, globalSlots: state.slots },
    (id, model) => pool.hasModel(id, model),
    {
      queueChanged: (kind, depth) => metrics.queueDepth.set({ kind }, depth),
      inFlightChanged: (backend, n) => metrics.inFlight.set({ backend }, n),
    },
  );
  const load = new LoadGauge();
  const router = createModelRouter({ pool, scheduler, metrics, logger, readPaceMs: () => load.windowMs(turns.size) });
  const agents = new Map<string, Agent>();
  const completers = new Map<string, FimCompleter>();
  const agentFor = (user: string) => lruGet(agents, user, () => createAgent({ host: ROUTER_HOST, fetch: router.fetchFor(user, 'chat'), stream: router.streamFor(user, 'chat') }));
  const completerFor = (user: string) => lruGet(completers, user, () => createFimCompleter({ host: ROUTER_HOST, fetch: router.fetchFor(user, 'completion'), stream: router.streamFor(user, 'completion') }));

  const guard: GuardDeps = { tokens, apiKeys, metrics, logger };
  const turns = new Set<RunningTurn>();
  const chatLimiter = state.rateLimit('chat', config.limits.chatTurnsPerMinute);
  const completionLimiter = state.rateLimit('completion', config.limits.completionsPerMinute);
  const reportLimiter = state.rateLimit('suggestion-reports', MAX_REPORTS_PER_MINUTE);
  // MCP argument completion is asked as developers type, like inline completion, under the same per-user limit but in its own bucket.
  const adminMcpService = new AdminMcpService({ manager: adminMcp, audit, metrics, completionLimiter: state.rateLimit('mcp-completion', config.limits.completionsPerMinute) });
  const authDeps = { tokens, apiKeys, failedAttempts: state.rateLimit('signin-failures', 20), trustedProxies: parseTrustedProxies(config.server.trustedProxies), // Every sign-in starts a refresh-token family kept for a day: bounded per user, or one developer's loop fills the store for everyone.
    signIns: { limit: state.rateLimit('signins', config.limits.signInsPerMinute), perMinute: config.limits.signInsPerMinute }, audit, metrics };

  const server = new grpc.Server({
    'grpc.max_receive_message_length': config.server.maxMessageBytes,
    'grpc.max_send_message_length': config.server.maxMessageBytes,
    // Pings find dead connections (a laptop that went to sleep) so their turns are cancelled.
    'grpc.keepalive_time_ms': 20_000,
    'grpc.keepalive_timeout_ms': 10_000,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 5_000,
    // Channelz bookkeeping costs CPU on every message and nothing here reads it.
    'grpc.enable_channelz': 0,
  });
  const pkg = hearthPackage().grpc.hearth.v1;
  server.addService(pkg.AuthService.service, {
    Authenticate: guardUnary('Authenticate', guard, false, (req, ctx, call) => authenticate(req as never, ctx, authDeps, call.metadata.get('x-forwarded-for').map(String))),
    Refresh: guardUnary('Refresh', guard, false, (req, ctx) => refresh(req as never, ctx, authDeps)),
  });
  const budget = new TurnBudget({ turnsPerUser: config.limits.chatTurnsPerUserAtOnce, bytesPerUser: config.server.maxMessageBytes, bytesTotal: config.limits.chatBytesInFlight });
  server.addService(measuringRequests(pkg.AgentService.service, ['Chat']), {
    Chat: guardBidi('Chat', guard, (call, ctx) =>
      handleChat(call as never, ctx, { agentFor, scheduler, chatLimiter, budget, toolTimeoutMs: config.scheduler.toolTimeoutMs, maxImageBytes: config.limits.maxImageBytes, unreadReplyTimeoutMs: config.limits.unreadReplyTimeoutMs, revocationOf: (principal) => revocationOf(principal, guard), metrics, audit, logger, turns, adminMcp, activity, teamIndex, deltaWindowMs: () => load.windowMs(turns.size) }),
    ),
    Sample: guardUnary('Sample', guard, true, (req, ctx, call) =>
      withCancellation(call, (signal) => sample(req as never, ctx.principal.user, signal, { agentFor, scheduler, chatLimiter, metrics, audit, activity })),
    ),
  });
  server.addService(pkg.McpService.service, {
    ListResources: guardUnary('ListResources', guard, true, async () => adminMcpService.listResources()),
    ReadResource: guardUnary('ReadResource', guard, true, async (req, ctx) => adminMcpService.readResource(req as never, ctx.principal.user)),
    ListPrompts: guardUnary('ListPrompts', guard, true, async () => adminMcpService.listPrompts()),
    GetPrompt: guardUnary('GetPrompt', guard, true, async (req, ctx) => adminMcpService.getPrompt(req as never, ctx.principal.user)),
    Complete: guardUnary('Complete', guard, true, (req, ctx, call) => withCancellation(call, (signal) => adminMcpService.complete(req as never, ctx.principal.user, signal))),
  });
  server.addService(pkg.ModelService.service, {
    List: guardUnary('List', guard, true, (_req, ctx, call) => withCancellation(call, (signal) => listModels(agentFor(ctx.principal.user), signal))),
  });
  server.addService(pkg.CompletionService.service, {
    Complete: guardUnary('Complete', guard, true, (req, ctx, call) =>
      withCancellation(call, (signal) => complete(req as never, ctx.principal.user, signal, { completerFor, limiter: completionLimiter, metrics, activity })),
    ),
    Report: guardUnary('Report', guard, true, async (req, ctx) => reportSuggestions(req as never, ctx.principal.user, { activity, limiter: reportLimiter, metrics })),
  });
  const health = new HealthService(SERVICE_NAMES);
  health.addToServer(server);
  // A replica that cannot reach the shared store cannot sign anyone in: readiness takes it out of the
  // balancer. Liveness ("liveness") stays SERVING, because restarting replicas does not bring Redis back.
  health.set('liveness', 'SERVING');
  let draining = false;
  state.onAvailability((available) => {
    if (draining) return;
    for (const service of ['', ...SERVICE_NAMES]) health.set(service, available ? 'SERVING' : 'NOT_SERVING');
  });
  addReflection(server, { ...hearthPackage().definition, ...healthPackage() });

  const tls = config.tls.certFile ? new ReloadingTlsCredentials(config.tls, readFile) : undefined;
  const reloadTls = () => {
    if (!tls) return;
    try {
      const outcome = tls.reload();
      if (outcome.changed) logger.info('TLS certificate reloaded: new connections get it, open ones keep theirs', { notAfter: outcome.notAfter });
    } catch (err) {
      logger.error('TLS certificate not reloaded; the previous one stays in force', { error: (err as Error).message, notAfter: tls.notAfter });
    }
  };
  const tlsTimer = tls ? setInterval(reloadTls, TLS_RELOAD_INTERVAL_MS) : undefined;
  tlsTimer?.unref();
  const address = config.server.host.includes(':') && !config.server.host.startsWith('[') ? `[${config.server.host}]` : config.server.host;
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${address}:${config.server.port}`, tls ?? grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
  );
  // A request header HTTP/2 cannot decode (over 64 KiB) ends its connection; make sure it really closes at once.
  const watchdog = watchHttp2Sessions(server, (peer) => {
    metrics.rejected.inc({ kind: 'connection', reason: 'http2_session_error' });
    logger.warn('closed a connection that HTTP/2 had ended (a request header over 64 KB?)', { peer });
  });
  if (!watchdog.supported) logger.warn('this @grpc/grpc-js does not expose its HTTP/2 sessions; connections ended by a header over 64 KB close only when keepalive notices');
  const healthServer = config.server.healthPort >= 0 ? new grpc.Server({ 'grpc.enable_channelz': 0 }) : undefined;
  let healthPort: number | undefined;
  if (healthServer) {
    // Probes (kubelet) cannot speak TLS; this port answers grpc.health.v1 and nothing else.
    health.addToServer(healthServer);
    healthPort = await new Promise<number>((resolve, reject) =>
      healthServer.bindAsync(`${address}:${config.server.healthPort}`, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
    );
  }
  if (teamIndex.configured) {
    health.set('hearth.v1.TeamIndex', 'NOT_SERVING');
    teamIndex.start();
  }
  const startedAt = Date.now();
  const statsSources = { server, activity, scheduler, backends: config.backends, startedAt, teamIndex };
  // With replicas, every replica's page shows the team: each publishes its view through the shared state.
  // Host name and pid alone do not tell replicas apart (containers on the host's network share its name,
  // and each is pid 1 or close), and a replica drops views with its own id as its own: a random part
  // keeps them apart. The host name is cut so the id survives parseReplicaView's bound whole.
  const replicaId = `${hostname().slice(0, 100)}/${process.pid}/${randomUUID().slice(0, 8)}`;
  const published = config.admin.enabled && state.views ? startReplicaViewPublisher(state.views, replicaId, () => replicaView(statsSources, replicaId), logger) : undefined;
  // Usage outlives the replica that served it: every replica adds its counts to the team's totals.
  const ledger = config.admin.enabled && state.usage ? startUsageLedger(state.usage, activity, logger) : undefined;
  const teamAdminStats = async () => {
    if (!published || !ledger) return adminStats(statsSources);
    const [{ views, unavailable }, usage] = await Promise.all([published.gather(), ledger.read()]);
    const partial = unavailable ?? usage.unavailable;
    return { ...teamStats(views, { parts: usage.parts, since: usage.since ?? startedAt, shared: !usage.unavailable }, statsSources), ...(partial ? { partial } : {}) };
  };
  const admin = config.admin.enabled ? adminRoutes(new AdminAuth(config.admin.keyHash, state), teamAdminStats, config.admin.hosts.split(','), parseTrustedProxies(config.admin.trustedProxies)) : undefined;
  const metricsServer = config.metrics.port >= 0 ? await startMetricsServer(metrics.registry, config.metrics.host, config.metrics.port, admin, config.metrics.hosts.split(',')) : undefined;
  logger.info('team server listening', {
    mode: config.server.mode,
    address: `${config.server.host}:${port}`,
    tls: !!config.tls.certFile,
    ...(tls ? { certificateNotAfter: tls.notAfter } : {}),
    mtls: !!config.tls.clientCaFile,
    auth: config.auth.enabled,
    state: state.description,
    backends: pool.backends.map((b) => ({ name: b.id, type: b.config.type, url: b.config.url, reachable: b.reachable, models: b.models.size })),
    metrics: metricsServer ? `http://${config.metrics.host}:${metricsServer.port}/metrics` : 'disabled',
    admin: admin && metricsServer ? `http://${config.metrics.host}:${metricsServer.port}/admin/` : 'disabled',
  });

  let shuttingDown: Promise<void> | undefined;
  return {
    port,
    healthPort,
    metricsPort: metricsServer?.port,
    metrics,
    activity,
    scheduler,
    health,
    teamIndex,
    reloadTls,
    reloadApiKeys() {
      if (!apiKeys) return;
      try {
        apiKeys.replace(readKeys());
        logger.info('API keys reloaded', { keys: apiKeys.size });
        // A removed developer's running turns end now, not at their next tool call (or never, for one long model call).
        for (const turn of [...turns]) if (!apiKeys.hasUser(turn.user)) turn.revoke(userRemoved(turn.user));
      } catch (err) {
        logger.error('API keys not reloaded; the previous list stays in force', { error: (err as Error).message });
      }
    },
    shutdown(graceMs = config.server.shutdownGraceMs) {
      shuttingDown ??= (async () => {
        logger.info('shutting down', { runningTurns: turns.size, graceMs });
        draining = true;
        clearInterval(tlsTimer);
        health.setAll('NOT_SERVING');
        health.close();
        watchdog.stop();
        const drained = new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
        const deadline = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
        if ((await Promise.race([drained.then(() => 'drained' as const), deadline])) === 'timeout') {
          const running = [...turns];
          for (const t of running) t.stop('The team server is restarting. Your conversation is kept: press Retry in a moment.');
          // A stopped turn's last messages may still be on their way out when it finishes; cutting the
          // connections then would drop them (a balancer in between shows "connection dropped" instead).
          // The graceful shutdown completes once every call has ended and its data is flushed, so wait for it.
          await Promise.race([Promise.all(running.map((t) => t.finished)).then(() => drained), new Promise((r) => setTimeout(r, 2000).unref())]);
          server.forceShutdown();
        }
        healthServer?.forceShutdown();
        pool.stop();
        load.stop();
        await teamIndex.dispose();
        await adminMcp?.dispose();
        await metricsServer?.close();
        await audit.flush?.();
        await Promise.all([published?.stop(), ledger?.stop()]);
        await state.close();
        logger.info('team server stopped');
      })();
      return shuttingDown;
    },
  };
}
