/**
 * Downloading a model from Hearth (hearth/models/pull) through the real
 * language server into the scripted Ollama's /api/pull: progress as Ollama
 * reports it, the model listed afterwards, Ollama's own reason when the
 * registry has no such model (and to check the name), a download that fails
 * half-way (and to download again), a cancel that stops the download, a name that
 * is not a model name refused before Ollama sees it, and the codebase index
 * that said "full-text only" for a missing embedding model using it after
 * the download, but an Ollama too old to have /api/embed told to update rather
 * than to download a model it has; and a first message to an Ollama with no models at all
 * offered the starter model, downloaded, and answered with it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancellationTokenSource } from 'vscode-languageserver-protocol/node';
import {
  ChatRetryRequest,
  ChatSendRequest,
  IndexControlRequest,
  ModelListRequest,
  ModelPullProgressNotification,
  ModelPullRequest,
  SemanticIndexStatusNotification,
  WorkspaceTrustNotification,
  type ModelPullProgress,
  type SemanticIndexProgress,
} from '../../protocol/lspMethods';
import { STARTER_CHAT_MODEL } from '../../protocol/modelName';
import { DEFAULT_MODELS, NOMIC_EMBED_TEXT, OLDER_OLLAMA_EMBED, startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { until } from '../fixtures/until';
import { startLspTestClient, type LspTestClient } from './lspTestClient';

const BYTES = 274_302_450;

describe('downloading a model through the language server (integration)', function () {
  this.timeout(60_000);
  let fixture: OllamaFixture;
  let storage: string;
  let workspace: string;
  let client: LspTestClient | undefined;
  let progress: ModelPullProgress[];
  let index: SemanticIndexProgress[];

  async function start(codebaseSearch = false, chatModel = 'qwen2.5-coder:7b') {
    client = await startLspTestClient({
      storagePath: storage,
      workspace,
      settings: { ollama: { host: fixture.url }, chat: { model: chatModel }, codebaseSearch: { enabled: codebaseSearch, embeddingModel: 'nomic-embed-text' } },
    });
    client.connection.onNotification(ModelPullProgressNotification.type, (p) => void progress.push(p));
    client.connection.onNotification(SemanticIndexStatusNotification.type, (p) => void index.push(p));
    await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
    return client;
  }

  const pulls = () => fixture.requests.filter((r) => r.path === '/api/pull');

  beforeEach(async () => {
    fixture = await startOllamaFixture({ models: DEFAULT_MODELS, pullable: [{ model: NOMIC_EMBED_TEXT, bytes: BYTES }], pullStepDelayMs: 200 });
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-pull-ls-'));
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-pull-ws-'));
    fs.writeFileSync(path.join(workspace, 'deploy.md'), '# Deploying\n\nThe service is deployed with a blue-green switch behind the load balancer.\n');
    progress = [];
    index = [];
  });

  afterEach(async () => {
    await client?.stop();
    client = undefined;
    await fixture.close();
    fs.rmSync(storage, { recursive: true, force: true });
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('downloads a model with progress as Ollama reports it, and the model is listed afterwards', async () => {
    await start();
    const before = await client!.connection.sendRequest(ModelListRequest.type, {});
    assert.ok(!before.models.some((m) => m.name.startsWith('nomic-embed-text')));
    assert.deepEqual(await client!.connection.sendRequest(ModelPullRequest.type, { model: 'nomic-embed-text' }), { model: 'nomic-embed-text' });
    // The ollama client sends the older `name` field; Ollama takes either (PullHandler: cmp.Or(req.Model, req.Name)).
    assert.equal(pulls()[0].body.model ?? pulls()[0].body.name, 'nomic-embed-text');
    assert.equal(progress[0].status, 'pulling manifest');
    assert.equal(progress.at(-1)!.status, 'success');
    const layer = progress.filter((p) => p.total !== undefined);
    assert.ok(layer.length >= 2, JSON.stringify(progress));
    assert.ok(layer.every((p, i) => p.model === 'nomic-embed-text' && p.total === BYTES && /^pulling [0-9a-f]{12}$/.test(p.status) && (i === 0 || p.completed! >= layer[i - 1].completed!)));
    assert.equal(layer.at(-1)!.completed, BYTES, 'the last layer report is the whole layer');
    const after = await client!.connection.sendRequest(ModelListRequest.type, {});
    assert.ok(after.models.some((m) => m.name === 'nomic-embed-text:latest'), JSON.stringify(after.models.map((m) => m.name)));
  });

  it("says Ollama's reason when the registry has no such model", async () => {
    await start();
    await assert.rejects(client!.connection.sendRequest(ModelPullRequest.type, { model: 'no-such-model:1b' }), /could not download no-such-model:1b: pull model manifest: file does not exist\. Check the model name and tag at https:\/\/ollama\.com\/library\./);
    assert.deepEqual(progress.map((p) => p.status), ['pulling manifest']);
  });

  it('a download that fails half-way says why and to download again, and the next download finishes it', async () => {
    await fixture.close();
    fixture = await startOllamaFixture({ models: DEFAULT_MODELS, pullable: [{ model: NOMIC_EMBED_TEXT, bytes: BYTES, failAfterSteps: 3 }] });
    await start();
    await assert.rejects(client!.connection.sendRequest(ModelPullRequest.type, { model: 'nomic-embed-text' }), (err: Error) => {
      assert.match(err.message, /could not download nomic-embed-text: max retries exceeded: .*connection reset by peer/);
      assert.match(err.message, /Download nomic-embed-text again to continue: Ollama keeps what it has downloaded\./, err.message);
      return true;
    });
    assert.ok(progress.some((p) => p.total !== undefined), 'part of the layer had arrived');
    await client!.connection.sendRequest(ModelPullRequest.type, { model: 'nomic-embed-text' });
    const after = await client!.connection.sendRequest(ModelListRequest.type, {});
    assert.ok(after.models.some((m) => m.name === 'nomic-embed-text:latest'));
  });

  it('a download that stops because the disk is full says to free space first', async () => {
    await fixture.close();
    const error = 'write /usr/share/ollama/.ollama/models/blobs/sha256-970aa74c0a90-partial: no space left on device';
    fixture = await startOllamaFixture({ models: DEFAULT_MODELS, pullable: [{ model: NOMIC_EMBED_TEXT, bytes: BYTES, failAfterSteps: 2, error }] });
    await start();
    await assert.rejects(client!.connection.sendRequest(ModelPullRequest.type, { model: 'nomic-embed-text' }), /no space left on device\. Free disk space where Ollama keeps its models, then download nomic-embed-text again/);
  });

  it('a cancel stops the download: Ollama sees the request go away and the model is not installed', async () => {
    await start();
    const source = new CancellationTokenSource();
    const pulling = client!.connection.sendRequest(ModelPullRequest.type, { model: 'nomic-embed-text' }, source.token);
    await until(() => progress.some((p) => p.total !== undefined), 'the first layer progress');
    source.cancel();
    await assert.rejects(pulling);
    await until(() => pulls()[0]?.outcome === 'aborted', 'Ollama to see the download cancelled');
    const after = await client!.connection.sendRequest(ModelListRequest.type, {});
    assert.ok(!after.models.some((m) => m.name.startsWith('nomic-embed-text')));
  });

  it('refuses a name that is not a model name before Ollama sees it', async () => {
    await start();
    for (const model of ['../../etc/passwd', 'a b', '-rf', '']) {
      await assert.rejects(client!.connection.sendRequest(ModelPullRequest.type, { model }), /is not a model name/);
    }
    assert.equal(pulls().length, 0);
  });

  it('the codebase index names the missing embedding model, and after its download indexes with it', async () => {
    await start(true);
    await until(() => index.some((p) => p.phase === 'ready'), 'the index without embeddings');
    const ready = index.find((p) => p.phase === 'ready')!;
    assert.equal(ready.modelMissing, true, JSON.stringify(ready));
    assert.equal(ready.embeddingModel, 'nomic-embed-text');
    await client!.connection.sendRequest(ModelPullRequest.type, { model: ready.embeddingModel! });
    const seen = index.length;
    await client!.connection.sendRequest(IndexControlRequest.type, { action: 'reindex' });
    await until(() => index.slice(seen).some((p) => p.phase === 'ready'), 'the index after the download', 30_000);
    const again = index.slice(seen).find((p) => p.phase === 'ready')!;
    assert.equal(again.problem, undefined, JSON.stringify(again));
    assert.ok(fixture.requests.some((r) => r.path === '/api/embed' && r.outcome === 'completed'), 'files were embedded with the downloaded model');
  });

  it('an Ollama older than /api/embed is not taken for a missing embedding model: the index says to update Ollama and offers no download', async () => {
    await fixture.close();
    // The embedding model is installed; this Ollama just has no /api/embed route (its router answers Go's plain 404).
    fixture = await startOllamaFixture({ models: [...DEFAULT_MODELS, NOMIC_EMBED_TEXT], older: OLDER_OLLAMA_EMBED });
    await start(true);
    await until(() => index.some((p) => p.phase === 'ready'), 'the index without embeddings');
    const ready = index.find((p) => p.phase === 'ready')!;
    assert.ok(fixture.requests.some((r) => r.path === '/api/embed'), 'the index asked Ollama for embeddings');
    assert.notEqual(ready.modelMissing, true, `a download cannot help: ${JSON.stringify(ready)}`);
    assert.doesNotMatch(ready.problem ?? '', /not installed|ollama pull/, ready.problem);
    assert.match(ready.problem ?? '', /Ollama at http:\/\/127\.0\.0\.1:\d+ is older than 0\.2\.6.*\/api\/embed.*Update Ollama/, ready.problem);
  });

  it('a first message to an Ollama with no models offers the starter model, and after its download is answered with it', async () => {
    await fixture.close();
    const starter = DEFAULT_MODELS.find((m) => m.name === STARTER_CHAT_MODEL)!;
    fixture = await startOllamaFixture({ models: [], pullable: [{ model: starter, bytes: BYTES }], pullStepDelayMs: 20 });
    // No chat model set, as on a fresh install: the first installed model would be used, and there is none.
    await start(false, '');
    const started = await client!.connection.sendRequest(ChatSendRequest.type, { input: { text: 'What does this project do?', context: [] } });
    const failed = await client!.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'error');
    const error = (failed.event as { error: { code: string; model?: string; pullable?: boolean; message: string } }).error;
    assert.equal(error.code, 'modelNotFound');
    assert.equal(error.model, STARTER_CHAT_MODEL, 'the error names the model the chat offers to download');
    assert.equal(error.pullable, true, error.message);
    assert.match(error.message, /no models installed yet\. Download qwen2\.5-coder:7b/);

    // The chat's Download button: the pull, then the same message retried with that model.
    await client!.connection.sendRequest(ModelPullRequest.type, { model: error.model! });
    fixture.enqueue({ kind: 'text', text: 'It is a small web service.' });
    const retried = await client!.connection.sendRequest(ChatRetryRequest.type, { sessionId: started.sessionId, model: error.model });
    await client!.waitForEvent((e) => e.entryId === retried.assistantEntryId && e.event.type === 'done');
    const text = client!.events.filter((e) => e.entryId === retried.assistantEntryId && e.event.type === 'text').map((e) => (e.event as { delta: string }).delta).join('');
    assert.equal(text, 'It is a small web service.');
    const chat = fixture.requests.filter((r) => r.path === '/api/chat');
    assert.equal(chat.at(-1)?.body.model, STARTER_CHAT_MODEL, 'the retried turn asked the downloaded model');
  });
});
