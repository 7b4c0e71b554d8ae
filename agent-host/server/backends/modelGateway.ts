/**
 * An Ollama-compatible HTTP endpoint on 127.0.0.1 that stands between the
 * agent core and the real backends. The core (and the completion path) talk
 * to it exactly as they would to Ollama; for every model request the gateway
 * waits for a GPU slot from the scheduler, picks the least-loaded backend
 * that has the model, translates for OpenAI-compatible backends, and frees
 * the slot the moment the reply ends or the caller goes away. Scheduling per
 * model request (not per turn) means a slot is never held while a developer's
 * machine runs a tool.
 *
 * Only this process may use it: every request must carry a random token.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../ops/logger';
import { waitForDrain } from '../ops/waitForDrain';
import type { ServerMetrics } from '../ops/serverMetrics';
import type { Scheduler, WorkKind } from '../scheduler/scheduler';
import { NoBackendError, QueueAbortedError, QueueFullError } from '../scheduler/schedulerErrors';
import { canonicalModel, type Backend, type BackendPool } from './backendPool';
import { openAiChat, openAiGenerate, openAiShow, type StreamStats } from './openAiAdapter';

export const GATEWAY_HEADERS = { token: 'x-hearth-gateway-token', user: 'x-hearth-user', kind: 'x-hearth-kind' } as const;
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface ModelGateway {
  url: string;
  /** Headers that identify a request's user and class of work to the scheduler. */
  headersFor(user: string, kind: WorkKind): Record<string, string>;
  close(): Promise<void>;
}

export interface GatewayDeps {
  pool: BackendPool;
  scheduler: Scheduler;
  metrics: ServerMetrics;
  logger: Logger;
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(value));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Scans Ollama NDJSON as it streams past, for the token counts in the final chunk. */
class FinalChunkScanner {
  private tail = '';
  stats: StreamStats = { promptTokens: 0, completionTokens: 0 };

  push(chunk: Uint8Array): void {
    this.tail += Buffer.from(chunk).toString('utf8');
    let nl: number;
    while ((nl = this.tail.indexOf('\n')) >= 0) {
      this.line(this.tail.slice(0, nl));
      this.tail = this.tail.slice(nl + 1);
    }
    // Only the end of a long unterminated line matters.
    if (this.tail.length > 1_000_000) this.tail = this.tail.slice(-1000);
  }

  end(): void {
    this.line(this.tail);
  }

  private line(text: string): void {
    if (!text.includes('"done":true')) return;
    try {
      const obj = JSON.parse(text) as { prompt_eval_count?: number; eval_count?: number };
      this.stats = { promptTokens: obj.prompt_eval_count ?? 0, completionTokens: obj.eval_count ?? 0 };
    } catch {
      // Not a complete JSON line; the counts are only for metrics.
    }
  }
}

