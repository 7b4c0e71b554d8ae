/**
 * A repository can hold a path 2,000 folders deep (Git checks out anything
 * shorter than PATH_MAX). The workspace walk behind glob, the grep fallback
 * and both indexes must list it like any other tree, without overflowing the
 * call stack, and close every folder it opened.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { CodebaseSearchService } from '../../language-server/semanticSearch/codebaseSearchService';
import { walkFiles } from '../../language-server/tools/workspaceWalker';
import { call, makeToolWorkspace, type ToolWorkspace } from '../fixtures/toolWorkspace';

const DEPTH = 2000;
const DEEP = Array.from({ length: DEPTH }, () => 'd').join('/');

async function openDescriptors(): Promise<number> {
  return (await fs.readdir('/proc/self/fd')).length;
}

describe('workspace walk of a very deep tree', () => {
  let ws: ToolWorkspace;

  beforeEach(async () => {
    ws = await makeToolWorkspace({ 'src/a.ts': 'export const shallowNeedle = 1;\n' });
    await fs.mkdir(path.join(ws.root, DEEP), { recursive: true });
    await fs.writeFile(path.join(ws.root, DEEP, 'deep.ts'), 'export const deepNeedle = 1;\n');
  });

  afterEach(() => ws.cleanup());

  it('lists every file and closes every folder it opened', async () => {
    const before = await openDescriptors();
    const found: string[] = [];
    for await (const file of walkFiles(ws.root, '', { signal: new AbortController().signal })) found.push(file.relativeToRoot);
    assert.deepEqual(found, [`${DEEP}/deep.ts`, 'src/a.ts']);
    assert.equal(await openDescriptors(), before);

    // Stopped half-way, the walk closes the folders it still held.
    for await (const file of walkFiles(ws.root, '', { signal: new AbortController().signal })) {
      assert.equal(file.relativeToRoot, `${DEEP}/deep.ts`);
      break;
    }
    assert.equal(await openDescriptors(), before);
  });

  it('glob and the codebase index reach the deep file', async () => {
    const globbed = await call(ws.executor(), 'glob', { pattern: '**/*.ts' });
    assert.equal(globbed.isError, false, globbed.content.slice(0, 300));
    assert.ok(globbed.content.endsWith('/deep.ts\nsrc/a.ts'), globbed.content.slice(-300));

    const service = new CodebaseSearchService({
      storageDir: ws.storage,
      folders: [ws.root],
      config: async () => ({ enabled: true, embeddingModel: '', ollamaHost: 'http://127.0.0.1:9' }),
    });
    try {
      await service.refresh();
      await service.idle();
      const hits = (await service.search('deepNeedle shallowNeedle', 5, new AbortController().signal)).hits.map((h) => h.path);
      assert.deepEqual(hits.sort(), [`${DEEP}/deep.ts`, 'src/a.ts']);
    } finally {
      await service.dispose();
    }
  });
});
