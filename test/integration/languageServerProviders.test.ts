/**
 * Providers beside Ollama, through the real language server: an
 * OpenAI-compatible server (the scripted one of test/fixtures/openAiFixture.ts,
 * shared with the team server's tests) configured in `hearth.providers`, its
 * API key handed over as the extension does, and a provider where nothing
 * listens. The translation is the team server's adapter (agent-host/openai/).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { startOpenAiFixture, type OpenAiFixture } from '../fixtures/openAiFixture';
import { closedPortUrl } from '../fixtures/closedPort';
import { startWebPageServer, type WebPageServer } from '../fixtures/webPageServer';
import { startLspTestClient, type LspTestClient } from './lspTestClient';
import { pathToFileURL } from 'node:url';
import { DidOpenTextDocumentNotification, InlineCompletionRequest, InlineCompletionTriggerKind } from 'vscode-languageserver-protocol/node';
import { ChatSendRequest, ModelListRequest, ProviderApiKeyRequest, WorkspaceTrustNotification } from '../../protocol/lspMethods';
import type { HearthError, ToolResult } from '../../protocol/chat';

const LMSTUDIO_MODEL = 'qwen2.5-coder-7b-instruct';
const SECRET = 'sk-lmstudio-7f3a9c1e5d2b8a46';
const README = '# Demo\nA project the agent reads through a tool.\n';
/** nginx's own 502 page, as it answers when the server behind it does not. */
const BAD_GATEWAY_PAGE = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n';

/** Every file under `dir`, recursively, as text. */
function allFiles(dir: string): { file: string; text: string }[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? allFiles(full) : e.isFile() ? [{ file: full, text: fs.readFileSync(full, 'latin1') }] : [];
  });
}

