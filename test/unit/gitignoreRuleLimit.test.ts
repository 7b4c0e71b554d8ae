/**
 * Every path a walk meets is matched against each .gitignore pattern in
 * effect, on the language server's thread, so a repository's ignore files
 * are applied up to MAX_IGNORE_RULES patterns: the earliest are kept (the
 * user's own `.git/info/exclude` first), the rest are not applied.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { MAX_IGNORE_RULES } from '../../language-server/tools/gitignoreRules';
import { walkFiles } from '../../language-server/tools/workspaceWalker';
import { makeToolWorkspace, type ToolWorkspace } from '../fixtures/toolWorkspace';

describe('.gitignore patterns past the bound', () => {
  let ws: ToolWorkspace;

  afterEach(() => ws.cleanup());

  async function walked(): Promise<string[]> {
    const found: string[] = [];
    for await (const file of walkFiles(ws.root, '', { signal: new AbortController().signal })) found.push(file.relativeToRoot);
    return found;
  }

  it('applies the first patterns, the exclude file first, and not those past the bound', async () => {
    const filler = Array.from({ length: MAX_IGNORE_RULES }, (_, i) => `*never${i}*`);
    ws = await makeToolWorkspace({
      '.gitignore': ['early/', ...filler, 'late/'].join('\n'),
      'early/a.ts': 'a',
      'late/b.ts': 'b',
      'mine/c.ts': 'c',
      'kept.ts': 'd',
    });
    await fs.mkdir(path.join(ws.root, '.git', 'info'), { recursive: true });
    await fs.writeFile(path.join(ws.root, '.git', 'info', 'exclude'), 'mine/\n');
    assert.deepEqual(await walked(), ['.gitignore', 'kept.ts', 'late/b.ts']);
  });
});
