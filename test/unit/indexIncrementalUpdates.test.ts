/**
 * Both local indexes on a real temporary workspace, driven as the file
 * watcher drives them: one changed file is read again and nothing else, a
 * deleted folder takes its files out, a folder moved in is indexed, an
 * ignored path stays out, and a running build can be paused and resumed.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeIndexer } from '../../language-server/codeIndex/codeIndexer';
import { CodeIndexService } from '../../language-server/codeIndex/codeIndexService';
import { CodebaseSearchService } from '../../language-server/semanticSearch/codebaseSearchService';
import type { Embedder } from '../../language-server/semanticSearch/ollamaEmbedder';
import type { IndexProgress, SemanticIndexProgress } from '../../protocol/lspMethods';
import { hashedEmbedder, type CountingEmbedder } from '../fixtures/hashedEmbedder';
import { makeToolWorkspace, type ToolWorkspace } from '../fixtures/toolWorkspace';
import { until } from '../fixtures/until';

const WASM_DIR = path.resolve('node_modules/@vscode/tree-sitter-wasm/wasm');

describe('local indexes: incremental updates from watcher events, pause and resume', () => {
  let ws: ToolWorkspace;
  let service: CodebaseSearchService | undefined;
  let embedder: CountingEmbedder;
  const statuses: SemanticIndexProgress[] = [];

  async function startService(embed: Embedder = embedder): Promise<CodebaseSearchService> {
    service = new CodebaseSearchService({
      storageDir: ws.storage,
      folders: [ws.root],
      config: async () => ({ enabled: true, embeddingModel: 'nomic-embed-text', ollamaHost: 'http://127.0.0.1:9' }),
      embedderFor: () => embed,
      onProgress: (p) => statuses.push(p),
      debounceMs: 0,
    });
    await service.refresh();
    return service;
  }

  const uri = (rel: string) => pathToFileURL(path.join(ws.root, rel)).href;
  const embeddedPaths = () => new Set(embedder.texts.map((t) => t.split('\n')[0]));
  const foundFiles = async (query: string) => new Set((await service!.search(query, 20, AbortSignal.timeout(5000))).hits.map((h) => h.path));

  beforeEach(async () => {
    statuses.length = 0;
    embedder = hashedEmbedder();
    ws = await makeToolWorkspace({
      'src/billing/invoice.ts': 'export function invoiceTotal(lines: number[]) {\n  return lines.reduce((a, b) => a + b, 0);\n}\n',
      'src/billing/refund.ts': 'export function refundPayment(id: string) {\n  return id;\n}\n',
      'src/auth/login.ts': 'export function loginUser(name: string) {\n  return name;\n}\n',
      '.gitignore': 'generated/\n',
    });
  });

  afterEach(async () => {
    await service?.dispose();
    service = undefined;
    await ws.cleanup();
  });

  it('codebase index: one changed file is read and embedded again, and no other', async () => {
    const s = await startService();
    await s.idle();
    assert.deepEqual([...embeddedPaths()].sort(), ['src/auth/login.ts', 'src/billing/invoice.ts', 'src/billing/refund.ts']);
    embedder.texts.length = 0;
    const syncsBefore = statuses.filter((p) => p.phase === 'scanning').length;

    await fs.writeFile(path.join(ws.root, 'src/auth/login.ts'), 'export function loginWithPasskey(name: string) {\n  return name;\n}\n');
    s.filesChanged([uri('src/auth/login.ts')]);
    await s.idle();

    assert.deepEqual([...embeddedPaths()], ['src/auth/login.ts'], 'only the changed file was embedded again');
    assert.equal(statuses.filter((p) => p.phase === 'scanning').length, syncsBefore, 'no full walk of the workspace');
    assert.ok((await foundFiles('loginWithPasskey')).has('src/auth/login.ts'), 'the new content is searchable');
  });

  it('codebase index: a deleted folder leaves the index, a folder moved in joins it, an ignored one stays out', async () => {
    const s = await startService();
    await s.idle();
    embedder.texts.length = 0;

    await fs.rm(path.join(ws.root, 'src/billing'), { recursive: true });
    await fs.mkdir(path.join(ws.root, 'src/shipping'));
    await fs.writeFile(path.join(ws.root, 'src/shipping/parcel.ts'), 'export function trackParcelShipment(id: string) {\n  return id;\n}\n');
    await fs.mkdir(path.join(ws.root, 'generated'));
    await fs.writeFile(path.join(ws.root, 'generated/out.ts'), 'export function generatedParcelCode() {}\n');
    // One event per folder, as a watcher reports a folder removed or moved in as a whole.
    s.filesChanged([uri('src/billing'), uri('src/shipping'), uri('generated')]);
    await s.idle();

    assert.deepEqual([...embeddedPaths()], ['src/shipping/parcel.ts']);
    assert.deepEqual([...(await foundFiles('invoiceTotal refundPayment'))].filter((f) => f.startsWith('src/billing/')), [], 'the deleted files are gone from search');
    // Vector ranking returns every indexed file in some order, so what matters is which files are there at all.
    const found = await foundFiles('trackParcelShipment generatedParcelCode');
    assert.ok(found.has('src/shipping/parcel.ts'), 'the folder moved in is searchable');
    assert.ok(!found.has('generated/out.ts'), 'the ignored folder is not');
  });

  it('codebase index: pausing stops a running build, search answers from what is indexed, re-index embeds only the rest', async () => {
    for (let i = 0; i < 30; i++) await fs.writeFile(path.join(ws.root, `src/widget${i}.ts`), `export function widget${i}() {\n  return ${i};\n}\n`);
    // The model answers slowly, so the build is still running when the user pauses.
    const slow: Embedder = {
      model: 'nomic-embed-text',
      embed: async (input, kind, signal) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return embedder.embed(input, kind, signal);
      },
    };
    const s = await startService(slow);
    await until(() => s.status.phase === 'indexing' && s.status.done >= 3, 'the build to be under way');
    await s.pause();
    assert.equal(s.status.phase, 'paused');
    const embeddedAtPause = embeddedPaths().size;
    assert.ok(embeddedAtPause < 33, `the build stopped before the end (${embeddedAtPause} files)`);
    const outcome = await s.search('widget', 5, AbortSignal.timeout(5000));
    assert.ok(outcome.hits.length > 0, 'search answers from the files indexed before the pause');

    const before = embedder.texts.length;
    await s.reindex();
    await s.idle();
    assert.equal(s.status.phase, 'ready');
    const again = new Set(embedder.texts.slice(before).map((t) => t.split('\n')[0]));
    assert.equal(again.size, 33 - embeddedAtPause, 'the re-index embedded only the files the paused build had not reached');
  });

  it('symbol index: a folder deleted or moved in is applied from its one event', async () => {
    const indexer = new CodeIndexer({ folders: [ws.root], storageDir: ws.storage, wasmDir: WASM_DIR, checkpointMs: 0 });
    try {
      await indexer.build();
      assert.equal(indexer.definitions('refundPayment').length, 1);
      await fs.rm(path.join(ws.root, 'src/billing'), { recursive: true });
      await indexer.update(path.join(ws.root, 'src/billing'));
      assert.equal(indexer.definitions('refundPayment').length, 0);
      assert.equal(indexer.definitions('invoiceTotal').length, 0);

      await fs.mkdir(path.join(ws.root, 'lib/deep'), { recursive: true });
      await fs.writeFile(path.join(ws.root, 'lib/deep/moved.ts'), 'export function movedInHelper() {}\n');
      await indexer.update(path.join(ws.root, 'lib'));
      assert.deepEqual(
        indexer.definitions('movedInHelper').map((h) => h.file.relative),
        ['lib/deep/moved.ts'],
      );
      await fs.mkdir(path.join(ws.root, 'generated'));
      await fs.writeFile(path.join(ws.root, 'generated/gen.ts'), 'export function ignoredGenerated() {}\n');
      await indexer.update(path.join(ws.root, 'generated'));
      assert.equal(indexer.definitions('ignoredGenerated').length, 0, '.gitignore keeps a folder out of the index');
    } finally {
      await indexer.dispose();
    }
  });

  it('symbol index: Pause stops a running build and reports paused; Re-index finishes it', async () => {
    for (let i = 0; i < 400; i++) await fs.writeFile(path.join(ws.root, `src/part${i}.ts`), `export function part${i}() { return ${i}; }\n`);
    const progress: IndexProgress[] = [];
    const symbols = new CodeIndexService({
      folders: [ws.root],
      storageDir: ws.storage,
      wasmDir: WASM_DIR,
      enabled: async () => true,
      onProgress: (p) => progress.push(p),
      log: () => undefined,
    });
    try {
      await symbols.applySettings();
      await until(() => progress.some((p) => p.state === 'indexing' && p.done > 0), 'the build to be under way');
      await symbols.pause();
      const paused = symbols.status();
      assert.equal(paused.state, 'paused');
      assert.ok(paused.done < paused.total, `stopped part-way (${paused.done} of ${paused.total})`);
      assert.equal(symbols.state(), 'indexing', 'find_symbol says its answers may be incomplete');
      await symbols.reindex();
      assert.equal(symbols.status().state, 'ready');
      assert.equal(symbols.definitions('part399').length, 1);
    } finally {
      await symbols.dispose();
    }
  });
});
