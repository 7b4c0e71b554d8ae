/**
 * The scripted Ollama fixture, driven by the real `ollama` npm client: if the
 * client cannot tell it from Ollama, every test built on it exercises the same
 * code paths a user's Ollama would.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Ollama } from 'ollama';
import { startOllamaFixture, type OllamaFixture, type RecordedRequest } from '../fixtures/ollamaFixture';

describe('ollama fixture', () => {
  let fixture: OllamaFixture;
  let client: Ollama;

  beforeEach(async () => {
    fixture = await startOllamaFixture();
    client = new Ollama({ host: fixture.url });
  });

  afterEach(async () => {
    await fixture.close();
  });

  it('lists its models with Ollama details', async () => {
    const list = await client.list();
    assert.deepEqual(
      list.models.map((m) => m.name),
      ['qwen2.5-coder:7b', 'llama3.2:3b'],
    );
    const qwen = list.models[0];
    assert.equal(qwen.details.family, 'qwen2');
    assert.equal(qwen.details.quantization_level, 'Q4_K_M');
    assert.ok(qwen.size > 0);
    assert.match(qwen.digest, /^[0-9a-f]{64}$/);
    assert.equal((await client.version()).version.split('.').length, 3);
  });

  it('shows context length, template and capabilities', async () => {
    const show = await client.show({ model: 'qwen2.5-coder:7b' });
    const info = show.model_info as unknown as Record<string, unknown>;
    assert.equal(info['qwen2.context_length'], 32768);
    assert.deepEqual(show.capabilities, ['completion', 'tools', 'insert']);
    assert.match(show.template, /\{\{ \.Suffix \}\}/);
    const llama = await client.show({ model: 'llama3.2:3b' });
    assert.ok(!llama.capabilities.includes('insert'));
  });

  it('streams a chat answer that reassembles to the scripted text, with timing in nanoseconds', async () => {
    fixture.enqueue({ kind: 'text', text: 'Hello there, world.', tokenDelayMs: 2 });
    const stream = await client.chat({ model: 'qwen2.5-coder:7b', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const pieces: string[] = [];
    let last;
    for await (const chunk of stream) {
      pieces.push(chunk.message.content);
      last = chunk;
    }
    assert.equal(pieces.join(''), 'Hello there, world.');
    assert.ok(pieces.filter((p) => p !== '').length >= 3, 'the answer arrives in several chunks');
    assert.ok(last?.done);
    assert.equal(last?.done_reason, 'stop');
    assert.equal(last?.eval_count, 3);
    assert.ok((last?.total_duration ?? 0) >= 1_000_000, 'total_duration is in nanoseconds');
    const record = await fixture.waitFor((r) => r.path === '/api/chat' && r.outcome === 'completed');
    assert.equal(record.body.messages[0].content, 'hi');
  });

  it('answers stream:false with one object holding the whole content', async () => {
    fixture.enqueue({ kind: 'text', text: 'one two three' });
    const reply = await client.chat({ model: 'llama3.2:3b', messages: [{ role: 'user', content: 'count' }], stream: false });
    assert.equal(reply.message.content, 'one two three');
    assert.equal(reply.done, true);
  });

  it('echoes the last user message when nothing is scripted', async () => {
    const reply = await client.chat({ model: 'llama3.2:3b', messages: [{ role: 'user', content: 'ping pong' }] });
    assert.equal(reply.message.content, 'Echo: ping pong');
  });

  it('returns tool calls and records the tools the client sent', async () => {
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'src/a.ts' } }] });
    const tools = [{ type: 'function', function: { name: 'read_file', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } } }];
    const stream = await client.chat({ model: 'qwen2.5-coder:7b', messages: [{ role: 'user', content: 'read a' }], tools, stream: true });
    const calls = [];
    for await (const chunk of stream) calls.push(...(chunk.message.tool_calls ?? []));
    assert.deepEqual(calls.map((c) => c.function), [{ index: 0, name: 'read_file', arguments: { path: 'src/a.ts' } }]);
    assert.equal(fixture.requests.find((r) => r.path === '/api/chat')?.body.tools[0].function.name, 'read_file');
  });

  it('refuses tools for a model without the tools capability, in Ollama\'s words', async () => {
    fixture.setModels([{ name: 'plain:1b', capabilities: ['completion'] }]);
    await assert.rejects(
      client.chat({ model: 'plain:1b', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'f' } }] }),
      (err: Error & { status_code?: number }) => {
        assert.equal(err.status_code, 400);
        assert.equal(err.message, 'registry.ollama.ai/library/plain:1b does not support tools');
        return true;
      },
    );
  });

  it('generates with a suffix for a fill-in-the-middle model', async () => {
    fixture.enqueue({ kind: 'text', text: 'return a + b;' });
    const stream = await client.generate({ model: 'qwen2.5-coder:7b', prompt: 'function add(a, b) {\n  ', suffix: '\n}', stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.response;
    assert.equal(text, 'return a + b;');
    const record = fixture.requests.find((r) => r.path === '/api/generate');
    assert.equal(record?.body.suffix, '\n}');
    await assert.rejects(client.generate({ model: 'llama3.2:3b', prompt: 'a', suffix: 'b' }), /llama3\.2:3b does not support insert/);
  });

  it('surfaces an unknown model as the client\'s ResponseError with status 404', async () => {
    await assert.rejects(client.chat({ model: 'nope:1b', messages: [{ role: 'user', content: 'x' }], stream: true }), (err: Error & { status_code?: number }) => {
      assert.equal(err.name, 'ResponseError');
      assert.equal(err.status_code, 404);
      assert.equal(err.message, "model 'nope:1b' not found");
      return true;
    });
    await assert.rejects(client.generate({ model: 'nope:1b', prompt: 'x' }), (err: Error & { status_code?: number }) => err.status_code === 404 && err.message === "model 'nope:1b' not found");
    await assert.rejects(client.chat({ model: '', messages: [{ role: 'user', content: 'x' }] }), (err: Error & { status_code?: number }) => err.status_code === 400 && err.message === 'model is required');
    await assert.rejects(client.show({ model: 'nope:1b' }), /model 'nope:1b' not found/);
  });

  it('resolves names whatever their case and lists the loaded model under its installed name, as Ollama does', async () => {
    // routes.go getExistingName matches each part of a name with strings.EqualFold.
    const reply = await client.chat({ model: 'Llama3.2:3B', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(reply.model, 'Llama3.2:3B', 'the answer names the model as asked');
    assert.deepEqual((await client.ps()).models.map((m) => m.name), ['llama3.2:3b']);
    assert.equal((await client.show({ model: 'QWEN2.5-coder:7b' })).capabilities?.includes('insert'), true);
    // ShowHandler names a missing model as DisplayShortest does: always with its tag.
    await assert.rejects(client.show({ model: 'nope' }), (err: Error) => err.message === "model 'nope:latest' not found");
  });

  it('refuses chat and generate on a model without the completion capability, naming it as asked', async () => {
    fixture.setModels([{ name: 'nomic-embed-text:latest', capabilities: ['embedding'] }]);
    // routes.go ChatHandler/GenerateHandler: errCapabilityCompletion becomes `%q does not support chat` (or generate).
    await assert.rejects(client.chat({ model: 'nomic-embed-text', messages: [{ role: 'user', content: 'x' }] }), (err: Error & { status_code?: number }) => err.status_code === 400 && err.message === '"nomic-embed-text" does not support chat');
    await assert.rejects(client.generate({ model: 'nomic-embed-text', prompt: 'x' }), (err: Error & { status_code?: number }) => err.status_code === 400 && err.message === '"nomic-embed-text" does not support generate');
    assert.equal(fixture.loads.length, 0, 'nothing was loaded');
  });

  it('decodes keep_alive as Go does: a zero duration string unloads, a bad one is a 400 before anything else', async () => {
    await client.chat({ model: 'llama3.2:3b', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal((await client.ps()).models.length, 1);
    // The unload is answered before think is checked: llama3.2 cannot think, yet this is not refused.
    const unloaded = await client.chat({ model: 'llama3.2:3b', messages: [], keep_alive: '0s', think: true });
    assert.equal(unloaded.done_reason, 'unload');
    assert.equal((await client.ps()).models.length, 0);
    await assert.rejects(client.generate({ model: 'llama3.2:3b', prompt: 'x', keep_alive: '30' }), (err: Error & { status_code?: number }) => err.status_code === 400 && err.message === 'time: missing unit in duration "30"');
    await assert.rejects(client.generate({ model: 'nope:1b', prompt: 'x', keep_alive: '5 minutes' }), (err: Error & { status_code?: number }) => err.status_code === 400 && err.message === 'time: unknown unit " minutes" in duration "5 minutes"');
    const kept = await client.chat({ model: 'llama3.2:3b', messages: [], keep_alive: '-1m' });
    assert.equal(kept.done_reason, 'load');
    const expiry = async () => Date.parse((await client.ps()).models[0].expires_at as unknown as string);
    assert.ok((await expiry()) > Date.UTC(2100, 0, 1), 'a negative duration keeps it loaded');
    // A request without keep_alive keeps the runner's duration (sched.go useLoadedRunner); one with it replaces it.
    await client.chat({ model: 'llama3.2:3b', messages: [{ role: 'user', content: 'hi' }] });
    assert.ok((await expiry()) > Date.UTC(2100, 0, 1), 'still kept after a request without keep_alive');
    await client.chat({ model: 'llama3.2:3b', messages: [{ role: 'user', content: 'hi' }], keep_alive: '30m' });
    assert.ok((await expiry()) < Date.now() + 31 * 60_000);
  });

  it('gives a vision model at least 2048 tokens of context, and no token context to a raw generate', async () => {
    fixture.setModels([{ name: 'gemma3:4b', contextLength: 131072, capabilities: ['completion', 'vision'] }, { name: 'llama3.2:3b' }]);
    await client.chat({ model: 'gemma3:4b', messages: [{ role: 'user', content: 'hi' }], options: { num_ctx: 512 } });
    assert.equal(((await client.ps()).models[0] as unknown as { context_length: number }).context_length, 2048, 'sched.go getRunner raises a multimodal model to 2048');
    await client.chat({ model: 'gemma3:4b', messages: [{ role: 'user', content: 'hi' }], options: { num_ctx: 1024 } });
    assert.equal(fixture.reloadCount, 0, 'both requests meant the same runner');
    const raw = await client.generate({ model: 'llama3.2:3b', prompt: 'x', raw: true });
    assert.equal(raw.context, undefined);
    assert.ok((await client.generate({ model: 'llama3.2:3b', prompt: 'x' })).context?.length);
  });

  it('answers a failed pull with stream:false as an HTTP 500, and a streamed one as an error line after its progress', async () => {
    // routes.go PullHandler: waitForStream turns the error into c.JSON(500, …); streamResponse writes it as a line once progress was sent.
    await assert.rejects(client.pull({ model: 'missing:1b', stream: false }), (err: Error & { status_code?: number }) => err.status_code === 500 && err.message === 'pull model manifest: file does not exist');
    const lines: unknown[] = [];
    await assert.rejects(
      (async () => {
        for await (const line of await client.pull({ model: 'missing:1b', stream: true })) lines.push(line);
      })(),
      /pull model manifest: file does not exist/,
    );
    assert.deepEqual(lines, [{ status: 'pulling manifest' }]);
  });

  it('passes scripted HTTP errors through', async () => {
    fixture.enqueue({ kind: 'error', status: 500, error: 'llama runner process has terminated: exit status 2' });
    await assert.rejects(client.chat({ model: 'llama3.2:3b', messages: [{ role: 'user', content: 'hi' }] }), (err: Error & { status_code?: number }) => {
      assert.equal(err.status_code, 500);
      assert.match(err.message, /llama runner process has terminated/);
      return true;
    });
  });

  it('records an abort when the client closes a stream before it finished', async () => {
    fixture.enqueue({ kind: 'text', text: 'a b c d e f g h i j k l m n o p', tokenDelayMs: 50 });
    const stream = await client.chat({ model: 'llama3.2:3b', messages: [{ role: 'user', content: 'slow' }], stream: true });
    const received: string[] = [];
    const aborted = (async () => {
      try {
        for await (const chunk of stream) {
          received.push(chunk.message.content);
          if (received.length === 2) stream.abort();
        }
      } catch (err) {
        return (err as Error).name;
      }
      return 'no error';
    })();
    assert.equal(await aborted, 'AbortError');
    const record = await fixture.waitFor((r) => r.path === '/api/chat' && r.outcome === 'aborted');
    assert.ok(record.tokensSent < 16, 'the fixture stopped writing after the abort');
  });

  it('records an abort of a request that hangs before any header', async () => {
    fixture.enqueue({ kind: 'hang' });
    const controller = new AbortController();
    const hanging = new Ollama({ host: fixture.url, fetch: (url, init) => fetch(url, { ...init, signal: controller.signal }) });
    const pending = hanging.chat({ model: 'llama3.2:3b', messages: [{ role: 'user', content: 'x' }], stream: true });
    await fixture.waitFor((r) => r.path === '/api/chat');
    controller.abort();
    await assert.rejects(pending, { name: 'AbortError' });
    const record = await fixture.waitFor((r) => r.path === '/api/chat' && r.outcome === 'aborted', 500);
    assert.equal(record.tokensSent, 0);
  });

  it('drops the connection mid-stream after the scripted tokens', async () => {
    fixture.enqueue({ kind: 'drop', text: 'partial answer that never ends', afterTokens: 2 });
    const stream = await client.chat({ model: 'llama3.2:3b', messages: [{ role: 'user', content: 'x' }], stream: true });
    let text = '';
    await assert.rejects(async () => {
      for await (const chunk of stream) text += chunk.message.content;
    });
    assert.equal(text, 'partial answer');
    assert.equal(fixture.requests.find((r) => r.path === '/api/chat')?.outcome, 'dropped');
  });

  it('delays the first token when asked', async () => {
    fixture.enqueue({ kind: 'text', text: 'late', firstTokenDelayMs: 120 });
    const started = Date.now();
    await client.chat({ model: 'llama3.2:3b', messages: [{ role: 'user', content: 'x' }] });
    assert.ok(Date.now() - started >= 110);
    const record = fixture.requests.find((r) => r.path === '/api/chat');
    assert.ok(record?.firstTokenAt !== undefined && record.firstTokenAt - record.receivedAt >= 110);
  });

  it('forgets its request log on demand while a reply streams on and still updates its own record', async () => {
    fixture.enqueue({ kind: 'text', text: 'one two three four five', tokenDelayMs: 5 });
    const stream = await client.chat({ model: 'qwen2.5-coder:7b', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const pieces: string[] = [];
    let record: RecordedRequest | undefined;
    for await (const chunk of stream) {
      if (record === undefined) {
        record = fixture.requests.find((r) => r.path === '/api/chat');
        fixture.forgetRequests();
        assert.equal(fixture.requests.length, 0);
      }
      pieces.push(chunk.message.content);
    }
    assert.equal(pieces.join(''), 'one two three four five');
    // Out of the log, the record still changed as the reply went on.
    assert.equal(record?.outcome, 'completed');
    assert.ok((record?.tokensSent ?? 0) >= 3, `${record?.tokensSent} tokens recorded`);
    // What arrives afterwards is logged as before.
    await client.list();
    assert.deepEqual(fixture.requests.map((r) => r.path), ['/api/tags']);
  });

  it('uses a responder when the queue is empty', async () => {
    fixture.setResponder((req) => ({ kind: 'text', text: `model was ${req.body.model}` }));
    const reply = await client.chat({ model: 'llama3.2:3b', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(reply.message.content, 'model was llama3.2:3b');
  });
});

describe('ollama fixture as a standalone process', () => {
  it('prints its URL and can be scripted over HTTP', async function () {
    this.timeout(10_000);
    const main = fileURLToPath(new URL('../fixtures/ollamaFixture.main.mjs', import.meta.url));
    const child = spawn(process.execPath, [main, '--port', '0', '--token-delay-ms', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /OLLAMA_FIXTURE_URL=(\S+)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.once('exit', (code) => reject(new Error(`fixture process exited with ${code}`)));
      });
      const enqueued = await fetch(`${url}/__fixture/enqueue`, { method: 'POST', body: JSON.stringify([{ kind: 'text', text: 'from another process' }]) });
      assert.equal(enqueued.status, 200);
      const reply = await new Ollama({ host: url }).chat({ model: 'llama3.2:3b', messages: [{ role: 'user', content: 'x' }] });
      assert.equal(reply.message.content, 'from another process');
      const requests = (await (await fetch(`${url}/__fixture/requests`)).json()) as { path: string; outcome: string }[];
      assert.deepEqual(requests.map((r) => [r.path, r.outcome]), [['/api/chat', 'completed']]);
      const loads = (await (await fetch(`${url}/__fixture/loads`)).json()) as { loads: { model: string; kind: string }[]; reloadCount: number };
      assert.deepEqual(loads.loads.map((l) => [l.model, l.kind]), [['llama3.2:3b', 'cold']]);
      assert.equal(loads.reloadCount, 0);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
