import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { startLspTestClient, type LspTestClient } from './lspTestClient';
import { ChatSendRequest, SessionGetRequest } from '../../protocol/lspMethods';

const MODEL = 'qwen2.5-coder:7b';

/** Session logs on disk left damaged by a crash, and what the user finds after restarting. */
describe('session storage after a crash (integration)', function () {
  this.timeout(30_000);
  let fixture: OllamaFixture;
  let storage: string;
  let client: LspTestClient | undefined;

  beforeEach(async () => {
    fixture = await startOllamaFixture();
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-ls-'));
  });

  afterEach(async () => {
    await client?.stop();
    client = undefined;
    await fixture.close();
    fs.rmSync(storage, { recursive: true, force: true });
  });

  const start = async () => {
    client = await startLspTestClient({ storagePath: storage, settings: { ollama: { host: fixture.url }, chat: { model: MODEL } } });
    return client;
  };

  const send = async (text: string, sessionId?: string) => {
    const started = await client!.connection.sendRequest(ChatSendRequest.type, { sessionId, input: { text, context: [] } });
    await client!.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done');
    return started;
  };

  const userTexts = async (sessionId: string) => {
    const session = await client!.connection.sendRequest(SessionGetRequest.type, { sessionId });
    return session.entries.map((e) => (e.kind === 'user' ? e.text : e.kind));
  };

  it('a message sent after a crash tore the log’s last line is still there after the next restart', async () => {
    fixture.enqueue({ kind: 'text', text: 'First answer.' }, { kind: 'text', text: 'Second answer.' });
    await start();
    const first = await send('before the crash');
    await client!.kill();
    // A kill in the middle of a write leaves half a record and no newline at the end of the log.
    const log = path.join(storage, 'sessions', `${first.sessionId}.jsonl`);
    fs.appendFileSync(log, `{"t":"event","id":"${first.assistantEntryId}","event":{"type":"text","del`);

    await start();
    await send('after the crash', first.sessionId);
    await client!.stop();

    await start();
    assert.deepEqual(await userTexts(first.sessionId), ['before the crash', 'assistant', 'after the crash', 'assistant']);
  });
});
