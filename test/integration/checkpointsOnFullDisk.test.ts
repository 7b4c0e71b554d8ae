import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { chatTurn, useLspSuite } from './lspSuite';
import { startLspTestClient } from './lspTestClient';
import { CheckpointRedoRequest, CheckpointRestoreRequest, CommandApprovalRequest, EditApprovalRequest, SessionGetRequest, UndoTurnRequest, WorkspaceTrustNotification } from '../../protocol/lspMethods';

const MODEL = 'qwen2.5-coder:7b';

/** Every file under `dir` whose name ends in `.tmp` (a copy a failed write left behind). */
function leftovers(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((name) => name.endsWith('.tmp'));
}

/**
 * A disk that fills, or one that turns read-only, while Hearth keeps the
 * copies Undo and Restore need or while Undo writes a file back: nothing is
 * half-written, and the user is told in plain words what is wrong. The
 * folders are real file systems: a small tmpfs, and a read-only bind mount
 * (tests run as root, which file modes do not stop).
 */
describe('checkpoints and Undo on a full or read-only disk (integration)', function () {
  this.timeout(60_000);
  const suite = useLspSuite('full-disk');

  /** Mounts something on `dir` for the length of `body`, then takes it away again (lazily: the language server may still hold files there). */
  async function mounted(dir: string, mount: string[][], body: () => Promise<void>): Promise<void> {
    for (const args of mount) execFileSync('mount', args);
    try {
      await body();
    } finally {
      // A remount changes a mount and adds none.
      for (const args of mount) if (!args.some((a) => a.includes('remount'))) execFileSync('umount', ['-l', dir]);
    }
  }

  async function start() {
    const client = await startLspTestClient({ storagePath: suite.storage, workspace: suite.workspace, settings: { ollama: { host: suite.fixture.url }, chat: { model: MODEL } } });
    suite.client = client;
    client.connection.onRequest(EditApprovalRequest.type, () => ({ decision: 'accept' as const }));
    client.connection.onRequest(CommandApprovalRequest.type, () => ({ decision: 'accept' as const }));
    await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
    return client;
  }

  /** One reply that writes `content` to `file`; returns the reply and the tool's result. */
  async function replyWriting(file: string, content: string) {
    const client = suite.client ?? (await start());
    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'write_file', arguments: { path: file, content } }] }, { kind: 'text', text: 'Done.' });
    const { started, results } = await chatTurn(client, `Rewrite ${file}`);
    return { started, result: results[0] };
  }

  const undo = (started: { sessionId: string; assistantEntryId: string }) =>
    suite.client!.connection.sendRequest(UndoTurnRequest.type, { sessionId: started.sessionId, entryId: started.assistantEntryId }).then(
      () => '',
      (e: Error) => e.message,
    );

  it("refuses an edit whose Undo copy the full disk cannot hold, leaves the file alone, and says the disk is full, in the tool's result and in the chat", async () => {
    const big = 'x'.repeat(400_000);
    fs.writeFileSync(path.join(suite.workspace, 'big.txt'), big);
    await mounted(suite.storage, [['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', suite.storage]], async () => {
      const { started, result } = await replyWriting('big.txt', 'small\n');
      assert.equal(result.isError, true);
      assert.match(result.content, /^Nothing was changed: Hearth could not keep the copy that lets the user undo this change in .*, because the disk is full\./);
      assert.doesNotMatch(result.content, /ENOSPC/);
      assert.equal(fs.readFileSync(path.join(suite.workspace, 'big.txt'), 'utf8'), big, 'the file is as it was');
      const session = await suite.client!.connection.sendRequest(SessionGetRequest.type, { sessionId: started.sessionId });
      const reply = session.entries.find((e) => e.id === started.assistantEntryId);
      const warnings = reply?.kind === 'assistant' ? reply.parts.filter((p) => p.kind === 'status' && p.level === 'warning').map((p) => (p.kind === 'status' ? p.message : '')) : [];
      assert.deepEqual(warnings, [
        "Hearth could not take a checkpoint of the files, because the disk is full, so this step has no Restore point. Free some disk space (or make Hearth's storage folder writable); the next checkpoint is taken as usual.",
      ]);
      assert.deepEqual(leftovers(suite.storage), [], 'no half-written copy is left to fill the disk further');
    });
  });

  it('Undo on a full disk leaves the file as the reply made it and says the disk is full', async () => {
    await mounted(suite.workspace, [['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', suite.workspace]], async () => {
      fs.writeFileSync(path.join(suite.workspace, 'big.txt'), 'x'.repeat(300_000));
      const { started, result } = await replyWriting('big.txt', 'small\n');
      assert.equal(result.isError, false, result.content);
      assert.throws(() => fs.writeFileSync(path.join(suite.workspace, 'filler'), Buffer.alloc(2_000_000)), /ENOSPC/);
      assert.equal(await undo(started), `1 file was not restored and is left as the reply made it (Undo can be tried again): ${path.join(suite.workspace, 'big.txt')}: the disk is full`);
      assert.equal(fs.readFileSync(path.join(suite.workspace, 'big.txt'), 'utf8'), 'small\n', 'never half of the old content');
      assert.deepEqual(leftovers(suite.workspace), []);
      fs.rmSync(path.join(suite.workspace, 'filler'));
      assert.equal(await undo(started), '', 'with room again, Undo works');
      assert.equal(fs.readFileSync(path.join(suite.workspace, 'big.txt'), 'utf8'), 'x'.repeat(300_000));
    });
  });

  it('Undo on a disk that became read-only leaves the file alone and says the disk is read-only', async () => {
    fs.writeFileSync(path.join(suite.workspace, 'a.txt'), 'before\n');
    const { started } = await replyWriting('a.txt', 'after\n');
    await mounted(suite.workspace, [['--bind', suite.workspace, suite.workspace], ['-o', 'remount,bind,ro', suite.workspace]], async () => {
      assert.equal(await undo(started), `1 file was not restored and is left as the reply made it (Undo can be tried again): ${path.join(suite.workspace, 'a.txt')}: the disk is read-only`);
      assert.equal(fs.readFileSync(path.join(suite.workspace, 'a.txt'), 'utf8'), 'after\n');
    });
  });

  it('a restore that cannot write some files (a read-only folder) says which, and Redo still brings back the state before it', async () => {
    fs.mkdirSync(path.join(suite.workspace, 'ro'));
    fs.writeFileSync(path.join(suite.workspace, 'ro', 'a.txt'), 'a before\n');
    fs.writeFileSync(path.join(suite.workspace, 'b.txt'), 'b before\n');
    const client = await start();
    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'run_command', arguments: { command: 'echo "a after" > ro/a.txt && echo "b after" > b.txt' } }] }, { kind: 'text', text: 'Done.' });
    const { started } = await chatTurn(client, 'Change a and b');
    const view = await client.connection.sendRequest(SessionGetRequest.type, { sessionId: started.sessionId });
    const mark = view.entries.flatMap((e) => (e.kind === 'assistant' ? (e.checkpoints ?? []) : []))[0];
    const ro = path.join(suite.workspace, 'ro');
    await mounted(ro, [['--bind', ro, ro], ['-o', 'remount,bind,ro', ro]], async () => {
      const restored = await client.connection.sendRequest(CheckpointRestoreRequest.type, { sessionId: started.sessionId, checkpointId: mark.id, scope: 'files' });
      assert.deepEqual(restored.failed, [{ path: 'ro/a.txt', error: 'the disk is read-only' }]);
      assert.deepEqual(restored.written, ['b.txt']);
      assert.equal(fs.readFileSync(path.join(suite.workspace, 'b.txt'), 'utf8'), 'b before\n');
    });
    const after = await client.connection.sendRequest(SessionGetRequest.type, { sessionId: started.sessionId });
    assert.equal(after.redo?.scope, 'files', 'Redo is offered');
    assert.equal(after.redo.interrupted, undefined, 'the restore ran to its end: the chat does not say it stopped partway');
    await client.connection.sendRequest(CheckpointRedoRequest.type, { sessionId: started.sessionId });
    assert.equal(fs.readFileSync(path.join(suite.workspace, 'ro', 'a.txt'), 'utf8'), 'a after\n');
    assert.equal(fs.readFileSync(path.join(suite.workspace, 'b.txt'), 'utf8'), 'b after\n');
  });
});
