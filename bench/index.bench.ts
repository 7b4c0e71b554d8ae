/**
 * What the local indexes cost on a large real tree: by default Hearth's own
 * node_modules (about 22,000 .js/.ts files; files over the size caps, binary
 * and .gitignore'd files are skipped as in the editor), or BENCH_INDEX_ROOT.
 * Each phase runs in its own process, so its peak RSS is its own (a worker
 * thread's memory included: it is the same process):
 * - `symbolsInProcess`: the cold build as before the index worker, parsing on
 *   the main thread: files/s, peak RSS and the main thread's event-loop lag
 *   while it indexes (the delay every LSP request and chat event waits).
 * - `symbols`: the symbol index alone, parsing in the index worker
 *   (dist/index-worker.js, as the language server does): a cold build
 *   (files/s, peak RSS, event-loop lag, the same figures), one
 *   file changing (re-parse and re-index of that file), a find_symbol
 *   lookup, the repository map, a Re-index of the same indexer, and a warm
 *   restart from the cache in a new process (as when the server restarts).
 * - `embeddings`: the symbol index and the codebase index together, with
 *   embeddings over HTTP from the scripted Ollama (its hashed bag of words;
 *   what is measured is Hearth's side, not a model), over the first
 *   BENCH_EMBED_FILES indexable files (default 3000): files/s, peak RSS, and
 *   the update after one file changes, applied through the watcher path.
 * Prints one JSON object, with `before`/`after` of the cold build side by
 * side. Run with `npm run bench:index`; BENCH_INDEX_PHASES (comma-separated)
 * runs only some phases.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { estimateTokens } from '../agent-host';
import { CodeIndexer } from '../language-server/codeIndex';
import { IndexWorker } from '../language-server/indexWorker';
import { CodebaseSearchService } from '../language-server/semanticSearch/codebaseSearchService';
import { isIndexable } from '../agent-host/search/indexableFiles';
import { createOllamaEmbedder } from '../agent-host/search/ollamaEmbedder';
import { walkFiles } from '../language-server/tools';
import { startFixtureProcess } from './ollamaFixtureProcess';

const ROOT = path.resolve(process.env.BENCH_INDEX_ROOT ?? 'node_modules');
const WASM_DIR = path.resolve('node_modules/@vscode/tree-sitter-wasm/wasm');
const EMBED_FILES = Number(process.env.BENCH_EMBED_FILES ?? 3000);
const WORKER_SCRIPT = path.resolve('dist/index-worker.js');

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const round = (x: number) => Math.round(x * 100) / 100;

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return round(sorted[Math.floor(sorted.length / 2)]);
}

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

async function timed<T>(work: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

/** Samples RSS every 20 ms; `peak()` is the highest seen since the last `reset()`. */
function rssSampler(): { peak: () => number; reset: () => void; stop: () => void } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  return {
    peak: () => Math.max(peak, process.memoryUsage().rss),
    reset: () => (peak = process.memoryUsage().rss),
    stop: () => clearInterval(timer),
  };
}

/**
 * The main thread's event-loop delay while `work` runs, in ms: how late a
 * timer fires, which is how long an LSP request or a chat event that
 * arrives then waits before the server starts on it.
 */
async function withLoopLag<T>(work: () => Promise<T>): Promise<{ value: T; lag: { p50: number; p99: number; max: number } }> {
  const histogram = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  histogram.enable();
  try {
    const value = await work();
    // The histogram records the whole interval between two ticks; the lag is what exceeds the timer's own period.
    const lag = (ns: number) => round(Math.max(0, ns / 1e6 - LAG_RESOLUTION_MS));
    return { value, lag: { p50: lag(histogram.percentile(50)), p99: lag(histogram.percentile(99)), max: lag(histogram.max) } };
  } finally {
    histogram.disable();
  }
}

const LAG_RESOLUTION_MS = 10;

/** The lag of this process's idle event loop for a few seconds: the floor the machine's other load puts under every figure. */
async function idleLoopLag() {
  const { lag } = await withLoopLag(() => new Promise((resolve) => setTimeout(resolve, 3000)));
  return lag;
}

