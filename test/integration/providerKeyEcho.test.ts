/**
 * A provider that repeats the user's API key in its errors (some gateways
 * print the key they received): the user is told what the server said, but
 * the key never reaches the chat, the session on disk or an exported chat,
 * where it would be shown to whoever sees the screen or the file.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { startKeyEchoingProvider, type KeyEchoingProvider } from '../fixtures/keyEchoingProvider';
import { startLspTestClient, type LspTestClient } from './lspTestClient';
import { pathToFileURL } from 'node:url';
import { ChatSendRequest, CompletionStatusNotification, ProviderApiKeyRequest, SessionExportRequest, WorkspaceTrustNotification, type CompletionStatus } from '../../protocol/lspMethods';
import { CompletionTestEditor } from './completionTestEditor';
import type { HearthError } from '../../protocol/chat';

const SECRET = 'sk-gateway-4d9e1b7c2a6f8e30';

/** Every file under `dir`, recursively, as text. */
function allFiles(dir: string): { file: string; text: string }[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? allFiles(full) : e.isFile() ? [{ file: full, text: fs.readFileSync(full, 'latin1') }] : [];
  });
}

describe('a provider that repeats the API key in its errors (integration)', function () {
  this.timeout(30_000);
  let ollama: OllamaFixture;
  let provider: KeyEchoingProvider;
  let storage: string;
  let workspace: string;
  let client: LspTestClient;
  const statuses: CompletionStatus[] = [];

  before(async () => {
    ollama = await startOllamaFixture();
    provider = await startKeyEchoingProvider();
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-key-echo-'));
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-key-echo-ws-'));
    client = await startLspTestClient({
      storagePath: storage,
      workspace,
      settings: { ollama: { host: ollama.url }, providers: [
          { name: 'gateway', kind: 'openai', baseUrl: provider.url },
          { name: 'gpu', kind: 'ollama', baseUrl: provider.url },
        ],
        completion: { model: 'gpu::breaks', debounceMs: 0 },
      },
    });
    client.connection.onNotification(CompletionStatusNotification.type, (s) => {
      statuses.push(s);
    });
    await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
    await client.connection.sendRequest(ProviderApiKeyRequest.type, { provider: 'gateway', baseUrl: provider.url, apiKey: SECRET });
    await client.connection.sendRequest(ProviderApiKeyRequest.type, { provider: 'gpu', baseUrl: provider.url, apiKey: SECRET });
  });

  after(async () => {
    await client?.stop();
    await provider?.close();
    await ollama?.close();
    fs.rmSync(storage, { recursive: true, force: true });
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  for (const { model, said, what } of [
    { model: 'gateway::refuses', said: /Authentication Error: invalid key\. Received Bearer \S+/, what: 'a 401 refusal' },
    { model: 'gateway::breaks', said: /budget exceeded for Bearer \S+/, what: 'an error inside the stream' },
    { model: 'gpu::qwen2.5-coder:7b', said: /unknown token Bearer \S+/, what: 'an Ollama provider behind a gateway' },
    { model: 'gpu::breaks', said: /budget exceeded for Bearer \S+/, what: "an error inside an Ollama provider's stream" },
  ]) {
    it(`shows the server's error without the key (${what}), and stores and exports none of it`, async () => {
      const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Hello?', context: [] }, model });
      const done = await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
      assert.notEqual((done.event as { reason: string }).reason, 'stop');
      const error = client.events.find((e) => e.entryId === started.assistantEntryId && e.event.type === 'error')?.event as { error: HearthError } | undefined;
      const message = error?.error.message ?? '';
      assert.match(message, said, 'the user still sees what the server said');
      assert.ok(!message.includes(SECRET), message);
      assert.ok(!client.logs.join('\n').includes(SECRET), 'the key is not logged');
      const exported = await client.connection.sendRequest(SessionExportRequest.type, { sessionId: started.sessionId });
      assert.ok(!exported.markdown.includes(SECRET), exported.markdown);
      assert.ok(exported.markdown.includes('Hello?'), 'the message was kept');
      assert.deepEqual(allFiles(storage).filter((f) => f.text.includes(SECRET)).map((f) => f.file), []);
    });
  }

  it("an inline suggestion that fails inside an Ollama provider's stream says what the server said, without the key", async () => {
    const editor = new CompletionTestEditor(client.connection, pathToFileURL(path.join(workspace, 'add.ts')).toString(), 'typescript', 'export function add(a: number, b: number): number {\n  return \n}\n');
    await editor.open();
    editor.moveTo('  return ');
    await editor.request();
    const deadline = Date.now() + 20_000;
    while (!statuses.some((s) => s.state === 'error') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const failed = statuses.find((s) => s.state === 'error');
    assert.match(failed?.message ?? '', /budget exceeded for Bearer \S+/, 'the status item says what the server said');
    assert.ok(!JSON.stringify(statuses).includes(SECRET), JSON.stringify(statuses));
    assert.ok(!client.logs.join('\n').includes(SECRET), 'the key is not logged');
  });
});
