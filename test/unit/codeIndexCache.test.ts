/**
 * The indexer on a real temporary workspace: what a walk admits (and what
 * a hostile repository cannot make it read), the cache under the storage
 * folder, re-parsing only what changed, and resuming a cancelled build.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { CodeIndexer, type IndexLimits } from '../../language-server/codeIndex/codeIndexer';
import type { IndexProgress } from '../../protocol/lspMethods';
import { makeToolWorkspace, type ToolWorkspace } from '../fixtures/toolWorkspace';

const WASM_DIR = path.resolve('node_modules/@vscode/tree-sitter-wasm/wasm');

describe('symbol index: walking, caching and updating', () => {
  let ws: ToolWorkspace;
  const indexers: CodeIndexer[] = [];

  function indexer(limits: Partial<IndexLimits> = {}, onProgress?: (p: IndexProgress) => void): CodeIndexer {
    const i = new CodeIndexer({ folders: [ws.root], storageDir: ws.storage, wasmDir: WASM_DIR, limits, onProgress, checkpointMs: 0 });
    indexers.push(i);
    return i;
  }

  beforeEach(async () => {
    ws = await makeToolWorkspace({
      'src/config.ts': 'export interface Config { port: number }\nexport function loadConfig(): Config { return { port: 1 }; }\n',
      'src/server.ts': "import { loadConfig } from './config';\nexport function start() { return loadConfig(); }\n",
      'tools/build.py': 'def build():\n    pass\n',
      '.gitignore': 'generated/\n',
      'generated/big.ts': 'export function generatedThing() {}\n',
      'README.md': '# not code\n',
    });
  });

  afterEach(async () => {
    for (const i of indexers.splice(0)) await i.dispose();
    await ws.cleanup();
  });

  it('indexes the code files a walk reaches, honouring .gitignore, and stores the cache outside the workspace', async () => {
    const i = indexer();
    await i.build();
    assert.equal(i.status.state, 'ready');
    assert.deepEqual([...i.table.all()].map((f) => f.relative).sort(), ['src/config.ts', 'src/server.ts', 'tools/build.py']);
    assert.deepEqual(i.definitions('loadConfig').map((h) => `${h.file.relative}:${h.definition.line}`), ['src/config.ts:2']);
    assert.deepEqual(i.references('loadConfig').map((h) => `${h.file.relative}:${h.lines.join(',')}`), ['src/server.ts:1,2']);
    assert.ok(i.cacheFile.startsWith(path.join(ws.storage, 'code-index')), i.cacheFile);
    await fs.access(i.cacheFile);
    assert.deepEqual(await fs.readdir(ws.root), ['.gitignore', 'README.md', 'generated', 'src', 'tools']);
  });

  it('after a restart, re-parses only files whose content changed', async () => {
    await indexer().build();
    await fs.writeFile(path.join(ws.root, 'src/server.ts'), "import { loadConfig } from './config';\nexport function restart() { return loadConfig(); }\n");
    // Touched but unchanged: a new mtime, the same content hash.
    const later = new Date(Date.now() + 5000);
    await fs.utimes(path.join(ws.root, 'tools/build.py'), later, later);
    const again = indexer();
    await again.build();
    assert.equal(again.status.parsed, 1);
    assert.equal(again.status.reused, 2);
    assert.equal(again.definitions('start').length, 0);
    assert.equal(again.definitions('restart')[0].file.relative, 'src/server.ts');
  });

  it('Re-index checks the index it holds, without loading the cache beside it, and re-parses only what changed', async () => {
    const i = indexer();
    await i.build();
    const before = { definitions: i.definitions('loadConfig'), references: i.references('loadConfig') };
    // A Re-index that read the cache again would hold the index twice; with the cache gone it would re-parse every file.
    await fs.rm(i.cacheFile);
    await fs.writeFile(path.join(ws.root, 'src/server.ts'), "import { loadConfig } from './config';\nexport function restart() { return loadConfig(); }\n");
    await i.build();
    assert.equal(i.status.state, 'ready');
    assert.deepEqual({ parsed: i.status.parsed, reused: i.status.reused }, { parsed: 1, reused: 2 });
    assert.deepEqual(i.definitions('loadConfig'), before.definitions);
    assert.deepEqual(i.references('loadConfig').map((h) => `${h.file.relative}:${h.lines.join(',')}`), ['src/server.ts:1,2']);
    assert.deepEqual(i.definitions('restart').map((h) => h.file.relative), ['src/server.ts']);
    // The changed index is saved again, and a restart from it needs no parse.
    const again = indexer();
    await again.build();
    assert.deepEqual({ parsed: again.status.parsed, reused: again.status.reused }, { parsed: 0, reused: 3 });
    assert.deepEqual(again.definitions('restart').map((h) => h.file.relative), ['src/server.ts']);
  });

  it('forgets deleted files on the next build and on an update', async () => {
    const i = indexer();
    await i.build();
    await fs.rm(path.join(ws.root, 'tools/build.py'));
    await i.update(path.join(ws.root, 'tools/build.py'));
    assert.equal(i.definitions('build').length, 0);
    await fs.rm(path.join(ws.root, 'src/config.ts'));
    const again = indexer();
    await again.build();
    assert.equal(again.definitions('loadConfig').length, 0);
  });

  it('updates one file from disk or from an unsaved buffer, and ignores ignored or foreign paths', async () => {
    const i = indexer();
    await i.build();
    await ws.write('src/new.ts', 'export class Fresh {}\n');
    await i.update(path.join(ws.root, 'src/new.ts'));
    assert.equal(i.definitions('Fresh')[0].file.relative, 'src/new.ts');
    await i.update(path.join(ws.root, 'src/new.ts'), 'export class Edited {}\n');
    assert.equal(i.definitions('Fresh').length, 0);
    assert.equal(i.definitions('Edited').length, 1);
    await ws.write('generated/other.ts', 'export function ignoredToo() {}\n');
    await i.update(path.join(ws.root, 'generated/other.ts'));
    assert.equal(i.definitions('ignoredToo').length, 0);
    await i.update(path.join(ws.outside, 'secret.ts'));
    assert.equal(i.table.size, 4);
  });

  it('cannot be made to read outside the workspace, loop, or swallow huge and binary files', async () => {
    await fs.writeFile(path.join(ws.outside, 'stolen.ts'), 'export function stolenSecret() {}\n');
    await fs.symlink(path.join(ws.outside, 'stolen.ts'), path.join(ws.root, 'src/link.ts'));
    await fs.symlink(ws.outside, path.join(ws.root, 'outside-dir'));
    await fs.symlink('.', path.join(ws.root, 'loop'));
    await fs.link(path.join(ws.outside, 'stolen.ts'), path.join(ws.root, 'src/hardlink.ts'));
    await ws.write('src/huge.ts', `export function huge() {}\n${'// filler\n'.repeat(20_000)}`);
    await ws.write('src/binary.ts', Buffer.from([0x65, 0x78, 0x00, 0x01, 0x02]));
    const i = indexer({ maxFileBytes: 100_000 });
    await i.build();
    assert.equal(i.definitions('stolenSecret').length, 0);
    assert.equal(i.definitions('huge').length, 0);
    assert.deepEqual([...i.table.all()].map((f) => f.relative).sort(), ['src/config.ts', 'src/server.ts', 'tools/build.py']);
    assert.equal(i.status.skipped, 3);
    // A watcher event for the symlink is not followed either.
    await i.update(path.join(ws.root, 'src/link.ts'));
    assert.equal(i.definitions('stolenSecret').length, 0);
  });

  it('stops at the file limit and says so', async () => {
    const i = indexer({ maxFiles: 2 });
    await i.build();
    assert.equal(i.table.size, 2);
    assert.match(i.status.message ?? '', /only the first 2 files were indexed/);
  });

  it('a cancelled build keeps what it finished, and the next build resumes from it', async () => {
    for (let n = 0; n < 300; n++) await ws.write(`many/file${n}.ts`, `export function f${n}() { return ${n}; }\n`);
    // Progress is reported at most every 100 ms, so there are many more files than the point where it is cancelled.
    const first: CodeIndexer = indexer({}, (p) => {
      if (p.state === 'indexing' && p.done >= 20) void first.cancel();
    });
    await first.build();
    assert.equal(first.status.state, 'indexing');
    const finished = first.status.parsed;
    assert.ok(finished >= 20 && finished < 303, `parsed ${finished}`);
    const resumed = indexer();
    await resumed.build();
    assert.equal(resumed.status.state, 'ready');
    assert.equal(resumed.status.reused, finished);
    assert.equal(resumed.status.parsed, 303 - finished);
  });

  it('clear() deletes the index and its cache (the index was turned off)', async () => {
    const i = indexer();
    await i.build();
    await i.clear();
    assert.equal(i.table.size, 0);
    assert.equal(i.status.state, 'off');
    await assert.rejects(fs.access(i.cacheFile));
  });
});
