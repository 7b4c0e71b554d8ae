/**
 * Paced reads of a streaming model reply (agent-host/server/backends/
 * paceReads.ts), over a real socket: while text streams and the server is
 * busy, the reply is read in bursts of one window; the first token, a tool
 * call and the end are never held back; a cancelled reply stops at once;
 * the connection goes back to the pool usable; and through the team
 * server's model router, a request waiting for the GPU slot a resting reply
 * holds gets it when the backend finishes, not when the rest ends. Rests
 * are spread around the window so that replies never move in step.
 */
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { openRequest } from '../../agent-host/completion/leanHttpFetch';
import type { ModelStream } from '../../agent-host/core/modelStream';
import { BackendPool } from '../../agent-host/server/backends/backendPool';
import { createModelRouter } from '../../agent-host/server/backends/modelRouter';
import { restMs } from '../../agent-host/server/backends/paceReads';
import { streamResponse } from '../../agent-host/server/backends/streamResponse';
import { silentLogger } from '../../agent-host/server/ops/logger';
import { ServerMetrics } from '../../agent-host/server/ops/serverMetrics';
import { Scheduler } from '../../agent-host/server/scheduler/scheduler';

type Chunk = Record<string, unknown>;
const line = (chunk: Chunk) => `${JSON.stringify(chunk)}\n`;
const token = (content: string): Chunk => ({ model: 'm', message: { role: 'assistant', content }, done: false });
const toolCall: Chunk = { model: 'm', message: { role: 'assistant', content: '', tool_calls: [{ function: { name: 'read_file', arguments: { path: 'a.ts' } } }] }, done: false };
const final: Chunk = { model: 'm', message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop', eval_count: 3 };

/** What the backend sends: lines, each after a pause of `gapMs` (`firstGapMs` after the first); or, with `flood`, text as fast as the connection takes it. */
interface Script {
  lines: string[];
  gapMs: number;
  /**
   * The pause after the first line. A test that checks the first token is read alone needs it long: with two CPU-bound
   * processes beside it, this process can be descheduled for longer than `gapMs`, and the next line then arrives first.
   */
  firstGapMs?: number;
  flood?: { written: number };
}

/** The most a flood writes before giving up on being held back. */
const FLOOD_CAP_BYTES = 256 * 1024 * 1024;

describe('team server: how long a paced read rests', () => {
  it('rests between half and one and a half windows, a window on average, and replies do not rest alike', () => {
    assert.equal(restMs(20, () => 0), 10);
    assert.ok(restMs(20, () => 0.999_999) < 30);
    const rests = Array.from({ length: 2000 }, () => restMs(20));
    assert.ok(rests.every((ms) => ms >= 10 && ms < 30), 'every rest within half a window of the window');
    const mean = rests.reduce((a, b) => a + b, 0) / rests.length;
    assert.ok(Math.abs(mean - 20) < 1, `the mean rest is the window (${mean.toFixed(2)} ms)`);
    // Replies that start resting together must wake apart: a fixed rest would put them all in one burst.
    assert.ok(new Set(rests.map((ms) => Math.floor(ms))).size >= 15, 'rests spread over the whole range');
  });
});

describe('team server: paced reads of a streaming reply', () => {
  let server: http.Server;
  let script: Script;
  let url: URL;

  before(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      const { lines, gapMs, firstGapMs, flood } = script;
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        if (flood) {
          const text = line(token('x'.repeat(200))).repeat(500);
          const pour = (): void => {
            while (flood.written < FLOOD_CAP_BYTES && !res.destroyed) {
              flood.written += text.length;
              if (!res.write(text)) return void res.once('drain', pour);
            }
          };
          return pour();
        }
        let i = 0;
        const next = (): void => {
          if (res.destroyed) return;
          if (i === lines.length) return void res.end();
          res.write(lines[i++]);
          setTimeout(next, i === 1 && firstGapMs !== undefined ? firstGapMs : gapMs);
        };
        next();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/chat`);
  });
  after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** One request read the way the team server reads a chat reply: events with the time each arrived. */
  async function read(paceMs: number | undefined, signal?: AbortSignal): Promise<{ events: { at: number; contents: string[] }[]; error?: string; socket: unknown; endedAt: number }> {
    const started = performance.now();
    const res = await openRequest(url, 'POST', { 'content-type': 'application/json' }, '{"model":"m"}', signal);
    const socket = res.socket;
    const reply = streamResponse(res, { finished: () => undefined }, signal, paceMs === undefined ? undefined : () => paceMs);
    const events: { at: number; contents: string[] }[] = [];
    let error: string | undefined;
    try {
      for (;;) {
        const first = await reply[Symbol.asyncIterator]().next();
        if (first.done) break;
        const batch = [first.value, ...reply.takeReady()];
        events.push({ at: performance.now() - started, contents: batch.map((c) => String((c.message as { content?: string } | undefined)?.content ?? '')) });
        if (batch.some((c) => c.done)) break;
      }
    } catch (err) {
      error = (err as Error).name;
    }
    return { events, error, socket, endedAt: performance.now() - started };
  }

  const words = Array.from({ length: 30 }, (_, i) => `w${i} `);

  it('reads streamed text in bursts of one window, the first token at once and the text whole', async () => {
    script = { lines: [...words.map((w) => line(token(w))), line(final)], gapMs: 3, firstGapMs: 100 };
    // A window far longer than the whole reply (about 0.1 s, more on a loaded machine): after the first token, one rest
    // (at least half a window, see restMs), then the rest at once.
    const paced = await read(1_000);
    const unpaced = await read(undefined);
    for (const run of [paced, unpaced]) assert.equal(run.events.flatMap((e) => e.contents).join(''), words.join(''), 'every token, in order');
    assert.ok(paced.events.length <= 4, `paced: ${paced.events.length} reads of 31 chunks in ${Math.round(paced.endedAt)} ms`);
    assert.ok(paced.endedAt >= 450, `the paced reply ended after ${Math.round(paced.endedAt)} ms: it never rested`);
    assert.ok(unpaced.events.length >= 15, `unpaced: ${unpaced.events.length} reads (each token as it comes)`);
    assert.equal(paced.events[0].contents.join(''), 'w0 ', 'the first token is read alone, as soon as it arrives');
    assert.equal(unpaced.socket, paced.socket, 'the paced reply left its connection in the pool, usable');
  });

  it('never holds back a tool call or the end of the reply', async () => {
    script = { lines: [line(toolCall), line(final)], gapMs: 20 };
    const run = await read(1_000);
    assert.equal(run.error, undefined);
    assert.ok(run.endedAt < 500, `the reply ended after ${Math.round(run.endedAt)} ms, not a one-second window`);
  });

  it('a reply cancelled while its reads rest fails at once, and the next request still works', async () => {
    script = { lines: [...words.map((w) => line(token(w))), line(final)], gapMs: 3 };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 60);
    const run = await read(1_000, controller.signal);
    assert.equal(run.error, 'AbortError');
    assert.ok(run.endedAt < 500, `cancelled after ${Math.round(run.endedAt)} ms, not at the end of the window`);
    const next = await read(20);
    assert.equal(next.events.flatMap((e) => e.contents).join(''), words.join(''));
  });

  it('a reader that stops reading still holds the backend back while reads are paced', async () => {
    const flood = { written: 0 };
    script = { lines: [], gapMs: 0, flood };
    const controller = new AbortController();
    const res = await openRequest(url, 'POST', { 'content-type': 'application/json' }, '{"model":"m"}', controller.signal);
    const reply = streamResponse(res, { finished: () => undefined }, controller.signal, () => 20);
    const first = await reply[Symbol.asyncIterator]().next();
    assert.equal(first.done, false);
    // The reader stops here. Held back, the backend stops writing once the buffers on the way are full;
    // not held back, it pours on to the cap (a reader's queue growing without bound).
    let last = -1;
    const deadline = Date.now() + 20_000;
    while (flood.written !== last && Date.now() < deadline) {
      last = flood.written;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(flood.written < FLOOD_CAP_BYTES / 4, `the backend wrote ${(flood.written / 1e6).toFixed(1)} MB to a reader that stopped reading`);
    controller.abort();
  });
});

describe('team server: resting reads never keep a waiting request from its slot', () => {
  /** A backend with one model whose chat replies stream ten tokens 5 ms apart, then the final chunk. */
  let backend: http.Server;
  let router: ReturnType<typeof createModelRouter>;
  let pool: BackendPool;
  const words = Array.from({ length: 10 }, (_, i) => `w${i} `);
  /** Far longer than the reply: a reply that rests even once ends late enough to tell. */
  const REST_MS = 600;

  before(async () => {
    backend = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/api/tags') return void res.end(JSON.stringify({ models: [{ name: 'm', model: 'm' }] }));
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        const lines = [...words.map((w) => line(token(w))), line(final)];
        let i = 0;
        const next = (): void => {
          if (res.destroyed) return;
          if (i === lines.length) return void res.end();
          res.write(lines[i++]);
          setTimeout(next, 5);
        };
        next();
      });
    });
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
    pool = new BackendPool([{ name: 'gpu', type: 'ollama', url, maxConcurrency: 1 }], silentLogger);
    await pool.refresh();
    // One slot: a second request waits for the first reply to end.
    const scheduler = new Scheduler([{ id: 'gpu', capacity: 1 }], { policy: 'fair', maxQueue: 10, maxQueuePerUser: 10, maxWaitMs: 30_000 }, (id, model) => pool.hasModel(id, model));
    router = createModelRouter({ pool, scheduler, metrics: new ServerMetrics(), logger: silentLogger, readPaceMs: () => REST_MS });
  });
  after(() => {
    pool.stop();
    backend.closeAllConnections();
    return new Promise<void>((resolve) => backend.close(() => resolve()));
  });

  /** Reads a reply to its end; the milliseconds since `t0` at which it ended, and its text. */
  async function drain(reply: ModelStream, t0: number): Promise<{ endedAt: number; text: string }> {
    let text = '';
    for await (const chunk of reply as AsyncIterable<Record<string, unknown>>) text += String((chunk.message as { content?: string } | undefined)?.content ?? '');
    return { endedAt: performance.now() - t0, text };
  }

  const ask = (user: string) => router.streamFor(user, 'chat')('chat', { model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true }, undefined);

  it('rests while nobody waits: a lone reply is read in windows', async () => {
    const t0 = performance.now();
    const alone = await drain(await ask('ana'), t0);
    assert.equal(alone.text, words.join(''));
    assert.ok(alone.endedAt >= REST_MS * 0.45, `the lone reply ended after ${Math.round(alone.endedAt)} ms: it never rested`);
  });

  it('a request that starts to wait ends the rest, and gets the slot when the backend finishes', async () => {
    const t0 = performance.now();
    const first = await ask('ana');
    const firstDone = drain(first, t0);
    // The first reply's first token is read, then it rests; the second request arrives during that rest.
    await new Promise((r) => setTimeout(r, 20));
    const second = ask('ben').then((reply) => ({ reply, admittedAt: performance.now() - t0 }));
    const [a, b] = await Promise.all([firstDone, second]);
    assert.equal(a.text, words.join(''), 'the first reply is whole');
    assert.ok(b.admittedAt < REST_MS / 2, `the waiting request was served ${Math.round(b.admittedAt)} ms in; the backend finished the reply before it about 60 ms in`);
    assert.equal((await drain(b.reply, t0)).text, words.join(''), 'the second reply is whole');
  });
});
