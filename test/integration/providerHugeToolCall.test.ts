import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { startOpenAiHugeToolCall, type OpenAiHugeToolCall } from '../fixtures/openAiHugeToolCall';
import { startLspTestClient, type LspTestClient } from './lspTestClient';
import { ChatSendRequest, WorkspaceTrustNotification } from '../../protocol/lspMethods';

const MODEL = 'coder';

/** A provider streaming one tool call without end, in short well-formed lines: the call is bounded as a whole, as Ollama's one-line calls are. */
describe('a provider streaming a tool call larger than any real one (integration)', function () {
  this.timeout(60_000);
  let ollama: OllamaFixture;
  let server: OpenAiHugeToolCall;
  let storage: string;
  let workspace: string;
  let client: LspTestClient;

  before(async () => {
    ollama = await startOllamaFixture();
    // 24 MiB of arguments: past the 16 MiB bound, and small enough that a build without the bound only wastes memory.
    server = await startOpenAiHugeToolCall(MODEL, 24 * 1024 * 1024);
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-provider-huge-'));
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-provider-huge-ws-'));
    fs.writeFileSync(path.join(workspace, 'a.txt'), 'first file\n');
    client = await startLspTestClient({
      storagePath: storage,
      workspace,
      settings: { ollama: { host: ollama.url }, providers: [{ name: 'box', kind: 'openai', baseUrl: server.url }], chat: { model: `box::${MODEL}` } },
    });
    await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
  });

  after(async () => {
    await client?.stop();
    await server?.close();
    await ollama?.close();
    fs.rmSync(storage, { recursive: true, force: true });
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('stops reading at the bound, hangs up, runs nothing, and says why', async () => {
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Read a.txt', context: [] } });
    const done = await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 45_000);
    const events = client.events.filter((e) => e.entryId === started.assistantEntryId).map((e) => e.event);
    assert.deepEqual(done.event, { type: 'done', reason: 'error' });
    const error = events.find((e) => e.type === 'error');
    assert.match(error?.type === 'error' ? error.error.message : '', /provider "box" .*sent tool call arguments longer than 16 MiB; Hearth stopped reading them/);
    assert.ok(!events.some((e) => e.type === 'toolCall' || e.type === 'toolResult'), 'no tool ran');
    await server.hungUp;
  });
});
