/**
 * A glob the model writes is matched against every path of the walk, and a
 * large pattern (a kilobyte of "*a" in 256 {…} alternatives) costs tens of
 * milliseconds a path. The glob tool and grep's JavaScript fallback bound the
 * time its matching may take per call and say where their results stop.
 */
import assert from 'node:assert/strict';
import { call, makeToolWorkspace, type ToolWorkspace } from '../fixtures/toolWorkspace';

const SLOW_PATTERN = '{a,b}'.repeat(8) + '*a'.repeat(490) + '*b';

describe('glob patterns that are slow to match', function () {
  this.timeout(180_000);
  let ws: ToolWorkspace;

  beforeEach(async () => {
    const files: Record<string, string> = { 'src/a.ts': 'export const needle = 1;\n' };
    for (let i = 0; i < 2000; i++) files[`many/${'a'.repeat(150)}${i}.txt`] = 'needle\n';
    ws = await makeToolWorkspace(files);
  });

  afterEach(() => ws.cleanup());

  it('grep without ripgrep stops matching its glob after the budget and says where its results stop', async () => {
    const executor = ws.executor({ ripgrepPath: null, policy: { trusted: false } });
    const r = await call(executor, 'grep', { pattern: 'needle', glob: SLOW_PATTERN });
    assert.equal(r.isError, false, r.content);
    assert.match(r.content, /results stop before many\/a+\d+\.txt: the glob pattern took longer than 5 s to match/);

    const plain = await call(executor, 'grep', { pattern: 'needle', glob: '*.ts' });
    assert.match(plain.content, /^src\/a\.ts:1: export const needle = 1;$/m);
  });

  it('a glob pattern longer than any path is refused before it is expanded (into 256 copies of itself)', async () => {
    const r = await call(ws.executor(), 'glob', { pattern: '{a,b}'.repeat(8) + '*a'.repeat(2480) });
    assert.equal(r.isError, true);
    assert.match(r.content, /The glob pattern is 5000 characters long; give one under 4096/);
  });
});