/** One cold build of the symbol index, parsing in the index worker or (`worker` undefined) on the main thread. */
async function coldBuild(storage: string, worker: IndexWorker | undefined) {
  const idleLagMs = await idleLoopLag();
  const rss = rssSampler();
  const rssBefore = process.memoryUsage().rss;
  const indexer = new CodeIndexer({ folders: [ROOT], storageDir: storage, wasmDir: WASM_DIR, parser: worker });
  const cpu = process.cpuUsage();
  const { value: run, lag } = await withLoopLag(() => timed(() => indexer.build()));
  const cpuSpentMs = cpuMs(process.cpuUsage(cpu));
  const status = indexer.status;
  const peak = rss.peak();
  rss.stop();
  const after = process.memoryUsage();
  return {
    indexer,
    figures: {
      parsing: worker ? 'index worker' : 'main thread',
      files: status.total,
      indexed: status.files,
      parsed: status.parsed,
      skipped: status.skipped,
      seconds: round(run.ms / 1000),
      filesPerSecond: Math.round(status.total / (run.ms / 1000)),
      // CPU time of this process, every thread: on a shared machine, wall time also measures the neighbours.
      cpuSeconds: round(cpuSpentMs / 1000),
      filesPerCpuSecond: Math.round(status.total / (cpuSpentMs / 1000)),
      peakRssMb: mb(peak),
      rssBeforeMb: mb(rssBefore),
      mainThreadLagMs: lag,
      idleLagMs,
      heapUsedAfterMb: mb(after.heapUsed),
      // WebAssembly memory (tree-sitter) and typed arrays live outside the JS heap.
      externalAfterMb: mb(after.external),
      workersStarted: worker?.started,
      workersRecycled: worker?.recycled,
    },
  };
}

/** The "before": the cold build parsing on the main thread, as the language server did without the index worker. */
async function symbolsInProcessPhase(): Promise<unknown> {
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-bench-index-'));
  try {
    const { indexer, figures } = await coldBuild(storage, undefined);
    await indexer.dispose();
    return { ...figures, maxRssMb: mb(process.resourceUsage().maxRSS * 1024) };
  } finally {
    fs.rmSync(storage, { recursive: true, force: true });
  }
}

async function symbolsPhase(): Promise<unknown> {
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-bench-index-'));
  const worker = new IndexWorker({ script: WORKER_SCRIPT, wasmDir: WASM_DIR });
  try {
    const cold = await coldIndexFigures(storage, worker);
    const cacheFile = fs.readdirSync(path.join(storage, 'code-index')).find((f) => f.endsWith('.jsonl'))!;
    return {
      ...cold,
      warmRestart: runPhaseProcess('warmRestart', storage),
      cacheMb: mb(fs.statSync(path.join(storage, 'code-index', cacheFile)).size),
      maxRssMb: mb(process.resourceUsage().maxRSS * 1024),
    };
  } finally {
    await worker.dispose();
    fs.rmSync(storage, { recursive: true, force: true });
  }
}

/**
 * The restart from the cache, in a process of its own, as when VS Code
 * starts the language server again: a new indexer loads the cache the cold
 * build left in `storage` and checks every file. (Measured in the cold
 * build's process, the figure was mostly that process's earlier index: held
 * by the benchmark, or, once released, still uncollected garbage when the
 * new one loaded, which no path of the language server has.)
 */
async function warmRestartPhase(storage: string): Promise<unknown> {
  const rss = rssSampler();
  const worker = new IndexWorker({ script: WORKER_SCRIPT, wasmDir: WASM_DIR });
  try {
    const warm = new CodeIndexer({ folders: [ROOT], storageDir: storage, wasmDir: WASM_DIR, parser: worker });
    const warmCpu = process.cpuUsage();
    const warmRun = await timed(() => warm.build());
    const warmCpuMs = cpuMs(process.cpuUsage(warmCpu));
    const warmStatus = warm.status;
    const warmPeak = rss.peak();
    await warm.dispose();
    return {
      seconds: round(warmRun.ms / 1000),
      reused: warmStatus.reused,
      parsed: warmStatus.parsed,
      filesPerSecond: Math.round(warmStatus.total / (warmRun.ms / 1000)),
      cpuSeconds: round(warmCpuMs / 1000),
      peakRssMb: mb(warmPeak),
      // The process's own high-water mark, from its start (node itself included).
      maxRssMb: mb(process.resourceUsage().maxRSS * 1024),
    };
  } finally {
    rss.stop();
    await worker.dispose();
  }
}

