/**
 * What the local indexes cost on a large real tree: by default Hearth's own
 * node_modules (about 22,000 .js/.ts files; files over the size caps, binary
 * and .gitignore'd files are skipped as in the editor), or BENCH_INDEX_ROOT.
 * Each phase runs in its own process, so its peak RSS is its own:
 * - `symbols`: the symbol index alone: a cold build (files/s, peak RSS), one
 *   file changing (re-parse and re-index of that file), a warm restart from
 *   the cache, a find_symbol lookup and the repository map.
 * - `embeddings`: the symbol index and the codebase index together, with
 *   embeddings over HTTP from the scripted Ollama (its hashed bag of words;
 *   what is measured is Hearth's side, not a model), over the first
 *   BENCH_EMBED_FILES indexable files (default 3000): files/s, peak RSS, and
 *   the update after one file changes, applied through the watcher path.
 * Prints one JSON object. Run with `npm run bench:index`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { estimateTokens } from '../agent-host';
import { CodeIndexer } from '../language-server/codeIndex';
import { CodebaseSearchService } from '../language-server/semanticSearch/codebaseSearchService';
import { isIndexable } from '../agent-host/search/indexableFiles';
import { createOllamaEmbedder } from '../agent-host/search/ollamaEmbedder';
import { walkFiles } from '../language-server/tools';
import { startFixtureProcess } from './ollamaFixtureProcess';

const ROOT = path.resolve(process.env.BENCH_INDEX_ROOT ?? 'node_modules');
const WASM_DIR = path.resolve('node_modules/@vscode/tree-sitter-wasm/wasm');
const EMBED_FILES = Number(process.env.BENCH_EMBED_FILES ?? 3000);

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

async function symbolsPhase(): Promise<unknown> {
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-bench-index-'));
  try {
    const rss = rssSampler();
    const rssBefore = process.memoryUsage().rss;
    const cold = new CodeIndexer({ folders: [ROOT], storageDir: storage, wasmDir: WASM_DIR });
    const coldCpu = process.cpuUsage();
    const coldRun = await timed(() => cold.build());
    const coldCpuMs = cpuMs(process.cpuUsage(coldCpu));
    const coldStatus = cold.status;
    const coldPeak = rss.peak();
    const afterCold = process.memoryUsage();

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
    await cold.dispose();

    rss.reset();
    const warm = new CodeIndexer({ folders: [ROOT], storageDir: storage, wasmDir: WASM_DIR });
    const warmCpu = process.cpuUsage();
    const warmRun = await timed(() => warm.build());
    const warmCpuMs = cpuMs(process.cpuUsage(warmCpu));
    const warmStatus = warm.status;
    const warmPeak = rss.peak();
    await warm.dispose();
    rss.stop();

    const cacheFile = fs.readdirSync(path.join(storage, 'code-index')).find((f) => f.endsWith('.jsonl'))!;
    return {
      cold: {
        files: coldStatus.total,
        indexed: coldStatus.files,
        parsed: coldStatus.parsed,
        skipped: coldStatus.skipped,
        seconds: round(coldRun.ms / 1000),
        filesPerSecond: Math.round(coldStatus.total / (coldRun.ms / 1000)),
        // CPU time of this process: on a shared machine, wall time also measures the neighbours.
        cpuSeconds: round(coldCpuMs / 1000),
        filesPerCpuSecond: Math.round(coldStatus.total / (coldCpuMs / 1000)),
        peakRssMb: mb(coldPeak),
        rssBeforeMb: mb(rssBefore),
        heapUsedAfterMb: mb(afterCold.heapUsed),
        // WebAssembly memory (tree-sitter) and typed arrays live outside the JS heap.
        externalAfterMb: mb(afterCold.external),
      },
      incrementalUpdateMs: { file: target.relative, bytes: target.size, median: median(updates), max: round(Math.max(...updates)) },
      findSymbolLookupMs: median(lookups),
      repoMap: { firstMs: Math.round(firstMap.ms), firstCpuMs: Math.round(rankCpuMs), peakRssMb: mb(rankPeak), cachedMedianMs: median(maps), tokens: estimateTokens(firstMap.value) },
      warmRestart: {
        seconds: round(warmRun.ms / 1000),
        reused: warmStatus.reused,
        parsed: warmStatus.parsed,
        filesPerSecond: Math.round(warmStatus.total / (warmRun.ms / 1000)),
        cpuSeconds: round(warmCpuMs / 1000),
        peakRssMb: mb(warmPeak),
      },
      cacheMb: mb(fs.statSync(path.join(storage, 'code-index', cacheFile)).size),
      maxRssMb: mb(process.resourceUsage().maxRSS * 1024),
    };
  } finally {
    fs.rmSync(storage, { recursive: true, force: true });
  }
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
  try {
    const rss = rssSampler();
    const embedder = createOllamaEmbedder({ host: fixture.url, model: 'nomic-embed-text' });
    const codebase = new CodebaseSearchService({
      storageDir: storage,
      folders: [tree],
      config: async () => ({ enabled: true, embeddingModel: 'nomic-embed-text', ollamaHost: fixture.url }),
      embedderFor: () => embedder,
      debounceMs: 0,
    });
    // The symbol index over the same files, built at the same time as in the language server.
    const symbols = new CodeIndexer({ folders: [tree], storageDir: path.join(storage, 'symbols'), wasmDir: WASM_DIR });
    const cpu = process.cpuUsage();
    const run = await timed(async () => {
      await Promise.all([codebase.refresh().then(() => codebase.idle()), symbols.build()]);
    });
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
      message: status.message,
      incrementalUpdateMs: { file: target, median: median(updates), max: round(Math.max(...updates)) },
      maxRssMb: mb(process.resourceUsage().maxRSS * 1024),
    };
  } finally {
    fixture.stop();
    fs.rmSync(storage, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const phase = process.argv[2];
  if (phase === 'symbols' || phase === 'embeddings') {
    const result = phase === 'symbols' ? await symbolsPhase() : await embeddingsPhase();
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const runPhase = (name: string) => {
    const child = spawnSync(process.execPath, [process.argv[1], name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 1024 * 1024 });
    if (child.status !== 0) throw new Error(`the ${name} phase failed (exit ${child.status})`);
    return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as unknown;
  };
  const symbols = runPhase('symbols');
  const embeddings = runPhase('embeddings');
  console.log(
    JSON.stringify(
      { root: ROOT, cpus: os.cpus().length, node: process.version, symbols, embeddings, loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10) },
      null,
      2,
    ),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
