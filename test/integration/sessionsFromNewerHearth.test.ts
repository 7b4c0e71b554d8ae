import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { startLspTestClient } from './lspTestClient';
import { chatTurn, useLspSuite } from './lspSuite';
import { SessionDeleteRequest, SessionGetRequest, SessionListRequest, SessionRenameRequest } from '../../protocol/lspMethods';

const MODEL = 'qwen2.5-coder:7b';

/**
 * A workspace opened with an older Hearth after a newer one: the chats the
 * newer one saved (a higher format version in the log's meta record) are
 * not shown as if this version could read them, never written to or
 * deleted, and counted so History can say why they are missing.
 */
describe('chats saved by a newer Hearth (integration)', function () {
  this.timeout(30_000);
  const suite = useLspSuite('sessions-newer');

  it('leaves them out of the list, counts them, and keeps their logs byte for byte whatever the user does', async () => {
    suite.fixture.enqueue({ kind: 'text', text: 'Answer.' });
    suite.client = await startLspTestClient({ storagePath: suite.storage, settings: { ollama: { host: suite.fixture.url }, chat: { model: MODEL } } });
    const own = await chatTurn(suite.client, 'a chat this version wrote');
    await suite.client.stop();

    // Two logs as a newer Hearth might write them: a higher version and a record kind this version does not know.
    const newer = [randomUUID(), randomUUID()];
    const logs = newer.map((id) => path.join(suite.storage, 'sessions', `${id}.jsonl`));
    for (const [i, id] of newer.entries()) {
      const lines = [
        { t: 'meta', v: 2, id, createdAt: Date.now(), model: MODEL },
        { t: 'title', title: `Newer chat ${i}` },
        { t: 'user', entry: { kind: 'user', id: randomUUID(), at: Date.now(), text: 'asked in a newer Hearth' } },
        { t: 'branch', from: 'somewhere', entries: [] },
      ];
      fs.writeFileSync(logs[i], lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    }
    const before = logs.map((log) => fs.readFileSync(log));

    suite.client = await startLspTestClient({ storagePath: suite.storage, settings: { ollama: { host: suite.fixture.url }, chat: { model: MODEL } } });
    const { connection } = suite.client;
    const list = await connection.sendRequest(SessionListRequest.type, {});
    assert.deepEqual(list.sessions.map((s) => s.id), [own.started.sessionId]);
    assert.equal(list.hiddenNewer, 2);

    await assert.rejects(connection.sendRequest(SessionGetRequest.type, { sessionId: newer[0] }), /does not exist/);
    await assert.rejects(connection.sendRequest(SessionRenameRequest.type, { sessionId: newer[0], title: 'Renamed by an old Hearth' }));
    assert.deepEqual(await connection.sendRequest(SessionDeleteRequest.type, { sessionId: newer[1] }), { deleted: false });
    for (const [i, log] of logs.entries()) assert.deepEqual(fs.readFileSync(log), before[i], 'the newer chat’s log is untouched');
    assert.equal((await connection.sendRequest(SessionListRequest.type, {})).hiddenNewer, 2);
  });
});
