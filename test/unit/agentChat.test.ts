/**
 * Plain chat through the agent core, against the scripted Ollama with the
 * real `ollama` client: what the user sees stream in, what happens on Stop,
 * and what they are told when Ollama is down, the model is missing, or the
 * connection drops.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AgentEvent, ChatMessage, UserInput } from '../../protocol/chat';
import { createAgent, HearthException } from '../../agent-host/index';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { only } from '../fixtures/agentEvents';

async function collect(events: AsyncIterable<AgentEvent>, onEvent?: (e: AgentEvent) => void): Promise<AgentEvent[]> {
  const out: AgentEvent[] = [];
  for await (const event of events) {
    out.push(event);
    onEvent?.(event);
  }
  return out;
}

function textOf(events: AgentEvent[]): string {
  return events.map((e) => (e.type === 'text' ? e.delta : '')).join('');
}

const ask = (text: string): UserInput => ({ text, context: [] });

/** A port with nothing listening on it: bind, read the port, close. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('agent chat', () => {
  let fixture: OllamaFixture;

  beforeEach(async () => {
    fixture = await startOllamaFixture();
  });

  afterEach(async () => {
    await fixture.close();
  });

  it('streams the answer in pieces and ends with exactly one done', async () => {
    fixture.enqueue({ kind: 'text', text: 'Use a Map for constant-time lookups.', tokenDelayMs: 1 });
    const agent = createAgent({ host: fixture.url });
    const events = await collect(agent.startTurn([], ask('how do I look things up fast?'), { model: 'qwen2.5-coder:7b' }, new AbortController().signal));
    assert.equal(textOf(events), 'Use a Map for constant-time lookups.');
    assert.ok(only(events, 'text').length >= 3, 'text arrives as several deltas');
    assert.deepEqual(only(events, 'done'), [{ type: 'done', reason: 'stop' }]);
    assert.equal(events[events.length - 1].type, 'done');
    assert.equal(only(events, 'error').length, 0);
  });

  it('reports usage from Ollama\'s final chunk with durations in milliseconds', async () => {
    fixture.enqueue({ kind: 'text', text: 'one two three four', tokenDelayMs: 5 });
    const agent = createAgent({ host: fixture.url });
    const events = await collect(agent.startTurn([], ask('count'), { model: 'llama3.2:3b' }, new AbortController().signal));
    const [usage] = only(events, 'usage');
    assert.ok(usage, 'a usage event is emitted');
    assert.equal(usage.usage.completionTokens, 4);
    assert.ok(usage.usage.promptTokens > 0);
    // Ollama reports nanoseconds; 15 ms of streaming must not show up as 15,000,000.
    assert.ok(usage.usage.totalDurationMs !== undefined && usage.usage.totalDurationMs >= 10 && usage.usage.totalDurationMs < 5000, `totalDurationMs ${usage.usage.totalDurationMs}`);
    // The scripted load takes no time, but Ollama reports the time the scheduling itself took (at least 1 ms here,
    // more on a busy machine): milliseconds, never the 1,000,000 of its nanoseconds.
    assert.ok(usage.usage.loadDurationMs !== undefined && usage.usage.loadDurationMs >= 1 && usage.usage.loadDurationMs < 5000, `loadDurationMs ${usage.usage.loadDurationMs}`);
  });

  it('an Ollama line that never ends stops the answer with a clear error, keeps the text before it and cuts the request', async () => {
    // The ollama client's own NDJSON reader would grow one string (and split it again at every piece) without end.
    fixture.enqueue({ kind: 'endlessLine', text: 'The answer starts' });
    const agent = createAgent({ host: fixture.url });
    const events = await collect(agent.startTurn([], ask('Explain it.'), { model: 'llama3.2:3b' }, new AbortController().signal));
    assert.equal(only(events, 'text').map((e) => e.delta).join(''), 'The answer starts');
    const [error] = only(events, 'error');
    assert.match(error?.error.message ?? '', /^Ollama at http:\/\/127\.0\.0\.1:\d+ sent a line of llama3\.2:3b's answer that did not end, so Hearth stopped reading the answer there \(the server sent a stream line longer than 16 MiB; Hearth stopped reading it\)\. The partial answer is kept/);
    assert.deepEqual(events.at(-1), { type: 'done', reason: 'error' });
    const request = await fixture.waitFor((r) => r.path === '/api/chat' && r.outcome !== 'pending', 5_000);
    assert.equal(request.outcome, 'aborted', 'Hearth hung up on Ollama');
  });

  it('sends the system prompt, the history and the new message with num_ctx set', async () => {
    const history: ChatMessage[] = [
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: 'first answer' },
    ];
    const agent = createAgent({ host: fixture.url });
    await collect(agent.startTurn(history, ask('second question'), { model: 'llama3.2:3b', temperature: 0.2 }, new AbortController().signal));
    const chat = await fixture.waitFor((r) => r.path === '/api/chat');
    const messages = chat.body.messages as { role: string; content: string }[];
    assert.deepEqual(messages.map((m) => m.role), ['system', 'user', 'assistant', 'user']);
    assert.match(messages[0].content, /Hearth/);
    assert.equal(messages[3].content, 'second question');
    // llama3.2 reports 131072 tokens; the default cap keeps the window at 32768.
    assert.equal(chat.body.options.num_ctx, 32768);
    assert.equal(chat.body.options.temperature, 0.2);
    assert.equal(chat.body.tools, undefined, 'plain chat offers no tools');
  });

  it('uses the model\'s own context length when it is below the cap, and asks /api/show only once per model', async () => {
    fixture.setModels([{ name: 'small:1b', contextLength: 8192 }]);
    const agent = createAgent({ host: fixture.url });
    await collect(agent.startTurn([], ask('a'), { model: 'small:1b' }, new AbortController().signal));
    await collect(agent.startTurn([], ask('b'), { model: 'small:1b' }, new AbortController().signal));
    const chats = fixture.requests.filter((r) => r.path === '/api/chat');
    assert.deepEqual(chats.map((r) => r.body.options.num_ctx), [8192, 8192]);
    assert.equal(fixture.requests.filter((r) => r.path === '/api/show').length, 1);
  });

  it('replaces the default system prompt with the caller\'s', async () => {
    const agent = createAgent({ host: fixture.url });
    await collect(agent.startTurn([], ask('x'), { model: 'llama3.2:3b', systemPrompt: 'Only answer in haiku.' }, new AbortController().signal));
    const chat = await fixture.waitFor((r) => r.path === '/api/chat');
    assert.equal(chat.body.messages[0].content, 'Only answer in haiku.');
  });

  it('puts attached context into the user message as fenced code with its path and lines', async () => {
    const agent = createAgent({ host: fixture.url });
    const input: UserInput = {
      text: 'why does this fail?',
      context: [{ kind: 'selection', path: 'src/math.ts', range: { startLine: 3, endLine: 4 }, text: 'export const add = (a, b) => a - b;\n', languageId: 'typescript' }],
    };
    await collect(agent.startTurn([], input, { model: 'llama3.2:3b' }, new AbortController().signal));
    const chat = await fixture.waitFor((r) => r.path === '/api/chat');
    const sent = chat.body.messages.at(-1).content as string;
    assert.match(sent, /src\/math\.ts \(lines 3-4\)/);
    assert.match(sent, /```typescript\nexport const add = \(a, b\) => a - b;\n```/);
    assert.ok(sent.endsWith('why does this fail?'));
  });

  it('passes a length cut-off through as done reason length', async () => {
    fixture.enqueue({ kind: 'text', text: 'a very long', doneReason: 'length' });
    const agent = createAgent({ host: fixture.url });
    const events = await collect(agent.startTurn([], ask('x'), { model: 'llama3.2:3b' }, new AbortController().signal));
    assert.deepEqual(only(events, 'done'), [{ type: 'done', reason: 'length' }]);
  });

  it('aborts the HTTP request at once on cancel and keeps the partial text', async () => {
    fixture.enqueue({ kind: 'text', text: Array.from({ length: 60 }, (_, i) => `word${i}`).join(' '), tokenDelayMs: 40 });
    const agent = createAgent({ host: fixture.url });
    const controller = new AbortController();
    let abortedAt = 0;
    const events = await collect(agent.startTurn([], ask('talk a lot'), { model: 'llama3.2:3b' }, controller.signal), (e) => {
      if (e.type === 'text' && abortedAt === 0 && textOf([e]).includes('word1')) {
        abortedAt = Date.now();
        controller.abort();
      }
    });
    const record = await fixture.waitFor((r) => r.path === '/api/chat' && r.outcome === 'aborted', 1000);
    assert.ok(record.finishedAt! - abortedAt <= 100, `the fixture saw the abort ${record.finishedAt! - abortedAt} ms after it`);
    assert.ok(record.tokensSent < 10, 'the model stopped streaming');
    assert.match(textOf(events), /^word0 word1/);
    assert.deepEqual(only(events, 'done'), [{ type: 'done', reason: 'cancelled' }]);
    assert.equal(only(events, 'error').length, 0, 'a cancel is not an error');
  });

  it('aborts a request that is still waiting for its first token', async () => {
    fixture.enqueue({ kind: 'hang' });
    const agent = createAgent({ host: fixture.url });
    const controller = new AbortController();
    const turn = collect(agent.startTurn([], ask('x'), { model: 'llama3.2:3b' }, controller.signal));
    await fixture.waitFor((r) => r.path === '/api/chat');
    const abortedAt = Date.now();
    controller.abort();
    const events = await turn;
    const record = await fixture.waitFor((r) => r.path === '/api/chat' && r.outcome === 'aborted', 1000);
    assert.ok(record.finishedAt! - abortedAt <= 100);
    // Nothing but the context meter's reading came before the cancel.
    assert.deepEqual(events.filter((e) => e.type !== 'context'), [{ type: 'done', reason: 'cancelled' }]);
  });

  it('tells the user how to start Ollama when nothing listens at the host', async () => {
    const host = `http://127.0.0.1:${await closedPort()}`;
    const agent = createAgent({ host });
    const events = await collect(agent.startTurn([], ask('x'), { model: 'llama3.2:3b' }, new AbortController().signal));
    const [error] = only(events, 'error');
    assert.equal(error.error.code, 'ollamaUnreachable');
    assert.ok(error.error.message.includes(host), error.error.message);
    assert.match(error.error.message, /`ollama serve`/);
    assert.match(error.error.message, /hearth\.ollama\.host/);
    assert.match(error.error.message, /connection refused/);
    assert.equal(error.error.host, host);
    assert.deepEqual(events.at(-1), { type: 'done', reason: 'error' });
    await assert.rejects(agent.listModels(), (err: unknown) => err instanceof HearthException && err.error.code === 'ollamaUnreachable' && err.message.includes(host));
  });

  it('names the installed models and the pull command when the model is missing', async () => {
    const agent = createAgent({ host: fixture.url });
    const events = await collect(agent.startTurn([], ask('x'), { model: 'codellama:13b' }, new AbortController().signal));
    const [error] = only(events, 'error');
    assert.equal(error.error.code, 'modelNotFound');
    assert.deepEqual(error.error.installedModels, ['qwen2.5-coder:7b', 'llama3.2:3b']);
    assert.match(error.error.message, /qwen2\.5-coder:7b, llama3\.2:3b/);
    assert.match(error.error.message, /`ollama pull codellama:13b`/);
    assert.equal(error.error.model, 'codellama:13b');
    assert.deepEqual(events.at(-1), { type: 'done', reason: 'error' });
  });

  it('a model name Ollama cannot parse is called invalid, with the installed models and no pull to offer', async () => {
    // Ollama answers such a name with 400 "invalid model name" from /api/show and /api/chat alike (routes.go writeModelRefParseError).
    const agent = createAgent({ host: fixture.url });
    const events = await collect(agent.startTurn([], ask('x'), { model: 'llama 3.2' }, new AbortController().signal));
    const [error] = only(events, 'error');
    assert.equal(error.error.code, 'modelNotFound');
    assert.match(error.error.message, /^"llama 3\.2" is not a valid model name, so Ollama at http:\/\/127\.0\.0\.1:\d+ refused it \("invalid model name"\)\..*no spaces\. Installed models: qwen2\.5-coder:7b, llama3\.2:3b\. Pick an installed model, or correct the model name in your Hearth settings\.$/);
    assert.doesNotMatch(error.error.message, /ollama pull|not installed/);
    assert.deepEqual(error.error.installedModels, ['qwen2.5-coder:7b', 'llama3.2:3b']);
    assert.equal(error.error.pullable, undefined, 'no download is offered for a name that cannot exist');
    assert.equal(error.error.retryable, false, 'the same name would be refused again');
    const chat = fixture.requests.find((r) => r.path === '/api/chat');
    assert.equal(chat?.outcome, 'error');
    assert.deepEqual(chat?.reply, { kind: 'error', status: 400, error: 'invalid model name' });
    assert.deepEqual(events.at(-1), { type: 'done', reason: 'error' });
  });

  it('reports a 404 from chat itself (model deleted after /api/show) the same way', async () => {
    fixture.enqueue({ kind: 'error', status: 404, error: 'model "llama3.2:3b" not found, try pulling it first' });
    const agent = createAgent({ host: fixture.url });
    const events = await collect(agent.startTurn([], ask('x'), { model: 'llama3.2:3b' }, new AbortController().signal));
    const [error] = only(events, 'error');
    assert.equal(error.error.code, 'modelNotFound');
    assert.match(error.error.message, /ollama pull llama3\.2:3b/);
  });

  it('an Ollama without /api/chat (its router\'s plain 404) is told to be updated, not to pull a model it has', async () => {
    await fixture.close();
    fixture = await startOllamaFixture({ older: { version: '0.1.13', withoutRoutes: ['POST /api/chat'] } });
    const agent = createAgent({ host: fixture.url });
    const events = await collect(agent.startTurn([], ask('x'), { model: 'llama3.2:3b' }, new AbortController().signal));
    const [error] = only(events, 'error');
    assert.notEqual(error.error.code, 'modelNotFound', error.error.message);
    assert.doesNotMatch(error.error.message, /ollama pull|not installed/);
    assert.match(error.error.message, /404 page not found.*too old for Hearth.*Update Ollama/);
  });

  it('a server that forwards chat but has no /api/show (its router\'s plain 404) still answers, with default model facts', async () => {
    await fixture.close();
    fixture = await startOllamaFixture({ older: { version: '0.12.6', withoutRoutes: ['POST /api/show'] } });
    fixture.enqueue({ kind: 'text', text: 'Hello there.' });
    const agent = createAgent({ host: fixture.url });
    const events = await collect(agent.startTurn([], ask('hi'), { model: 'llama3.2:3b' }, new AbortController().signal));
    assert.deepEqual(only(events, 'error'), []);
    assert.equal(textOf(events), 'Hello there.');
    assert.ok(fixture.requests.some((r) => r.path === '/api/show' && r.outcome === 'error'), 'the facts were asked for and refused');
  });

  it('think asked of a model Ollama says cannot think (no /api/show to tell first) is answered without thinking, not refused', async () => {
    await fixture.close();
    fixture = await startOllamaFixture({ older: { version: '0.12.6', withoutRoutes: ['POST /api/show'] } });
    fixture.enqueue({ kind: 'text', text: 'Hello there.' });
    const agent = createAgent({ host: fixture.url });
    const events = await collect(agent.startTurn([], ask('hi'), { model: 'llama3.2:3b', think: true }, new AbortController().signal));
    assert.deepEqual(only(events, 'error'), []);
    assert.equal(textOf(events), 'Hello there.');
    const chats = fixture.requests.filter((r) => r.path === '/api/chat');
    assert.equal(chats[0].body.think, true, 'the first request asked to think');
    assert.equal(chats.at(-1)!.body.think, undefined, 'the answered request did not');
    assert.ok(events.some((e) => e.type === 'status' && /llama3\.2:3b cannot think/.test(e.message)), 'the user is told why there is no reasoning');
  });

  it('an answer Ollama cut for repeating one token keeps its text and says the model was looping, not that it crashed', async () => {
    fixture.enqueue({ kind: 'repeatCut', text: 'The totals are', repeated: ' 0' });
    const agent = createAgent({ host: fixture.url });
    const events = await collect(agent.startTurn([], ask('sum it'), { model: 'llama3.2:3b' }, new AbortController().signal));
    assert.equal(textOf(events), `The totals are${' 0'.repeat(31)}`, 'every token that arrived is kept');
    const [error] = only(events, 'error');
    assert.equal(error.error.retryable, true);
    assert.match(error.error.message, /ended llama3\.2:3b's answer before it finished.*repeats the same word or symbol.*The partial answer is kept; press Retry/);
    assert.doesNotMatch(error.error.message, /crashed|out of memory|connection/);
  });

  it('keeps the partial text and offers a retry when the connection drops mid-answer', async () => {
    fixture.enqueue({ kind: 'drop', text: 'The answer is that the cache was never invalidated', afterTokens: 3 });
    const agent = createAgent({ host: fixture.url });
    const events = await collect(agent.startTurn([], ask('x'), { model: 'llama3.2:3b' }, new AbortController().signal));
    assert.equal(textOf(events), 'The answer is');
    const [error] = only(events, 'error');
    assert.equal(error.error.code, 'connectionDropped');
    assert.equal(error.error.retryable, true);
    assert.match(error.error.message, /partial answer is kept/);
    assert.deepEqual(events.at(-1), { type: 'done', reason: 'error' });
  });

  it('shows Ollama\'s own text for other errors', async () => {
    fixture.enqueue({ kind: 'error', status: 500, error: 'llama runner process has terminated: signal: killed' });
    const agent = createAgent({ host: fixture.url });
    const events = await collect(agent.startTurn([], ask('x'), { model: 'llama3.2:3b' }, new AbortController().signal));
    const [error] = only(events, 'error');
    assert.equal(error.error.code, 'modelError');
    assert.match(error.error.message, /llama runner process has terminated: signal: killed/);
    assert.equal(error.error.retryable, true);
  });

  it('lists installed models with their details', async () => {
    const agent = createAgent({ host: `${fixture.url}/` });
    assert.equal(agent.host, fixture.url);
    const models = await agent.listModels();
    assert.deepEqual(models.map((m) => m.name), ['qwen2.5-coder:7b', 'llama3.2:3b']);
    assert.equal(models[0].family, 'qwen2');
    assert.equal(models[0].parameterSize, '7.6B');
    assert.equal(models[0].quantization, 'Q4_K_M');
    assert.ok((models[0].sizeBytes ?? 0) > 0);
    assert.match(models[0].modifiedAt ?? '', /^\d{4}-\d{2}-\d{2}T/);
  });

  it('sends the configured headers on every request to Ollama', async () => {
    const agent = createAgent({ host: fixture.url, headers: { 'X-Proxy-Token': 'secret-1' } });
    await collect(agent.startTurn([], ask('x'), { model: 'llama3.2:3b' }, new AbortController().signal));
    await agent.listModels();
    const paths = fixture.requests.map((r) => [r.path, r.headers['x-proxy-token']]);
    assert.deepEqual(paths, [
      ['/api/show', 'secret-1'],
      ['/api/chat', 'secret-1'],
      ['/api/tags', 'secret-1'],
    ]);
  });
});