export async function startModelGateway(deps: GatewayDeps): Promise<ModelGateway> {
  const { pool, scheduler, metrics, logger } = deps;
  const token = randomBytes(32).toString('hex');
  const tokenBytes = Buffer.from(token);

  function authorized(req: IncomingMessage): boolean {
    const presented = Buffer.from(String(req.headers[GATEWAY_HEADERS.token] ?? ''));
    return presented.length === tokenBytes.length && timingSafeEqual(presented, tokenBytes);
  }

  async function backendFor(model: string): Promise<Backend | undefined> {
    await pool.ensureFresh(30_000);
    let found = pool.backends.find((b) => pool.hasModel(b.id, model));
    if (!found) {
      // A model pulled a moment ago should not wait for the next background refresh.
      await pool.ensureFresh(5_000);
      found = pool.backends.find((b) => pool.hasModel(b.id, model));
    }
    return found;
  }

  async function modelRequest(endpoint: 'chat' | 'generate', req: IncomingMessage, res: ServerResponse, raw: Buffer, body: Record<string, unknown>): Promise<void> {
    const model = typeof body.model === 'string' ? body.model : '';
    if (!model) return sendJson(res, 400, { error: 'model is required' });
    const user = String(req.headers[GATEWAY_HEADERS.user] ?? 'anonymous');
    const kind: WorkKind = req.headers[GATEWAY_HEADERS.kind] === 'completion' ? 'completion' : 'chat';
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    if (!(await backendFor(model))) {
      return sendJson(res, 404, { error: `model "${model}" not found on the team server's backends (${pool.tags().map((t) => t.name).join(', ') || 'none reachable'})` });
    }
    let slot;
    try {
      slot = await scheduler.acquire({ user, kind, model, signal: controller.signal });
    } catch (err) {
      if (err instanceof QueueFullError) {
        metrics.rejected.inc({ kind, reason: 'queue_full' });
        return sendJson(res, 429, { error: err.message }, { 'Retry-After': String(Math.ceil(err.retryAfterMs / 1000)) });
      }
      if (err instanceof NoBackendError) return sendJson(res, 404, { error: `model "${model}" not found` });
      if (err instanceof QueueAbortedError) return void res.end();
      throw err;
    }
    const backend = pool.get(slot.backendId)!;
    metrics.queueWait.observe({ kind }, slot.waitedMs / 1000);
    const started = performance.now();
    let firstByte = false;
    const onFirstByte = () => {
      if (firstByte) return;
      firstByte = true;
      metrics.firstToken.observe({ backend: backend.id, kind }, (performance.now() - started) / 1000);
    };
    try {
      let stats: StreamStats;
      if (backend.config.type === 'openai') {
        stats = endpoint === 'chat' ? await openAiChat(backend.config, body, res, controller.signal, onFirstByte) : await openAiGenerate(backend.config, body, res, controller.signal, onFirstByte);
      } else {
        stats = await forwardToOllama(backend, endpoint, raw, res, controller.signal, onFirstByte);
      }
      metrics.tokens.inc({ backend: backend.id, direction: 'prompt' }, stats.promptTokens);
      metrics.tokens.inc({ backend: backend.id, direction: 'completion' }, stats.completionTokens);
    } catch (err) {
      if (controller.signal.aborted) return void res.destroy();
      const status = (err as { status?: number }).status;
      logger.warn('model request failed', { backend: backend.id, model, error: (err as Error).message });
      if (!res.headersSent) sendJson(res, status && status >= 400 && status < 500 ? status : 502, { error: `The team server's backend ${backend.id} failed: ${(err as Error).message}` });
      else res.destroy();
    } finally {
      metrics.modelLatency.observe({ backend: backend.id, kind }, (performance.now() - started) / 1000);
      slot.release();
    }
  }

  async function forwardToOllama(backend: Backend, endpoint: string, raw: Buffer, res: ServerResponse, signal: AbortSignal, onFirstByte: () => void): Promise<StreamStats> {
    const upstream = await fetch(`${backend.config.url.replace(/\/+$/, '')}/api/${endpoint}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: raw.toString('utf8'), signal });
    res.writeHead(upstream.status, { 'Content-Type': upstream.headers.get('content-type') ?? 'application/x-ndjson' });
    const scanner = new FinalChunkScanner();
    if (upstream.body) {
      for await (const chunk of upstream.body as unknown as AsyncIterable<Uint8Array>) {
        onFirstByte();
        scanner.push(chunk);
        if (!res.write(chunk)) await waitForDrain(res);
        if (res.destroyed) break;
      }
    }
    scanner.end();
    res.end();
    return scanner.stats;
  }

  async function show(res: ServerResponse, body: Record<string, unknown>): Promise<void> {
    const model = String(body.model ?? body.name ?? '');
    const backend = model ? await backendFor(model) : undefined;
    if (!backend) return sendJson(res, 404, { error: `model "${model}" not found` });
    if (backend.config.type === 'openai') return sendJson(res, 200, openAiShow(backend.config, model));
    const upstream = await fetch(`${backend.config.url.replace(/\/+$/, '')}/api/show`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ...body, model: backend.models.has(model) ? model : canonicalModel(model) }), signal: AbortSignal.timeout(10_000) });
    sendJson(res, upstream.status, await upstream.json());
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!authorized(req)) return sendJson(res, 403, { error: 'This endpoint is internal to the Hearth team server.' });
    const path = new URL(req.url ?? '/', 'http://gateway').pathname;
    const raw = req.method === 'POST' ? await readBody(req) : Buffer.alloc(0);
    let body: Record<string, unknown> = {};
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch (err) {
        return sendJson(res, 400, { error: (err as Error).message });
      }
    }
    const route = `${req.method} ${path}`;
    switch (route) {
      case 'GET /':
      case 'HEAD /':
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        return void res.end('Ollama is running');
      case 'GET /api/version':
        return sendJson(res, 200, { version: '0.12.6' });
      case 'GET /api/tags':
        await pool.ensureFresh(5_000);
        if (!pool.anyReachable) return sendJson(res, 502, { error: `None of the team server's model backends is reachable (${pool.backends.map((b) => `${b.id}: ${b.lastError ?? 'unknown'}`).join('; ')}).` });
        return sendJson(res, 200, { models: pool.tags() });
      case 'GET /api/ps':
        return sendJson(res, 200, { models: [] });
      case 'POST /api/show':
        return show(res, body);
      case 'POST /api/chat':
        return modelRequest('chat', req, res, raw, body);
      case 'POST /api/generate':
        return modelRequest('generate', req, res, raw, body);
      default:
        return sendJson(res, 404, { error: `${route} is not served by the Hearth team server` });
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      logger.error('gateway request failed', { error: err.message });
      if (!res.headersSent) sendJson(res, 500, { error: err.message });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    headersFor: (user, kind) => ({ [GATEWAY_HEADERS.token]: token, [GATEWAY_HEADERS.user]: user, [GATEWAY_HEADERS.kind]: kind }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
