/**
 * What the symbol index costs on a large real tree: by default Hearth's own
 * node_modules (about 22,000 .js/.ts files; files over the 1 MB cap, binary
 * and .gitignore'd files are skipped as in the editor), or BENCH_INDEX_ROOT.
 * Measures, in one process: a cold build (files/s, peak RSS), a warm
 * restart from the cache (what a language-server restart costs), one file
 * changing (re-parse and re-index of that file), a find_symbol lookup, and
 * building the repository map for a turn. Prints JSON.
 * Run with `npm run bench:index`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { estimateTokens } from '../agent-host';
import { CodeIndexer } from '../language-server/codeIndex';

const ROOT = path.resolve(process.env.BENCH_INDEX_ROOT ?? 'node_modules');
const WASM_DIR = path.resolve('node_modules/@vscode/tree-sitter-wasm/wasm');

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)] * 100) / 100;
}

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

async function timed<T>(work: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

async function main(): Promise<void> {
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-bench-index-'));
  try {
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
    const rssBefore = process.memoryUsage().rss;

    const cold = new CodeIndexer({ folders: [ROOT], storageDir: storage, wasmDir: WASM_DIR });
    const coldCpu = process.cpuUsage();
    const coldRun = await timed(() => cold.build());
    const coldCpuMs = cpuMs(process.cpuUsage(coldCpu));
    const coldStatus = cold.status;
    const coldPeak = peakRss;
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
    const rankCpu = process.cpuUsage();
    const firstMap = await timed(() => cold.repoMap(3000, estimateTokens, (f) => f.relative, 600_000));
    const rankCpuMs = cpuMs(process.cpuUsage(rankCpu));
    const mapTokens = estimateTokens(firstMap.value);
    const maps: number[] = [];
    for (let i = 0; i < 3; i++) maps.push((await timed(() => cold.repoMap(3000, estimateTokens, (f) => f.relative))).ms);
    await cold.dispose();

    const warm = new CodeIndexer({ folders: [ROOT], storageDir: storage, wasmDir: WASM_DIR });
    const warmCpu = process.cpuUsage();
    const warmRun = await timed(() => warm.build());
    const warmCpuMs = cpuMs(process.cpuUsage(warmCpu));
    const warmStatus = warm.status;
    await warm.dispose();
    clearInterval(sampler);

    const cacheFile = fs.readdirSync(path.join(storage, 'code-index')).find((f) => f.endsWith('.json'))!;
    const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
    console.log(
      JSON.stringify(
        {
          root: ROOT,
          cpus: os.cpus().length,
          node: process.version,
          cold: {
            files: coldStatus.total,
            indexed: coldStatus.files,
            parsed: coldStatus.parsed,
            skipped: coldStatus.skipped,
            seconds: Math.round(coldRun.ms / 10) / 100,
            filesPerSecond: Math.round(coldStatus.total / (coldRun.ms / 1000)),
            // CPU time of this process: on a shared machine, wall time also measures the neighbours.
            cpuSeconds: Math.round(coldCpuMs / 10) / 100,
            filesPerCpuSecond: Math.round(coldStatus.total / (coldCpuMs / 1000)),
            peakRssMb: mb(coldPeak),
            rssBeforeMb: mb(rssBefore),
            heapUsedAfterMb: mb(afterCold.heapUsed),
            maxRssMb: mb(process.resourceUsage().maxRSS * 1024),
          },
          warmRestart: {
            seconds: Math.round(warmRun.ms / 10) / 100,
            reused: warmStatus.reused,
            parsed: warmStatus.parsed,
            filesPerSecond: Math.round(warmStatus.total / (warmRun.ms / 1000)),
            cpuSeconds: Math.round(warmCpuMs / 10) / 100,
          },
          loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10),
          incrementalUpdateMs: { file: target.relative, bytes: target.size, median: median(updates), max: Math.round(Math.max(...updates) * 100) / 100 },
          findSymbolLookupMs: median(lookups),
          repoMap: { firstMs: Math.round(firstMap.ms), firstCpuMs: rankCpuMs, cachedMedianMs: median(maps), tokens: mapTokens },
          cacheMb: mb(fs.statSync(path.join(storage, 'code-index', cacheFile)).size),
        },
        null,
        2,
      ),
    );
  } finally {
    fs.rmSync(storage, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
