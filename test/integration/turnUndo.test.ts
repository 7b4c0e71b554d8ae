import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chatTurn, useLspSuite } from './lspSuite';
import { startLspTestClient } from './lspTestClient';
import { CommandApprovalRequest, EditApprovalRequest, UndoTurnRequest, WorkspaceTrustNotification } from '../../protocol/lspMethods';

const MODEL = 'qwen2.5-coder:7b';

/**
 * "Undo changes" on a reply whose command, after the reply's edit, turned
 * the edited file into a symlink (pointing out of the workspace) or gave it
 * a second hard link, or moved a folder the reply made: Undo puts the file
 * back by its name, never writes where a link points, and never removes
 * anything through a folder that became a link.
 */
describe('Undo of a reply whose commands replaced what it edited (integration)', function () {
  this.timeout(60_000);
  const suite = useLspSuite('turn-undo');
  let outside = '';

  beforeEach(() => {
    outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-turn-undo-outside-')));
  });
  afterEach(() => fs.rmSync(outside, { recursive: true, force: true }));

  /** Runs one reply that makes `calls` (every edit and command approved) and returns what Undo of it answers. */
  async function replyThenUndo(calls: { name: string; arguments: Record<string, unknown> }[]) {
    const client = await startLspTestClient({ storagePath: suite.storage, workspace: suite.workspace, settings: { ollama: { host: suite.fixture.url }, chat: { model: MODEL } } });
    suite.client = client;
    client.connection.onRequest(EditApprovalRequest.type, () => ({ decision: 'accept' as const }));
    client.connection.onRequest(CommandApprovalRequest.type, () => ({ decision: 'accept' as const }));
    await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
    suite.fixture.enqueue(...calls.map((call) => ({ kind: 'toolCalls' as const, calls: [call] })), { kind: 'text', text: 'Done.' });
    const { started, results } = await chatTurn(client, 'Change the files');
    for (const r of results) assert.equal(r.isError, false, r.content);
    return client.connection.sendRequest(UndoTurnRequest.type, { sessionId: started.sessionId, entryId: started.assistantEntryId }).then(
      (result) => ({ result, error: undefined }),
      (e: Error) => ({ result: undefined, error: e.message }),
    );
  }

  it('puts back a file the reply edited (through a link) and its command then made a symlink out of the workspace, without writing where the link points', async () => {
    const ws = suite.workspace;
    fs.writeFileSync(path.join(ws, 'real.txt'), 'before\n');
    fs.symlinkSync('real.txt', path.join(ws, 'link.txt'));
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'outside\n');
    const undo = await replyThenUndo([
      { name: 'write_file', arguments: { path: 'link.txt', content: 'after\n' } },
      { name: 'run_command', arguments: { command: `ln -sf ${path.join(outside, 'secret.txt')} real.txt` } },
    ]);
    assert.equal(undo.error, undefined);
    assert.deepEqual(undo.result?.restored, [path.join(ws, 'real.txt')]);
    assert.equal(fs.lstatSync(path.join(ws, 'real.txt')).isFile(), true, 'the link the command made is replaced by the file as it was');
    assert.equal(fs.readFileSync(path.join(ws, 'real.txt'), 'utf8'), 'before\n');
    assert.equal(fs.readlinkSync(path.join(ws, 'link.txt')), 'real.txt', 'the link the reply wrote through is still the same link');
    assert.equal(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8'), 'outside\n', 'nothing was written where the link pointed');
  });

  it('puts back a file that was given a second hard link after the reply edited it; the other name keeps what it holds', async () => {
    const ws = suite.workspace;
    fs.writeFileSync(path.join(ws, 'notes.txt'), 'before\n');
    const undo = await replyThenUndo([
      { name: 'write_file', arguments: { path: 'notes.txt', content: 'after\n' } },
      { name: 'run_command', arguments: { command: 'ln notes.txt copy.txt' } },
    ]);
    assert.equal(undo.error, undefined);
    assert.equal(fs.readFileSync(path.join(ws, 'notes.txt'), 'utf8'), 'before\n');
    assert.equal(fs.readFileSync(path.join(ws, 'copy.txt'), 'utf8'), 'after\n', 'the other name was not written through');
    assert.equal(fs.statSync(path.join(ws, 'notes.txt')).nlink, 1);
  });

  it('does not remove a folder through a folder the reply made and its command then replaced by a symlink out of the workspace', async () => {
    fs.mkdirSync(path.join(outside, 'inner'));
    const undo = await replyThenUndo([
      { name: 'write_file', arguments: { path: 'made/inner/new.txt', content: 'new\n' } },
      { name: 'run_command', arguments: { command: `mv made gone && ln -s ${outside} made` } },
    ]);
    assert.equal(fs.existsSync(path.join(outside, 'inner')), true, 'the empty folder outside the workspace is still there');
    assert.match(undo.error ?? '', /made is no longer the folder the reply made it in \(it became a symlink or was moved\), so inner was not removed through it/);
  });
});

