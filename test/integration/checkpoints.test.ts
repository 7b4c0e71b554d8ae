import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { startLspTestClient, type LspTestClient } from './lspTestClient';
import {
  ChatEditMessageRequest,
  ChatSendRequest,
  ChatStopRequest,
  CheckpointRedoRequest,
  CheckpointRestoreRequest,
  CommandApprovalRequest,
  EditApprovalRequest,
  SessionGetRequest,
  TeamConnectRequest,
  WorkspaceTrustNotification,
} from '../../protocol/lspMethods';
import type { TeamServer } from '../../agent-host/server/teamServer';
import { ALICE_KEY, makePki, remoteConfig, startTestServer, type TestPki } from './teamServerHarness';
import type { AssistantEntry, SessionView } from '../../protocol/sessions';
import type { ToolResult } from '../../protocol/chat';

const MODEL = 'qwen2.5-coder:7b';
/** Not valid UTF-8, with CRLF and a NUL: a restore must be byte for byte, not text. */
const BINARY = Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x0d, 0x0a, 0x80, 0x42, 0x0d, 0x0a]);

/** Every file under `dir` (no symlinks followed), as bytes, with its permission bits. */
function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) {
        const full = path.join(dir, child);
        out.set(child, `${(fs.statSync(full).mode & 0o777).toString(8)}:${fs.readFileSync(full).toString('base64')}`);
      }
    }
  };
  walk('');
  return out;
}

