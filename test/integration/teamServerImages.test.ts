/**
 * Images across the team server: they travel in the user message as bytes
 * (ImageAttachment), reach a vision model behind the server as Ollama's
 * `images`, and the server refuses, with a message naming the image, what
 * is above its own size cap (limits.max_image_bytes) or is not an image at
 * all (a client other than Hearth's language server may send anything).
 */
import assert from 'node:assert/strict';
import type { AgentEvent } from '../../protocol/chat';
import type { ChatImage } from '../../protocol/chatImages';
import { RemoteAgent } from '../../language-server/remote/remoteAgent';
import type { TeamServer } from '../../agent-host/server/teamServer';
import { chatRequests, DEFAULT_MODELS, GEMMA3_VISION, startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { sampleImage } from '../fixtures/sampleImages';
import { collect, makePki, remoteConfig, startTestServer, teamConnection, type TestPki } from './teamServerHarness';

const SERVER_CAP = 4096;
const errorOf = (events: AgentEvent[]) => (events.find((e) => e.type === 'error') as Extract<AgentEvent, { type: 'error' }> | undefined)?.error.message ?? '';

describe('team server: images in chat (integration)', function () {
  this.timeout(30_000);
  let pki: TestPki;
  let fixture: OllamaFixture;
  let server: TeamServer;
  let agent: RemoteAgent;

  before(async () => {
    pki = makePki();
    fixture = await startOllamaFixture({ models: [...DEFAULT_MODELS, GEMMA3_VISION] });
    ({ server } = await startTestServer(remoteConfig(pki, fixture.url, (c) => (c.limits.maxImageBytes = SERVER_CAP))));
    agent = new RemoteAgent(teamConnection(server.port, pki));
  });

  after(async () => {
    await server?.shutdown(200);
    await fixture?.close();
    pki?.cleanup();
  });

  const turn = (model: string, images: ChatImage[], history: { role: 'user' | 'assistant'; content: string; images?: ChatImage[] }[] = []) =>
    collect(agent.startTurn(history, { text: 'what is this?', context: [], images }, { model }, new AbortController().signal));

  it('an image reaches the vision model behind the server on the user message, and older images stay on theirs', async () => {
    const earlier = sampleImage('earlier.png', [10, 200, 10]);
    const image = sampleImage();
    fixture.enqueue({ kind: 'text', text: 'An orange square.' });
    const events = await turn(GEMMA3_VISION.name, [image], [{ role: 'user', content: 'and this?', images: [earlier] }, { role: 'assistant', content: 'green' }]);
    assert.equal(errorOf(events), '');
    const request = chatRequests(fixture).at(-1)!;
    const last = request.body.messages.length - 1;
    assert.deepEqual(request.images, [
      { messageIndex: last - 2, role: 'user', images: [earlier.dataBase64] },
      { messageIndex: last, role: 'user', images: [image.dataBase64] },
    ]);
  });

  it('a model without vision is refused by the server\'s agent core, naming the model', async () => {
    const before = chatRequests(fixture).length;
    const events = await turn('llama3.2:3b', [sampleImage()]);
    assert.match(errorOf(events), /llama3\.2:3b cannot see images/);
    assert.equal(chatRequests(fixture).length, before);
  });

  it('refuses an image above the server\'s own cap, and a file that is not an image, with a clear message', async () => {
    const before = chatRequests(fixture).length;
    const big = Buffer.concat([Buffer.from(sampleImage().dataBase64, 'base64'), Buffer.alloc(SERVER_CAP)]);
    const tooBig = await turn(GEMMA3_VISION.name, [{ mimeType: 'image/png', name: 'poster.png', dataBase64: big.toString('base64') }]);
    assert.match(errorOf(tooBig), /The image poster\.png is 5 KB; this team server accepts images of at most 4 KB\. Attach a smaller image/);
    const script = await turn(GEMMA3_VISION.name, [{ mimeType: 'image/png', name: 'payload.png', dataBase64: Buffer.from('#!/bin/sh\nid\n').toString('base64') }]);
    assert.match(errorOf(script), /payload\.png is not a PNG, JPEG, GIF or WebP image/);
    assert.equal(chatRequests(fixture).length, before, 'nothing reached the model');
  });
});
