/**
 * The team server's direct model transport: a backend's reply parsed line by
 * line off the socket must reach the agent core exactly as the `ollama`
 * client would have delivered it (the same chunks, the same failures), and
 * the per-turn work it replaced (tool schemas parsed and counted again on
 * every turn) must give the same answers from its caches.
 */
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ollama } from 'ollama';
import { classifyFailure } from '../../agent-host/core/errorMapping';
import { streamModelReply } from '../../agent-host/core/streamModelReply';
import { StreamingOllama } from '../../agent-host/core/streamingOllama';
import { createFimCompleter } from '../../agent-host/completion/createFimCompleter';
import type { FimReadyModel } from '../../agent-host/completion/fimTypes';
import { estimateTokens } from '../../agent-host/core/tokenEstimate';
import { toolsTokens } from '../../agent-host/core/toolsTokens';
import { toOllamaTool } from '../../agent-host/core/toOllamaMessages';
import { NdjsonModelStream } from '../../agent-host/server/backends/ndjsonModelStream';
import { decodeChatStart } from '../../protocol/grpc/decodeChat';
import { encodeChatStart } from '../../protocol/grpc/encodeChat';
import type { ChatStart__Output } from '../../protocol/generated/hearth/v1/ChatStart';
import { BUILTIN_TOOL_LIST, type ToolDefinition } from '../../protocol/tools';

