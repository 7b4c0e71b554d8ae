import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chatTurn, useLspSuite } from './lspSuite';
import { startLspTestClient, type LspTestClient } from './lspTestClient';
import { ChatSendRequest, CommandApprovalRequest, EditApprovalRequest, SessionDeleteRequest, SessionGetRequest, SessionListRequest, WorkspaceTrustNotification } from '../../protocol/lspMethods';

const MODEL = 'qwen2.5-coder:7b';

/**
 * Two VS Code windows on one folder: two real language servers over one
 * storage folder (chats and checkpoints), as VS Code gives both the same
 * workspace storage.
 */
describe('two windows on one folder: two language servers, one storage (integration)', function () {
  this.timeout(60_000);
  const suite = useLspSuite('two-windows');
  let second: LspTestClient | undefined;
  afterEach(async () => {
    await second?.stop();
    second = undefined;
  });

  async function start(): Promise<LspTestClient> {
    const client = await startLspTestClient({ storagePath: suite.storage, workspace: suite.workspace, settings: { ollama: { host: suite.fixture.url }, chat: { model: MODEL } } });
    client.connection.onRequest(EditApprovalRequest.type, () => ({ decision: 'accept' as const }));
    client.connection.onRequest(CommandApprovalRequest.type, () => ({ decision: 'accept' as const }));
    await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
    return client;
  }

  it("each window's History shows the chats the other made and drops the ones it deleted; their checkpoints share the store", async () => {
    const windowA = (suite.client = await start());
    const windowB = (second = await start());
    const titles = async (client: LspTestClient) => (await client.connection.sendRequest(SessionListRequest.type, {})).sessions.map((s) => s.title).sort();
    assert.deepEqual(await titles(windowA), []);

    suite.fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'write_file', arguments: { path: 'from-a.txt', content: 'a\n' } }] },
      { kind: 'toolCalls', calls: [{ name: 'write_file', arguments: { path: 'from-b.txt', content: 'b\n' } }] },
      { kind: 'text', text: 'Done.' },
      { kind: 'text', text: 'Done.' },
    );
    const [, inB] = await Promise.all([chatTurn(windowA, 'asked in window A'), chatTurn(windowB, 'asked in window B')]);
    assert.deepEqual(await titles(windowA), ['asked in window A', 'asked in window B']);
    assert.deepEqual(await titles(windowB), ['asked in window A', 'asked in window B']);

    await windowB.connection.sendRequest(SessionDeleteRequest.type, { sessionId: inB.started.sessionId });
    assert.deepEqual(await titles(windowA), ['asked in window A'], 'a chat deleted in the other window is gone from this one too');

    // Both took checkpoints at once: each is whole, and the lock between them is let go.
    const store = path.join(suite.storage, 'workspace-checkpoints');
    assert.equal(fs.existsSync(path.join(store, 'lock')), false);
    const manifests = fs.readdirSync(path.join(store, 'snapshots'));
    assert.ok(manifests.length >= 4, `${manifests.length} checkpoints`);
    for (const name of manifests) {
      const snap = JSON.parse(fs.readFileSync(path.join(store, 'snapshots', name), 'utf8')) as { files: Record<string, [string]> };
      for (const [hash] of Object.values(snap.files)) assert.ok(fs.existsSync(path.join(store, 'objects', hash.slice(0, 2), hash.slice(2))));
    }
  });

  it('a chat continued in the other window shows that window’s messages here, and the next reply here is asked with them', async () => {
    const windowA = (suite.client = await start());
    const windowB = (second = await start());
    suite.fixture.enqueue({ kind: 'text', text: 'Paris.' });
    const first = await chatTurn(windowA, 'What is the capital of France?');
    const sessionId = first.started.sessionId;

    // The user opens the same chat in window B (it lists it) and carries on there.
    suite.fixture.enqueue({ kind: 'text', text: 'Berlin.' });
    await windowB.connection.sendRequest(SessionGetRequest.type, { sessionId });
    await chatTurn(windowB, 'And of Germany?', { sessionId });

    // Back in window A, opening the chat shows both turns, and History counts them.
    const texts = async (client: LspTestClient) =>
      (await client.connection.sendRequest(SessionGetRequest.type, { sessionId })).entries.map((e) => (e.kind === 'user' ? e.text : e.parts.map((p) => (p.kind === 'text' ? p.text : '')).join('')));
    assert.deepEqual(await texts(windowA), ['What is the capital of France?', 'Paris.', 'And of Germany?', 'Berlin.']);
    const listed = (await windowA.connection.sendRequest(SessionListRequest.type, {})).sessions.find((s) => s.id === sessionId);
    assert.equal(listed?.messageCount, 4);

    // A message sent in window A goes to the model with the turn window B added.
    suite.fixture.enqueue({ kind: 'text', text: 'Rome.' });
    await chatTurn(windowA, 'And of Italy?', { sessionId });
    const asked = suite.fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!.body.messages as { role: string; content: string }[];
    assert.deepEqual(
      asked.filter((m) => m.role !== 'system').map((m) => m.content),
      ['What is the capital of France?', 'Paris.', 'And of Germany?', 'Berlin.', 'And of Italy?'],
    );
    // Both windows see the whole chat, each turn once.
    const whole = ['What is the capital of France?', 'Paris.', 'And of Germany?', 'Berlin.', 'And of Italy?', 'Rome.'];
    assert.deepEqual(await texts(windowA), whole);
    assert.deepEqual(await texts(windowB), whole);
  });

  it('a message sent to a chat the other window deleted is refused with the reason, not written where no window can open it again', async () => {
    const windowA = (suite.client = await start());
    const windowB = (second = await start());
    suite.fixture.enqueue({ kind: 'text', text: 'Paris.' });
    const { started } = await chatTurn(windowA, 'What is the capital of France?');
    await windowB.connection.sendRequest(SessionListRequest.type, {});
    await windowB.connection.sendRequest(SessionDeleteRequest.type, { sessionId: started.sessionId });

    await assert.rejects(
      windowA.connection.sendRequest(ChatSendRequest.type, { sessionId: started.sessionId, input: { text: 'And of Germany?', context: [] } }),
      (err: Error) => /no longer exists/.test(err.message),
    );
    assert.deepEqual((await windowA.connection.sendRequest(SessionListRequest.type, {})).sessions, [], 'History in window A drops it too');
    assert.deepEqual(fs.readdirSync(path.join(suite.storage, 'sessions')), [], 'nothing was written for the deleted chat');
  });
});
