/**
 * Model servers behind a company proxy, through the real language server:
 * the editor reports VS Code's `http.proxy`, and Ollama (`hearth.ollama.host`)
 * and an OpenAI-compatible provider (`hearth.providers`) sit at `.test` host
 * names that only the proxy resolves (test/fixtures/tunnelingProxy.ts), so a
 * model list, a reply or a suggestion that arrives came through the proxy.
 * A proxy that wants credentials gives a sentence naming it and the setting
 * to fix; once the user fixes it, the next message works without a restart.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HearthError } from '../../protocol/chat';
import { ModelListRequest, WorkspaceTrustNotification } from '../../protocol/lspMethods';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { startOpenAiFixture, type OpenAiFixture } from '../fixtures/openAiFixture';
import { startTunnelingProxy, type TunnelingProxy } from '../fixtures/tunnelingProxy';
import { CompletionTestEditor } from './completionTestEditor';
import { chatTurn } from './lspSuite';
import { startLspTestClient, type LspTestClient } from './lspTestClient';

const CODER = 'qwen2.5-coder:7b';
const PROVIDER_MODEL = 'qwen2.5-coder-32b-instruct';

describe('model servers behind a proxy (integration)', function () {
  this.timeout(30_000);
  let ollama: OllamaFixture;
  let openai: OpenAiFixture;
  let proxy: TunnelingProxy;
  let guarded: TunnelingProxy;
  let storage: string;
  let workspace: string;
  let client: LspTestClient;
  let ollamaTarget: string;
  let providerTarget: string;

  const targets = (from: number, p: TunnelingProxy = proxy) => p.tunnels.slice(from).map((t) => t.target);

  before(async () => {
    ollama = await startOllamaFixture();
    openai = await startOpenAiFixture({ models: [PROVIDER_MODEL] });
    proxy = await startTunnelingProxy();
    guarded = await startTunnelingProxy({ credentials: 'dev:s3cret' });
    ollamaTarget = `ollama.hearth.test:${new URL(ollama.url).port}`;
    providerTarget = `llm.hearth.test:${new URL(openai.url).port}`;
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-proxy-models-ls-'));
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-proxy-models-ws-'));
    fs.writeFileSync(path.join(workspace, 'README.md'), '# Demo\nA project behind a proxy.\n');
    client = await startLspTestClient({
      storagePath: storage,
      workspace,
      settings: {
        ollama: { host: `http://${ollamaTarget}` },
        providers: [{ name: 'corp', kind: 'openai', baseUrl: `http://${providerTarget}/v1` }],
        chat: { model: `corp::${PROVIDER_MODEL}` },
        completion: { model: CODER, debounceMs: 0 },
      },
      httpSettings: { proxy: proxy.url },
    });
    await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
  });

  after(async () => {
    await client?.stop();
    await Promise.all([ollama?.close(), openai?.close(), proxy?.close(), guarded?.close()]);
    fs.rmSync(storage, { recursive: true, force: true });
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it("lists Ollama's models and the provider's, both through the proxy", async () => {
    const before = proxy.tunnels.length;
    const list = await client.connection.sendRequest(ModelListRequest.type, {});
    assert.equal(list.error, undefined, JSON.stringify(list.error));
    assert.deepEqual(list.providerErrors ?? [], []);
    const names = list.models.map((m) => m.name);
    assert.ok(names.includes(CODER) && names.includes(`corp::${PROVIDER_MODEL}`), names.join(', '));
    const opened = targets(before);
    assert.ok(opened.includes(ollamaTarget) && opened.includes(providerTarget), opened.join(', '));
  });

  it("runs a chat turn with a tool call on the provider through the proxy", async () => {
    const turn = await chatTurn(client, 'What is README.md?');
    assert.deepEqual(turn.done.event, { type: 'done', reason: 'stop' }, JSON.stringify(client.events.filter((e) => e.event.type === 'error')));
    assert.match(turn.results[0]?.content ?? '', /A project behind a proxy/);
    const text = client.events.filter((e) => e.entryId === turn.started.assistantEntryId && e.event.type === 'text').map((e) => (e.event as { delta: string }).delta).join('');
    assert.equal(text, 'It is a readme.');
    assert.equal(openai.requests.filter((r) => r.path === '/v1/chat/completions').length, 2);
    // The host name resolves only through the proxy; the tunnel the model list opened may be reused (keep-alive).
    assert.ok(targets(0).includes(providerTarget), 'the provider was reached through the proxy');
  });

  it("answers an inline suggestion from Ollama through the proxy", async () => {
    const editor = new CompletionTestEditor(client.connection, pathToFileURL(path.join(workspace, 'area.ts')).toString(), 'typescript', 'export function area(w: number, h: number): number {\n  return \n}\n');
    await editor.open();
    editor.moveTo('  return ');
    ollama.enqueue({ kind: 'text', text: 'w * h;' });
    const answer = await editor.request();
    assert.equal(answer.text, 'w * h;');
    assert.ok(ollama.requests.some((r) => r.path === '/api/generate' && r.body.model === CODER));
    assert.ok(targets(0).includes(ollamaTarget), 'Ollama was reached through the proxy');
  });

  it('a proxy that wants credentials ends the turn with a sentence naming it and the setting; with them set, the next turn works', async () => {
    client.setHttpSettings({ proxy: guarded.url });
    const refused = await chatTurn(client, 'What is README.md?');
    assert.deepEqual(refused.done.event, { type: 'done', reason: 'error' });
    const error = client.events.find((e) => e.entryId === refused.started.assistantEntryId && e.event.type === 'error')?.event as { error: HearthError } | undefined;
    assert.equal(error?.error.code, 'providerUnreachable');
    const port = new URL(guarded.url).port;
    assert.ok(error!.error.message.includes(`the proxy http://127.0.0.1:${port} (from http.proxy) asks for credentials (407): put them in the proxy address or in http.proxyAuthorization`), error!.error.message);
    assert.ok(error!.error.message.includes('"corp"'), error!.error.message);

    const before = guarded.tunnels.length;
    client.setHttpSettings({ proxy: guarded.url, proxyAuthorization: `Basic ${Buffer.from('dev:s3cret').toString('base64')}` });
    const retried = await chatTurn(client, 'What is README.md?', { sessionId: refused.started.sessionId });
    assert.deepEqual(retried.done.event, { type: 'done', reason: 'stop' }, JSON.stringify(client.events.filter((e) => e.entryId === retried.started.assistantEntryId && e.event.type === 'error')));
    assert.ok(targets(before, guarded).includes(providerTarget));
    assert.ok(guarded.tunnels.slice(before).every((t) => t.authorization === `Basic ${Buffer.from('dev:s3cret').toString('base64')}`), 'every tunnel carried the credentials');
  });

  it('reaches a server at 0.0.0.0, the address llama-server and vLLM print, directly: it is this machine, never sent to the proxy', async () => {
    const local = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-proxy-anyaddr-ls-'));
    let direct: LspTestClient | undefined;
    try {
      direct = await startLspTestClient({
        storagePath: local,
        settings: { ollama: { host: ollama.url }, providers: [{ name: 'vllm', kind: 'openai', baseUrl: `http://0.0.0.0:${new URL(openai.url).port}/v1` }], chat: { model: CODER } },
        httpSettings: { proxy: proxy.url },
      });
      const before = proxy.tunnels.length;
      const list = await direct.connection.sendRequest(ModelListRequest.type, {});
      assert.deepEqual(list.providerErrors ?? [], []);
      assert.ok(list.models.some((m) => m.name === `vllm::${PROVIDER_MODEL}`), list.models.map((m) => m.name).join(', '));
      assert.deepEqual(targets(before), [], 'no tunnel was asked of the proxy');
    } finally {
      await direct?.stop();
      fs.rmSync(local, { recursive: true, force: true });
    }
  });

  it('a SOCKS proxy is refused with a sentence, not bypassed', async () => {
    client.setHttpSettings({ proxy: 'socks5://127.0.0.1:1080' });
    const before = openai.requests.length;
    const turn = await chatTurn(client, 'What is README.md?');
    assert.deepEqual(turn.done.event, { type: 'done', reason: 'error' });
    const error = client.events.find((e) => e.entryId === turn.started.assistantEntryId && e.event.type === 'error')?.event as { error: HearthError } | undefined;
    assert.match(error?.error.message ?? '', /the proxy in http\.proxy is a socks5 proxy; only http and https proxies are supported/);
    assert.equal(openai.requests.length, before, 'nothing went to the provider directly');
  });
});