/**
 * Undo of a reply killed partway (a crash, a closed window): its copies of
 * the files are deleted only once every file is back, and each file is
 * written whole or not at all, so after a restart Undo is tried again and
 * finishes, whatever point the kill came at.
 */
describe('Undo of a reply interrupted by a killed language server (integration)', function () {
  this.timeout(120_000);
  const suite = useLspSuite('turn-undo-kill');

  async function start() {
    const client = await startLspTestClient({ storagePath: suite.storage, workspace: suite.workspace, settings: { ollama: { host: suite.fixture.url }, chat: { model: MODEL }, agent: { autoApproveEdits: true } } });
    suite.client = client;
    client.connection.onRequest(EditApprovalRequest.type, () => ({ decision: 'accept' as const }));
    await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
    return client;
  }

  it('after a kill partway through Undo, Undo after a restart puts back every file', async () => {
    const gen = path.join(suite.workspace, 'gen');
    fs.mkdirSync(gen);
    const count = 150;
    for (let i = 0; i < count; i++) fs.writeFileSync(path.join(gen, `f${i}.txt`), `before ${i}\n`);
    let client = await start();
    suite.fixture.enqueue(
      { kind: 'toolCalls', calls: Array.from({ length: count }, (_, i) => ({ name: 'write_file', arguments: { path: `gen/f${i}.txt`, content: `after ${i}\n` } })) },
      { kind: 'text', text: 'Done.' },
    );
    const { started, results } = await chatTurn(client, 'Change the files', { timeoutMs: 60_000 });
    assert.equal(results.filter((r) => !r.isError).length, count);
    const holding = (word: string) => fs.readdirSync(gen).filter((n) => fs.readFileSync(path.join(gen, n), 'utf8').startsWith(word)).length;

    // Killed as soon as the first file Undo puts back lands on disk.
    let killing = false;
    const killed = new Promise<void>((resolve) => {
      const watcher = fs.watch(gen, (_event, name) => {
        if (!name || !/^f\d+\.txt$/.test(name)) return;
        watcher.close();
        killing = true;
        void client.kill().then(resolve);
      });
    });
    // The kill itself ends the request (the connection goes): only an end before it is a failure.
    const undoing = client.connection.sendRequest(UndoTurnRequest.type, { sessionId: started.sessionId, entryId: started.assistantEntryId }).then(
      () => (killing ? undefined : 'Undo finished before the kill'),
      (e: Error) => (killing ? undefined : `Undo failed before it wrote a file: ${e.message}`),
    );
    assert.equal(await Promise.race([killed.then(() => undefined), undoing]), undefined);
    await killed;
    const undone = holding('before');
    assert.ok(undone > 0 && undone < count, `the kill came partway through Undo (${undone} of ${count} files put back)`);
    assert.equal(holding('before') + holding('after'), count, 'every file is whole: as the reply left it or as before');

    client = await start();
    await client.connection.sendRequest(UndoTurnRequest.type, { sessionId: started.sessionId, entryId: started.assistantEntryId });
    assert.equal(holding('before'), count, 'Undo tried again finished the job');
  });
});
