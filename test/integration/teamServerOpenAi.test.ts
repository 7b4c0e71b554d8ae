/**
 * OpenAI-compatible backends (vLLM, llama.cpp's server): the agent core speaks
 * Ollama's API to the team server's model router, which translates with the
 * shared adapter (agent-host/openai/). The scripted OpenAI-compatible server
 * (test/fixtures/openAiFixture.ts) speaks the OpenAI side: server-sent events,
 * tool-call deltas split over several chunks, and /v1/completions with a suffix.
 */
import assert from 'node:assert/strict';
import type { AgentEvent } from '../../protocol/chat';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { FakeToolExecutor } from '../fixtures/fakeToolExecutor';
import { sampleImage } from '../fixtures/sampleImages';
import { TeamConnection } from '../../language-server/remote/teamConnection';
import { RemoteAgent } from '../../language-server/remote/remoteAgent';
import type { TeamServer } from '../../agent-host/server/teamServer';
import { openAiChat } from '../../agent-host/openai/openAiAdapter';
import { ReplyPipe } from '../../agent-host/openai/replyPipe';
import { startOpenAiFixture, type OpenAiFixture } from '../fixtures/openAiFixture';
import { teamConnection, makePki, remoteConfig, startTestServer, type TestPki } from './teamServerHarness';

const OPENAI_MODEL = 'vllm-coder';

describe('team server: OpenAI-compatible backends', function () {
  this.timeout(30_000);
  let pki: TestPki;
  let fixture: OllamaFixture;
  let openai: OpenAiFixture;
  let server: TeamServer;
  let agent: RemoteAgent;
  let connection: TeamConnection;

  before(async () => {
    pki = makePki();
    fixture = await startOllamaFixture();
    openai = await startOpenAiFixture({ models: [OPENAI_MODEL] });
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
    await openAiChat({ url: openai.url }, { model: OPENAI_MODEL, messages: [{ role: 'user', content: 'hi' }] }, pipe, new AbortController().signal, 'chat');
    const sent = openai.requests.filter((r) => r.path === '/v1/chat/completions').at(-1)!;
    assert.equal('priority' in sent.body, false);
    assert.equal((await pipe.headers()).status, 200);
  });
});
