/**
 * The search edit_file runs when oldText is not in the file, which shows the
 * model the lines it most likely meant. It must find them, including at the
 * file's end, and stay small on the largest file edit_file accepts.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { findNearestLines } from '../../language-server/tools/nearestLines';

const BIG_FILE_SEARCH = path.resolve('out/test/fixtures/nearestLinesInBigFile.main.mjs');

describe('nearest lines after a failed edit', function () {
  this.timeout(120_000);

  it('finds a reindented, slightly changed block, also when it is the last lines of the file', () => {
    const file = ['import x from "y";', '', 'function a() {', '    return 1;', '}', '', 'function b(items) {', '    for (const item of items) {', '        total += item.price;', '    }', '}'];
    const match = findNearestLines(file, 'for (const item of items) {\n  total += item.cost;\n}\n}');
    assert.deepEqual(match && { startLine: match.startLine, endLine: match.endLine }, { startLine: 8, endLine: 11 });
    assert.ok(match && match.similarity > 0.8 && match.similarity < 1, String(match?.similarity));
    assert.equal(findNearestLines(file, 'SELECT * FROM orders WHERE 1 = 1;'), null);
  });

  it('searches a 10 MB file of distinct lines within a 96 MB heap', async () => {
    // Keeping every line's bigrams took about 800 MB here, and the language server with it.
    const run = await promisify(execFile)(process.execPath, ['--max-old-space-size=96', BIG_FILE_SEARCH, '220000'], { maxBuffer: 1024 * 1024 });
    const { target, match } = JSON.parse(run.stdout) as { target: number; match: { startLine: number; endLine: number } | null };
    assert.deepEqual(match && { startLine: match.startLine, endLine: match.endLine }, { startLine: target, endLine: target + 1 });
  });
});
