/**
 * The codebase index on disk: it lives under the storage folder (never the
 * workspace), is rebuilt when the embedding model or its dimension changes,
 * and after a crash resumes where its log ends, embedding only the files it
 * had not recorded.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { FolderIndex, indexDirFor } from '../../language-server/semanticSearch/folderIndex';
import { hashedEmbedder } from '../fixtures/hashedEmbedder';
import { makeToolWorkspace, type ToolWorkspace } from '../fixtures/toolWorkspace';

const FILES: Record<string, string> = {
  'src/auth/verifyJwt.ts': 'export function verifyJwt(token: string) {\n  return checkSignature(token);\n}\n',
  'src/store/sessionStore.ts': 'export class SessionStore {\n  append(entry: string) {}\n}\n',
  'docs/guide.md': '# Guide\n\nHow to install Hearth.\n\n## Settings\n\nThe settings page.\n',
  'src/ignored.log.ts': 'export const ignored = true;\n',
};

async function logFile(storage: string, root: string): Promise<string> {
  const dir = indexDirFor(storage, root);
  const header = JSON.parse(await fs.readFile(path.join(dir, 'header.json'), 'utf8')) as { generation: number };
  return path.join(dir, `log-${header.generation}.jsonl`);
}

describe('semantic search: index store', () => {
  let ws: ToolWorkspace;
  const signal = new AbortController().signal;

  beforeEach(async () => {
    ws = await makeToolWorkspace({ ...FILES, '.gitignore': '*.log.ts\n' });
  });
  afterEach(() => ws.cleanup());

  it('indexes the walk (.gitignore honoured) into the storage folder, not the workspace, and finds files by text and by vector', async () => {
    const embedder = hashedEmbedder();
    const index = new FolderIndex(ws.root, ws.storage, embedder);
    await index.open();
    const report = await index.sync(signal);
    assert.equal(report.files, 3);
    const paths = new Set<string>();
    for (let id = 0; id < 10; id++) if (index.chunk(id)) paths.add(index.chunk(id)!.path);
    assert.deepEqual([...paths].sort(), ['docs/guide.md', 'src/auth/verifyJwt.ts', 'src/store/sessionStore.ts']);
    assert.deepEqual((await fs.readdir(ws.root)).sort(), ['.gitignore', 'docs', 'src'], 'nothing was written into the workspace');
    assert.ok((await fs.readdir(indexDirFor(ws.storage, ws.root))).includes('header.json'));

    assert.equal(index.chunk(index.searchText('where is the jwt verified', 1)[0].id)?.path, 'src/auth/verifyJwt.ts');
    const [q] = await embedder.embed(['session store append'], 'query', signal);
    assert.equal(index.chunk(index.searchVector(q, 1)[0].id)?.path, 'src/store/sessionStore.ts');
    await index.close();
  });

  it('reopens without embedding anything again, and re-embeds only a changed file', async () => {
    const first = hashedEmbedder();
    const a = new FolderIndex(ws.root, ws.storage, first);
    await a.open();
    await a.sync(signal);
    await a.close();

    const second = hashedEmbedder();
    const b = new FolderIndex(ws.root, ws.storage, second);
    await b.open();
    assert.equal(b.chunkCount, a.chunkCount);
    await b.sync(signal);
    assert.equal(second.texts.length, 0, 'an unchanged folder embeds nothing');
    await ws.write('src/store/sessionStore.ts', 'export class SessionStore {\n  remove(id: string) {}\n}\n');
    await fs.utimes(path.join(ws.root, 'src/store/sessionStore.ts'), new Date(), new Date(Date.now() + 5000));
    await b.sync(signal);
    assert.equal(second.texts.length, 1);
    assert.match(second.texts[0], /remove\(id: string\)/);
    await fs.rm(path.join(ws.root, 'docs'), { recursive: true });
    const report = await b.sync(signal);
    assert.equal(report.removed, 1);
    assert.equal(b.searchText('install hearth guide', 5).length, 0, 'a deleted file is no longer found');
    await b.close();
  });

  it('rebuilds with a message when the embedding model changes, and when the model answers another dimension', async () => {
    const a = new FolderIndex(ws.root, ws.storage, hashedEmbedder('nomic-embed-text', 64));
    await a.open();
    await a.sync(signal);
    assert.equal(a.dimension, 64);
    await a.close();

    const other = hashedEmbedder('mxbai-embed-large', 64);
    const b = new FolderIndex(ws.root, ws.storage, other);
    await b.open();
    assert.equal(b.rebuiltBecause, 'the embedding model changed from nomic-embed-text to mxbai-embed-large');
    assert.equal(b.chunkCount, 0, 'nothing of the old model is kept');
    await b.sync(signal);
    assert.equal(other.texts.length, b.chunkCount, 'every chunk embedded again with the new model');
    await b.close();

    // Same name, new weights: the first answer has another length.
    const wider = hashedEmbedder('mxbai-embed-large', 96);
    const c = new FolderIndex(ws.root, ws.storage, wider);
    await c.open();
    await ws.write('src/new.ts', 'export const fresh = 1;\n');
    await c.sync(signal);
    assert.equal(c.rebuiltBecause, 'the embedding model mxbai-embed-large now answers 96 dimensions instead of 64');
    assert.equal(c.dimension, 96);
    await c.close();
    const header = JSON.parse(await fs.readFile(path.join(indexDirFor(ws.storage, ws.root), 'header.json'), 'utf8'));
    assert.equal(header.model, 'mxbai-embed-large');
    assert.equal(header.dimension, 96);
    // After the rebuild every file is in the index again, each with vectors of the new length.
    const d = new FolderIndex(ws.root, ws.storage, hashedEmbedder('mxbai-embed-large', 96));
    await d.open();
    assert.equal(d.fileCount, 4);
    const [q] = await wider.embed(['verify jwt'], 'query', signal);
    assert.equal(d.chunk(d.searchVector(q, 1)[0].id)?.path, 'src/auth/verifyJwt.ts');
    await d.close();
  });

  it('after a crash (a torn log line and a half-written vector) resumes, embedding only the files it had not recorded', async () => {
    const first = hashedEmbedder();
    const a = new FolderIndex(ws.root, ws.storage, first);
    await a.open();
    const controller = new AbortController();
    // Stop after the first file, as a crash or a cancel would.
    await assert.rejects(
      a.sync(controller.signal, (done) => {
        if (done === 1) controller.abort();
      }),
    );
    await a.close();
    const log = await logFile(ws.storage, ws.root);
    const recorded = (await fs.readFile(log, 'utf8')).trim().split('\n').length;
    assert.equal(recorded, 1);
    // The crash: the next record half written, and some vector bytes without a record.
    await fs.appendFile(log, '{"t":"put","path":"src/store/sessionSt');
    const dir = indexDirFor(ws.storage, ws.root);
    const vectors = (await fs.readdir(dir)).find((n) => n.startsWith('vectors-'))!;
    await fs.appendFile(path.join(dir, vectors), Buffer.alloc(37, 1));

    const second = hashedEmbedder();
    const b = new FolderIndex(ws.root, ws.storage, second);
    await b.open();
    assert.equal(b.fileCount, 1, 'the complete record survived; the torn one is gone');
    const report = await b.sync(signal);
    assert.equal(report.files, 3);
    assert.equal(second.texts.length, b.chunkCount - a.chunkCount, 'only the files missing from the log were embedded');
    await b.close();
    const lines = (await fs.readFile(log, 'utf8')).trim().split('\n');
    for (const line of lines) JSON.parse(line);
    const c = new FolderIndex(ws.root, ws.storage, hashedEmbedder());
    await c.open();
    assert.equal(c.fileCount, 3);
    await c.close();
  });

  it('works without an embedding model: full-text only, no vectors', async () => {
    const index = new FolderIndex(ws.root, ws.storage, undefined);
    await index.open();
    await index.sync(signal);
    assert.equal(index.hasVectors, false);
    assert.equal(index.chunk(index.searchText('session store', 1)[0].id)?.path, 'src/store/sessionStore.ts');
    await index.close();
  });

  it('leaves out a symlink to a file outside the workspace and files over the size cap', async () => {
    await fs.symlink(path.join(ws.outside, 'secret.txt'), path.join(ws.root, 'src/secret.ts'));
    await ws.write('src/big.ts', `export const big = "${'x'.repeat(2000)}";\n`);
    const index = new FolderIndex(ws.root, ws.storage, undefined, { maxFileBytes: 1000, maxChunks: 1000, maxChunkTokens: 400, maxWalkEntries: 1000 });
    await index.open();
    const report = await index.sync(signal);
    assert.equal(report.files, 3);
    assert.equal(report.skipped, 1);
    assert.equal(index.searchText('TOP SECRET', 5).length, 0);
    assert.equal(index.searchText('big', 5).length, 0);
    await index.close();
  });
});

describe('semantic search: index store compaction', () => {
  it('rewrites only the live records as a new generation, and the index reads the same afterwards', async () => {
    const { IndexStore } = await import('../../agent-host/search/indexStore');
    const ws = await makeToolWorkspace();
    try {
      const dir = path.join(ws.storage, 'idx');
      const { store } = await IndexStore.open(dir, ws.root, 'm');
      await store.setDimension(2);
      for (let i = 0; i < 3; i++) {
        await store.put({ path: 'a.ts', mtimeMs: i, size: 1, chunks: [{ startLine: 1, endLine: 1, text: `version ${i}` }] }, Float32Array.from([i, 1]));
      }
      await store.put({ path: 'b.ts', mtimeMs: 0, size: 1, chunks: [{ startLine: 1, endLine: 2, text: 'b' }] }, Float32Array.from([5, 6]));
      await store.remove('b.ts');
      assert.equal(store.rowCount, 4);
      const compacted = await store.compact();
      assert.equal(store.rowCount, 1);
      assert.deepEqual(compacted.files.map((f) => [f.path, f.mtimeMs, f.chunks[0].text, f.vectorRow]), [['a.ts', 2, 'version 2', 0]]);
      assert.deepEqual([...compacted.vectors], [2, 1]);
      await store.close();
      assert.deepEqual((await fs.readdir(dir)).sort(), ['header.json', 'log-2.jsonl', 'vectors-2.f32'], 'the old generation is gone');
      const reopened = await IndexStore.open(dir, ws.root, 'm');
      assert.deepEqual(reopened.files.map((f) => f.chunks[0].text), ['version 2']);
      assert.deepEqual([...reopened.vectors], [2, 1]);
      await reopened.store.close();
    } finally {
      await ws.cleanup();
    }
  });
});
