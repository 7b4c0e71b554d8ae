import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { startLspTestClient, type LspTestClient } from './lspTestClient';
import { ChatRetryRequest, ChatSendRequest, ChatStopRequest, SessionGetRequest, SessionListRequest, SessionRenameRequest, ModelListRequest } from '../../protocol/lspMethods';
import type { ChatEventParams } from '../../protocol/lspMethods';
import { closedPortUrl } from '../fixtures/closedPort';
import { startWebPageServer } from '../fixtures/webPageServer';
import { until } from '../fixtures/until';

const MODEL = 'qwen2.5-coder:7b';

function textOf(events: ChatEventParams[], entryId: string): string {
  return events
    .filter((e) => e.entryId === entryId && e.event.type === 'text')
    .map((e) => (e.event.type === 'text' ? e.event.delta : ''))
    .join('');
}

describe('language server chat over stdio (integration)', function () {
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

  const settingsFor = (host: string, model = MODEL) => ({ ollama: { host }, chat: { model } });

  it('streams an answer from the model and stores the session', async () => {
    fixture.enqueue({ kind: 'text', text: 'Hello from the fixture, streamed in pieces.', tokenDelayMs: 2 });
    client = await startLspTestClient({ storagePath: storage, settings: settingsFor(fixture.url) });
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Say hello', context: [] } });
    const done = await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done');
    assert.equal(done.event.type === 'done' && done.event.reason, 'stop');
    const deltas = client.events.filter((e) => e.entryId === started.assistantEntryId && e.event.type === 'text');
    assert.ok(deltas.length > 3, `expected a stream of deltas, got ${deltas.length}`);
    assert.equal(textOf(client.events, started.assistantEntryId), 'Hello from the fixture, streamed in pieces.');
    const chat = fixture.requests.find((r) => r.path === '/api/chat');
    assert.equal(chat?.body.model, MODEL);
    assert.equal(chat?.body.messages.at(-1).content.includes('Say hello'), true);

    const { sessions } = await client.connection.sendRequest(SessionListRequest.type, {});
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0].title, 'Say hello');
  });

  it('sends the earlier turns of the session as history', async () => {
    client = await startLspTestClient({ storagePath: storage, settings: settingsFor(fixture.url) });
    fixture.enqueue({ kind: 'text', text: 'First answer.' }, { kind: 'text', text: 'Second answer.' });
    const first = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'first question', context: [] } });
    await client.waitForEvent((e) => e.entryId === first.assistantEntryId && e.event.type === 'done');
    const second = await client.connection.sendRequest(ChatSendRequest.type, { sessionId: first.sessionId, input: { text: 'second question', context: [] } });
    await client.waitForEvent((e) => e.entryId === second.assistantEntryId && e.event.type === 'done');
    const last = fixture.requests.filter((r) => r.path === '/api/chat').at(-1);
    const contents = (last?.body.messages as { role: string; content: string }[]).filter((m) => m.role !== 'system').map((m) => [m.role, m.content]);
    assert.deepEqual(contents.slice(-3).map(([role]) => role), ['user', 'assistant', 'user']);
    assert.equal(contents.at(-2)?.[1], 'First answer.');
  });

  it('Stop aborts the HTTP request to Ollama and keeps the partial answer', async () => {
    fixture.enqueue({ kind: 'text', text: Array.from({ length: 400 }, (_, i) => `word${i}`).join(' '), tokenDelayMs: 20 });
    client = await startLspTestClient({ storagePath: storage, settings: settingsFor(fixture.url) });
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Write a long essay', context: [] } });
    await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'text');
    const stoppedAt = Date.now();
    const { stopped } = await client.connection.sendRequest(ChatStopRequest.type, { sessionId: started.sessionId });
    assert.equal(stopped, true);
    const done = await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done');
    assert.equal(done.event.type === 'done' && done.event.reason, 'cancelled');
    const request = await fixture.waitFor((r) => r.path === '/api/chat' && r.outcome !== 'pending', 2000);
    assert.equal(request.outcome, 'aborted');
    assert.ok(request.finishedAt! - stoppedAt < 1000, 'the fixture saw the abort within a second');
    assert.ok(request.tokensSent < 400, 'the model did not finish the answer');
    const session = await client.connection.sendRequest(SessionGetRequest.type, { sessionId: started.sessionId });
    const reply = session.entries.find((e) => e.id === started.assistantEntryId);
    assert.equal(reply?.kind, 'assistant');
    assert.ok(reply?.kind === 'assistant' && reply.parts.length > 0 && reply.doneReason === 'cancelled');
  });

  it('renames a chat for good: the new title survives a restart, and an empty title or an unknown chat is refused', async () => {
    fixture.enqueue({ kind: 'text', text: 'Sure.' });
    client = await startLspTestClient({ storagePath: storage, settings: settingsFor(fixture.url) });
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Plan the release', context: [] } });
    await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done');
    const { summary } = await client.connection.sendRequest(SessionRenameRequest.type, { sessionId: started.sessionId, title: '  Release   v0.2 plan ' });
    assert.equal(summary.title, 'Release v0.2 plan');
    await assert.rejects(client.connection.sendRequest(SessionRenameRequest.type, { sessionId: started.sessionId, title: '   ' }), /cannot be empty/);
    await assert.rejects(client.connection.sendRequest(SessionRenameRequest.type, { sessionId: '00000000-0000-0000-0000-000000000000', title: 'x' }), /does not exist/);
    await client.stop();

    client = await startLspTestClient({ storagePath: storage, settings: settingsFor(fixture.url) });
    const { sessions } = await client.connection.sendRequest(SessionListRequest.type, {});
    assert.deepEqual(sessions.map((s) => s.title), ['Release v0.2 plan']);
    // A later message does not put the automatic title back.
    fixture.enqueue({ kind: 'text', text: 'Done.' });
    const next = await client.connection.sendRequest(ChatSendRequest.type, { sessionId: started.sessionId, input: { text: 'And the changelog?', context: [] } });
    await client.waitForEvent((e) => e.entryId === next.assistantEntryId && e.event.type === 'done');
    assert.equal((await client.connection.sendRequest(SessionListRequest.type, {})).sessions[0].title, 'Release v0.2 plan');
  });

  it('a killed and restarted server still lists the session, with the text streamed before the kill', async () => {
    fixture.enqueue({ kind: 'text', text: Array.from({ length: 300 }, (_, i) => `t${i}`).join(' '), tokenDelayMs: 15 });
    client = await startLspTestClient({ storagePath: storage, settings: settingsFor(fixture.url) });
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Survive a crash', context: [] } });
    await client.waitForEvent((e) => e.entryId === started.assistantEntryId && textOf(client!.events, started.assistantEntryId).length > 30);
    const seen = textOf(client.events, started.assistantEntryId);
    await client.kill();

    client = await startLspTestClient({ storagePath: storage, settings: settingsFor(fixture.url) });
    const { sessions } = await client.connection.sendRequest(SessionListRequest.type, {});
    assert.deepEqual(sessions.map((s) => s.id), [started.sessionId]);
    const session = await client.connection.sendRequest(SessionGetRequest.type, { sessionId: started.sessionId });
    assert.equal(session.entries[0].kind === 'user' && session.entries[0].text, 'Survive a crash');
    const reply = session.entries[1];
    assert.ok(reply.kind === 'assistant');
    assert.equal(reply.state, 'interrupted');
    const stored = reply.parts.map((p) => (p.kind === 'text' ? p.text : '')).join('');
    assert.ok(stored.startsWith(seen), 'everything the client saw before the kill was stored');
  });

  it('an unreachable Ollama gives a clear error, keeps the message, and Retry succeeds once it is back', async () => {
    const deadUrl = await closedPortUrl();
    client = await startLspTestClient({ storagePath: storage, settings: settingsFor(deadUrl) });
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Are you there?', context: [] } });
    const error = await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'error');
    assert.ok(error.event.type === 'error');
    assert.equal(error.event.error.code, 'ollamaUnreachable');
    assert.match(error.event.error.message, new RegExp(deadUrl.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
    assert.match(error.event.error.message, /ollama serve/);
    assert.match(error.event.error.message, /hearth\.ollama\.host/);
    assert.equal(error.event.error.retryable, true);
    await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done');
    await until(() => client!.statuses.some((s) => s.state === 'error' && s.errorCode === 'ollamaUnreachable' && (s.message ?? '').includes('ollama serve')), 'an error status for the status bar');

    client.setSettings(settingsFor(fixture.url));
    fixture.enqueue({ kind: 'text', text: 'Yes, I am here.' });
    const retried = await client.connection.sendRequest(ChatRetryRequest.type, { sessionId: started.sessionId });
    assert.equal(retried.userEntryId, started.userEntryId, 'the same message is retried, not duplicated');
    await client.waitForEvent((e) => e.entryId === retried.assistantEntryId && e.event.type === 'done');
    const session = await client.connection.sendRequest(SessionGetRequest.type, { sessionId: started.sessionId });
    assert.deepEqual(session.entries.map((e) => e.kind), ['user', 'assistant']);
    assert.equal(textOf(client.events, retried.assistantEntryId), 'Yes, I am here.');
  });

  it('a host with a user name and password (Ollama behind basic authentication) sends them as a header, and no message shows the password', async () => {
    const withLogin = (url: string) => url.replace('http://', 'http://hearth:s3cret%21@');
    client = await startLspTestClient({ storagePath: storage, settings: settingsFor(withLogin(fixture.url)) });
    fixture.enqueue({ kind: 'text', text: 'Behind the proxy.' });
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Are you there?', context: [] } });
    const done = await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done');
    assert.deepEqual(done.event, { type: 'done', reason: 'stop' });
    assert.equal(textOf(client.events, started.assistantEntryId), 'Behind the proxy.');
    const basic = `Basic ${Buffer.from('hearth:s3cret!').toString('base64')}`;
    const chats = fixture.requests.filter((r) => r.path === '/api/chat');
    assert.equal(chats.length, 1);
    assert.equal(chats[0].headers.authorization, basic);
    const list = await client.connection.sendRequest(ModelListRequest.type, {});
    assert.ok(list.models.some((m) => m.name === MODEL));
    assert.equal(list.host, fixture.url, 'the host is shown without the login');
    assert.equal(fixture.requests.filter((r) => r.path === '/api/tags').at(-1)?.headers.authorization, basic);

    // The same login on a host that does not answer: the error names the host, never the password.
    const deadUrl = await closedPortUrl();
    client.setSettings(settingsFor(withLogin(deadUrl)));
    const failed = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'And now?', context: [] } });
    const error = await client.waitForEvent((e) => e.entryId === failed.assistantEntryId && e.event.type === 'error');
    assert.ok(error.event.type === 'error');
    assert.equal(error.event.error.code, 'ollamaUnreachable');
    assert.ok(error.event.error.message.includes(deadUrl), error.event.error.message);
    assert.doesNotMatch(JSON.stringify(client.events) + JSON.stringify(client.statuses), /s3cret/);
  });

  for (const [status, title] of [[404, '404 Not Found'], [502, '502 Bad Gateway']] as const) {
    it(`a web page (HTTP ${status}) where Ollama should be says so and names the setting, and Retry succeeds once the setting is right`, async () => {
      // A reverse proxy's error page (or a web app) on every path of Ollama's API that Hearth asks.
      const html = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
      const paths = ['/api/tags', '/api/show', '/api/ps', '/api/version', '/api/chat'];
      const page = await startWebPageServer(Object.fromEntries(paths.map((p) => [p, { status, body: html }])));
      try {
        client = await startLspTestClient({ storagePath: storage, settings: settingsFor(page.url) });
        const expected = new RegExp(`^The server at ${page.url.replace(/[.]/g, '\\.')} answered with a web page \\(HTTP ${status}, "${title}"\\), not Ollama's API\\. Set the \`hearth\\.ollama\\.host\` setting`);
        const models = await client.connection.sendRequest(ModelListRequest.type, {});
        assert.match(models.error?.message ?? '', expected);
        const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Are you Ollama?', context: [] } });
        const error = await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'error');
        assert.ok(error.event.type === 'error');
        // Not "run ollama pull" for a proxy's 404 page, and not the page's HTML.
        assert.equal(error.event.error.code, 'ollamaUnreachable');
        assert.match(error.event.error.message, expected);
        await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done');

        client.setSettings(settingsFor(fixture.url));
        fixture.enqueue({ kind: 'text', text: 'Yes.' });
        const retried = await client.connection.sendRequest(ChatRetryRequest.type, { sessionId: started.sessionId });
        await client.waitForEvent((e) => e.entryId === retried.assistantEntryId && e.event.type === 'done');
        assert.equal(textOf(client.events, retried.assistantEntryId), 'Yes.');
      } finally {
        await page.close();
      }
    });
  }

  it('a missing model names the installed ones and the ollama pull command', async () => {
    client = await startLspTestClient({ storagePath: storage, settings: settingsFor(fixture.url, 'nosuchmodel:1b') });
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'hi', context: [] } });
    const error = await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'error');
    assert.ok(error.event.type === 'error');
    assert.equal(error.event.error.code, 'modelNotFound');
    assert.match(error.event.error.message, /ollama pull nosuchmodel:1b/);
    assert.ok(error.event.error.installedModels?.includes(MODEL));
    const models = await client.connection.sendRequest(ModelListRequest.type, {});
    assert.ok(models.models.some((m) => m.name === MODEL));
    // The status bar is told it is the model that is missing, not the server that is down.
    await until(() => client!.statuses.some((s) => s.state === 'error' && s.errorCode === 'modelNotFound'), 'a model-not-found status for the status bar');
  });

  it('reads @mentioned workspace files but refuses paths outside the workspace', async () => {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-ws-'));
    fs.writeFileSync(path.join(workspace, 'notes.md'), 'The secret word is heliotrope.');
    fs.writeFileSync(path.join(storage, 'outside.txt'), 'do not read me');
    try {
      client = await startLspTestClient({ storagePath: storage, workspace, settings: settingsFor(fixture.url) });
      const started = await client.connection.sendRequest(ChatSendRequest.type, {
        input: {
          text: 'What does @notes.md say?',
          context: [
            { kind: 'mention', path: 'notes.md' },
            { kind: 'mention', path: path.relative(workspace, path.join(storage, 'outside.txt')) },
          ],
        },
      });
      await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done');
      const sent = fixture.requests.find((r) => r.path === '/api/chat')?.body.messages.at(-1).content as string;
      assert.match(sent, /heliotrope/);
      assert.doesNotMatch(sent, /do not read me/);
      assert.match(sent, /outside the workspace/);
    } finally {
      fs.rmSync(workspace, { recursive: true, force: true });
    }
  });

  it('attaches an @folder/ mention as its file list and contents, without following a symlink out of it', async () => {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-ws-'));
    fs.mkdirSync(path.join(workspace, 'src', 'parser'), { recursive: true });
    fs.writeFileSync(path.join(workspace, 'src', 'parser', 'lexer.ts'), 'export const TOKENS = ["heliotrope"];\n');
    fs.writeFileSync(path.join(storage, 'outside.txt'), 'do not read me');
    fs.symlinkSync(path.join(storage, 'outside.txt'), path.join(workspace, 'src', 'parser', 'escape.txt'));
    try {
      client = await startLspTestClient({ storagePath: storage, workspace, settings: settingsFor(fixture.url) });
      const before = fixture.requests.length;
      const started = await client.connection.sendRequest(ChatSendRequest.type, {
        input: { text: 'Summarise @src/parser/', context: [{ kind: 'mention', path: 'src/parser/' }] },
      });
      await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done');
      const sent = fixture.requests.find((r) => r.id > before && r.path === '/api/chat')?.body.messages.at(-1).content as string;
      assert.match(sent, /^Mentioned folder src\/parser\/ \(its files, then the contents of those that fit\):\n```\nsrc\/parser\/ holds 1 file;/);
      assert.match(sent, /=== src\/parser\/lexer\.ts ===\nexport const TOKENS = \["heliotrope"\];/);
      assert.doesNotMatch(sent, /do not read me/);
      assert.match(sent, /Summarise @src\/parser\/$/);
    } finally {
      fs.rmSync(workspace, { recursive: true, force: true });
    }
  });
});
