/**
 * bench:server's scripted Ollama runs in a process of its own, so its work
 * and its collector's pauses stay out of the load generator's event loop.
 * The bench scripts it over stdin and reads its request log over HTTP, and
 * the log must still tell each turn's two model requests apart. Loaded with
 * the stall log, it must report its own stops with their time.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatRequestSummary } from '../../bench/benchResponders';
import { startScriptedOllama, type ScriptedOllama } from '../../bench/scriptedOllamaProcess';
import { readStallLog, STALL_LOG_SCRIPT } from '../../bench/stallLog';
import { stallCoveringStop } from '../fixtures/stallCoveringStop';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One streamed /api/chat exchange: the tool calls and the text of its NDJSON lines. */
async function chat(url: string, messages: { role: string; content: string }[]): Promise<{ text: string; toolCalls: unknown[] }> {
  const tools = [{ type: 'function', function: { name: 'read_file', description: 'Reads a file', parameters: { type: 'object', properties: { path: { type: 'string' } } } } }];
  const res = await fetch(`${url}/api/chat`, { method: 'POST', body: JSON.stringify({ model: 'qwen2.5-coder:7b', messages, tools }) });
  assert.equal(res.status, 200);
  const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as { message?: { content?: string; tool_calls?: unknown[] } });
  return { text: lines.map((l) => l.message?.content ?? '').join(''), toolCalls: lines.flatMap((l) => l.message?.tool_calls ?? []) };
}

describe("bench:server's scripted Ollama in its own process (integration)", () => {
  let dir: string;
  let model: ScriptedOllama;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-scripted-ollama-'));
    model = await startScriptedOllama([process.execPath, '--import', STALL_LOG_SCRIPT], 1, join(dir, 'stalls.log'));
  });

  afterEach(async () => {
    await model.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers a turn's two requests as the bench scripts them and logs whose turn each was", async () => {
    const ask = { role: 'user', content: 'Developer 7: what does src/app.ts do?' };
    const first = await chat(model.url, [ask]);
    assert.equal(first.toolCalls.length, 1, 'the first request is answered with a tool call');
    const second = await chat(model.url, [ask, { role: 'assistant', content: '' }, { role: 'tool', content: 'export const app = 1;' }]);
    assert.match(second.text, /^This word1 word2/);
    const requests = await model.requests();
    assert.deepEqual(
      requests.map((r) => [r.path, r.body as ChatRequestSummary, r.outcome]),
      [
        ['/api/chat', { user: 7, afterTool: false }, 'completed'],
        ['/api/chat', { user: 7, afterTool: true }, 'completed'],
      ],
    );
    assert.ok(requests.every((r) => typeof r.firstTokenAt === 'number' && typeof r.finishedAt === 'number'));
    await model.forget();
    assert.deepEqual(await model.requests(), []);
  });

  it('switches to the fairness phase answers on command', async () => {
    await model.use('fairness');
    const reply = await chat(model.url, [{ role: 'user', content: 'Explain everything.' }]);
    assert.equal(reply.toolCalls.length, 0);
    assert.equal(reply.text.split(' ').length, 100);
    await model.use('turn');
    assert.equal((await chat(model.url, [{ role: 'user', content: 'Developer 1: hi' }])).toolCalls.length, 1);
  });

  it('logs a stop of its event loop with the time it began', async () => {
    await chat(model.url, [{ role: 'user', content: 'Developer 1: hi' }]);
    const from = performance.timeOrigin + performance.now();
    process.kill(model.pid, 'SIGSTOP');
    await sleep(200);
    const continuedAt = performance.timeOrigin + performance.now();
    process.kill(model.pid, 'SIGCONT');
    // The log is written once the process runs again and its watch's timer fires.
    let stalls: ReturnType<typeof readStallLog>['eventLoop'] = [];
    for (let waited = 0; stalls.length === 0 && waited < 5000; waited += 50) {
      await sleep(50);
      stalls = readStallLog(join(dir, 'stalls.log'), from - 1000, from + 60_000).eventLoop;
    }
    const stop = stallCoveringStop(stalls, { stoppedAt: from, continuedAt });
    assert.ok(stop, `no stall covering the stop from ${from} to ${continuedAt}: ${JSON.stringify(stalls)}`);
    assert.ok(stop.end - stop.start >= 150, `a 200 ms stop read as a ${stop.end - stop.start} ms stall`);
  });

  it('exits when the bench closes it', async () => {
    await model.close();
    await assert.rejects(model.forget(), /exited/);
  });
});
