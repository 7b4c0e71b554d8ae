/**
 * OpenAI-compatible backends (vLLM, llama.cpp's server): the agent core speaks
 * Ollama's API to the team server's model router, which translates. A small fake
 * server speaks the OpenAI side: server-sent events, tool-call deltas split
 * over several chunks, and /v1/completions with a suffix.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AgentEvent } from '../../protocol/chat';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { FakeToolExecutor } from '../fixtures/fakeToolExecutor';
import { sampleImage } from '../fixtures/sampleImages';
import { TeamConnection } from '../../language-server/remote/teamConnection';
import { RemoteAgent } from '../../language-server/remote/remoteAgent';
import type { TeamServer } from '../../agent-host/server/teamServer';
import { openAiChat } from '../../agent-host/server/backends/openAiAdapter';
import { ReplyPipe } from '../../agent-host/server/backends/replyPipe';
import { teamConnection, makePki, remoteConfig, startTestServer, type TestPki } from './teamServerHarness';

const OPENAI_MODEL = 'vllm-coder';

interface Recorded {
  path: string;
  body: any;
  authorization?: string;
}

async function startFakeOpenAi(): Promise<{ url: string; requests: Recorded[]; close(): Promise<void> }> {
  const requests: Recorded[] = [];
  const sse = (res: ServerResponse, events: unknown[]) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    for (const e of events) res.write(`data: ${JSON.stringify(e)}\n\n`);
    res.end('data: [DONE]\n\n');
  };
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined;
    requests.push({ path: req.url ?? '', body, authorization: req.headers.authorization });
    if (req.url === '/v1/models') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return void res.end(JSON.stringify({ object: 'list', data: [{ id: OPENAI_MODEL, object: 'model' }] }));
    }
    if (req.url === '/v1/chat/completions') {
      const last = body.messages.at(-1);
      if (last.role !== 'tool') {
        return sse(res, [
          { choices: [{ index: 0, delta: { role: 'assistant', tool_calls: [{ index: 0, id: 'x1', type: 'function', function: { name: 'read_file', arguments: '' } }] } }] },
          { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"path":' } }] } }] },
          { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '"README.md"}' } }] }, finish_reason: 'tool_calls' }] },
          { choices: [], usage: { prompt_tokens: 120, completion_tokens: 9 } },
        ]);
      }
      return sse(res, [
        { choices: [{ index: 0, delta: { role: 'assistant', content: 'It is ' } }] },
        { choices: [{ index: 0, delta: { content: 'a readme.' }, finish_reason: 'stop' }] },
        { choices: [], usage: { prompt_tokens: 150, completion_tokens: 4 } },
      ]);
    }
    if (req.url === '/v1/completions') {
      return sse(res, [{ choices: [{ index: 0, text: 'a + b' }] }, { choices: [{ index: 0, text: ';', finish_reason: 'stop' }] }]);
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close: () => new Promise((r) => server.close(() => r())) };
}

describe('team server: OpenAI-compatible backends', function () {
  this.timeout(30_000);
  let pki: TestPki;
  let fixture: OllamaFixture;
  let openai: Awaited<ReturnType<typeof startFakeOpenAi>>;
  let server: TeamServer;
  let agent: RemoteAgent;
  let connection: TeamConnection;

  before(async () => {
    pki = makePki();
    fixture = await startOllamaFixture();
    openai = await startFakeOpenAi();
    ({ server } = await startTestServer(
      remoteConfig(pki, fixture.url, (c) => {
        c.backends.push({ name: 'vllm', type: 'openai', url: openai.url, maxConcurrency: 2, apiKey: 'vllm-token', fimModels: [OPENAI_MODEL], visionModels: [OPENAI_MODEL], requestPriority: true });
      }),
    ));
    connection = teamConnection(server.port, pki);
    agent = new RemoteAgent(connection);
  });

  after(async () => {
    connection?.close();
    await server?.shutdown(200);
    await openai?.close();
    await fixture?.close();
    pki?.cleanup();
  });

  it('lists the models of every backend together', async () => {
    const names = (await agent.listModels()).map((m) => m.name);
    assert.ok(names.includes(OPENAI_MODEL));
    assert.ok(names.includes('qwen2.5-coder:7b'));
  });

  it('runs a tool turn on the OpenAI backend: streamed tool-call pieces become one call', async () => {
    const executor = new FakeToolExecutor(() => '# Hearth\nA local-first assistant.');
    const events: AgentEvent[] = [];
    for await (const e of agent.startTurn([], { text: 'What is README.md?', context: [] }, { model: OPENAI_MODEL, executor }, new AbortController().signal)) events.push(e);
    assert.deepEqual(executor.calls.map((c) => [c.name, c.arguments]), [['read_file', { path: 'README.md' }]]);
    assert.equal(events.filter((e) => e.type === 'text').map((e) => (e as { delta: string }).delta).join(''), 'It is a readme.');
    assert.deepEqual(events.at(-1), { type: 'done', reason: 'stop' });

    const chats = openai.requests.filter((r) => r.path === '/v1/chat/completions');
    assert.equal(chats.length, 2);
    assert.equal(chats[0].authorization, 'Bearer vllm-token');
    assert.equal(chats[0].body.priority, 1, "chat queues behind completions in vLLM's priority scheduler");
    assert.ok(chats[0].body.tools.some((t: { function: { name: string } }) => t.function.name === 'read_file'));
    const [assistant, tool] = chats[1].body.messages.slice(-2);
    assert.equal(assistant.tool_calls[0].function.name, 'read_file');
    assert.equal(JSON.parse(assistant.tool_calls[0].function.arguments).path, 'README.md');
    assert.equal(tool.role, 'tool');
    assert.equal(tool.tool_call_id, assistant.tool_calls[0].id, 'the tool result names the call it answers');
    assert.equal(fixture.requests.filter((r) => r.path === '/api/chat').length, 0, 'the Ollama backend does not have this model');
    assert.deepEqual(chats.map((c) => c.body.priority), [1, 1], 'chat runs behind completions in vLLM\'s own queue');
    assert.equal(server.scheduler.inFlight('vllm'), 0, 'both replies gave their slot back');
  });

  it('sends an image to a vision model of the backend as an image_url part with a data URL', async () => {
    const image = sampleImage();
    for await (const e of agent.startTurn([], { text: 'What is this?', context: [], images: [image] }, { model: OPENAI_MODEL }, new AbortController().signal)) void e;
    const request = openai.requests.filter((r) => r.path === '/v1/chat/completions').at(-1)!;
    assert.deepEqual(request.body.messages.at(-1), {
      role: 'user',
      content: [
        { type: 'text', text: 'What is this?' },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${image.dataBase64}` } },
      ],
    });
  });

  it('fills in the middle through /v1/completions with the suffix', async () => {
    const res = await agent.complete({ model: OPENAI_MODEL, prompt: 'function add(a, b) { return ', suffix: ' }', maxTokens: 8 });
    assert.equal(res.text, 'a + b;');
    const request = openai.requests.filter((r) => r.path === '/v1/completions').at(-1)!;
    assert.equal(request.body.suffix, ' }');
    assert.equal(request.body.max_tokens, 8);
    assert.equal(request.body.priority, 0, 'completions first in vLLM\'s own queue');
  });

  it('sends no priority to a backend that does not schedule by it (vLLM refuses one then)', async () => {
    const pipe = new ReplyPipe();
    await openAiChat({ name: 'plain', type: 'openai', url: openai.url, maxConcurrency: 1 }, { model: OPENAI_MODEL, messages: [{ role: 'user', content: 'hi' }] }, pipe, new AbortController().signal, 'chat');
    const sent = openai.requests.filter((r) => r.path === '/v1/chat/completions').at(-1)!;
    assert.equal('priority' in sent.body, false);
    assert.equal((await pipe.headers()).status, 200);
  });
});
