/**
 * A model that takes longer than five minutes to load (a large model from a
 * slow disk, or a long prompt evaluated on a CPU): Ollama sends no response
 * headers until its first token (routes.go ChatHandler schedules the runner,
 * then streams), and Node's fetch gives up on a response without headers
 * after 300 s by default, as does undici's ProxyAgent behind a company
 * proxy. The answer must still arrive, as it does in Ollama's own CLI: the
 * user's Stop is the only deadline of a load. The direct and the proxied
 * case wait side by side, so the suite pays for one load, not two.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatSendRequest } from '../../protocol/lspMethods';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { startTunnelingProxy, type TunnelingProxy } from '../fixtures/tunnelingProxy';
import { useLspSuite } from './lspSuite';
import { startLspTestClient, type LspTestClient } from './lspTestClient';

const MODEL = 'qwen2.5-coder:7b';
/** Past the default 300 s headers timeout, by a margin a loaded machine cannot close. */
const LOAD_MS = 310_000;

/** Sends one message and resolves with its reply's text once the turn is done, asserting it ended without an error. */
async function answerOf(client: LspTestClient): Promise<string> {
  const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Hello', context: [] } });
  const done = await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', LOAD_MS + 60_000);
  const errors = client.events.filter((e) => e.entryId === started.assistantEntryId && e.event.type === 'error');
  assert.deepEqual(errors.map((e) => (e.event.type === 'error' ? e.event.error.message : '')), []);
  assert.equal(done.event.type === 'done' && done.event.reason, 'stop');
  return client.events
    .filter((e) => e.entryId === started.assistantEntryId && e.event.type === 'text')
    .map((e) => (e.event.type === 'text' ? e.event.delta : ''))
    .join('');
}

describe('a model load longer than five minutes (integration)', function () {
  this.timeout(LOAD_MS + 120_000);
  const suite = useLspSuite('slow-load', { fixture: { loadDelayMs: LOAD_MS } });
  let behindProxy: OllamaFixture | undefined;
  let proxy: TunnelingProxy | undefined;
  let proxiedClient: LspTestClient | undefined;
  let proxiedStorage = '';

  afterEach(async () => {
    await proxiedClient?.stop();
    await behindProxy?.close();
    await proxy?.close();
    if (proxiedStorage) fs.rmSync(proxiedStorage, { recursive: true, force: true });
  });

  it('still answers, with no error, once the model has loaded, directly and through a company proxy', async () => {
    suite.fixture.enqueue({ kind: 'text', text: 'Loaded at last.' });
    behindProxy = await startOllamaFixture({ loadDelayMs: LOAD_MS });
    behindProxy.enqueue({ kind: 'text', text: 'Loaded behind the proxy.' });
    proxy = await startTunnelingProxy();
    proxiedStorage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-slow-load-proxied-ls-'));
    const proxiedTarget = `ollama.hearth.test:${new URL(behindProxy.url).port}`;

    suite.client = await startLspTestClient({ storagePath: suite.storage, settings: { ollama: { host: suite.fixture.url }, chat: { model: MODEL } } });
    proxiedClient = await startLspTestClient({
      storagePath: proxiedStorage,
      settings: { ollama: { host: `http://${proxiedTarget}` }, chat: { model: MODEL } },
      httpSettings: { proxy: proxy.url },
    });
    const [direct, proxied] = await Promise.all([answerOf(suite.client), answerOf(proxiedClient)]);
    assert.equal(direct, 'Loaded at last.');
    assert.equal(proxied, 'Loaded behind the proxy.');
    // The reply could only come through the proxy: the `.test` name resolves nowhere else.
    assert.ok(proxy.tunnels.some((t) => t.target === proxiedTarget), JSON.stringify(proxy.tunnels));
  });
});
