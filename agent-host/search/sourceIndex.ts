import { constants } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Bm25Index, type Ranked } from './bm25Index';
import { chunkText } from './chunkText';
import { holdsPrivateKey } from './holdsPrivateKey';
import { isIndexable } from './indexableFiles';
import { EmbeddingUnavailable, type Embedder } from './ollamaEmbedder';
import { reciprocalRankFusion } from './reciprocalRankFusion';
import { pathTerms, searchTerms } from './searchTerms';

/** Documentation, as a document set holds it: prose a question is answered from. */
const DOCUMENT = /\.(md|mdx|markdown|rst|adoc|txt)$/i;
const MAX_FILE_BYTES = 512 * 1024;
const MAX_CHUNKS = 100_000;
const MAX_WALK_ENTRIES = 500_000;
/** Folders a walk of a plain folder never enters (a git repository's own list of tracked files is used instead where there is one). */
const SKIPPED_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn', 'dist', 'out', 'build', 'target', '.venv', 'venv', '__pycache__']);

export type SourceKind = 'repository' | 'documents';

export interface SourceChunk {
  path: string;
  startLine: number;
  endLine: number;
  text: string;
  vector?: Float32Array;
}

export interface SourceSyncReport {
  files: number;
  chunks: number;
  indexed: number;
  skipped: number;
  embedded: boolean;
}

/**
 * The in-memory index of one team source (a repository or a document set):
 * the chunks of every indexable file, their BM25 postings and, when the
 * embedding model answers, their vectors. A sync re-reads only files whose
 * size or mtime changed, so the periodic refresh of a large repository costs
 * a directory walk. Files are opened without following symlinks and must
 * resolve inside the source's folder, so a repository cannot make the server
 * index /etc/passwd through a link.
 */
export class SourceIndex {
  private bm25 = new Bm25Index();
  private chunks: (SourceChunk | undefined)[] = [];
  private readonly files = new Map<string, { mtimeMs: number; size: number; ids: number[]; embedded: boolean }>();
  private live = 0;
  embeddingProblem?: string;

  constructor(
    readonly name: string,
    readonly kind: SourceKind,
    private readonly embedder: Embedder | undefined,
  ) {}

  get fileCount(): number {
    return this.files.size;
  }

  get chunkCount(): number {
    return this.live;
  }

  /** Brings the index up to date with `root`; `listed` is git's list of tracked files, or undefined to walk the folder. */
  async sync(root: string, listed: string[] | undefined, signal: AbortSignal): Promise<SourceSyncReport> {
    const realRoot = await fs.realpath(root);
    const wanted = (rel: string) => isIndexable(rel) && (this.kind === 'repository' || DOCUMENT.test(rel));
    const candidates = (listed ?? (await walk(realRoot, signal))).filter(wanted);
    const report: SourceSyncReport = { files: 0, chunks: 0, indexed: 0, skipped: 0, embedded: false };
    const seen = new Set<string>();
    let wantVectors = this.embedder !== undefined;
    if (this.embedder && this.embeddingProblem) {
      // One small request tells whether the model has been pulled since the last refresh.
      try {
        await this.embedder.embed(['probe'], 'query', signal);
        this.embeddingProblem = undefined;
      } catch (e) {
        if (!(e instanceof EmbeddingUnavailable)) throw e;
        this.embeddingProblem = e.message;
        wantVectors = false;
      }
    }
    for (const rel of candidates) {
      signal.throwIfAborted();
      const stat = await fs.lstat(path.join(realRoot, rel)).catch(() => undefined);
      if (!stat?.isFile() || stat.size > MAX_FILE_BYTES) {
        report.skipped++;
        continue;
      }
      seen.add(rel);
      const known = this.files.get(rel);
      if (known && known.mtimeMs === stat.mtimeMs && known.size === stat.size && (known.embedded || !wantVectors || known.ids.length === 0)) continue;
      const text = await readConfined(realRoot, rel);
      // A key (a service-account file, a key committed by mistake) is never embedded nor returned by a search.
      if (text === undefined || holdsPrivateKey(text)) {
        this.drop(rel);
        seen.delete(rel);
        report.skipped++;
        continue;
      }
      const pieces = chunkText(rel, text);
      if (this.live - (known?.ids.length ?? 0) + pieces.length > MAX_CHUNKS) {
        this.drop(rel);
        seen.delete(rel);
        report.skipped++;
        continue;
      }
      let vectors: Float32Array[] | undefined;
      if (wantVectors && this.embedder && pieces.length > 0) {
        try {
          vectors = await this.embedder.embed(pieces.map((c) => `${rel}\n${c.text}`), 'document', signal);
        } catch (e) {
          if (!(e instanceof EmbeddingUnavailable)) throw e;
          // Full-text keeps working; the next refresh tries the model again.
          this.embeddingProblem = e.message;
          wantVectors = false;
        }
      }
      this.drop(rel);
      this.add(rel, stat, pieces, vectors);
      report.indexed++;
    }
    for (const rel of [...this.files.keys()]) if (!seen.has(rel)) this.drop(rel);
    if (this.bm25.size === 0 && this.chunks.length > 0) this.chunks = [];
    report.files = this.files.size;
    report.chunks = this.live;
    report.embedded = [...this.files.values()].some((f) => f.embedded && f.ids.length > 0);
    return report;
  }

