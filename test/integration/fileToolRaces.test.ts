/**
 * The file tools against a real concurrent attacker: a separate process
 * (test/fixtures/symlinkSwapper.main.ts) flips a path inside the workspace
 * between a real file or folder and a symlink to a secret outside, as fast as
 * it can, while each tool is called up to 200 times. Whatever the
 * interleaving, no result may show the secret or an outside name, nothing
 * outside may change (compared by hash) and no file may appear outside.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { ToolResult } from '../../protocol/chat';
import { startSwapper, type Swapper } from '../fixtures/startSwapper';
import { alwaysAccept } from '../fixtures/approvalGateways';
import { call, makeToolWorkspace, snapshotTree, type ToolWorkspace } from '../fixtures/toolWorkspace';
import type { WorkspaceToolExecutor } from '../../language-server/tools/workspaceToolExecutor';

const CALLS = 200;
const BUDGET_MS = 20_000;
const SECRET = /TOP SECRET|OUTSIDE-ONLY/;

describe('file tools under a concurrent symlink swapper', function () {
  this.timeout(120_000);
  let ws: ToolWorkspace;
  let swapper: Swapper | undefined;
  let outsideBefore: string;

  beforeEach(async () => {
    ws = await makeToolWorkspace({ 'README.md': '# inside\n', 'src/a.ts': 'export const inside = 1;\n' });
    await fs.mkdir(path.join(ws.outside, 'dir'));
    await fs.writeFile(path.join(ws.outside, 'dir', 'file.txt'), 'TOP SECRET in a folder\n');
    await fs.writeFile(path.join(ws.outside, 'dir', 'OUTSIDE-ONLY-NAME.txt'), 'TOP SECRET too\n');
    outsideBefore = await snapshotTree(ws.outside);
  });

  afterEach(async () => {
    await swapper?.stop();
    swapper = undefined;
    await ws.cleanup();
  });

  /** Calls the tool up to CALLS times within the budget while the swapper runs; returns the results and the flips that happened meanwhile. */
  async function hammer(exec: WorkspaceToolExecutor, tool: string, args: (i: number) => Record<string, unknown>): Promise<{ results: ToolResult[]; flips: number }> {
    assert.ok(swapper);
    const before = await swapper.flips();
    const deadline = Date.now() + BUDGET_MS;
    const results: ToolResult[] = [];
    for (let i = 0; i < CALLS && Date.now() < deadline; i++) results.push(await call(exec, tool, args(i)));
    const flips = (await swapper.flips()) - before;
    return { results, flips };
  }

  async function assertNothingLeaked(results: ToolResult[], flips: number): Promise<void> {
    assert.ok(flips > 0, 'the swapper flipped the path while the tool ran');
    for (const r of results) {
      assert.doesNotMatch(r.content, SECRET, `a result showed outside content: ${r.content}`);
      assert.ok(!r.content.includes(ws.outside), `a result named the outside folder: ${r.content}`);
    }
    await swapper?.stop();
    assert.equal(await snapshotTree(ws.outside), outsideBefore, 'nothing outside the workspace changed or appeared');
  }

  const fileSwap = async (): Promise<void> => {
    swapper = await startSwapper(path.join(ws.root, 'swap.txt'), path.join(ws.outside, 'secret.txt'), 'file');
  };
  const dirSwap = async (): Promise<void> => {
    swapper = await startSwapper(path.join(ws.root, 'swapdir'), path.join(ws.outside, 'dir'), 'dir');
  };

  it('read_file never shows the outside file when the file itself is swapped', async () => {
    await fileSwap();
    const { results, flips } = await hammer(ws.executor({ approvals: alwaysAccept() }), 'read_file', () => ({ path: 'swap.txt' }));
    await assertNothingLeaked(results, flips);
  });

  it('read_file never shows the outside file when a folder on its path is swapped', async () => {
    await dirSwap();
    const { results, flips } = await hammer(ws.executor({ approvals: alwaysAccept() }), 'read_file', () => ({ path: 'swapdir/file.txt' }));
    await assertNothingLeaked(results, flips);
  });

  it('write_file never writes outside when the file itself is swapped', async () => {
    await fileSwap();
    const { results, flips } = await hammer(ws.executor({ approvals: alwaysAccept(), policy: { autoApproveEdits: true } }), 'write_file', (i) => ({ path: 'swap.txt', content: `written ${i}\n` }));
    await assertNothingLeaked(results, flips);
  });

  it('write_file never writes outside when a folder on its path is swapped (new and existing files)', async () => {
    await dirSwap();
    const exec = ws.executor({ approvals: alwaysAccept(), policy: { autoApproveEdits: true } });
    const { results, flips } = await hammer(exec, 'write_file', (i) => ({ path: i % 2 === 0 ? `swapdir/new-${i}.txt` : 'swapdir/file.txt', content: `written ${i}\n` }));
    await assertNothingLeaked(results, flips);
  });

  it('edit_file never reads or writes outside when the file itself is swapped', async () => {
    await fileSwap();
    const exec = ws.executor({ approvals: alwaysAccept(), policy: { autoApproveEdits: true } });
    const { results, flips } = await hammer(exec, 'edit_file', () => ({ path: 'swap.txt', oldText: 'inside', newText: 'edited' }));
    await assertNothingLeaked(results, flips);
  });

  it('edit_file never reads or writes outside when a folder on its path is swapped', async () => {
    await dirSwap();
    const exec = ws.executor({ approvals: alwaysAccept(), policy: { autoApproveEdits: true } });
    const { results, flips } = await hammer(exec, 'edit_file', (i) => (i % 2 === 0 ? { path: 'swapdir/file.txt', oldText: 'inside', newText: 'edited' } : { path: 'swapdir/file.txt', oldText: 'edited', newText: 'inside' }));
    await assertNothingLeaked(results, flips);
  });

  it('list_dir never lists the outside folder', async () => {
    await dirSwap();
    const { results, flips } = await hammer(ws.executor(), 'list_dir', () => ({ path: 'swapdir' }));
    await assertNothingLeaked(results, flips);
  });

  for (const [engine, ripgrepPath] of [
    ['ripgrep', '/usr/bin/rg'],
    ['the JavaScript search', null],
  ] as const) {
    it(`grep with ${engine} never shows outside lines, searching the whole workspace or the swapped folder`, async function () {
      if (ripgrepPath && !(await fs.stat(ripgrepPath).catch(() => null))) this.skip();
      await dirSwap();
      const exec = ws.executor({ ripgrepPath });
      const { results, flips } = await hammer(exec, 'grep', (i) => (i % 2 === 0 ? { pattern: 'SECRET|inside' } : { pattern: 'SECRET|inside', path: 'swapdir' }));
      await assertNothingLeaked(results, flips);
    });
  }

  it('grep never shows the outside file when a file is swapped', async () => {
    await fileSwap();
    const { results, flips } = await hammer(ws.executor({ ripgrepPath: null }), 'grep', () => ({ pattern: 'SECRET|inside' }));
    await assertNothingLeaked(results, flips);
  });

  it('glob never lists names from the outside folder', async () => {
    await dirSwap();
    const { results, flips } = await hammer(ws.executor(), 'glob', (i) => ({ pattern: i % 2 === 0 ? '**/*.txt' : 'swapdir/**' }));
    await assertNothingLeaked(results, flips);
  });
});
