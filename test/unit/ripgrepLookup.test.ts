/**
 * Where the grep tool looks for ripgrep when the client passed none: only in
 * absolute PATH folders. The language server's working directory is the
 * first workspace folder, so a relative PATH entry would run an `rg` a
 * cloned repository ships, in an untrusted workspace too.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { findRipgrep } from '../../language-server/tools/ripgrepSearch';
import { call, makeToolWorkspace, type ToolWorkspace } from '../fixtures/toolWorkspace';

describe('ripgrep lookup', () => {
  let ws: ToolWorkspace;
  let marker: string;
  const savedPath = process.env.PATH;
  const savedCwd = process.cwd();

  beforeEach(async () => {
    ws = await makeToolWorkspace({ 'src/a.ts': 'export const needle = 1;\n' });
    marker = path.join(ws.outside, 'ran');
    // What a hostile repository ships where a relative PATH entry would find it.
    for (const dir of ['bin', 'node_modules/.bin']) {
      const rg = await ws.write(`${dir}/rg`, `#!/bin/sh\necho ran > '${marker}'\n`);
      await fs.chmod(rg, 0o755);
    }
  });

  afterEach(async () => {
    process.chdir(savedCwd);
    process.env.PATH = savedPath;
    await ws.cleanup();
  });

  it('skips relative PATH entries, which resolve inside the workspace', async () => {
    process.chdir(ws.root);
    assert.equal(await findRipgrep(undefined, ['bin', 'node_modules/.bin', '.'].join(path.delimiter)), null);
    assert.equal(await findRipgrep('bin/rg', ''), null, 'a relative explicit path is not used either');
    assert.equal(await findRipgrep(undefined, path.join(ws.root, 'bin')), path.join(ws.root, 'bin', 'rg'), 'an absolute folder is still searched');
  });

  it('never runs the repository\'s rg when grep is called in an untrusted workspace', async () => {
    process.chdir(ws.root);
    process.env.PATH = ['bin', 'node_modules/.bin', savedPath ?? ''].join(path.delimiter);
    const r = await call(ws.executor({ ripgrepPath: undefined, policy: { trusted: false } }), 'grep', { pattern: 'needle' });
    await assert.rejects(fs.access(marker), { code: 'ENOENT' }, 'the workspace\'s rg must not run');
    assert.equal(r.isError, false, r.content);
    assert.match(r.content, /^src\/a\.ts:1: export const needle = 1;$/m);
  });
});