type Chunk = Record<string, unknown>;
const line = (chunk: Chunk) => `${JSON.stringify(chunk)}\n`;
const token = (content: string): Chunk => ({ model: 'm', created_at: '2026-12-01T00:00:00Z', message: { role: 'assistant', content }, done: false });
const final: Chunk = { model: 'm', created_at: '2026-12-01T00:00:00Z', message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop', prompt_eval_count: 12, eval_count: 3 };

/** What a reader of the stream ends up with: the chunks, then the failure's message if it failed. */
async function readAll(stream: AsyncIterable<Chunk>): Promise<{ chunks: Chunk[]; error?: string }> {
  const chunks: Chunk[] = [];
  try {
    for await (const c of stream) chunks.push(c);
    return { chunks };
  } catch (err) {
    return { chunks, error: (err as Error).message };
  }
}

/** The body through NdjsonModelStream, written in pieces cut at every `cut` characters (lines split mid-way). */
async function viaDirect(body: string, cut: number): Promise<{ chunks: Chunk[]; error?: string; finals: (Chunk | undefined)[] }> {
  const finals: (Chunk | undefined)[] = [];
  const stream = new NdjsonModelStream({ cancel: () => undefined }, { finished: (f) => finals.push(f) });
  const reading = readAll(stream);
  for (let i = 0; i < body.length; i += cut) {
    stream.write(body.slice(i, i + cut));
    await new Promise((r) => setImmediate(r));
  }
  stream.end();
  return { ...(await reading), finals };
}

describe('team server: direct model stream', () => {
  let server: http.Server;
  let body = '';
  let ollama: Ollama;

  before(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      res.setHeader('content-type', 'application/x-ndjson');
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    ollama = new Ollama({ host: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  });
  after(() => server.close());

  /** The same body through the real `ollama` client, over HTTP. */
  async function viaClient(text: string): Promise<{ chunks: Chunk[]; error?: string }> {
    body = text;
    return readAll((await ollama.chat({ model: 'm', messages: [], stream: true })) as unknown as AsyncIterable<Chunk>);
  }

  const bodies: Record<string, string> = {
    'a whole reply': [token('Hel'), token('lo'), token(' ünïcode ✓'), final].map(line).join(''),
    'an error line after two tokens': [token('a'), token('b')].map(line).join('') + line({ error: 'model runner has unexpectedly stopped' }) + line(final),
    'a reply cut off before its final line': [token('a'), token('b')].map(line).join(''),
    'a line that is not JSON between tokens': line(token('a')) + 'not json\n' + line(token('b')) + line(final),
    'a final line without its newline': line(token('a')) + JSON.stringify(final),
    'bytes after the final line': [token('a'), final].map(line).join('') + line(token('ignored')),
  };

  for (const [name, text] of Object.entries(bodies)) {
    it(`delivers ${name} exactly as the ollama client does`, async () => {
      const expected = await viaClient(text);
      for (const cut of [1, 7, text.length]) {
        const direct = await viaDirect(text, cut);
        assert.deepEqual({ chunks: direct.chunks, ...(direct.error === undefined ? {} : { error: direct.error }) }, expected, `written in pieces of ${cut}`);
        assert.equal(direct.finals.length, 1, 'the reply is reported finished exactly once');
        assert.deepEqual(direct.finals[0], expected.error ? undefined : final, 'the final chunk (its token counts) is reported only for a complete reply');
      }
    });
  }

  it('a reply cut off reads to the core as a dropped connection, as with the client', async () => {
    const direct = await viaDirect(bodies['a reply cut off before its final line'], 5);
    assert.equal(classifyFailure(new Error(direct.error)).kind, 'dropped');
  });

  it('a cancel fails the waiting read with an AbortError, stops the source and reports the reply finished once', async () => {
    let cancelled = 0;
    const finals: (Chunk | undefined)[] = [];
    const stream = new NdjsonModelStream({ cancel: () => cancelled++ }, { finished: (f) => finals.push(f) });
    stream.write(line(token('a')));
    const iterator = stream[Symbol.asyncIterator]();
    assert.deepEqual((await iterator.next()).value, token('a'));
    const waiting = iterator.next();
    stream.abort();
    await assert.rejects(waiting, (err: Error) => err.name === 'AbortError' && classifyFailure(err).kind === 'aborted');
    stream.abort();
    stream.write(line(token('late')));
    assert.equal(cancelled, 1);
    assert.deepEqual(finals, [undefined]);
  });

  it('a reader that stops early cancels the reply instead of leaving it streaming', async () => {
    let cancelled = 0;
    const stream = new NdjsonModelStream({ cancel: () => cancelled++ }, { finished: () => undefined });
    stream.write([token('a'), token('b')].map(line).join(''));
    for await (const c of stream) {
      assert.deepEqual(c, token('a'));
      break;
    }
    assert.equal(cancelled, 1);
  });

  it('pauses the source when the reader falls far behind and resumes it once the reader catches up', async () => {
    const calls: string[] = [];
    const stream = new NdjsonModelStream({ cancel: () => undefined, pause: () => calls.push('pause'), resume: () => calls.push('resume') }, { finished: () => undefined });
    for (let i = 0; i < 300; i++) stream.write(line(token(String(i))));
    assert.deepEqual(calls, ['pause']);
    stream.write(line(final));
    const read = await readAll(stream);
    assert.equal(read.chunks.length, 301, 'nothing is lost while paused');
    assert.deepEqual(calls, ['pause', 'resume']);
  });
});

describe('team server: a reader behind a busy server catches up', () => {
  /** The core's own reply reader over a direct stream the test writes into. */
  function replyOver(stream: NdjsonModelStream) {
    const client = new StreamingOllama({ host: 'http://backend.invalid' }, async () => stream, undefined);
    return streamModelReply(client, { model: 'm', messages: [] }, new AbortController().signal, false);
  }
  const thought = (thinking: string): Chunk => ({ ...token(''), message: { role: 'assistant', content: '', thinking } });

  it('takes every token that already arrived as one event, keeping thinking before text, and the reply whole', async () => {
    const stream = new NdjsonModelStream({ cancel: () => undefined }, { finished: () => undefined });
    // Everything arrived while the turn waited for the CPU: the first read finds it all queued.
    stream.write([thought('plan '), thought('it'), token('Hel'), token('lo'), token(' there'), final].map(line).join(''));
    const reply = replyOver(stream);
    const events: unknown[] = [];
    let step = await reply.next();
    for (; !step.done; step = await reply.next()) events.push(step.value);
    assert.deepEqual(events, [
      { type: 'thinking', delta: 'plan it' },
      { type: 'text', delta: 'Hello there' },
    ]);
    assert.equal(step.value.content, 'Hello there');
    assert.equal(step.value.thinking, 'plan it');
    assert.equal(step.value.usage?.completionTokens, 3, 'the final chunk, taken with the rest, still gives the usage');
  });

  it('a reader that keeps up still sees each token as its own event, as it comes', async () => {
    const stream = new NdjsonModelStream({ cancel: () => undefined }, { finished: () => undefined });
    const reply = replyOver(stream);
    const seen: unknown[] = [];
    for (const t of ['a', 'b', 'c']) {
      const next = reply.next();
      stream.write(line(token(t)));
      seen.push((await next).value);
    }
    stream.write(line(final));
    assert.equal((await reply.next()).done, true);
    assert.deepEqual(seen, ['a', 'b', 'c'].map((delta) => ({ type: 'text', delta })));
  });

  it('hands over what arrived before a failure, then the failure; and a paused source reads again once taken', async () => {
    const calls: string[] = [];
    const stream = new NdjsonModelStream({ cancel: () => undefined, pause: () => calls.push('pause'), resume: () => calls.push('resume') }, { finished: () => undefined });
    for (let i = 0; i < 300; i++) stream.write(line(token('x')));
    stream.write(line({ error: 'model crashed' }));
    assert.deepEqual(calls, ['pause']);
    const iterator = stream[Symbol.asyncIterator]();
    assert.deepEqual((await iterator.next()).value, token('x'));
    assert.equal(stream.takeReady().length, 299);
    assert.deepEqual(calls, ['pause', 'resume']);
    assert.deepEqual(stream.takeReady(), [], 'the failure is not taken here');
    await assert.rejects(iterator.next(), /model crashed/);
  });
});

describe('team server: inline suggestions on the direct path', () => {
  it('streams /api/generate through the streamer, with the request the completer built, and never through fetch', async () => {
    const seen: { endpoint: string; request: Record<string, unknown> }[] = [];
    const completer = createFimCompleter({
      host: 'http://router.invalid',
      fetch: () => Promise.reject(new Error('the streaming generate must not use fetch')),
      stream: async (endpoint, request) => {
        seen.push({ endpoint, request });
        const reply = new NdjsonModelStream({ cancel: () => undefined }, { finished: () => undefined });
        const part = (response: string, done: boolean): Chunk => ({ model: 'coder', created_at: '2026-12-01T00:00:00Z', response, done, ...(done ? { done_reason: 'stop' } : {}) });
        reply.write([part('return ', false), part('a + b;', false), part('', true)].map(line).join(''));
        return reply;
      },
    });
    const model: FimReadyModel = { status: 'ready', model: 'coder', mode: 'native', contextLength: 8192, stop: [] };
    const chunks = [];
    for await (const c of completer.complete(model, { prefix: 'function add(a, b) {\n  ', suffix: '\n}', maxTokens: 64 }, new AbortController().signal)) chunks.push(c);
    assert.deepEqual(seen.map((s) => [s.endpoint, s.request.model, s.request.stream]), [['generate', 'coder', true]]);
    assert.equal(chunks.filter((c) => c.type === 'text').map((c) => (c as { delta: string }).delta).join(''), 'return a + b;');
    assert.equal(chunks.at(-1)?.type, 'done');
  });
});

describe('team server: per-turn work done once', () => {
  it('counts the tools as the whole JSON does, never fewer tokens, at most one more per tool', () => {
    for (const tools of [BUILTIN_TOOL_LIST, BUILTIN_TOOL_LIST.slice(0, 1), [] as ToolDefinition[]]) {
      const whole = tools.length ? estimateTokens(JSON.stringify(tools.map(toOllamaTool))) : 0;
      const counted = toolsTokens(tools);
      assert.ok(counted >= whole && counted <= whole + tools.length + 1, `${counted} tokens counted for ${whole} (${tools.length} tools)`);
      assert.equal(toolsTokens(tools), counted, 'the cached count is the same');
    }
  });

  it('a tool renamed or redescribed over the same schema object is counted again', () => {
    const [tool] = BUILTIN_TOOL_LIST;
    const longer = { ...tool, description: `${tool.description} ${'More words. '.repeat(50)}` };
    assert.ok(toolsTokens([longer]) > toolsTokens([tool]) + 100);
  });

  it('decodes the same tool schema once: later turns share one frozen object, and an invalid schema is refused every time', () => {
    const start = () => JSON.parse(JSON.stringify(encodeChatStart({ history: [], input: { text: 'hi', context: [] }, model: 'm', tools: BUILTIN_TOOL_LIST }))) as ChatStart__Output;
    const first = decodeChatStart(start());
    const second = decodeChatStart(start());
    assert.equal(second.tools[0].parameters, first.tools[0].parameters, 'the same schema text gives the same object');
    assert.ok(Object.isFrozen(first.tools[0].parameters), 'a shared schema cannot be changed by one turn for the next');
    assert.deepEqual(first.tools.map((t) => t.parameters), BUILTIN_TOOL_LIST.map((t) => t.parameters));
    const invalid = start();
    invalid.tools[0].parameters_json = JSON.stringify({ type: 'array' });
    for (let i = 0; i < 2; i++) assert.throws(() => decodeChatStart(invalid), /must be "object"/);
  });

  it('keeps no copy of a very large schema, so a client cannot fill the server with them, and still decodes it on every turn', () => {
    const big = JSON.stringify({ type: 'object', properties: Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`p${i}`, { type: 'string', description: 'x'.repeat(5_000) }])) });
    const start = () => {
      const s = JSON.parse(JSON.stringify(encodeChatStart({ history: [], input: { text: 'hi', context: [] }, model: 'm', tools: BUILTIN_TOOL_LIST.slice(0, 1) }))) as ChatStart__Output;
      s.tools[0].parameters_json = big;
      return s;
    };
    const first = decodeChatStart(start()).tools[0].parameters;
    const second = decodeChatStart(start()).tools[0].parameters;
    assert.deepEqual(second, JSON.parse(big));
    assert.notEqual(second, first, 'each turn gets its own copy');
  });
});
