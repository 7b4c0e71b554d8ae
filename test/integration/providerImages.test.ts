/**
 * Images to a provider's model, through the real language server: an
 * OpenAI-compatible server cannot say which of its models see images, so
 * the user lists them in the provider's `visionModels`; a listed model gets
 * the image as an image_url part, any other is refused before any request
 * with a message that says how to list it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { startOpenAiFixture, type OpenAiFixture } from '../fixtures/openAiFixture';
import { sampleImage } from '../fixtures/sampleImages';
import { startLspTestClient, type LspTestClient } from './lspTestClient';
import { ChatRetryRequest, ChatSendRequest, SessionGetRequest, WorkspaceTrustNotification } from '../../protocol/lspMethods';
import type { UserEntry } from '../../protocol/sessions';

describe("images to a provider's model (integration)", function () {
  this.timeout(30_000);
  let ollama: OllamaFixture;
  let lmstudio: OpenAiFixture;
  let storage: string;
  let workspace: string;
  let client: LspTestClient;

  before(async () => {
    ollama = await startOllamaFixture();
    lmstudio = await startOpenAiFixture({ models: ['qwen2.5-vl-7b-instruct', 'qwen2.5-coder-7b-instruct'] });
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-provider-images-'));
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-provider-images-ws-'));
    fs.writeFileSync(path.join(workspace, 'README.md'), '# Demo\n');
    client = await startLspTestClient({
      storagePath: storage,
      workspace,
      settings: {
        ollama: { host: ollama.url },
        providers: [{ name: 'lmstudio', kind: 'openai', baseUrl: lmstudio.url, visionModels: ['qwen2.5-vl-7b-instruct'] }],
        chat: { model: 'lmstudio::qwen2.5-coder-7b-instruct' },
      },
    });
    await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
  });

  after(async () => {
    await client?.stop();
    await lmstudio?.close();
    await ollama?.close();
    fs.rmSync(storage, { recursive: true, force: true });
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('refuses a model not listed in visionModels, saying how to list it, and a retry on a listed one sends the image', async () => {
    const image = sampleImage('screenshot.png');
    const sent = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'What is wrong on this screen?', context: [], images: [image] } });
    const failed = await client.waitForEvent((e) => e.entryId === sent.assistantEntryId && e.event.type === 'error');
    assert.ok(failed.event.type === 'error');
    const message = failed.event.error.message;
    assert.match(message, /lmstudio::qwen2\.5-coder-7b-instruct cannot see images/);
    assert.match(message, /"visionModels" of the provider "lmstudio" in `hearth\.providers`/);
    assert.doesNotMatch(message, /Ollama lists/, 'a provider is not Ollama');
    assert.equal(lmstudio.requests.filter((r) => r.path === '/v1/chat/completions').length, 0, 'the model was never asked');

    const retried = await client.connection.sendRequest(ChatRetryRequest.type, { sessionId: sent.sessionId, model: 'lmstudio::qwen2.5-vl-7b-instruct' });
    await client.waitForEvent((e) => e.entryId === retried.assistantEntryId && e.event.type === 'done', 20_000);
    const [chat] = lmstudio.requests.filter((r) => r.path === '/v1/chat/completions');
    assert.equal(chat.body.model, 'qwen2.5-vl-7b-instruct');
    const parts = chat.body.messages.at(-1).content as { type: string; text?: string; image_url?: { url: string } }[];
    assert.ok(parts.some((p) => p.type === 'text' && p.text?.includes('What is wrong on this screen?')), JSON.stringify(parts).slice(0, 300));
    assert.deepEqual(parts.filter((p) => p.type === 'image_url').map((p) => p.image_url?.url), [`data:image/png;base64,${image.dataBase64}`]);
    const entries = (await client.connection.sendRequest(SessionGetRequest.type, { sessionId: sent.sessionId })).entries.filter((e): e is UserEntry => e.kind === 'user');
    assert.deepEqual(entries.map((u) => u.images), [[image]], 'the message kept its image');
  });
});
