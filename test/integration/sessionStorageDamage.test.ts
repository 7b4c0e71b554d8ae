import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startLspTestClient } from './lspTestClient';
import { useLspSuite } from './lspSuite';
import { ChatRetryRequest, ChatSendRequest, ModelListRequest, SessionGetRequest, SessionListRequest } from '../../protocol/lspMethods';
import { limitFileSize } from '../fixtures/fileSizeLimit';

const MODEL = 'qwen2.5-coder:7b';

/** Session logs on disk left damaged by a crash or a full disk, and what the user is told and finds after restarting. */
describe('session storage after a crash or a full disk (integration)', function () {
  this.timeout(30_000);
  const suite = useLspSuite('session-damage');

  const start = async () => {
    suite.client = await startLspTestClient({ storagePath: suite.storage, settings: { ollama: { host: suite.fixture.url }, chat: { model: MODEL } } });
    return suite.client;
  };

  const send = async (text: string, sessionId?: string) => {
    const started = await suite.client!.connection.sendRequest(ChatSendRequest.type, { sessionId, input: { text, context: [] } });
    await suite.client!.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done');
    return started;
  };

  const userTexts = async (sessionId: string) => {
    const session = await suite.client!.connection.sendRequest(SessionGetRequest.type, { sessionId });
    return session.entries.map((e) => (e.kind === 'user' ? e.text : e.kind));
  };

  it('a message sent after a crash tore the log’s last line is still there after the next restart', async () => {
    suite.fixture.enqueue({ kind: 'text', text: 'First answer.' }, { kind: 'text', text: 'Second answer.' });
    await start();
    const first = await send('before the crash');
    await suite.client!.kill();
    // A kill in the middle of a write leaves half a record and no newline at the end of the log.
    const log = path.join(suite.storage, 'sessions', `${first.sessionId}.jsonl`);
    fs.appendFileSync(log, `{"t":"event","id":"${first.assistantEntryId}","event":{"type":"text","del`);

    await start();
    await send('after the crash', first.sessionId);
    await suite.client!.stop();

    await start();
    assert.deepEqual(await userTexts(first.sessionId), ['before the crash', 'assistant', 'after the crash', 'assistant']);
  });

  it('a log line that parses but cannot be applied is skipped: the chat still opens and every other chat is still listed', async () => {
    suite.fixture.enqueue({ kind: 'text', text: 'Kept answer.' }, { kind: 'text', text: 'Other answer.' });
    await start();
    const damaged = await send('kept question');
    const other = await send('another chat');
    await suite.client!.stop();
    // Lines another version of Hearth, a sync tool or a damaged disk could leave: valid JSON, not a record this build can apply.
    const log = path.join(suite.storage, 'sessions', `${damaged.sessionId}.jsonl`);
    fs.appendFileSync(log, ['{"t":"user","entry":null}', `{"t":"event","id":"${damaged.assistantEntryId}","event":null}`, `{"t":"event","id":"${damaged.assistantEntryId}","event":{"type":"todos"}}`, ''].join('\n'));

    await start();
    const { sessions } = await suite.client!.connection.sendRequest(SessionListRequest.type, {});
    assert.deepEqual(sessions.map((s) => s.id).sort(), [damaged.sessionId, other.sessionId].sort());
    const session = await suite.client!.connection.sendRequest(SessionGetRequest.type, { sessionId: damaged.sessionId });
    assert.deepEqual(session.entries.map((e) => (e.kind === 'user' ? e.text : e.parts.map((p) => (p.kind === 'text' ? p.text : '')).join(''))), ['kept question', 'Kept answer.']);
  });

  it('a message the full disk cannot store is refused with the folder and the reason, and the chat does not pretend to have it', async () => {
    suite.fixture.enqueue({ kind: 'text', text: 'First answer.' });
    await start();
    const first = await send('before the disk filled');
    const log = path.join(suite.storage, 'sessions', `${first.sessionId}.jsonl`);
    limitFileSize(suite.client!.process.pid!, fs.statSync(log).size);

    await assert.rejects(
      suite.client!.connection.sendRequest(ChatSendRequest.type, { sessionId: first.sessionId, input: { text: 'lost to the full disk?', context: [] } }),
      (err: Error) => {
        assert.match(err.message, /^Hearth could not save this chat in .*sessions: the file has reached the largest size this system allows \(EFBIG/);
        assert.match(err.message, /free some disk space/);
        return true;
      },
    );
    assert.deepEqual(await userTexts(first.sessionId), ['before the disk filled', 'assistant'], 'the chat shows only what is stored');
  });

  it('a disk that fills right after the message is stored fails the reply with the reason and Retry; the message is stored once', async () => {
    suite.fixture.enqueue({ kind: 'text', text: 'First answer.' }, { kind: 'text', text: 'Answered once there was room.' });
    await start();
    const first = await send('before the disk filled');
    const log = path.join(suite.storage, 'sessions', `${first.sessionId}.jsonl`);
    // Room for exactly the next message's record (the same shape as the first one's, ids and times of the same length), not for the reply's.
    const firstUserRecord = fs.readFileSync(log, 'utf8').split('\n').find((l) => l.startsWith('{"t":"user"'))!;
    const text = 'stored, and then the disk was full';
    limitFileSize(suite.client!.process.pid!, fs.statSync(log).size + Buffer.byteLength(firstUserRecord.replace('before the disk filled', text)) + 1);

    const second = await suite.client!.connection.sendRequest(ChatSendRequest.type, { sessionId: first.sessionId, input: { text, context: [] } });
    const error = await suite.client!.waitForEvent((e) => e.entryId === second.assistantEntryId && e.event.type === 'error');
    assert.ok(error.event.type === 'error');
    assert.equal(error.event.error.code, 'storageFailed');
    assert.equal(error.event.error.retryable, true);
    assert.match(error.event.error.message, /could not save this chat in .*sessions: the file has reached the largest size/);
    assert.deepEqual(await userTexts(first.sessionId), ['before the disk filled', 'assistant', text], 'the message is in the chat, once, ready for Retry');

    limitFileSize(suite.client!.process.pid!, 'unlimited');
    const retried = await suite.client!.connection.sendRequest(ChatRetryRequest.type, { sessionId: first.sessionId });
    await suite.client!.waitForEvent((e) => e.entryId === retried.assistantEntryId && e.event.type === 'done');
    await suite.client!.stop();

    await start();
    const session = await suite.client!.connection.sendRequest(SessionGetRequest.type, { sessionId: first.sessionId });
    assert.deepEqual(session.entries.map((e) => (e.kind === 'user' ? e.text : e.parts.map((p) => (p.kind === 'text' ? p.text : '')).join(''))), ['before the disk filled', 'First answer.', text, 'Answered once there was room.']);
  });

  it('a new chat whose title no longer fits after its first message keeps that message once, ready for Retry', async () => {
    suite.fixture.enqueue({ kind: 'text', text: 'First answer.' }, { kind: 'text', text: 'Answered once there was room.' });
    await start();
    const text = 'the same first message';
    const first = await send(text);
    // A new chat's log starts with the same records as this one's (ids and times of the same length) up to its title.
    const lines = fs.readFileSync(path.join(suite.storage, 'sessions', `${first.sessionId}.jsonl`), 'utf8').split('\n');
    const upToMessage = lines.slice(0, lines.findIndex((l) => l.startsWith('{"t":"user"')) + 1);
    limitFileSize(suite.client!.process.pid!, Buffer.byteLength(upToMessage.join('\n')) + 1);

    const second = await suite.client!.connection.sendRequest(ChatSendRequest.type, { input: { text, context: [] } });
    const error = await suite.client!.waitForEvent((e) => e.entryId === second.assistantEntryId && e.event.type === 'error');
    assert.ok(error.event.type === 'error' && error.event.error.code === 'storageFailed', JSON.stringify(error.event));
    limitFileSize(suite.client!.process.pid!, 'unlimited');
    const retried = await suite.client!.connection.sendRequest(ChatRetryRequest.type, { sessionId: second.sessionId });
    await suite.client!.waitForEvent((e) => e.entryId === retried.assistantEntryId && e.event.type === 'done');
    await suite.client!.stop();

    await start();
    assert.deepEqual(await userTexts(second.sessionId), [text, 'assistant']);
  });

  it('a disk that fills while a reply streams ends the turn with a clear error instead of a reply that never finishes, and Retry works once there is room', async () => {
    const long = Array.from({ length: 300 }, (_, i) => `w${i}`).join(' ');
    suite.fixture.enqueue({ kind: 'text', text: 'First answer.' }, { kind: 'text', text: long, tokenDelayMs: 5 });
    await start();
    const first = await send('before the disk filled');
    const log = path.join(suite.storage, 'sessions', `${first.sessionId}.jsonl`);
    // Room for the message and the reply's first records, not for the whole reply.
    limitFileSize(suite.client!.process.pid!, fs.statSync(log).size + 2000);

    const second = await suite.client!.connection.sendRequest(ChatSendRequest.type, { sessionId: first.sessionId, input: { text: 'a long answer please', context: [] } });
    const error = await suite.client!.waitForEvent((e) => e.entryId === second.assistantEntryId && e.event.type === 'error');
    assert.ok(error.event.type === 'error');
    assert.equal(error.event.error.code, 'storageFailed');
    assert.match(error.event.error.message, /could not save this chat in .*sessions: the file has reached the largest size/);
    const done = await suite.client!.waitForEvent((e) => e.entryId === second.assistantEntryId && e.event.type === 'done');
    assert.equal(done.event.type === 'done' && done.event.reason, 'error');
    const request = await suite.fixture.waitFor((r) => r.path === '/api/chat' && r.tokensSent > 0 && r.outcome !== 'pending' && r.body.messages.at(-1).content.includes('a long answer'), 5000);
    assert.equal(request.outcome, 'aborted', 'the model stops answering into a chat that cannot keep it');

    limitFileSize(suite.client!.process.pid!, 'unlimited');
    suite.fixture.enqueue({ kind: 'text', text: 'A short answer.' });
    const retried = await suite.client!.connection.sendRequest(ChatRetryRequest.type, { sessionId: first.sessionId });
    await suite.client!.waitForEvent((e) => e.entryId === retried.assistantEntryId && e.event.type === 'done');
    await suite.client!.stop();

    await start();
    const session = await suite.client!.connection.sendRequest(SessionGetRequest.type, { sessionId: first.sessionId });
    assert.deepEqual(session.entries.map((e) => (e.kind === 'user' ? e.text : e.parts.map((p) => (p.kind === 'text' ? p.text : '')).join(''))), ['before the disk filled', 'First answer.', 'a long answer please', 'A short answer.']);
  });

  it('a history folder that cannot be made costs the chat history, with the folder named, not the language server’s start', async () => {
    // A file where the folder should be: mkdir fails as it does in a storage folder the user cannot write.
    const sessions = path.join(suite.storage, 'sessions');
    fs.writeFileSync(sessions, 'not a folder');
    await start();
    assert.ok((await suite.client!.connection.sendRequest(ModelListRequest.type, {})).models.length > 0, 'the rest of Hearth works');
    assert.deepEqual((await suite.client!.connection.sendRequest(SessionListRequest.type, {})).sessions, []);
    await assert.rejects(suite.client!.connection.sendRequest(ChatSendRequest.type, { input: { text: 'where does this go?', context: [] } }), (err: Error) => {
      assert.match(err.message, new RegExp(`^Hearth could not save this chat in ${sessions.replace(/[.]/g, '\\.')}: a file stands where the folder should be \\(EEXIST`));
      return true;
    });

    fs.rmSync(sessions);
    suite.fixture.enqueue({ kind: 'text', text: 'Stored now.' });
    const sent = await send('where does this go?');
    assert.deepEqual(await userTexts(sent.sessionId), ['where does this go?', 'assistant']);
  });
});
