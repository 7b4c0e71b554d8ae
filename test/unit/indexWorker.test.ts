/**
 * The index worker: both indexes parse and chunk in a worker thread, and a
 * file that breaks the parser (out of memory, stuck) costs that file only:
 * the build finishes, the file is named, and a new worker takes the next
 * file. A running parse can be cancelled, and a worker that cannot start
 * fails the build with a message instead of skipping every file.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { chunkText } from '../../agent-host';
import { CodeIndexer } from '../../language-server/codeIndex';
import { languageForPath } from '../../language-server/codeIndex/languageSpecs';
import { SymbolParser } from '../../language-server/codeIndex/symbolParser';
import { IndexWorker, IndexWorkerCrashed } from '../../language-server/indexWorker';
import { FolderIndex } from '../../language-server/semanticSearch/folderIndex';
import { makeToolWorkspace, type ToolWorkspace } from '../fixtures/toolWorkspace';
import { until } from '../fixtures/until';

const WASM_DIR = path.resolve('node_modules/@vscode/tree-sitter-wasm/wasm');
const REAL_WORKER = path.resolve('dist/index-worker.js');
const HOSTILE_WORKER = path.resolve('out/test/fixtures/hostileIndexWorker.main.mjs');

const SOURCE = "import { helper } from './util';\nexport function start(port: number): Server {\n  return new Server(helper(port));\n}\n\nexport class Server {\n  listen(): void {}\n}\n";

describe('index worker', function () {
  this.timeout(60_000);
  let ws: ToolWorkspace;
  const workers: IndexWorker[] = [];
  const worker = (script: string, extra: Partial<ConstructorParameters<typeof IndexWorker>[0]> = {}) => {
    const w = new IndexWorker({ script, wasmDir: WASM_DIR, ...extra });
    workers.push(w);
    return w;
  };

  afterEach(async () => {
    for (const w of workers.splice(0)) await w.dispose();
    await ws?.cleanup();
  });

  it('parses and chunks in the worker exactly as on the main thread', async () => {
    ws = await makeToolWorkspace({});
    const w = worker(REAL_WORKER);
    const spec = languageForPath('src/server.ts')!;
    assert.deepEqual(await w.symbols(spec, SOURCE), await new SymbolParser(WASM_DIR).parse(spec, SOURCE));
    const bytes = Buffer.alloc(Buffer.byteLength(SOURCE), SOURCE);
    assert.deepEqual(await w.chunks('src/server.ts', bytes, 40), chunkText('src/server.ts', SOURCE, { maxTokens: 40 }));
    assert.equal(w.started, 1, 'one worker served both requests');
  });

  it('a file that runs the parser out of memory is indexed without symbols and named; the other files are indexed by a new worker', async () => {
    ws = await makeToolWorkspace({
      'src/a.ts': 'export function alpha() {}\n',
      'src/hostile.ts': '// HEARTH_TEST_OOM\nexport function hostile() {}\n',
      'src/b.ts': 'export function beta() {}\n',
      'src/c.py': 'def gamma():\n    pass\n',
    });
    const crashes: string[] = [];
    const w = worker(HOSTILE_WORKER, { resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 4 } });
    const indexer = new CodeIndexer({ folders: [ws.root], storageDir: ws.storage, wasmDir: WASM_DIR, parser: w, onParserCrash: (rel, why) => crashes.push(`${rel}: ${why}`) });
    await indexer.build();
    const status = indexer.status;
    assert.equal(status.state, 'ready', status.message);
    assert.match(status.message ?? '', /the parser crashed on 1 \(src\/hostile\.ts\), indexed without symbols/);
    for (const name of ['alpha', 'beta', 'gamma']) assert.equal(indexer.definitions(name).length, 1, `${name} is indexed`);
    assert.equal(indexer.definitions('hostile').length, 0);
    assert.deepEqual(crashes, ['src/hostile.ts: the parser stopped on this file (it ran out of its memory limit)']);
    // The build gave its worker's memory back when it ended, not 30 s later; the next file starts a new worker.
    assert.equal(w.alive, false);
    const beforeUpdate = w.started;
    await indexer.update(path.join(ws.root, 'src', 'a.ts'), 'export function alphaEdited() {}\n');
    assert.equal(indexer.definitions('alphaEdited').length, 1);
    assert.equal(w.started, beforeUpdate + 1);

    // The next build reuses the record kept for the hostile file instead of crashing on it again; only
    // a.ts, whose unsaved buffer the index held, is read from disk and parsed again.
    const started = w.started;
    await indexer.build();
    assert.equal(indexer.status.state, 'ready');
    assert.equal(indexer.status.parsed, 1);
    assert.equal(indexer.definitions('alpha').length, 1);
    // a.ts goes to the worker the edit started; the hostile file would have crashed it.
    assert.equal(w.started, started);
    assert.equal(crashes.length, 1);
    await indexer.dispose();
  });

  it('the codebase index leaves out a file that crashes the chunker and indexes the rest', async () => {
    ws = await makeToolWorkspace({
      'docs/guide.md': '# Guide\n\nHow to install Hearth.\n',
      'src/hostile.ts': '// HEARTH_TEST_OOM\n',
      'src/store.ts': 'export class SessionStore {}\n',
    });
    const w = worker(HOSTILE_WORKER, { resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 4 } });
    const leftOut: string[] = [];
    const index = new FolderIndex(ws.root, ws.storage, undefined, undefined, undefined, (rel, content, maxTokens, signal) => w.chunks(rel, content, maxTokens, signal), (rel) => leftOut.push(rel));
    await index.open();
    const report = await index.sync(new AbortController().signal);
    assert.deepEqual(leftOut, ['src/hostile.ts']);
    assert.equal(report.skipped, 1);
    assert.equal(report.files, 2);
    const top = index.searchText('SessionStore', 1)[0];
    assert.equal(index.chunk(top.id)?.path, 'src/store.ts');
    await index.close();
  });

  it('a parse that never ends is stopped at the time limit, and cancelling a running parse stops its worker at once', async () => {
    ws = await makeToolWorkspace({});
    const spec = languageForPath('a.ts')!;
    // Long enough for a new worker to load its grammar and parse a small file on a loaded machine.
    const timed = worker(HOSTILE_WORKER, { jobTimeoutMs: 5000 });
    await assert.rejects(timed.symbols(spec, '// HEARTH_TEST_SPIN\n'), (e: Error) => e instanceof IndexWorkerCrashed && /longer than/.test(e.message));
    assert.equal((await timed.symbols(spec, SOURCE)).definitions.length, 3, 'a new worker parses the next file');

    // No time limit to save it: only the cancellation can end this parse (or the test times out).
    const w = worker(HOSTILE_WORKER, { jobTimeoutMs: 600_000 });
    await w.symbols(spec, SOURCE);
    const controller = new AbortController();
    const stuck = w.symbols(spec, '// HEARTH_TEST_SPIN\n', controller.signal);
    controller.abort(new Error('Paused.'));
    await assert.rejects(stuck, /Paused\./);
    assert.equal((await w.symbols(spec, SOURCE)).definitions.length, 3);
    assert.equal(w.started, 2);
  });

  it('a worker without work stops, giving its memory back, and the next file starts a new one', async () => {
    ws = await makeToolWorkspace({});
    const spec = languageForPath('a.ts')!;
    const w = worker(REAL_WORKER, { idleMs: 100 });
    await w.symbols(spec, SOURCE);
    await until(() => !w.alive, 'the idle worker stopped', 10_000);
    assert.equal((await w.symbols(spec, SOURCE)).definitions.length, 3);
    assert.equal(w.started, 2);
  });

  it('a worker whose memory grew past its budget is replaced after its reply, and the index it builds is the same', async () => {
    ws = await makeToolWorkspace({
      'src/server.ts': SOURCE,
      'src/util.ts': "export const helper = (port: number) => port + 1;\nexport interface Options { port: number }\n",
      'lib/view.tsx': 'export function View() {\n  return <Server />;\n}\n',
      'tools/gen.py': 'import os\n\ndef generate(path):\n    return os.path.join(path, "out")\n',
      'cmd/main.go': 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println(start())\n}\n',
    });
    const index = async (w: IndexWorker, storage: string) => {
      const indexer = new CodeIndexer({ folders: [ws.root], storageDir: storage, wasmDir: WASM_DIR, parser: w });
      await indexer.build();
      assert.equal(indexer.status.state, 'ready', indexer.status.message);
      const files = [...indexer.table.all()].map((f) => [f.relative, f.symbols] as const).sort(([a], [b]) => (a < b ? -1 : 1));
      await indexer.dispose();
      return files;
    };
    // A budget of 0 MB, and no minimum of files per worker: every file goes to a new worker.
    const recycling = worker(REAL_WORKER, { recycleAboveMb: 0, recycleMinJobs: 1 });
    const kept = worker(REAL_WORKER);
    const recycledIndex = await index(recycling, path.join(ws.storage, 'recycling'));
    const keptIndex = await index(kept, path.join(ws.storage, 'kept'));
    assert.equal(recycledIndex.length, 5);
    assert.deepEqual(recycledIndex, keptIndex);
    assert.ok(recycledIndex.find(([rel]) => rel === 'src/server.ts')![1].definitions.some((d) => d.name === 'Server'));
    assert.equal(recycling.started, 5, 'each file after the first went to a new worker');
    assert.equal(recycling.recycled, 5);
    // Small files stay far below the default budget: one worker serves them all.
    assert.equal(kept.started, 1);
    assert.equal(kept.recycled, 0);

    // Over budget after every file, but replaced only after its third: a tree of large files does not start a worker per file.
    const paced = worker(REAL_WORKER, { recycleAboveMb: 0, recycleMinJobs: 3 });
    assert.deepEqual(await index(paced, path.join(ws.storage, 'paced')), keptIndex);
    assert.equal(paced.recycled, 1);
    assert.equal(paced.started, 2);
  });

  it('a worker that cannot start fails the build with a message instead of skipping every file', async () => {
    ws = await makeToolWorkspace({ 'src/a.ts': 'export function alpha() {}\n' });
    const w = worker(path.join(ws.storage, 'missing-worker.js'));
    const indexer = new CodeIndexer({ folders: [ws.root], storageDir: ws.storage, wasmDir: WASM_DIR, parser: w });
    await indexer.build();
    assert.equal(indexer.status.state, 'error');
    assert.match(indexer.status.message ?? '', /Indexing failed: The index worker could not start/);
    await indexer.dispose();
  });
});