describe('providers beside Ollama, through the language server (integration)', function () {
  this.timeout(30_000);
  let ollama: OllamaFixture;
  /** A second Ollama, configured as the provider "gpu" (kind ollama). */
  let gpu: OllamaFixture;
  let openai: OpenAiFixture;
  let deadUrl: string;
  /** An OpenAI-compatible server behind a reverse proxy whose server is down: its chat answers nginx's 502 page. */
  let proxied: WebPageServer;
  /** An OpenAI-compatible server whose error answer never ends (a broken proxy, a hostile server): its chat answers 500 and streams the body for ever. */
  let endless: WebPageServer;
  /** A reasoning model behind OpenAI-compatible servers: vLLM and llama.cpp stream `reasoning_content`, Ollama's /v1 `reasoning`. */
  let reasoner: WebPageServer;
  let storage: string;
  let workspace: string;
  let client: LspTestClient;

  before(async () => {
    ollama = await startOllamaFixture();
    gpu = await startOllamaFixture();
    openai = await startOpenAiFixture({ models: [LMSTUDIO_MODEL], maxModelLen: 6144 });
    deadUrl = await closedPortUrl();
    proxied = await startWebPageServer({
      '/v1/models': { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ object: 'list', data: [{ id: 'coder', object: 'model' }] }) },
      '/v1/chat/completions': { status: 502, body: BAD_GATEWAY_PAGE },
    });
    endless = await startWebPageServer({
      '/v1/models': { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ object: 'list', data: [{ id: 'coder', object: 'model' }] }) },
      '/v1/chat/completions': (_req, res) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.write('upstream failure: ');
        const more = () => {
          if (!res.destroyed && res.write('x'.repeat(65_536))) setImmediate(more);
        };
        res.on('drain', more);
        more();
      },
    });
    reasoner = await startWebPageServer({
      '/v1/models': { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ object: 'list', data: [{ id: 'vllm-r1', object: 'model' }, { id: 'ollama-v1', object: 'model' }] }) },
      '/v1/chat/completions': async (req, res) => {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const field = JSON.parse(Buffer.concat(chunks).toString()).model === 'vllm-r1' ? 'reasoning_content' : 'reasoning';
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const events = [
          { choices: [{ index: 0, delta: { role: 'assistant', [field]: 'Two plus two ' } }] },
          { choices: [{ index: 0, delta: { [field]: 'is four.' } }] },
          { choices: [{ index: 0, delta: { content: 'Four.' }, finish_reason: 'stop' }] },
        ];
        for (const e of events) res.write(`data: ${JSON.stringify(e)}\n\n`);
        res.end('data: [DONE]\n\n');
      },
    });
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-providers-ls-'));
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-providers-ws-'));
    fs.writeFileSync(path.join(workspace, 'README.md'), README);
    client = await startLspTestClient({
      storagePath: storage,
      workspace,
      settings: {
        ollama: { host: ollama.url },
        // LM Studio shows its URL with /v1; the setting takes it as shown.
        providers: [
          { name: 'lmstudio', kind: 'openai', baseUrl: `${openai.url}/v1` },
          { name: 'dead', kind: 'openai', baseUrl: deadUrl },
          { name: 'gpu', kind: 'ollama', baseUrl: gpu.url },
          { name: 'proxied', kind: 'openai', baseUrl: `${proxied.url}/v1` },
          { name: 'endless', kind: 'openai', baseUrl: `${endless.url}/v1` },
          { name: 'reasoner', kind: 'openai', baseUrl: `${reasoner.url}/v1` },
        ],
        chat: { model: `lmstudio::${LMSTUDIO_MODEL}` },
        completion: { model: `lmstudio::${LMSTUDIO_MODEL}`, debounceMs: 0 },
      },
    });
    await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
    // What the extension does at start with the key from SecretStorage.
    await client.connection.sendRequest(ProviderApiKeyRequest.type, { provider: 'lmstudio', baseUrl: `${openai.url}/v1`, apiKey: SECRET });
  });

  after(async () => {
    await client?.stop();
    await openai?.close();
    await proxied?.close();
    await endless?.close();
    await reasoner?.close();
    await ollama?.close();
    await gpu?.close();
    fs.rmSync(storage, { recursive: true, force: true });
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it("lists Ollama's models and the provider's, and names the dead provider and its URL without hiding either", async () => {
    const list = await client.connection.sendRequest(ModelListRequest.type, {});
    assert.equal(list.error, undefined, 'Ollama itself is fine');
    const names = list.models.map((m) => m.name);
    assert.ok(names.includes('qwen2.5-coder:7b'), names.join(', '));
    const lm = list.models.find((m) => m.name === `lmstudio::${LMSTUDIO_MODEL}`);
    assert.equal(lm?.provider, 'lmstudio');
    assert.equal(list.models.find((m) => m.name === 'qwen2.5-coder:7b')?.provider, undefined);
    assert.equal(list.providerErrors?.length, 1);
    const dead = list.providerErrors![0];
    assert.equal(dead.code, 'providerUnreachable');
    assert.ok(dead.message.includes('"dead"') && dead.message.includes(deadUrl), dead.message);
    assert.match(dead.message, /hearth\.providers/);
    const listing = openai.requests.filter((r) => r.path === '/v1/models').at(-1);
    assert.equal(listing?.authorization, `Bearer ${SECRET}`);
  });

  it('runs a chat turn with a tool call on the OpenAI-compatible provider, the key as a bearer token only', async () => {
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'What is README.md?', context: [] } });
    const done = await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
    const events = client.events.filter((e) => e.entryId === started.assistantEntryId).map((e) => e.event);
    assert.deepEqual(done.event, { type: 'done', reason: 'stop' }, JSON.stringify(events.filter((e) => e.type === 'error')));
    const results = events.filter((e) => e.type === 'toolResult').map((e) => (e as { result: ToolResult }).result);
    assert.equal(results.length, 1);
    assert.equal(results[0].isError, false, results[0].content);
    assert.ok(results[0].content.includes('A project the agent reads'), results[0].content);
    assert.equal(events.filter((e) => e.type === 'text').map((e) => (e as { delta: string }).delta).join(''), 'It is a readme.');
    assert.ok(!events.some((e) => e.type === 'status' && /Loading/.test(e.message)), "Ollama's /api/ps cannot tell about a provider's model, so no load is announced");
    const context = events.find((e) => e.type === 'context') as { numCtx: number } | undefined;
    assert.equal(context?.numCtx, 6144, "the context budget is the server's own max_model_len");

    const chats = openai.requests.filter((r) => r.path === '/v1/chat/completions');
    assert.equal(chats.length, 2, 'one request for the tool call, one with its result');
    for (const c of chats) {
      assert.equal(c.authorization, `Bearer ${SECRET}`);
      assert.equal(c.body.model, LMSTUDIO_MODEL, 'the provider gets its own model id, without the prefix');
    }
    assert.ok(chats[0].body.tools.some((t: { function: { name: string } }) => t.function.name === 'read_file'));
    const [assistant, tool] = chats[1].body.messages.slice(-2);
    assert.equal(tool.tool_call_id, assistant.tool_calls[0].id);
    assert.ok(tool.content.includes('A project the agent reads'));
    assert.equal(ollama.requests.filter((r) => r.path === '/api/chat').length, 0, 'nothing of the turn went to Ollama');

    // The key is in no log line and no file the server wrote (sessions, checkpoints, indexes).
    assert.ok(!client.logs.join('\n').includes(SECRET), 'the key is not logged');
    const leaked = allFiles(storage).filter((f) => f.text.includes(SECRET)).map((f) => f.file);
    assert.deepEqual(leaked, []);
    assert.ok(allFiles(storage).some((f) => f.text.includes('a readme.')), 'the session itself was stored (its events hold the answer)');
  });

  it("a turn on the dead provider ends with an error that names it and its URL; Ollama's models still answer", async () => {
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Hello?', context: [] }, model: 'dead::some-model' });
    const done = await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
    assert.deepEqual(done.event, { type: 'done', reason: 'error' });
    const error = client.events.find((e) => e.entryId === started.assistantEntryId && e.event.type === 'error')?.event as { error: HearthError } | undefined;
    assert.equal(error?.error.code, 'providerUnreachable');
    assert.ok(error!.error.message.includes('"dead"') && error!.error.message.includes(deadUrl), error!.error.message);

    ollama.enqueue({ kind: 'text', text: 'Ollama is here.' });
    const plain = await client.connection.sendRequest(ChatSendRequest.type, { sessionId: started.sessionId, input: { text: 'And you?', context: [] }, model: 'qwen2.5-coder:7b' });
    const plainDone = await client.waitForEvent((e) => e.entryId === plain.assistantEntryId && e.event.type === 'done', 20_000);
    assert.deepEqual(plainDone.event, { type: 'done', reason: 'stop' });
  });

  it('an error answer that never ends is named at once, from its start, and the turn keeps nothing of the rest', async () => {
    const asked = Date.now();
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Hello?', context: [] }, model: 'endless::coder' });
    const done = await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
    assert.deepEqual(done.event, { type: 'done', reason: 'error' });
    assert.ok(Date.now() - asked < 15_000, `the error came after ${Date.now() - asked} ms`);
    const error = client.events.find((e) => e.entryId === started.assistantEntryId && e.event.type === 'error')?.event as { error: HearthError } | undefined;
    const message = error?.error.message ?? '';
    assert.match(message, /\(HTTP 500\): upstream failure: x+/);
    assert.ok(message.length < 1000, `the message is ${message.length} characters`);
  });

  it('a web page answering for the provider (a proxy\'s 502) is named with its origin, status and title, never its markup', async () => {
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Hello?', context: [] }, model: 'proxied::coder' });
    const done = await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
    assert.deepEqual(done.event, { type: 'done', reason: 'error' });
    const error = client.events.find((e) => e.entryId === started.assistantEntryId && e.event.type === 'error')?.event as { error: HearthError } | undefined;
    const message = error?.error.message ?? '';
    const origin = proxied.url.replace(/[.]/g, '\\.');
    assert.match(message, new RegExp(`^The OpenAI-compatible provider "proxied" at ${origin} reported an error for proxied::coder \\(HTTP 502\\): the server at ${origin} answered 502 Bad Gateway with a web page \\(not an OpenAI-compatible error\\) titled "502 Bad Gateway"; if a proxy stands in front of the model server, check that the server behind it is running\\.$`));
    assert.doesNotMatch(message, /<|nginx/, 'no markup in the chat');
    assert.equal(error?.error.retryable, true, 'a 502 can pass once the server behind the proxy is back');
  });

  for (const model of ['vllm-r1', 'ollama-v1']) {
    it(`shows the reasoning a provider streams before the answer (${model === 'vllm-r1' ? 'reasoning_content, as vLLM and llama.cpp send it' : "reasoning, as Ollama's /v1 sends it"})`, async () => {
      const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'What is 2 + 2?', context: [] }, model: `reasoner::${model}` });
      const done = await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
      assert.deepEqual(done.event, { type: 'done', reason: 'stop' });
      const events = client.events.filter((e) => e.entryId === started.assistantEntryId).map((e) => e.event);
      const text = (type: 'thinking' | 'text') => events.filter((e) => e.type === type).map((e) => (e as { delta: string }).delta).join('');
      assert.equal(text('thinking'), 'Two plus two is four.');
      assert.equal(text('text'), 'Four.');
      assert.ok(events.findIndex((e) => e.type === 'thinking') < events.findIndex((e) => e.type === 'text'), 'the reasoning shows before the answer');
    });
  }

  it("a model the provider does not have is named with the provider's own list", async () => {
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Hi', context: [] }, model: 'lmstudio::not-loaded' });
    await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
    const error = client.events.find((e) => e.entryId === started.assistantEntryId && e.event.type === 'error')?.event as { error: HearthError } | undefined;
    assert.equal(error?.error.code, 'modelNotFound');
    assert.match(error!.error.message, /"not-loaded" is not available on the OpenAI-compatible provider "lmstudio" at http:\/\/127\.0\.0\.1:\d+\. It offers: lmstudio::qwen2\.5-coder-7b-instruct\./);
    assert.ok(!error!.error.message.includes(SECRET));
  });

  it('sends a model of an Ollama provider to that Ollama under its plain name', async () => {
    const list = await client.connection.sendRequest(ModelListRequest.type, {});
    assert.equal(list.models.find((m) => m.name === 'gpu::qwen2.5-coder:7b')?.provider, 'gpu');
    gpu.enqueue({ kind: 'text', text: 'From the GPU box.' });
    const before = ollama.requests.filter((r) => r.path === '/api/chat').length;
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Where are you?', context: [] }, model: 'gpu::qwen2.5-coder:7b' });
    const done = await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
    assert.deepEqual(done.event, { type: 'done', reason: 'stop' });
    const chats = gpu.requests.filter((r) => r.path === '/api/chat');
    assert.equal(chats.length, 1);
    assert.equal(chats[0].body.model, 'qwen2.5-coder:7b');
    assert.equal(ollama.requests.filter((r) => r.path === '/api/chat').length, before, 'the default Ollama was not asked');
  });

  it("inline suggestions from the provider: the family's fill-in-the-middle prompt on /v1/completions, with the key", async () => {
    const uri = pathToFileURL(path.join(workspace, 'add.ts')).toString();
    const text = 'export function add(a: number, b: number): number {\n  return \n}\n';
    await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'typescript', version: 1, text } });
    const generatesBefore = ollama.requests.filter((r) => r.path === '/api/generate').length;
    const result = await client.connection.sendRequest(InlineCompletionRequest.type, {
      textDocument: { uri },
      position: { line: 1, character: 9 },
      context: { triggerKind: InlineCompletionTriggerKind.Invoked },
    });
    const items = Array.isArray(result) ? result : (result?.items ?? []);
    assert.equal(items[0]?.insertText, 'a + b;');
    const asked = openai.requests.filter((r) => r.path === '/v1/completions').at(-1);
    assert.ok(asked, 'the provider was asked');
    assert.equal(asked.body.model, LMSTUDIO_MODEL, 'the provider gets its own name for the model');
    assert.match(asked.body.prompt, /^<\|fim_prefix\|>[\s\S]*export function add\(a: number, b: number\): number \{\n {2}return <\|fim_suffix\|>\n\}\n[\s\S]*<\|fim_middle\|>$/);
    assert.ok(asked.body.stop.includes('<|fim_prefix|>'), 'the family\'s sentinels stop the model');
    assert.equal(asked.authorization, `Bearer ${SECRET}`);
    assert.equal(ollama.requests.filter((r) => r.path === '/api/generate').length, generatesBefore, 'the default Ollama was not asked');
  });

  it("with no suggestion model set and Ollama not running, suggestions come from a provider's code model", async () => {
    // Someone with only LM Studio: Ollama's address answers nothing, and hearth.completion.model is left empty.
    const ownStorage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-providers-only-ls-'));
    const only = await startLspTestClient({
      storagePath: ownStorage,
      workspace,
      settings: { ollama: { host: deadUrl }, providers: [{ name: 'lmstudio', kind: 'openai', baseUrl: `${openai.url}/v1` }], completion: { model: '', debounceMs: 0 } },
    });
    try {
      await only.connection.sendRequest(ProviderApiKeyRequest.type, { provider: 'lmstudio', baseUrl: `${openai.url}/v1`, apiKey: SECRET });
      const uri = pathToFileURL(path.join(workspace, 'sub.ts')).toString();
      await only.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'typescript', version: 1, text: 'export function sub(a: number, b: number): number {\n  return \n}\n' } });
      const before = openai.requests.filter((r) => r.path === '/v1/completions').length;
      const result = await only.connection.sendRequest(InlineCompletionRequest.type, { textDocument: { uri }, position: { line: 1, character: 9 }, context: { triggerKind: InlineCompletionTriggerKind.Invoked } });
      const items = Array.isArray(result) ? result : (result?.items ?? []);
      assert.equal(items[0]?.insertText, 'a + b;');
      const asked = openai.requests.filter((r) => r.path === '/v1/completions').slice(before);
      assert.equal(asked.length, 1);
      assert.equal(asked[0].body.model, LMSTUDIO_MODEL);
    } finally {
      await only.stop();
      fs.rmSync(ownStorage, { recursive: true, force: true });
    }
  });

  it('refuses a model string that names no configured provider, saying which ones exist', async () => {
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Hi', context: [] }, model: 'vllm::Qwen/Qwen2.5-Coder-7B-Instruct' });
    await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
    const error = client.events.find((e) => e.entryId === started.assistantEntryId && e.event.type === 'error')?.event as { error: HearthError } | undefined;
    assert.match(error?.error.message ?? '', /No provider named "vllm" .*configured: lmstudio, dead, gpu/);
  });
});