  /** This source's chunks by BM25, best first. */
  searchText(query: string, limit: number): Ranked[] {
    return this.bm25.search(query, limit);
  }

  /** This source's chunks by cosine similarity to `queryVector` (normalised), best first. */
  searchVector(queryVector: Float32Array, limit: number): Ranked[] {
    const scored: Ranked[] = [];
    this.chunks.forEach((c, id) => {
      if (!c?.vector || c.vector.length !== queryVector.length) return;
      let dot = 0;
      for (let j = 0; j < queryVector.length; j++) dot += c.vector[j] * queryVector[j];
      scored.push({ id, score: dot });
    });
    return scored.sort((a, b) => b.score - a.score || a.id - b.id).slice(0, limit);
  }

  chunk(id: number): SourceChunk | undefined {
    return this.chunks[id];
  }

  get hasVectors(): boolean {
    for (const f of this.files.values()) if (f.embedded && f.ids.length > 0) return true;
    return false;
  }

  private add(rel: string, stat: { mtimeMs: number; size: number }, pieces: { startLine: number; endLine: number; text: string }[], vectors: Float32Array[] | undefined): void {
    const ids: number[] = [];
    const fileTerms = pathTerms(rel);
    pieces.forEach((p, i) => {
      const id = this.chunks.length;
      this.chunks.push({ path: rel, startLine: p.startLine, endLine: p.endLine, text: p.text, vector: vectors?.[i] });
      this.bm25.add(id, [...fileTerms, ...searchTerms(p.text)]);
      ids.push(id);
    });
    this.live += ids.length;
    this.files.set(rel, { mtimeMs: stat.mtimeMs, size: stat.size, ids, embedded: vectors !== undefined });
  }

  private drop(rel: string): void {
    const entry = this.files.get(rel);
    if (!entry) return;
    for (const id of entry.ids) {
      this.chunks[id] = undefined;
      this.bm25.remove(id);
    }
    this.live -= entry.ids.length;
    this.files.delete(rel);
  }
}

/** A chunk of one of several sources, ranked among all of them. */
export interface SourceHit {
  source: number;
  id: number;
  score: number;
}

/**
 * Ranks the chunks of several sources as one corpus: the BM25 lists of all
 * sources merged by score, and the cosine lists (one model, so comparable)
 * merged by score, then the two fused by rank. Fusing each source's own
 * ranking instead would rank every source's best chunk alike, however poor.
 */
export function searchSources(sources: readonly SourceIndex[], query: string, queryVector: Float32Array | undefined, limit: number): SourceHit[] {
  const byScore = (lists: Ranked[][]) =>
    lists
      .flatMap((list, source) => list.map((r) => ({ source, id: r.id, score: r.score })))
      .sort((a, b) => b.score - a.score)
      .slice(0, limit);
  const text = byScore(sources.map((s) => s.searchText(query, limit)));
  const vector = queryVector ? byScore(sources.map((s) => s.searchVector(queryVector, limit))) : [];
  const all: { source: number; id: number }[] = [];
  const keyOf = new Map<string, number>();
  const toRanked = (list: SourceHit[]): Ranked[] =>
    list.map((h) => {
      const key = `${h.source}:${h.id}`;
      let id = keyOf.get(key);
      if (id === undefined) {
        id = all.length;
        keyOf.set(key, id);
        all.push({ source: h.source, id: h.id });
      }
      return { id, score: h.score };
    });
  const lists = [toRanked(text)];
  if (queryVector) lists.push(toRanked(vector));
  return reciprocalRankFusion(lists, limit).map((r) => ({ ...all[r.id], score: r.score }));
}

/**
 * Reads `rel` under `realRoot` only if it is a regular, singly linked file
 * whose real path is inside the root: the last component is opened with
 * O_NOFOLLOW and every folder on the way is checked by realpath.
 */
async function readConfined(realRoot: string, rel: string): Promise<string | undefined> {
  const full = path.join(realRoot, rel);
  const parent = await fs.realpath(path.dirname(full)).catch(() => undefined);
  if (!parent || (parent !== realRoot && !parent.startsWith(realRoot + path.sep))) return undefined;
  const handle = await fs.open(path.join(parent, path.basename(full)), constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => undefined);
  if (!handle) return undefined;
  try {
    const stat = await handle.stat();
    if (!stat.isFile() || stat.nlink > 1 || stat.size > MAX_FILE_BYTES) return undefined;
    const bytes = await handle.readFile();
    if (bytes.subarray(0, 8000).includes(0)) return undefined;
    return bytes.toString('utf8');
  } finally {
    await handle.close();
  }
}

/** Every file under `root` (relative, / separated), symlinks and the usual build and dependency folders skipped. */
async function walk(root: string, signal: AbortSignal): Promise<string[]> {
  const out: string[] = [];
  const stack = [''];
  let visited = 0;
  while (stack.length > 0) {
    signal.throwIfAborted();
    const rel = stack.pop()!;
    const entries = await fs.readdir(path.join(root, rel), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (++visited > MAX_WALK_ENTRIES) return out;
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name)) stack.push(child);
      else if (entry.isFile()) out.push(child);
    }
  }
  return out.sort();
}
