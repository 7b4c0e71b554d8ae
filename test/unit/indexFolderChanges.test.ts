/**
 * Both local indexes when the user adds or removes a workspace folder: only
 * the added folder is read (the others' files are neither parsed nor
 * embedded again), and a removed folder's files are out of every answer by
 * the time the change is applied.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CodeIndexer } from '../../language-server/codeIndex/codeIndexer';
import { CodebaseSearchService } from '../../language-server/semanticSearch/codebaseSearchService';
import type { IndexProgress, SemanticIndexProgress } from '../../protocol/lspMethods';
import { hashedEmbedder } from '../fixtures/hashedEmbedder';
import { until } from '../fixtures/until';
import { writeTree } from '../fixtures/writeTree';

const WASM_DIR = path.resolve('node_modules/@vscode/tree-sitter-wasm/wasm');

describe('local indexes follow added and removed workspace folders', () => {
  let dirs: string[];
  let storage: string;
  let first: string;
  let second: string;

  beforeEach(() => {
    dirs = ['ls', 'a', 'b'].map((n) => fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `hearth-idxfolders-unit-${n}-`))));
    [storage, first, second] = dirs;
    writeTree(first, { 'src/alpha.ts': 'export function alphaStart() {\n  return 1;\n}\n', 'src/beta.ts': 'export function betaStep() {\n  return 2;\n}\n' });
    writeTree(second, { 'lib/gamma.ts': 'export function gammaRender() {\n  return 3;\n}\n' });
  });

  afterEach(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('symbol index: parses only the added folder, and drops a removed one before the change resolves', async () => {
    const progress: IndexProgress[] = [];
    const indexer = new CodeIndexer({ folders: [first], storageDir: storage, wasmDir: WASM_DIR, onProgress: (p) => progress.push(p) });
    try {
      await indexer.build();
      assert.equal(indexer.status.parsed, 2);

      const mark = progress.length;
      await indexer.setFolders([first, second]);
      await until(() => progress.slice(mark).some((p) => p.state === 'ready'), 'the build after the folder was added', 10_000);
      const ready = progress.slice(mark).find((p) => p.state === 'ready')!;
      assert.equal(ready.parsed, 1, 'only the added folder was parsed');
      assert.equal(ready.reused, 2, "the remaining folder's files were reused");
      assert.deepEqual(indexer.definitions('gammaRender').map((h) => h.file.relative), ['lib/gamma.ts']);

      const removedMark = progress.length;
      await indexer.setFolders([second]);
      assert.deepEqual(indexer.definitions('alphaStart'), [], 'gone as soon as the change is applied');
      assert.ok(![...indexer.table.all()].some((f) => f.root === first), 'no file of the removed folder stays in memory');
      assert.doesNotMatch(await indexer.repoMap(1000, (t) => t.length / 4, (f) => f.relative), /alpha|beta/);
      // The new set of folders has its cache although no file changed: a window opened on it starts from it.
      await until(() => progress.slice(removedMark).some((p) => p.state === 'ready'), 'the build after the folder was removed', 10_000);
      const reopened = new CodeIndexer({ folders: [second], storageDir: storage, wasmDir: WASM_DIR });
      await reopened.build();
      assert.deepEqual([reopened.status.parsed, reopened.status.reused], [0, 1]);
      await reopened.dispose();
    } finally {
      await indexer.dispose();
    }
  });

  it('codebase index: embeds only the added folder, and a removed one leaves the next search', async () => {
    const embedder = hashedEmbedder();
    const statuses: SemanticIndexProgress[] = [];
    const service = new CodebaseSearchService({
      storageDir: storage,
      folders: [first],
      config: async () => ({ enabled: true, embeddingModel: 'nomic-embed-text', ollamaHost: 'http://127.0.0.1:9' }),
      embedderFor: () => embedder,
      onProgress: (p) => statuses.push(p),
      debounceMs: 0,
    });
    const found = async (query: string) => (await service.search(query, 20, AbortSignal.timeout(5000))).hits.map((h) => h.path);
    try {
      await service.refresh();
      await service.idle();
      const embeddedBefore = embedder.texts.length;

      void service.setFolders([first, second]);
      await service.idle();
      assert.ok(embedder.texts.length > embeddedBefore, 'the added folder was embedded');
      assert.ok(embedder.texts.slice(embeddedBefore).every((t) => t.includes('gammaRender')), `only the added folder was embedded: ${JSON.stringify(embedder.texts.slice(embeddedBefore))}`);
      assert.ok((await found('gammaRender')).some((p) => p.endsWith('lib/gamma.ts')));

      void service.setFolders([second]);
      const hits = await found('alphaStart betaStep');
      assert.ok(!hits.some((p) => /alpha|beta/.test(p)), `no hit of the removed folder: ${hits.join(', ')}`);
    } finally {
      await service.dispose();
    }
  });
});
