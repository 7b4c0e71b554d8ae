import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { startMistralToolCallIds, type MistralToolCallIds } from '../fixtures/mistralToolCallIds';
import { startLspTestClient, type LspTestClient } from './lspTestClient';
import { ChatSendRequest, WorkspaceTrustNotification } from '../../protocol/lspMethods';

const MODEL = 'mistralai/Devstral-Small-2507';

/** The ids of tool calls sent back to an OpenAI-compatible provider are ones every such server accepts, Mistral's strict rule included. */
describe('tool call ids sent to a provider (integration)', function () {
  this.timeout(30_000);
  let ollama: OllamaFixture;
  let server: MistralToolCallIds;
  let storage: string;
  let workspace: string;
  let client: LspTestClient;

  before(async () => {
    ollama = await startOllamaFixture();
    server = await startMistralToolCallIds(MODEL, 'notes.txt');
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-provider-ids-'));
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-provider-ids-ws-'));
    fs.writeFileSync(path.join(workspace, 'notes.txt'), 'remember the milk\n');
    client = await startLspTestClient({
      storagePath: storage,
      workspace,
      settings: { ollama: { host: ollama.url }, providers: [{ name: 'vllm', kind: 'openai', baseUrl: server.url }], chat: { model: `vllm::${MODEL}` } },
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

  it('a Mistral model on vLLM gets its tool result back and answers, in this turn and the next', async () => {
    let sessionId: string | undefined;
    for (const text of ['Read my notes', 'Read them again']) {
      const started = await client.connection.sendRequest(ChatSendRequest.type, { ...(sessionId ? { sessionId } : {}), input: { text, context: [] } });
      const done = await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
      const events = client.events.filter((e) => e.entryId === started.assistantEntryId).map((e) => e.event);
      assert.deepEqual(done.event, { type: 'done', reason: 'stop' }, JSON.stringify(events.filter((e) => e.type === 'error')));
      assert.ok(events.some((e) => e.type === 'toolResult' && e.result.content.includes('remember the milk')));
      assert.equal(events.map((e) => (e.type === 'text' ? e.delta : '')).join(''), 'Done.');
      sessionId = started.sessionId;
    }
    // The second turn sent the first turn's call and result back too, and every id in it passed.
    const last = server.chats.at(-1)!.messages;
    assert.equal(last.filter((m) => m.role === 'tool').length, 2);
    const ids = last.flatMap((m) => [...(m.tool_calls ?? []).map((c) => c.id), ...(m.tool_call_id ? [m.tool_call_id] : [])]);
    assert.equal(new Set(ids).size, 2, `each call and its result share one id, distinct from the other turn's: ${ids.join(', ')}`);
  });
});