describe('checkpoints: restore and redo through the language server (integration)', function () {
  this.timeout(60_000);
  let fixture: OllamaFixture;
  let storage: string;
  let workspace: string;
  let client: LspTestClient;

  async function turn(text: string, sessionId?: string) {
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text, context: [] }, ...(sessionId ? { sessionId } : {}) });
    await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 30_000);
    const results = client.events.filter((e) => e.entryId === started.assistantEntryId && e.event.type === 'toolResult').map((e) => (e.event as { result: ToolResult }).result);
    for (const r of results) assert.equal(r.isError, false, r.content);
    return started;
  }

  async function session(id: string): Promise<SessionView> {
    const view = await client.connection.sendRequest(SessionGetRequest.type, { sessionId: id });
    assert.ok(view);
    return view;
  }

  function checkpoints(view: SessionView): { id: string; callId?: string; entry: AssistantEntry }[] {
    return view.entries.flatMap((e) => (e.kind === 'assistant' ? (e.checkpoints ?? []).map((c) => ({ ...c, entry: e })) : []));
  }

  beforeEach(async () => {
    fixture = await startOllamaFixture();
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-cp-ls-'));
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-cp-ws-'));
    fs.mkdirSync(path.join(workspace, 'src'));
    fs.writeFileSync(path.join(workspace, 'src', 'data.bin'), BINARY);
    fs.writeFileSync(path.join(workspace, 'src', 'app.js'), 'const x = 1;\r\nmodule.exports = x;\r\n');
    fs.writeFileSync(path.join(workspace, 'src', 'old.txt'), 'to be deleted by a command\n');
    fs.writeFileSync(path.join(workspace, 'run.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
    fs.chmodSync(path.join(workspace, 'run.sh'), 0o755);
    fs.writeFileSync(path.join(workspace, '.gitignore'), 'build/\n');
    fs.mkdirSync(path.join(workspace, 'build'));
    fs.writeFileSync(path.join(workspace, 'build', 'out.js'), 'generated\n');
    client = await startLspTestClient({ storagePath: storage, workspace, settings: { ollama: { host: fixture.url }, chat: { model: MODEL }, agent: { autoApproveEdits: true } } });
    client.connection.onRequest(EditApprovalRequest.type, () => ({ decision: 'accept' as const }));
    client.connection.onRequest(CommandApprovalRequest.type, () => ({ decision: 'accept' as const }));
    await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
  });

  afterEach(async () => {
    await client.stop();
    await fixture.close();
    fs.rmSync(storage, { recursive: true, force: true });
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  /** Two turns: the first writes, edits, creates and (by a command) deletes and creates files; the second edits again. */
  async function twoTurns() {
    const s0 = tree(workspace);
    fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'write_file', arguments: { path: 'src/new/made.txt', content: 'made by write_file\n' } }] },
      { kind: 'toolCalls', calls: [{ name: 'edit_file', arguments: { path: 'src/app.js', oldText: 'const x = 1;', newText: 'const x = 2;' } }] },
      { kind: 'toolCalls', calls: [{ name: 'run_command', arguments: { command: 'rm src/old.txt && printf "by command" > cmd.txt' } }] },
      { kind: 'text', text: 'Done with step one.' },
    );
    const first = await turn('Step one');
    const s1 = tree(workspace);
    assert.equal(s1.has('src/old.txt'), false, 'the command deleted the file');
    assert.equal(s1.has('cmd.txt'), true, 'the command created a file');
    fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'write_file', arguments: { path: 'src/app.js', content: 'rewritten\n' } }] },
      { kind: 'text', text: 'Done with step two.' },
    );
    await turn('Step two', first.sessionId);
    const s2 = tree(workspace);
    return { sessionId: first.sessionId, s0, s1, s2 };
  }

  it('takes a checkpoint before each message and after each write, edit and command; restores the files of step N byte for byte and redoes', async () => {
    const { sessionId, s0, s2 } = await twoTurns();
    const view = await session(sessionId);
    const marks = checkpoints(view);
    // Turn one: before, after write_file, after edit_file, after run_command; turn two: before, after write_file.
    assert.equal(marks.length, 6);
    assert.deepEqual(marks.map((m) => m.callId === undefined), [true, false, false, false, true, false]);
    // Only the first checkpoint walked the workspace; the watcher told the others what the tools and the command changed.
    assert.equal(client.logs.filter((l) => l.includes('walked every workspace file')).length, 1, client.logs.join('\n'));

    // Step N = after the write_file of turn one: only src/new/made.txt differs from the start.
    const afterWrite = marks[1];
    const expected = new Map(s0);
    expected.set('src/new/made.txt', `644:${Buffer.from('made by write_file\n').toString('base64')}`);
    fs.writeFileSync(path.join(workspace, 'build', 'out.js'), 'regenerated later\n');
    const restored = await client.connection.sendRequest(CheckpointRestoreRequest.type, { sessionId, checkpointId: afterWrite.id, scope: 'files' });
    assert.deepEqual(restored.failed, []);
    const now = tree(workspace);
    // An ignored file is never checkpointed, so the restore leaves it as it is now.
    expected.set('build/out.js', now.get('build/out.js')!);
    assert.deepEqual(new Map([...now].map(([k, v]) => [k, k === 'src/new/made.txt' ? v.replace(/^\d+/, '644') : v])), expected);
    assert.deepEqual(fs.readFileSync(path.join(workspace, 'src', 'data.bin')), BINARY);
    assert.equal(fs.statSync(path.join(workspace, 'run.sh')).mode & 0o777, 0o755);
    assert.ok(restored.deleted.includes('cmd.txt'));
    assert.ok(restored.written.includes('src/old.txt'));
    // Files only: the conversation is unchanged, and Redo is offered.
    const afterRestore = await session(sessionId);
    assert.equal(afterRestore.entries.length, 4);
    assert.equal(afterRestore.redo?.scope, 'files');

    const redone = await client.connection.sendRequest(CheckpointRedoRequest.type, { sessionId });
    assert.deepEqual(redone.failed, []);
    const back = tree(workspace);
    back.set('build/out.js', s2.get('build/out.js')!);
    assert.deepEqual(back, s2);
    assert.equal((await session(sessionId)).redo, undefined);
    await assert.rejects(client.connection.sendRequest(CheckpointRedoRequest.type, { sessionId }), /no restore to redo/);
  });

  it('restores files and conversation to before a message, hands its text back, and redo brings both back; the model no longer sees the hidden turn', async () => {
    const { sessionId, s1, s2 } = await twoTurns();
    const view = await session(sessionId);
    const beforeTwo = checkpoints(view)[4];
    const result = await client.connection.sendRequest(CheckpointRestoreRequest.type, { sessionId, checkpointId: beforeTwo.id, scope: 'both' });
    assert.equal(result.draft, 'Step two');
    assert.deepEqual(tree(workspace), s1);
    const cut = await session(sessionId);
    assert.deepEqual(cut.entries.map((e) => e.kind), ['user', 'assistant']);

    // Redo: the second exchange and its files come back.
    await client.connection.sendRequest(CheckpointRedoRequest.type, { sessionId });
    assert.deepEqual(tree(workspace), s2);
    assert.equal((await session(sessionId)).entries.length, 4);

    // Restore again and send a new message: the model's history ends with turn one.
    await client.connection.sendRequest(CheckpointRestoreRequest.type, { sessionId, checkpointId: beforeTwo.id, scope: 'both' });
    fixture.enqueue({ kind: 'text', text: 'A different step two.' });
    await turn('Another step two', sessionId);
    const request = fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!;
    const sent = JSON.stringify(request.body.messages);
    assert.ok(sent.includes('Step one') && sent.includes('Another step two'));
    assert.ok(!sent.includes('"Step two"') && !sent.includes('Done with step two'), 'the hidden exchange is not sent');
    // Nothing is lost: the session log still holds the hidden exchange; a new message ended the chance to redo.
    const log = fs.readdirSync(path.join(storage, 'sessions')).map((f) => fs.readFileSync(path.join(storage, 'sessions', f), 'utf8')).join('');
    assert.ok(log.includes('"text":"Step two"'));
    await assert.rejects(client.connection.sendRequest(CheckpointRedoRequest.type, { sessionId }), /no restore to redo/);
  });

  it('restores the conversation only to after a tool call, leaving the files, and survives a restart of the server', async () => {
    const { sessionId, s2 } = await twoTurns();
    const marks = checkpoints(await session(sessionId));
    const afterEdit = marks[2];
    await client.connection.sendRequest(CheckpointRestoreRequest.type, { sessionId, checkpointId: afterEdit.id, scope: 'conversation' });
    assert.deepEqual(tree(workspace), s2);
    const cut = await session(sessionId);
    assert.equal(cut.entries.length, 2);
    const reply = cut.entries[1] as AssistantEntry;
    const calls = reply.parts.flatMap((p) => (p.kind === 'toolCall' ? [p.call.name] : []));
    assert.deepEqual(calls, ['write_file', 'edit_file']);
    assert.equal(cut.redo?.scope, 'conversation');

    // The log replays to the same view after a restart, and redo still works.
    await client.stop();
    client = await startLspTestClient({ storagePath: storage, workspace, settings: { ollama: { host: fixture.url }, chat: { model: MODEL } } });
    const replayed = await session(sessionId);
    assert.deepEqual(replayed.entries.map((e) => e.id), cut.entries.map((e) => e.id));
    assert.equal(replayed.redo?.scope, 'conversation');
    await client.connection.sendRequest(CheckpointRedoRequest.type, { sessionId });
    const whole = await session(sessionId);
    assert.equal(whole.entries.length, 4);
    assert.deepEqual((whole.entries[1] as AssistantEntry).parts.flatMap((p) => (p.kind === 'toolCall' ? [p.call.name] : [])), ['write_file', 'edit_file', 'run_command']);
  });

  it('takes an earlier message back to edit it: the chat returns to before it, files stay, redo brings it back, and the edited message is answered without the old exchange', async () => {
    const { sessionId, s2 } = await twoTurns();
    const view = await session(sessionId);
    const stepOne = view.entries[0];
    const result = await client.connection.sendRequest(ChatEditMessageRequest.type, { sessionId, entryId: stepOne.id });
    assert.equal(result.draft, 'Step one', 'the message comes back for the composer');
    assert.deepEqual(result.written, []);
    assert.deepEqual(tree(workspace), s2, 'taking a message back touches no file');
    assert.deepEqual((await session(sessionId)).entries, [], 'the chat returns to before the message');

    await client.connection.sendRequest(CheckpointRedoRequest.type, { sessionId });
    assert.equal((await session(sessionId)).entries.length, 4, 'redo brings all of it back');

    // Taken back again and sent changed: the model sees the edited message alone.
    await client.connection.sendRequest(ChatEditMessageRequest.type, { sessionId, entryId: stepOne.id });
    fixture.enqueue({ kind: 'text', text: 'Step one, done differently.' });
    await turn('Step one, but only the edit', sessionId);
    const sent = JSON.stringify(fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!.body.messages);
    assert.ok(sent.includes('Step one, but only the edit'));
    assert.ok(!sent.includes('"Step one"') && !sent.includes('Step two') && !sent.includes('Done with step'), 'the old exchanges are not sent');
    assert.deepEqual((await session(sessionId)).entries.map((e) => e.kind), ['user', 'assistant']);
    await assert.rejects(client.connection.sendRequest(ChatEditMessageRequest.type, { sessionId, entryId: stepOne.id }), /not part of this chat/);
  });

  it('never deletes a file the checkpoint could not hold because .gitignore excluded it then (the reply un-ignored it)', async () => {
    // The user's own ignored file: never checkpointed, so no checkpoint can bring it back once deleted.
    fs.writeFileSync(path.join(workspace, '.gitignore'), 'build/\n.env\n');
    fs.writeFileSync(path.join(workspace, '.env'), 'API_TOKEN=only-copy\n');
    fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'write_file', arguments: { path: '.gitignore', content: 'build/\n' } }] },
      { kind: 'text', text: 'Tidied the ignore file.' },
    );
    const started = await turn('Tidy up');
    const before = checkpoints(await session(started.sessionId))[0];
    const restored = await client.connection.sendRequest(CheckpointRestoreRequest.type, { sessionId: started.sessionId, checkpointId: before.id, scope: 'both' });
    assert.equal(fs.readFileSync(path.join(workspace, '.gitignore'), 'utf8'), 'build/\n.env\n', 'the reply\'s edit is undone');
    assert.equal(fs.readFileSync(path.join(workspace, '.env'), 'utf8'), 'API_TOKEN=only-copy\n', 'the ignored file is left as it is');
    assert.deepEqual(restored.deleted, []);
  });

  it("leaves a git directory inside the workspace alone: a restore neither rewinds its refs nor deletes the user's later commits", async () => {
    // `git init --separate-git-dir` (and the bare-repository-with-worktrees layout) keeps the repository in an
    // ordinary folder of the workspace, which the walk does not skip by name as it skips .git/.
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=U', '-c', 'user.email=u@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: workspace, encoding: 'utf8' }).trim();
    git('init', '-q', '--separate-git-dir', path.join(workspace, 'gitdata'));
    git('add', '-A');
    git('commit', '-q', '-m', 'first');
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'write_file', arguments: { path: 'notes.txt', content: 'by the agent\n' } }] }, { kind: 'text', text: 'Wrote notes.' });
    const started = await turn('Write notes');
    const before = checkpoints(await session(started.sessionId))[0];
    // The user commits their own work after the reply.
    fs.writeFileSync(path.join(workspace, 'src', 'app.js'), 'const x = 3;\n');
    git('commit', '-q', '-am', 'second');
    const second = git('rev-parse', 'HEAD');
    const restored = await client.connection.sendRequest(CheckpointRestoreRequest.type, { sessionId: started.sessionId, checkpointId: before.id, scope: 'files' });
    assert.equal(fs.existsSync(path.join(workspace, 'notes.txt')), false, "the reply's file is gone");
    assert.equal(git('rev-parse', 'HEAD'), second, 'the branch still points at the commit made after the checkpoint');
    assert.equal(git('cat-file', '-t', second), 'commit', 'the commit is still in the repository');
    assert.deepEqual([...restored.written, ...restored.deleted, ...restored.failed.map((f) => f.path)].filter((p) => p.startsWith('gitdata/')), []);
  });

  it('refuses a new message while a restore runs, so no reply writes files under it', async () => {
    const target = tree(workspace);
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'write_file', arguments: { path: 'a.txt', content: 'a\n' } }] }, { kind: 'text', text: 'ok' });
    const first = await turn('Write a');
    const mark = checkpoints(await session(first.sessionId))[0];
    // Files made since the checkpoint, which the restore deletes one by one: it runs long enough to send meanwhile.
    fs.mkdirSync(path.join(workspace, 'gen'));
    for (let i = 0; i < 300; i++) fs.writeFileSync(path.join(workspace, 'gen', `f${i}.txt`), `${i}\n`);
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'write_file', arguments: { path: 'late.txt', content: 'written during the restore\n' } }] }, { kind: 'text', text: 'ok' });
    const restoring = client.connection.sendRequest(CheckpointRestoreRequest.type, { sessionId: first.sessionId, checkpointId: mark.id, scope: 'files' });
    const sending = client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Write late', context: [] }, sessionId: first.sessionId });
    const [restored, sent] = await Promise.allSettled([restoring, sending]);
    assert.equal(restored.status, 'fulfilled');
    assert.equal(sent.status, 'rejected', 'the message was taken while the restore ran');
    assert.match(String((sent as PromiseRejectedResult).reason), /restore is still running/i);
    assert.deepEqual(tree(workspace), target);
    assert.deepEqual((await session(first.sessionId)).entries.map((e) => e.kind), ['user', 'assistant']);
  });

  /** 300 files a reply rewrote and the user then edited by hand: a restore to before the reply rewrites them one by one. */
  async function manyFilesChanged() {
    fs.mkdirSync(path.join(workspace, 'gen'));
    for (let i = 0; i < 300; i++) fs.writeFileSync(path.join(workspace, 'gen', `f${i}.txt`), `original ${i}\n`);
    fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'run_command', arguments: { command: 'for f in gen/*.txt; do echo "by the reply" > "$f"; done' } }] },
      { kind: 'text', text: 'Rewrote them.' },
    );
    const first = await turn('Rewrite gen');
    // The user's own work after the reply: only the snapshot taken right before the restore holds it.
    fs.writeFileSync(path.join(workspace, 'gen', 'f7.txt'), "the user's own edit\n");
    fs.writeFileSync(path.join(workspace, 'notes.txt'), 'new notes\n');
    return { sessionId: first.sessionId, beforeRestore: tree(workspace), mark: checkpoints(await session(first.sessionId))[0] };
  }

  /**
   * Sends `request` and kills the server (as a crash or a closed window
   * would) as soon as the first file under gen/ is written; resolves once it
   * is dead, and fails if the request ended before writing any file.
   */
  async function killOnFirstWrite(request: () => Promise<unknown>): Promise<void> {
    const watcher = fs.watch(path.join(workspace, 'gen'));
    let killing = false;
    const killed = new Promise<void>((resolve) => {
      watcher.on('change', (_event, name) => {
        if (typeof name !== 'string' || !/^f\d+\.txt$/.test(name)) return;
        watcher.close();
        killing = true;
        void client.kill().then(resolve);
      });
    });
    // The kill itself ends the request (the connection goes): only an end before it is a failure.
    const ended = request().then(
      () => (killing ? undefined : 'the request finished before the kill'),
      (e: Error) => (killing ? undefined : `the request failed before it wrote a file: ${e.message}`),
    );
    assert.equal(await Promise.race([killed.then(() => undefined), ended]), undefined);
    await killed;
  }

  /** How many files under gen/ hold `prefix`. */
  const holding = (prefix: string) => [...tree(workspace)].filter(([k, v]) => k.startsWith('gen/') && Buffer.from(v.split(':')[1], 'base64').toString().startsWith(prefix)).length;

  const restart = async () => {
    client = await startLspTestClient({ storagePath: storage, workspace, settings: { ollama: { host: fixture.url }, chat: { model: MODEL } } });
  };

  it('a server killed partway through a restore leaves Redo back to the exact state before it, and says the restore stopped', async () => {
    const { sessionId, beforeRestore, mark } = await manyFilesChanged();
    await killOnFirstWrite(() => client.connection.sendRequest(CheckpointRestoreRequest.type, { sessionId, checkpointId: mark.id, scope: 'both' }));
    const restored = holding('original');
    assert.ok(restored > 0 && restored < 300, `the kill came partway through the restore (${restored} of 300 files restored)`);

    await restart();
    const after = await session(sessionId);
    assert.ok(after.redo, 'Redo back to the state before the interrupted restore is offered');
    assert.equal(after.redo.interrupted, true, 'the chat says the restore stopped partway');
    await client.connection.sendRequest(CheckpointRedoRequest.type, { sessionId });
    assert.deepEqual(tree(workspace), beforeRestore, "the user's newer work is back, byte for byte");
    assert.deepEqual((await session(sessionId)).entries.map((e) => e.kind), ['user', 'assistant']);
  });

  it('a server killed partway through a Redo offers Redo again, says the files are mixed, and the second Redo finishes it', async () => {
    const { sessionId, beforeRestore, mark } = await manyFilesChanged();
    await client.connection.sendRequest(CheckpointRestoreRequest.type, { sessionId, checkpointId: mark.id, scope: 'files' });
    assert.equal(holding('original'), 300);
    assert.equal((await session(sessionId)).redo?.interrupted, undefined, 'a restore that finished is not called interrupted');
    await killOnFirstWrite(() => client.connection.sendRequest(CheckpointRedoRequest.type, { sessionId }));
    const redone = holding('by the reply');
    assert.ok(redone > 0 && redone < 299, `the kill came partway through the redo (${redone} files redone)`);

    await restart();
    const after = await session(sessionId);
    assert.equal(after.redo?.interrupted, true, 'Redo is offered again, and the chat says the files are mixed');
    await client.connection.sendRequest(CheckpointRedoRequest.type, { sessionId });
    assert.deepEqual(tree(workspace), beforeRestore);
    assert.equal((await session(sessionId)).redo, undefined);
  });

  it('puts back the symlinks a reply replaced or removed, and removes the ones it made, without following any', async () => {
    fs.writeFileSync(path.join(workspace, 'README.md'), 'the readme\n');
    fs.symlinkSync('README.md', path.join(workspace, 'link.md'));
    fs.symlinkSync('../README.md', path.join(workspace, 'src', 'readme.md'));
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-cp-outside-'));
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'outside\n');
    const s0 = tree(workspace);
    fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'run_command', arguments: { command: `rm link.md src/readme.md && printf replaced > link.md && rm src/app.js && ln -s ${outside}/secret.txt src/app.js && ln -s ${outside} out` } }] },
      { kind: 'text', text: 'ok' },
    );
    const started = await turn('Replace the links');
    assert.equal(fs.lstatSync(path.join(workspace, 'link.md')).isSymbolicLink(), false);
    const before = checkpoints(await session(started.sessionId))[0];
    const restored = await client.connection.sendRequest(CheckpointRestoreRequest.type, { sessionId: started.sessionId, checkpointId: before.id, scope: 'files' });
    assert.deepEqual(restored.failed, []);
    assert.equal(fs.readlinkSync(path.join(workspace, 'link.md')), 'README.md', 'the link replaced by a file is a link again');
    assert.equal(fs.readlinkSync(path.join(workspace, 'src', 'readme.md')), '../README.md', 'the deleted link is back');
    assert.equal(fs.lstatSync(path.join(workspace, 'src', 'app.js')).isFile(), true, 'the file replaced by a link is a file again');
    assert.equal(fs.existsSync(path.join(workspace, 'out')), false, 'the link the reply made is gone');
    assert.deepEqual(tree(workspace), s0);
    assert.equal(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8'), 'outside\n', 'nothing was written where a link pointed');
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('refuses a restore while a reply runs, and changes nothing', async () => {
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'write_file', arguments: { path: 'a.txt', content: 'a\n' } }] }, { kind: 'text', text: 'ok' });
    const first = await turn('Write a');
    const mark = checkpoints(await session(first.sessionId))[0];
    const before = tree(workspace);
    fixture.enqueue({ kind: 'hang' });
    await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Hang', context: [] }, sessionId: first.sessionId });
    await assert.rejects(
      client.connection.sendRequest(CheckpointRestoreRequest.type, { sessionId: first.sessionId, checkpointId: mark.id, scope: 'both' }),
      /still running in this chat/,
    );
    assert.deepEqual(tree(workspace), before);
    await assert.rejects(client.connection.sendRequest(ChatEditMessageRequest.type, { sessionId: first.sessionId, entryId: (await session(first.sessionId)).entries[0].id }), /still running in this chat\. Stop it \(or wait for it to finish\), then edit the message/);
    await client.connection.sendRequest(ChatStopRequest.type, { sessionId: first.sessionId });
  });
});

