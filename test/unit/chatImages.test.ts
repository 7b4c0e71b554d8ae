/**
 * Images in chat, piece by piece: the shared rules (type by magic bytes,
 * caps), the messages Ollama and OpenAI-compatible servers receive, the
 * context budget's count, the gRPC encoding, and the session store's side files.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IMAGE_PROMPT_TOKENS, MAX_IMAGE_BYTES, MAX_IMAGES_PER_MESSAGE, imagesProblem, sniffBase64ImageType, type ChatImage } from '../../protocol/chatImages';
import { parseFromWebview } from '../../protocol/webviewMessages';
import { toOllamaMessages } from '../../agent-host/core/toOllamaMessages';
import { messageTokens } from '../../agent-host/core/contextBudget';
import { noVisionError, withoutImages } from '../../agent-host/core/visionGate';
import { userContentParts } from '../../agent-host/openai/openAiAdapter';
import { encodeChatStart } from '../../protocol/grpc/encodeChat';
import { decodeChatStart } from '../../protocol/grpc/decodeChat';
import type { ChatStart__Output } from '../../protocol/generated/hearth/v1/ChatStart';
import { SessionStore } from '../../language-server/chat/sessionStore';
import { historyFromEntries } from '../../language-server/chat/historyFromEntries';
import { sampleImage } from '../fixtures/sampleImages';
import { createAgent } from '../../agent-host/index';
import { DEFAULT_MODELS, GEMMA3_VISION, startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { collect as collectEvents, only } from '../fixtures/agentEvents';

const b64 = (bytes: number[]) => Buffer.from([...bytes, ...new Array(16).fill(0)]).toString('base64');

describe('chat images: the shared rules', () => {
  it('recognises PNG, JPEG, GIF and WebP by their bytes, and nothing else', () => {
    assert.equal(sniffBase64ImageType(sampleImage().dataBase64), 'image/png');
    assert.equal(sniffBase64ImageType(b64([0xff, 0xd8, 0xff, 0xe0])), 'image/jpeg');
    assert.equal(sniffBase64ImageType(b64([0x47, 0x49, 0x46, 0x38, 0x39, 0x61])), 'image/gif');
    assert.equal(sniffBase64ImageType(b64([0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x45, 0x42, 0x50])), 'image/webp');
    assert.equal(sniffBase64ImageType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>').toString('base64')), undefined);
    assert.equal(sniffBase64ImageType(Buffer.from('%PDF-1.7 not an image at all').toString('base64')), undefined);
  });

  it('refuses a text file named .png, a type that does not match the bytes, too many images and too large ones, each with a message saying what to do', () => {
    const renamed: ChatImage = { mimeType: 'image/png', name: 'notes.png', dataBase64: Buffer.from('just some text, really').toString('base64') };
    assert.match(imagesProblem([renamed]) ?? '', /notes\.png is not a PNG, JPEG, GIF or WebP image/);
    assert.match(imagesProblem([{ ...sampleImage('shot.jpg'), mimeType: 'image/jpeg' }]) ?? '', /shot\.jpg says it is image\/jpeg but its contents are image\/png/);
    const five = Array.from({ length: MAX_IMAGES_PER_MESSAGE + 1 }, (_, i) => sampleImage(`s${i}.png`));
    assert.match(imagesProblem(five) ?? '', new RegExp(`at most ${MAX_IMAGES_PER_MESSAGE} images; this one has ${MAX_IMAGES_PER_MESSAGE + 1}`));
    const huge = Buffer.concat([Buffer.from(sampleImage().dataBase64, 'base64'), Buffer.alloc(MAX_IMAGE_BYTES)]);
    assert.match(imagesProblem([{ mimeType: 'image/png', name: 'huge.png', dataBase64: huge.toString('base64') }]) ?? '', /huge\.png is 5 MB; images may be at most 5 MB\. Crop or shrink it/);
    assert.equal(imagesProblem([sampleImage('a.png'), sampleImage('b.png')]), undefined);
    assert.equal(imagesProblem(undefined), undefined);
  });

  it('the webview boundary refuses a send with an image that is not one', () => {
    const good = parseFromWebview({ type: 'send', text: 'what is this?', context: [], images: [sampleImage()] });
    assert.equal(good.ok, true);
    const bad = parseFromWebview({ type: 'send', text: 'x', context: [], images: [{ mimeType: 'image/png', name: 'x.png', dataBase64: Buffer.from('#!/bin/sh\nrm -rf ~').toString('base64') }] });
    assert.equal(bad.ok, false);
    assert.match(!bad.ok ? bad.reason : '', /x\.png is not a PNG/);
  });
});

describe('chat images: what the model servers receive', () => {
  const image = sampleImage();

  it('Ollama gets the images on the user message they belong to, as base64 strings (api/types.go Message.Images)', () => {
    const messages = toOllamaMessages(
      [
        { role: 'user', content: 'first', images: [image] },
        { role: 'assistant', content: 'an orange square' },
        { role: 'user', content: 'and now?' },
      ],
      'native',
    );
    assert.deepEqual(messages[0], { role: 'user', content: 'first', images: [image.dataBase64] });
    assert.equal(messages[1].images, undefined);
    assert.equal(messages[2].images, undefined);
    // The text tool protocol keeps them too.
    assert.deepEqual(toOllamaMessages([{ role: 'user', content: 'q', images: [image] }], 'text')[0].images, [image.dataBase64]);
  });

  it('an OpenAI-compatible server gets a text part and one image_url data URL per image', () => {
    assert.deepEqual(userContentParts('what is this?', [image.dataBase64, 'not base64 of an image']), [
      { type: 'text', text: 'what is this?' },
      { type: 'image_url', image_url: { url: `data:image/png;base64,${image.dataBase64}` } },
    ]);
    // A message of images alone has no (empty) text part.
    assert.deepEqual(userContentParts('', [image.dataBase64]), [{ type: 'image_url', image_url: { url: `data:image/png;base64,${image.dataBase64}` } }]);
  });

  it('the context budget counts each image as Ollama does (768 tokens, server/prompt.go)', () => {
    const plain = messageTokens({ role: 'user', content: 'look' });
    assert.equal(messageTokens({ role: 'user', content: 'look', images: [image, image] }), plain + 2 * IMAGE_PROMPT_TOKENS);
  });

  it('a model without vision gets the earlier images left out with a note, and the refusal names the model and a way out', () => {
    const [m] = withoutImages([{ role: 'user', content: 'see this', images: [image] }]);
    assert.equal(m.images, undefined);
    assert.match(m.content, /see this\n\n\[An image attached here is not shown to this model, which has no vision\.\]/);
    const error = noVisionError('llama3.2:3b', ['completion', 'tools']);
    assert.equal(error.model, 'llama3.2:3b');
    assert.match(error.message, /llama3\.2:3b cannot see images.*completion, tools.*Pick a vision model.*kept/);
  });
});

describe('chat images: over gRPC', () => {
  it('travel as bytes and come back as the same base64, in the input and in the history', () => {
    const image = sampleImage();
    const start = encodeChatStart({ history: [{ role: 'user', content: 'earlier', images: [image] }], input: { text: 'now', context: [], images: [image] }, model: 'gemma3:4b', tools: [] });
    assert.ok(Buffer.isBuffer(start.input?.images?.[0].data));
    const decoded = decodeChatStart(start as unknown as ChatStart__Output);
    assert.deepEqual(decoded.input.images, [image]);
    assert.deepEqual(decoded.history[0].images, [image]);
  });

  it('a non-image, a lying type or images on an assistant message are refused with the field and the reason', () => {
    const start = (images: { mime_type: string; name: string; data: Buffer }[]) =>
      ({ history: [], input: { text: 'x', context: [], images }, model: 'm', tools: [], options: { system_prompt: '' } }) as unknown as ChatStart__Output;
    assert.throws(() => decodeChatStart(start([{ mime_type: 'image/png', name: 'run.sh', data: Buffer.from('#!/bin/sh\necho hi') }])), /start\.input\.images\[0\]: run\.sh is not a PNG, JPEG, GIF or WebP image/);
    const png = Buffer.from(sampleImage().dataBase64, 'base64');
    assert.throws(() => decodeChatStart(start([{ mime_type: 'image/gif', name: 'a.gif', data: png }])), /mime_type: says "image\/gif" but the data is image\/png/);
    const assistant = { history: [{ role: 'ROLE_ASSISTANT', content: 'x', tool_calls: [], tool_call_id: '', tool_name: '', images: [{ mime_type: 'image/png', name: 'a.png', data: png }] }], input: { text: 'x', context: [], images: [] }, model: 'm', tools: [], options: { system_prompt: '' } };
    assert.throws(() => decodeChatStart(assistant as unknown as ChatStart__Output), /only user messages carry images/);
  });
});

describe('chat images: the session store', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-images-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps image bytes in content-addressed side files, not in the session log, and reads them back after a restart for the view and the history', () => {
    const image = sampleImage();
    const store = new SessionStore(dir);
    const id = store.create('gemma3:4b').summary.id;
    store.addUserEntry(id, { text: 'what is this?', context: [], images: [image] });
    store.addUserEntry(id, { text: 'the same again', context: [], images: [{ ...image, name: 'copy.png' }] });
    store.close();

    const log = fs.readFileSync(path.join(dir, 'sessions', `${id}.jsonl`), 'utf8');
    assert.ok(!log.includes(image.dataBase64.slice(0, 40)), 'the log holds no image data');
    assert.equal(fs.readdirSync(path.join(dir, 'images')).length, 1, 'one file for the same bytes');

    const reopened = new SessionStore(dir).get(id);
    const users = reopened?.entries.filter((e) => e.kind === 'user') ?? [];
    assert.deepEqual(users.map((u) => (u.kind === 'user' ? u.images : undefined)), [[image], [{ ...image, name: 'copy.png' }]]);
    assert.deepEqual(historyFromEntries(reopened!.entries)[0].images, [image]);
  });

  it('leaves out an image whose file was damaged instead of sending something else', () => {
    const store = new SessionStore(dir);
    const id = store.create().summary.id;
    store.addUserEntry(id, { text: 'look', context: [], images: [sampleImage()] });
    store.close();
    const [file] = fs.readdirSync(path.join(dir, 'images'));
    fs.writeFileSync(path.join(dir, 'images', file), 'tampered');
    const entry = new SessionStore(dir).get(id)?.entries[0];
    assert.equal(entry?.kind === 'user' ? entry.text : '', 'look');
    assert.equal(entry?.kind === 'user' ? entry.images : 'x', undefined);
  });
});

describe('chat images: the agent core against the scripted Ollama', () => {
  let fixture: OllamaFixture;
  beforeEach(async () => {
    fixture = await startOllamaFixture({ models: [...DEFAULT_MODELS, GEMMA3_VISION] });
  });
  afterEach(() => fixture.close());

  it('sends the image to a vision model on the user message, and refuses a model without vision before any chat request', async () => {
    const image = sampleImage();
    const agent = createAgent({ host: fixture.url });
    fixture.enqueue({ kind: 'text', text: 'An orange square.' });
    const events = await collectEvents(agent.startTurn([], { text: 'what is this?', context: [], images: [image] }, { model: GEMMA3_VISION.name }, new AbortController().signal));
    assert.deepEqual(only(events, 'done').map((e) => e.reason), ['stop']);
    const chat = fixture.requests.find((r) => r.path === '/api/chat');
    assert.deepEqual(chat?.images, [{ messageIndex: 1, role: 'user', images: [image.dataBase64] }]);

    const refused = await collectEvents(agent.startTurn([], { text: 'and this?', context: [], images: [image] }, { model: 'llama3.2:3b' }, new AbortController().signal));
    const [error] = only(refused, 'error');
    assert.match(error.error.message, /llama3\.2:3b cannot see images/);
    assert.equal(fixture.requests.filter((r) => r.path === '/api/chat').length, 1, 'no chat request for the refused turn');
  });
});
