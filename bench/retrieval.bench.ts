/**
 * Codebase search quality and cost on Hearth's own repository, side by side
 * in one run. `npm run bench:retrieval` prints JSON:
 *
 * - quality: recall@5 and MRR (by file) on the labelled questions of
 *   retrievalQuestions.ts for a keyword grep baseline, BM25, embeddings and
 *   hybrid (reciprocal rank fusion of BM25 and embeddings). The embeddings
 *   come from the scripted Ollama's hashed bag of words, so the embeddings
 *   and hybrid rows measure the pipeline (chunking, store, scan, fusion),
 *   not a language model; a real model (nomic-embed-text) ranks by meaning.
 * - indexing: files/s and peak RSS of this process, for full-text alone and
 *   with embeddings over HTTP from the scripted Ollama, which runs as its own
 *   process so its memory is not counted; a re-sync after one file changed.
 * - vector scan: memory and query time of the flat store at 50k × 768.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FolderIndex, DEFAULT_LIMITS } from '../language-server/semanticSearch/folderIndex';
import { isIndexable } from '../agent-host/search/indexableFiles';
import { createOllamaEmbedder } from '../agent-host/search/ollamaEmbedder';
import { reciprocalRankFusion } from '../agent-host/search/reciprocalRankFusion';
import { topKByDot } from '../agent-host/search/topKByDot';
import { walkFiles } from '../language-server/tools';
import { startFixtureProcess } from './ollamaFixtureProcess';
import { QUESTIONS } from './retrievalQuestions';

const ROOT = fs.realpathSync(process.cwd());
const include = (rel: string) => !rel.startsWith('bench/retrieval');
const signal = new AbortController().signal;

/** Peak RSS while `work` runs, sampled every 20 ms (process.resourceUsage's maxRSS never goes down, so it cannot tell phases apart). */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ value: T; peakRssMb: number; seconds: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  try {
    const value = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, peakRssMb: Math.round(peak / 1e5) / 10, seconds: (performance.now() - started) / 1000 };
  } finally {
    clearInterval(timer);
  }
}


/** Files in rank order from ranked chunk ids, each file once. */
function filesInOrder(index: FolderIndex, ids: number[]): string[] {
  const out: string[] = [];
  for (const id of ids) {
    const p = index.chunk(id)?.path;
    if (p && !out.includes(p)) out.push(p);
  }
  return out;
}

function score(rankings: string[][]): { recallAt5: number; mrr: number } {
  let recall = 0;
  let mrr = 0;
  QUESTIONS.forEach((q, i) => {
    const ranked = rankings[i];
    recall += q.answers.filter((a) => ranked.slice(0, 5).includes(a)).length / q.answers.length;
    const first = ranked.findIndex((f) => q.answers.includes(f));
    mrr += first >= 0 ? 1 / (first + 1) : 0;
  });
  const round = (x: number) => Math.round((x / QUESTIONS.length) * 1000) / 1000;
  return { recallAt5: round(recall), mrr: round(mrr) };
}

const GREP_STOP = new Set('a an and are as at be by do does for from how i in is it of on or the this that to what when where which who with into its there their them than then so not'.split(' '));

/**
 * The baseline an agent with only grep gets: the question's words as
 * case-insensitive patterns over the same files, files ranked by how many
 * different words they contain, then by matching lines.
 */
function grepRanking(question: string, files: Map<string, string>): string[] {
  const words = [...new Set(question.toLowerCase().match(/[a-z0-9_]{3,}/g) ?? [])].filter((w) => !GREP_STOP.has(w));
  const scored: { file: string; distinct: number; lines: number }[] = [];
  for (const [file, text] of files) {
    const lower = text.toLowerCase();
    let distinct = 0;
    for (const w of words) if (lower.includes(w)) distinct++;
    if (distinct === 0) continue;
    let lines = 0;
    for (const line of lower.split('\n')) if (words.some((w) => line.includes(w))) lines++;
    scored.push({ file, distinct, lines });
  }
  return scored.sort((a, b) => b.distinct - a.distinct || b.lines - a.lines || (a.file < b.file ? -1 : 1)).map((s) => s.file);
}

