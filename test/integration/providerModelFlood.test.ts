/**
 * A provider that lists 100,000 models (broken, or hostile: a provider URL
 * may come from anywhere) and does not have the one asked for: the user is
 * told so in a message of a few lines, not one naming every model, and the
 * session on disk does not carry the list.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { startWebPageServer, type WebPageServer } from '../fixtures/webPageServer';
import { startLspTestClient, type LspTestClient } from './lspTestClient';
import { ChatSendRequest, WorkspaceTrustNotification } from '../../protocol/lspMethods';
import type { HearthError } from '../../protocol/chat';

const MODEL_COUNT = 100_000;

function folderBytes(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((sum, e) => {
    const full = path.join(dir, e.name);
    return sum + (e.isDirectory() ? folderBytes(full) : e.isFile() ? fs.statSync(full).size : 0);
  }, 0);
}

describe('a provider that lists 100,000 models (integration)', function () {
  this.timeout(60_000);
  let ollama: OllamaFixture;
  let provider: WebPageServer;
  let storage: string;
  let client: LspTestClient;

  before(async () => {
    ollama = await startOllamaFixture();
    // First, an id of a million characters: no real model has one, and each of the first names is shown.
    const data = [{ id: 'x'.repeat(1_000_000), object: 'model' }, ...Array.from({ length: MODEL_COUNT }, (_, i) => ({ id: `model-${String(i).padStart(6, '0')}`, object: 'model' }))];
    provider = await startWebPageServer({
      '/v1/models': { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ object: 'list', data }) },
      // vLLM's answer to a model it does not serve.
      '/v1/chat/completions': { status: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ object: 'error', message: 'The model `gone` does not exist.', type: 'NotFoundError', code: 404 }) },
    });
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-model-flood-'));
    client = await startLspTestClient({ storagePath: storage, settings: { ollama: { host: ollama.url }, providers: [{ name: 'big', kind: 'openai', baseUrl: provider.url }] } });
    await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
  });

  after(async () => {
    await client?.stop();
    await provider?.close();
    await ollama?.close();
    fs.rmSync(storage, { recursive: true, force: true });
  });

  it('a model it does not have is refused in a short message that names a few of its models and counts the rest', async () => {
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Hello?', context: [] }, model: 'big::gone' });
    const done = await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 30_000);
    assert.deepEqual(done.event, { type: 'done', reason: 'error' });
    const error = (client.events.find((e) => e.entryId === started.assistantEntryId && e.event.type === 'error')?.event as { error: HearthError }).error;
    assert.equal(error.code, 'modelNotFound');
    assert.match(error.message, /The model "gone" is not available on .*"big".* It offers: big::model-000000, big::model-000001, .* and 99,970 more \(the model picker lists them all\)\./);
    assert.ok(error.message.length < 2000, `the message is ${error.message.length} characters`);
    assert.ok((error.installedModels?.length ?? 0) <= 50, `${error.installedModels?.length} buttons to pick a model`);
    assert.ok(folderBytes(storage) < 200_000, `the storage holds ${folderBytes(storage)} bytes`);
  });
});
