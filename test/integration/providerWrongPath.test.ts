import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { startLmStudioWrongPath, type LmStudioWrongPath } from '../fixtures/lmStudioWrongPath';
import { startWebPageServer, type WebPageServer } from '../fixtures/webPageServer';
import { startLspTestClient, type LspTestClient } from './lspTestClient';
import { ChatSendRequest, ModelListRequest, WorkspaceTrustNotification } from '../../protocol/lspMethods';

const MODEL = 'qwen2.5-coder-7b-instruct';

/** A provider URL with a wrong path on LM Studio, which answers such paths with 200 and a JSON error: the user reads LM Studio's words, not silence. */
describe('a provider URL with a wrong path (integration)', function () {
  this.timeout(30_000);
  let ollama: OllamaFixture;
  let lmstudio: LmStudioWrongPath;
  /** A server (or a proxy in front of one) that ignores `stream: true` and sends the whole chat.completion as JSON. */
  let whole: WebPageServer;
  let storage: string;
  let workspace: string;
  let client: LspTestClient;

  before(async () => {
    ollama = await startOllamaFixture();
    lmstudio = await startLmStudioWrongPath(MODEL);
    const completion = { id: 'chatcmpl-1', object: 'chat.completion', model: MODEL, choices: [{ index: 0, message: { role: 'assistant', content: 'Whole answer.' }, finish_reason: 'stop' }], usage: { prompt_tokens: 20, completion_tokens: 3 } };
    whole = await startWebPageServer({
      '/v1/models': { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ object: 'list', data: [{ id: MODEL, object: 'model' }] }) },
      '/v1/chat/completions': { headers: { 'content-type': 'application/json' }, body: JSON.stringify(completion) },
    });
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-provider-path-'));
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-provider-path-ws-'));
    client = await startLspTestClient({
      storagePath: storage,
      workspace,
      // LM Studio's own REST API, which its Developer tab also shows, instead of its OpenAI-compatible /v1.
      settings: { ollama: { host: ollama.url }, providers: [
          { name: 'lmstudio', kind: 'openai', baseUrl: `${lmstudio.url}/api/v0` },
          { name: 'whole', kind: 'openai', baseUrl: whole.url },
        ], chat: { model: `lmstudio::${MODEL}` } },
    });
    await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
  });

  after(async () => {
    await client?.stop();
    await lmstudio?.close();
    await whole?.close();
    await ollama?.close();
    fs.rmSync(storage, { recursive: true, force: true });
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it("the model picker names the provider with the server's error instead of listing no models", async () => {
    const list = await client.connection.sendRequest(ModelListRequest.type, {});
    assert.equal(list.providerErrors?.length, 1, JSON.stringify(list));
    assert.match(list.providerErrors![0].message, /"lmstudio" .* could not list its models \(.*Unexpected endpoint or method\. \(GET \/api\/v0\/v1\/models\)\)/);
  });

  it("a chat ends with the server's error, not as a stream that ended early", async () => {
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Hello?', context: [] } });
    const done = await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
    assert.deepEqual(done.event, { type: 'done', reason: 'error' });
    const error = client.events.find((e) => e.entryId === started.assistantEntryId && e.event.type === 'error')?.event;
    assert.ok(error?.type === 'error');
    assert.match(error.error.message, /^The OpenAI-compatible provider "lmstudio" at .* reported an error for lmstudio::qwen2\.5-coder-7b-instruct: Unexpected endpoint or method\. \(POST \/api\/v0\/v1\/chat\/completions\)/);
  });

  it('a whole JSON answer to a streamed request is shown as the answer', async () => {
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Hello?', context: [] }, model: `whole::${MODEL}` });
    const done = await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
    const events = client.events.filter((e) => e.entryId === started.assistantEntryId).map((e) => e.event);
    assert.deepEqual(done.event, { type: 'done', reason: 'stop' }, JSON.stringify(events.filter((e) => e.type === 'error')));
    assert.equal(events.map((e) => (e.type === 'text' ? e.delta : '')).join(''), 'Whole answer.');
  });
});
