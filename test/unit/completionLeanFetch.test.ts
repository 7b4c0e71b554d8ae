import * as assert from 'node:assert/strict';
import { Ollama } from 'ollama';
import { createFimCompleter } from '../../agent-host/completion/createFimCompleter';
import { leanHttpFetch } from '../../agent-host/completion/leanHttpFetch';
import type { FimChunk, FimReadyModel } from '../../agent-host/completion/fimTypes';
import { classifyFailure } from '../../agent-host/core/errorMapping';
import { HearthException } from '../../agent-host/core/hearthException';
import { closedPortUrl } from '../fixtures/closedPort';
import { startIdleConnectionCloser } from '../fixtures/idleConnectionCloser';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';

const MODEL = 'qwen2.5-coder:7b';

async function collect(stream: AsyncIterable<FimChunk>): Promise<{ text: string; done?: FimChunk }> {
  let text = '';
  let done: FimChunk | undefined;
  for await (const chunk of stream) {
    if (chunk.type === 'text') text += chunk.delta;
    else done = chunk;
  }
  return { text, done };
}

describe('fill-in-the-middle completer over HTTP', function () {
  this.timeout(10_000);
  let fixture: OllamaFixture;
  let ready: FimReadyModel;

  beforeEach(async () => {
    fixture = await startOllamaFixture();
    const info = await createFimCompleter({ host: fixture.url }).describeModel(MODEL);
    assert.ok(info.status === 'ready');
    ready = info;
  });

  afterEach(() => fixture.close());

  it('streams a completion with Ollama’s timings', async () => {
    fixture.enqueue({ kind: 'text', text: 'width * height;', tokenDelayMs: 1 });
    const { text, done } = await collect(createFimCompleter({ host: fixture.url }).complete(ready, { prefix: 'return ', suffix: '\n', maxTokens: 32 }, new AbortController().signal));
    assert.equal(text, 'width * height;');
    assert.ok(done?.type === 'done' && done.reason === 'stop' && (done.timings.completionTokens ?? 0) > 0);
  });

  it('a line that never ends stops the suggestion with a clear error and hangs up on Ollama', async () => {
    // The ollama client's own line reader would grow one string (and split it again at every piece) without end.
    fixture.enqueue({ kind: 'endlessLine', text: 'width *' });
    const texts: string[] = [];
    const failure = await (async () => {
      for await (const chunk of createFimCompleter({ host: fixture.url }).complete(ready, { prefix: 'return ', suffix: '\n', maxTokens: 32 }, new AbortController().signal)) {
        if (chunk.type === 'text') texts.push(chunk.delta);
      }
    })().catch((e: unknown) => e);
    assert.equal(texts.join(''), 'width *');
    assert.ok(failure instanceof HearthException, `a HearthException, not ${String(failure)}`);
    assert.match(failure.error.message, /sent a line of qwen2\.5-coder:7b's answer that did not end, so Hearth stopped reading the answer there \(the server sent a stream line longer than 16 MiB; Hearth stopped reading it\)/);
    const request = await fixture.waitFor((r) => r.path === '/api/generate' && r.outcome !== 'pending', 5_000);
    assert.equal(request.outcome, 'aborted', 'Hearth hung up on Ollama');
  });

  it('aborting the signal closes the HTTP request, which Ollama sees as an abort', async () => {
    fixture.enqueue({ kind: 'text', text: Array.from({ length: 200 }, (_, i) => `t${i}`).join(' '), tokenDelayMs: 20 });
    const controller = new AbortController();
    const stream = createFimCompleter({ host: fixture.url }).complete(ready, { prefix: 'x', suffix: '', maxTokens: 500 }, controller.signal);
    const chunks: FimChunk[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      if (chunks.length === 3) controller.abort();
    }
    assert.deepEqual(chunks.at(-1), { type: 'done', reason: 'cancelled', timings: {} });
    await fixture.waitFor((r) => r.path === '/api/generate' && r.outcome === 'aborted');
  });

  it('a caller that stops reading early also aborts the generation', async () => {
    fixture.enqueue({ kind: 'text', text: Array.from({ length: 200 }, (_, i) => `t${i}`).join(' '), tokenDelayMs: 20 });
    for await (const chunk of createFimCompleter({ host: fixture.url }).complete(ready, { prefix: 'x', suffix: '', maxTokens: 500 }, new AbortController().signal)) {
      if (chunk.type === 'text') break;
    }
    await fixture.waitFor((r) => r.path === '/api/generate' && r.outcome === 'aborted');
  });

  it('aborts a request still waiting for its first token', async () => {
    fixture.enqueue({ kind: 'hang' });
    const controller = new AbortController();
    const result = collect(createFimCompleter({ host: fixture.url }).complete(ready, { prefix: 'x', suffix: '', maxTokens: 5 }, controller.signal));
    await fixture.waitFor((r) => r.path === '/api/generate' && r.outcome === 'pending' && r.reply?.kind === 'hang');
    controller.abort();
    assert.deepEqual((await result).done, { type: 'done', reason: 'cancelled', timings: {} });
    await fixture.waitFor((r) => r.path === '/api/generate' && r.outcome === 'aborted');
  });

  it('reports a dead Ollama as unreachable, with what to do', async () => {
    const completer = createFimCompleter({ host: await closedPortUrl() });
    await assert.rejects(completer.describeModel(MODEL), (err: unknown) => err instanceof HearthException && err.error.code === 'ollamaUnreachable' && /ollama serve/.test(err.error.message));
  });

  it('reports a connection dropped mid-stream', async () => {
    fixture.enqueue({ kind: 'drop', text: 'one two three four', afterTokens: 2, tokenDelayMs: 5 });
    await assert.rejects(
      collect(createFimCompleter({ host: fixture.url }).complete(ready, { prefix: 'x', suffix: '', maxTokens: 5 }, new AbortController().signal)),
      (err: unknown) => err instanceof HearthException && err.error.code === 'connectionDropped',
    );
  });

  it('keeps the shapes of fetch failures that the agent core’s error mapping reads', async () => {
    const client = (host: string) => new Ollama({ host, fetch: leanHttpFetch() });
    const unreachable = await client(await closedPortUrl()).list().catch((e: unknown) => e);
    assert.equal(classifyFailure(unreachable).kind, 'unreachable');
    const missing = await client(fixture.url).show({ model: 'nope:1b' }).catch((e: unknown) => e);
    assert.deepEqual(classifyFailure(missing), { kind: 'http', status: 404, message: "model 'nope:1b' not found" });
    const controller = new AbortController();
    controller.abort();
    const aborted = await new Ollama({ host: fixture.url, fetch: leanHttpFetch(controller.signal) }).list().catch((e: unknown) => e);
    assert.equal(classifyFailure(aborted).kind, 'aborted');
  });

  it('sends a request again once when the server had closed the idle connection it reused, and only then', async () => {
    const server = await startIdleConnectionCloser();
    try {
      const post = () => leanHttpFetch()(`${server.url}/api/chat`, { method: 'POST', body: '{"model":"m"}' }).then((r) => r.json());
      assert.deepEqual(await post(), { ok: true });
      // The second request goes out on the kept-alive connection, which the server resets: sent again on a new one.
      assert.deepEqual(await post(), { ok: true });
      assert.equal(server.resets, 1);
      assert.equal(server.answered, 2);
      // A reset on a new connection is a real failure: reported, not retried for ever.
      server.resetEvery = true;
      const failed = await post().catch((e: unknown) => e);
      assert.equal(classifyFailure(failed).kind, 'dropped');
    } finally {
      await server.close();
    }
  });
});