const fixture = await startFixtureProcess();
const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-retrieval-bench-'));
try {
  // Full-text only.
  const textOnly = new FolderIndex(ROOT, path.join(storage, 'text'), undefined, DEFAULT_LIMITS, include);
  const textRun = await withPeakRss(async () => {
    await textOnly.open();
    return textOnly.sync(signal);
  });

  // With embeddings over HTTP from the scripted Ollama.
  const embedder = createOllamaEmbedder({ host: fixture.url, model: 'nomic-embed-text' });
  const hybrid = new FolderIndex(ROOT, path.join(storage, 'embed'), embedder, DEFAULT_LIMITS, include);
  const embedRun = await withPeakRss(async () => {
    await hybrid.open();
    return hybrid.sync(signal);
  });
  if (hybrid.embeddingProblem) throw hybrid.embeddingProblem;

  // One file changes: the re-sync walks everything but reads and embeds one file.
  const touched = path.join(ROOT, 'README.md');
  const now = new Date();
  const stat = fs.statSync(touched);
  fs.utimesSync(touched, now, new Date(stat.mtimeMs + 1000));
  const resync = await withPeakRss(() => hybrid.sync(signal));
  fs.utimesSync(touched, stat.atime, stat.mtime);

  // The files grep sees: the same walk and filter as the index.
  const files = new Map<string, string>();
  for await (const f of walkFiles(ROOT, '', { signal })) {
    if (isIndexable(f.relativeToRoot) && include(f.relativeToRoot)) {
      const text = fs.readFileSync(f.absolute, 'utf8');
      if (text.length <= DEFAULT_LIMITS.maxFileBytes) files.set(f.relativeToRoot, text);
    }
  }

  const rankings = { grep: [] as string[][], bm25: [] as string[][], embeddings: [] as string[][], hybrid: [] as string[][] };
  const queryMs: number[] = [];
  for (const q of QUESTIONS) {
    rankings.grep.push(grepRanking(q.question, files));
    const started = performance.now();
    const text = hybrid.searchText(q.question, 50);
    const [vector] = await embedder.embed([q.question], 'query', signal);
    const vec = hybrid.searchVector(vector, 50);
    const fused = reciprocalRankFusion([text, vec], 50);
    queryMs.push(performance.now() - started);
    rankings.bm25.push(filesInOrder(hybrid, text.map((r) => r.id)));
    rankings.embeddings.push(filesInOrder(hybrid, vec.map((r) => r.id)));
    rankings.hybrid.push(filesInOrder(hybrid, fused.map((r) => r.id)));
  }

  // The flat vector scan at the size the issue asks about.
  const rows = 50_000;
  const dim = 768;
  const vectors = new Float32Array(rows * dim);
  for (let i = 0; i < vectors.length; i++) vectors[i] = Math.random() - 0.5;
  const query = new Float32Array(dim).map(() => Math.random() - 0.5);
  topKByDot(vectors, dim, rows, (id) => id, query, 50);
  const scans: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    topKByDot(vectors, dim, rows, (id) => id, query, 50);
    const used = process.cpuUsage(cpuStarted);
    cpu.push((used.user + used.system) / 1000);
    scans.push(performance.now() - started);
  }
  scans.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);

  const perSecond = (n: number, s: number) => Math.round(n / s);
  console.log(
    JSON.stringify(
      {
        corpus: { root: 'this repository (Hearth), bench/retrieval* left out', files: embedRun.value.files, chunks: hybrid.chunkCount, questions: QUESTIONS.length },
        quality: {
          note: 'Embeddings are the scripted Ollama fixture\'s hashed bag of words: the embeddings and hybrid rows measure the pipeline (chunking, store, scan, fusion), not a model.',
          grep: score(rankings.grep),
          bm25: score(rankings.bm25),
          embeddings: score(rankings.embeddings),
          hybrid: score(rankings.hybrid),
        },
        indexing: {
          fullTextOnly: { files: textRun.value.files, seconds: Math.round(textRun.seconds * 100) / 100, filesPerSecond: perSecond(textRun.value.files, textRun.seconds), peakRssMb: textRun.peakRssMb },
          withEmbeddings: {
            files: embedRun.value.files,
            chunks: embedRun.value.chunks,
            embedRequests: 'one /api/embed per file (32 chunks a request at most), over HTTP to the scripted Ollama in its own process',
            seconds: Math.round(embedRun.seconds * 100) / 100,
            filesPerSecond: perSecond(embedRun.value.files, embedRun.seconds),
            peakRssMb: embedRun.peakRssMb,
            vectorMb: Math.round(hybrid.vectorBytes / 1e5) / 10,
          },
          resyncAfterOneFileChanged: { indexed: resync.value.indexed, seconds: Math.round(resync.seconds * 1000) / 1000 },
        },
        queryMs: { p50: Math.round(queryMs.sort((a, b) => a - b)[Math.floor(queryMs.length / 2)] * 10) / 10, note: 'BM25 + query embedding over HTTP + vector scan + fusion' },
        flatVectorScan: {
          rows,
          dim,
          memoryMb: Math.round((rows * dim * 4) / 1e5) / 10,
          queryMsP50: Math.round(scans[10] * 10) / 10,
          queryMsMax: Math.round(scans[scans.length - 1] * 10) / 10,
          cpuMsP50: Math.round(cpu[10] * 10) / 10,
        },
        machine: { cpus: os.cpus().length, loadAverage1m: Math.round(os.loadavg()[0] * 10) / 10, note: 'wall times stretch with the load average on a shared machine; cpuMs is the scan\'s own CPU time' },
      },
      null,
      2,
    ),
  );
  await textOnly.close();
  await hybrid.close();
} finally {
  fixture.stop();
  fs.rmSync(storage, { recursive: true, force: true });
}