/** The cold build and what is measured on its index before it is disposed: one file changing, lookups, the map, a Re-index. */
async function coldIndexFigures(storage: string, worker: IndexWorker) {
  const { indexer: cold, figures: coldFigures } = await coldBuild(storage, worker);
  const rss = rssSampler();

  // The incremental update: one file changes (here as an editor buffer, since node_modules is not ours to write).
  const target = [...cold.table.all()].find((f) => f.symbols.language === 'typescript' && f.size > 2000 && f.size < 20000) ?? [...cold.table.all()][0];
  const absolute = path.join(target.root, target.relative);
  const original = fs.readFileSync(absolute, 'utf8');
  const updates: number[] = [];
  for (let i = 0; i < 20; i++) {
    const { ms } = await timed(() => cold.update(absolute, `${original}\nexport function benchProbe${i}() {}\n`));
    updates.push(ms);
    if (cold.definitions(`benchProbe${i}`).length !== 1) throw new Error('the update did not reach the index');
  }
  const lookups: number[] = [];
  for (let i = 0; i < 10; i++) lookups.push((await timed(() => [cold.definitions('parse'), cold.references('parse')])).ms);
  // The first map ranks the whole index (in the background in the server; here waited for); later ones reuse the ranking.
  rss.reset();
  const rankCpu = process.cpuUsage();
  const firstMap = await timed(() => cold.repoMap(3000, estimateTokens, (f) => f.relative, 600_000));
  const rankCpuMs = cpuMs(process.cpuUsage(rankCpu));
  const rankPeak = rss.peak();
  const maps: number[] = [];
  for (let i = 0; i < 3; i++) maps.push((await timed(() => cold.repoMap(3000, estimateTokens, (f) => f.relative))).ms);
  // Re-index (the status bar's command) on the same indexer: every file is checked again, none re-read.
  rss.reset();
  const reindexCpu = process.cpuUsage();
  const reindex = await timed(() => cold.build());
  const reindexCpuMs = cpuMs(process.cpuUsage(reindexCpu));
  const reindexPeak = rss.peak();
  const reindexStatus = cold.status;
  rss.stop();
  await cold.dispose();
  return {
    cold: coldFigures,
    incrementalUpdateMs: { file: target.relative, bytes: target.size, median: median(updates), max: round(Math.max(...updates)) },
    findSymbolLookupMs: median(lookups),
    repoMap: { firstMs: Math.round(firstMap.ms), firstCpuMs: Math.round(rankCpuMs), peakRssMb: mb(rankPeak), cachedMedianMs: median(maps), tokens: estimateTokens(firstMap.value) },
    reindex: { seconds: round(reindex.ms / 1000), reused: reindexStatus.reused, parsed: reindexStatus.parsed, cpuSeconds: round(reindexCpuMs / 1000), peakRssMb: mb(reindexPeak) },
  };
}

