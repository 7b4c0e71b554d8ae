/**
 * The grep tool without ripgrep runs the model's pattern as a JavaScript
 * regular expression, which backtracks: "(a+)+$" over a repository's lines of
 * "a"s ending in "!" would hold the language server's thread for as long as
 * it takes. The fallback bounds the time the pattern may run per search and
 * says where its results stop.
 */
import assert from 'node:assert/strict';
import { call, makeToolWorkspace, type ToolWorkspace } from '../fixtures/toolWorkspace';

describe('grep without ripgrep: a backtracking pattern', () => {
  let ws: ToolWorkspace;

  beforeEach(async () => {
    ws = await makeToolWorkspace({
      'src/a.ts': 'export const needle = 1;\n',
      // Each line costs "(a+)+$" about a second; together far more than the budget.
      'src/slow.txt': `${Array.from({ length: 14 }, () => `${'a'.repeat(27)}!`).join('\n')}\n`,
    });
  });

  afterEach(() => ws.cleanup());

  it('stops after the budget with partial results and a warning the model can act on', async () => {
    const executor = ws.executor({ ripgrepPath: null, policy: { trusted: false } });
    const started = performance.now();
    const r = await call(executor, 'grep', { pattern: '(a+)+$' });
    const elapsed = performance.now() - started;
    // The budget is 5 s; a few more for the walk on a loaded machine.
    assert.ok(elapsed < 9000, `the search took ${Math.round(elapsed)} ms`);
    assert.equal(r.isError, false, r.content);
    assert.match(r.content, /the pattern took longer than 5 s to run .*results stop before src\/(a\.ts|slow\.txt)\. Use a simpler pattern/);

    // An ordinary pattern is unaffected.
    const plain = await call(executor, 'grep', { pattern: 'needle' });
    assert.match(plain.content, /^src\/a\.ts:1: export const needle = 1;$/m);
  });
});
