/**
 * The fixture's model of Ollama's thinking, scheduling and loading
 * (test/fixtures/ollama/thinkGate.ts and runnerTable.ts), driven by the real
 * `ollama` npm client: the integration tests rely on it behaving as
 * server/routes.go and server/sched.go do.
 */
import assert from 'node:assert/strict';
import { Ollama } from 'ollama';
import { DEFAULT_MODELS, GPT_OSS, QWEN3, startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';

const CODER = 'qwen2.5-coder:7b';

describe('ollama fixture: thinking, runners and loads', () => {
  let fixture: OllamaFixture;
  let client: Ollama;

  beforeEach(async () => {
    fixture = await startOllamaFixture({ models: [...DEFAULT_MODELS, QWEN3, GPT_OSS] });
    client = new Ollama({ host: fixture.url });
  });

  afterEach(async () => {
    await fixture.close();
  });

  async function chatChunks(request: Parameters<Ollama['chat']>[0]) {
    const stream = await client.chat({ ...request, stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    return chunks;
  }

  it('streams reasoning as message.thinking chunks with empty content before the answer when think is omitted', async () => {
    fixture.enqueue({ kind: 'text', thinking: 'Two plus two is four.', text: 'It is 4.' });
    const chunks = await chatChunks({ model: QWEN3.name, messages: [{ role: 'user', content: '2+2?' }] });
    const firstContent = chunks.findIndex((c) => c.message.content !== '');
    const thinkingChunks = chunks.filter((c) => c.message.thinking);
    assert.equal(thinkingChunks.map((c) => c.message.thinking).join(''), 'Two plus two is four.');
    assert.ok(thinkingChunks.every((c) => c.message.content === ''), 'reasoning chunks carry no content');
    assert.ok(chunks.indexOf(thinkingChunks[thinkingChunks.length - 1]) < firstContent, 'all reasoning comes before the answer');
    assert.equal(chunks.map((c) => c.message.content).join(''), 'It is 4.');
    assert.equal(fixture.requests.find((r) => r.path === '/api/chat')?.thinks, true);
  });

  it('sends no reasoning with think:false, and refuses think:true on a model without the capability with Ollama\'s 400', async () => {
    fixture.enqueue({ kind: 'text', thinking: 'Hidden.', text: 'Four.' });
    const chunks = await chatChunks({ model: QWEN3.name, messages: [{ role: 'user', content: '2+2?' }], think: false });
    assert.ok(chunks.every((c) => !c.message.thinking));
    assert.equal(chunks.map((c) => c.message.content).join(''), 'Four.');

    await assert.rejects(client.chat({ model: 'llama3.2:3b', messages: [{ role: 'user', content: 'hi' }], think: true }), (err: Error & { status_code?: number }) => {
      assert.equal(err.status_code, 400);
      assert.equal(err.message, '"llama3.2:3b" does not support thinking');
      return true;
    });
    // think:false is accepted by every model; the refusal above loaded nothing.
    fixture.enqueue({ kind: 'text', text: 'Hello.' });
    await chatChunks({ model: 'llama3.2:3b', messages: [{ role: 'user', content: 'hi' }], think: false });
    assert.deepEqual(fixture.loads.map((l) => l.model), [QWEN3.name, 'llama3.2:3b']);
  });

  it('takes think levels for a gpt-oss model, which reasons even with think:false, and rejects an unknown level', async () => {
    fixture.enqueue({ kind: 'text', thinking: 'Briefly.', text: 'Done.' });
    await chatChunks({ model: GPT_OSS.name, messages: [{ role: 'user', content: 'go' }], think: 'low' });
    fixture.enqueue({ kind: 'text', thinking: 'Still reasoning.', text: 'Done.' });
    const chunks = await chatChunks({ model: GPT_OSS.name, messages: [{ role: 'user', content: 'go' }], think: false });
    assert.equal(chunks.map((c) => c.message.thinking ?? '').join(''), 'Still reasoning.');
    const chats = fixture.requests.filter((r) => r.path === '/api/chat');
    assert.deepEqual(chats.map((r) => r.thinkLevel), ['low', 'medium']);
    const res = await fetch(`${fixture.url}/api/chat`, { method: 'POST', body: JSON.stringify({ model: GPT_OSS.name, messages: [{ role: 'user', content: 'x' }], think: 'extreme' }) });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: string }).error, /invalid think value: "extreme"/);
  });

  it('counts reasoning against num_predict: a short limit ends with done_reason length and no answer', async () => {
    fixture.enqueue({ kind: 'text', thinking: 'one two three four five six seven eight', text: 'answer' });
    const stream = await client.generate({ model: QWEN3.name, prompt: 'x', stream: true, options: { num_predict: 4 } });
    let response = '';
    let thinking = '';
    let reason: string | undefined;
    for await (const part of stream) {
      response += part.response;
      thinking += part.thinking ?? '';
      if (part.done) reason = part.done_reason;
    }
    assert.equal(response, '');
    assert.equal(thinking, 'one two three four');
    assert.equal(reason, 'length');
  });

  it('reloads a model only when the runner options differ, as sched.go needsReload decides, and reports context_length in /api/ps', async () => {
    const chat = (options?: Record<string, unknown>) => chatChunks({ model: CODER, messages: [{ role: 'user', content: 'hi' }], options });
    await chat(); // cold, automatic num_ctx (4096 here)
    assert.equal((await client.ps()).models[0] && ((await client.ps()).models[0] as unknown as { context_length: number }).context_length, 4096);
    await chat(); // automatic on both sides: no reload
    await chat({ num_ctx: 4096 }); // explicit but equal to the loaded context: no reload
    assert.equal(fixture.reloadCount, 0);
    await chat({ num_ctx: 8192 }); // differs: reload
    await chat(); // automatic (4096) against an explicit 8192 runner: reload again
    assert.deepEqual(
      fixture.loads.map((l) => [l.kind, l.numCtx]),
      [['cold', 4096], ['reload', 8192], ['reload', 4096]],
    );
    assert.deepEqual(fixture.requests.filter((r) => r.path === '/api/chat').map((r) => r.load), ['cold', 'warm', 'warm', 'reload', 'reload']);
    await chat({ num_ctx: 1_000_000 }); // clamped to the trained 32768
    const ps = (await client.ps()).models as unknown as { name: string; context_length: number }[];
    assert.deepEqual(ps.map((m) => [m.name, m.context_length]), [[CODER, 32768]]);
  });

  it('holds the first byte of a cold load for the load delay and reports it as load_duration', async () => {
    fixture.setModels([{ ...DEFAULT_MODELS[0], loadDelayMs: 300 }]);
    fixture.enqueue({ kind: 'text', text: 'ok' }, { kind: 'text', text: 'ok' });
    const started = Date.now();
    const chunks = await chatChunks({ model: CODER, messages: [{ role: 'user', content: 'hi' }] });
    const first = fixture.requests.find((r) => r.path === '/api/chat')!;
    assert.ok(first.firstTokenAt! - started >= 290, `first byte after ${first.firstTokenAt! - started} ms`);
    assert.ok((chunks[chunks.length - 1].load_duration ?? 0) >= 290e6);
    await chatChunks({ model: CODER, messages: [{ role: 'user', content: 'again' }] });
    assert.equal(fixture.requests.filter((r) => r.path === '/api/chat')[1].load, 'warm');
  });
});