describe('checkpoints in remote mode: the agent on a team server, files and conversation on this machine (integration)', function () {
  this.timeout(60_000);
  let pki: TestPki;
  let fixture: OllamaFixture;
  let server: TeamServer;
  let storage: string;
  let workspace: string;
  let client: LspTestClient;

  before(async () => {
    pki = makePki();
    fixture = await startOllamaFixture();
    ({ server } = await startTestServer(remoteConfig(pki, fixture.url)));
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-cp-remote-ls-'));
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-cp-remote-ws-'));
    fs.writeFileSync(path.join(workspace, 'notes.md'), '# Notes\n');
    const url = `grpcs://localhost:${server.port}`;
    client = await startLspTestClient({ storagePath: storage, workspace, settings: { chat: { model: MODEL }, server: { mode: 'remote', url, caFile: path.join(pki.dir, 'ca.crt') } } });
    client.connection.onRequest(EditApprovalRequest.type, () => ({ decision: 'accept' as const }));
    client.connection.onRequest(CommandApprovalRequest.type, () => ({ decision: 'accept' as const }));
    await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
    const status = await client.connection.sendRequest(TeamConnectRequest.type, { url, apiKey: ALICE_KEY });
    assert.equal(status.state, 'connected', JSON.stringify(status));
  });

  after(async () => {
    await client?.stop();
    await server?.shutdown(200);
    await fixture?.close();
    pki?.cleanup();
    for (const dir of [storage, workspace]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('takes the same checkpoints and restores and redoes the same way', async () => {
    const before = tree(workspace);
    fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'edit_file', arguments: { path: 'notes.md', oldText: '# Notes', newText: '# Remote notes' } }] },
      { kind: 'toolCalls', calls: [{ name: 'run_command', arguments: { command: 'printf "made remotely" > remote.txt' } }] },
      { kind: 'text', text: 'Done remotely.' },
    );
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Change the notes', context: [] } });
    await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 30_000);
    const after = tree(workspace);
    assert.equal(fs.readFileSync(path.join(workspace, 'remote.txt'), 'utf8'), 'made remotely');
    const view = await client.connection.sendRequest(SessionGetRequest.type, { sessionId: started.sessionId });
    const reply = view!.entries[1] as AssistantEntry;
    assert.deepEqual(reply.checkpoints?.map((c) => c.callId === undefined), [true, false, false]);

    await client.connection.sendRequest(CheckpointRestoreRequest.type, { sessionId: started.sessionId, checkpointId: reply.checkpoints![0].id, scope: 'both' });
    assert.deepEqual(tree(workspace), before);
    assert.equal((await client.connection.sendRequest(SessionGetRequest.type, { sessionId: started.sessionId }))!.entries.length, 0);
    await client.connection.sendRequest(CheckpointRedoRequest.type, { sessionId: started.sessionId });
    assert.deepEqual(tree(workspace), after);
    assert.equal((await client.connection.sendRequest(SessionGetRequest.type, { sessionId: started.sessionId }))!.entries.length, 2);
  });
});