async function embeddingsPhase(): Promise<unknown> {
  // The first EMBED_FILES indexable files in walk order: a subset, since the scripted model answers over HTTP.
  const chosen = new Set<string>();
  const realRoot = fs.realpathSync(ROOT);
  for await (const f of walkFiles(realRoot, '', { signal: AbortSignal.timeout(600_000) })) {
    if (isIndexable(f.relativeToRoot)) chosen.add(f.relativeToRoot);
    if (chosen.size >= EMBED_FILES) break;
  }
  const fixture = await startFixtureProcess();
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-bench-embed-'));
  // A copy of those files: the benchmark changes one, and node_modules is not ours to write.
  const tree = path.join(storage, 'tree');
  for (const rel of chosen) {
    fs.mkdirSync(path.dirname(path.join(tree, rel)), { recursive: true });
    fs.copyFileSync(path.join(realRoot, rel), path.join(tree, rel));
  }
  const worker = new IndexWorker({ script: WORKER_SCRIPT, wasmDir: WASM_DIR });
  try {
    const rss = rssSampler();
    const embedder = createOllamaEmbedder({ host: fixture.url, model: 'nomic-embed-text' });
    const codebase = new CodebaseSearchService({
      storageDir: storage,
      folders: [tree],
      config: async () => ({ enabled: true, embeddingModel: 'nomic-embed-text', ollamaHost: fixture.url }),
      embedderFor: () => embedder,
      debounceMs: 0,
      chunker: (rel, content, maxTokens, signal) => worker.chunks(rel, content, maxTokens, signal),
    });
    // The symbol index over the same files, built at the same time as in the language server.
    const symbols = new CodeIndexer({ folders: [tree], storageDir: path.join(storage, 'symbols'), wasmDir: WASM_DIR, parser: worker });
    const cpu = process.cpuUsage();
    const { value: run, lag } = await withLoopLag(() =>
      timed(async () => {
        await Promise.all([codebase.refresh().then(() => codebase.idle()), symbols.build()]);
      }),
    );
    const cpuSpent = cpuMs(process.cpuUsage(cpu));
    const peak = rss.peak();
    const status = codebase.status;
    // One file changes: the watcher's event is applied to that path alone.
    const target = [...chosen].find((r) => r.endsWith('.ts') && fs.statSync(path.join(tree, r)).size > 2000) ?? [...chosen][0];
    const absolute = path.join(tree, target);
    const original = fs.readFileSync(absolute, 'utf8');
    const updates: number[] = [];
    for (let i = 0; i < 5; i++) {
      fs.writeFileSync(absolute, `${original}\nexport function benchProbe${i}() {}\n`);
      const { ms } = await timed(async () => {
        codebase.filesChanged([pathToFileURL(absolute).href]);
        await Promise.all([codebase.idle(), symbols.update(absolute)]);
      });
      updates.push(ms);
      if (symbols.definitions(`benchProbe${i}`).length !== 1) throw new Error('the update did not reach the symbol index');
    }
    await codebase.dispose();
    await symbols.dispose();
    rss.stop();
    return {
      files: status.done,
      symbolFiles: symbols.status.files,
      seconds: round(run.ms / 1000),
      filesPerSecond: Math.round(status.done / (run.ms / 1000)),
      cpuSeconds: round(cpuSpent / 1000),
      peakRssMb: mb(peak),
      mainThreadLagMs: lag,
      message: status.message,
      incrementalUpdateMs: { file: target, median: median(updates), max: round(Math.max(...updates)) },
      maxRssMb: mb(process.resourceUsage().maxRSS * 1024),
    };
  } finally {
    await worker.dispose();
    fixture.stop();
    fs.rmSync(storage, { recursive: true, force: true });
  }
}

/** Runs one phase in a child process of this script (so its peak RSS is its own) and returns its JSON line. */
function runPhaseProcess(name: string, ...args: string[]): unknown {
  const child = spawnSync(process.execPath, [process.argv[1], name, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 1024 * 1024 });
  if (child.status !== 0) throw new Error(`the ${name} phase failed (exit ${child.status})`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as unknown;
}

async function main(): Promise<void> {
  const phases: Record<string, () => Promise<unknown>> = { symbolsInProcess: symbolsInProcessPhase, symbols: symbolsPhase, embeddings: embeddingsPhase };
  const phase = process.argv[2];
  if (phase === 'warmRestart') {
    process.stdout.write(`${JSON.stringify(await warmRestartPhase(process.argv[3]))}\n`);
    return;
  }
  if (phase && phases[phase]) {
    const result = await phases[phase]();
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const chosen = (process.env.BENCH_INDEX_PHASES ?? Object.keys(phases).join(',')).split(',').filter((p) => phases[p]);
  const results: Record<string, unknown> = {};
  for (const name of chosen) results[name] = runPhaseProcess(name);
  // The cold build before (parsing on the main thread) and after (in the index worker), side by side.
  const before = results.symbolsInProcess as Record<string, unknown> | undefined;
  const after = (results.symbols as { cold?: Record<string, unknown> } | undefined)?.cold;
  const pick = (r: Record<string, unknown> | undefined) => r && { seconds: r.seconds, cpuSeconds: r.cpuSeconds, peakRssMb: r.peakRssMb, mainThreadLagMs: r.mainThreadLagMs, idleLagMs: r.idleLagMs };
  const coldBuild = before && after ? { before: pick(before), after: pick(after) } : undefined;
  console.log(
    JSON.stringify(
      { root: ROOT, cpus: os.cpus().length, node: process.version, coldBuild, ...results, loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10) },
      null,
      2,
    ),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
