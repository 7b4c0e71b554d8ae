import { createHash } from 'node:crypto';
import * as path from 'node:path';
import * as fs from 'node:fs/promises';
import { looksBinary, openPinnedPath, readPinnedPrefix, walkFiles } from '../tools';
import { Bm25Index, chunkText, DEFAULT_CHUNK_OPTIONS, EmbeddingUnavailable, holdsPrivateKey, IndexStore, isIndexable, pathTerms, searchTerms, topKByDot, type Embedder, type FileRecord, type Ranked, type TextChunk } from '../../agent-host';
import { IndexWorkerCrashed } from '../indexWorker/indexWorker';

export interface IndexLimits {
  /** Bigger files are left out (bundles, generated code, data). */
  maxFileBytes: number;
  /** At most this many chunks per folder: the bound on the index's memory. */
  maxChunks: number;
  /** Upper bound on a chunk's estimated tokens. */
  maxChunkTokens: number;
  /** At most this many directory entries are visited (a tree .gitignore does not trim). */
  maxWalkEntries: number;
}

export const DEFAULT_LIMITS: IndexLimits = { maxFileBytes: 512 * 1024, maxChunks: 100_000, maxChunkTokens: DEFAULT_CHUNK_OPTIONS.maxTokens, maxWalkEntries: 500_000 };

/** One chunk in memory: where it is, a short preview, and its row in the vectors (-1: none). */
export interface ChunkMeta {
  path: string;
  startLine: number;
  endLine: number;
  snippet: string;
  row: number;
}

export interface SyncReport {
  files: number;
  chunks: number;
  indexed: number;
  removed: number;
  skipped: number;
  /** Files that would have passed the chunk cap. */
  overCap: number;
}

export type ProgressSink = (done: number, total: number) => void;

/**
 * Cuts a file into chunks: the language server's index worker (off the main
 * thread), or by default `chunkText` on the calling thread. The bytes are
 * handed over (a worker takes their buffer).
 */
export type Chunker = (relativePath: string, content: Uint8Array, maxTokens: number, signal: AbortSignal) => Promise<TextChunk[]>;

const chunkInProcess: Chunker = async (relativePath, content, maxTokens) =>
  chunkText(relativePath, Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('utf8'), { maxTokens });

const SNIPPET_CHARS = 240;

/** The directory of one folder's index under the extension's storage: a hash of its real path. */
export function indexDirFor(storageDir: string, rootRealPath: string): string {
  return path.join(storageDir, 'codebase-index', createHash('sha256').update(rootRealPath).digest('hex').slice(0, 24));
}

/**
 * The semantic and full-text index of one workspace folder: chunks of every
 * indexable file the workspace walk reaches (.gitignore honoured, `.git/`
 * and symlinks skipped, files opened through verified descriptors, a file
 * holding a private key left out), their
 * BM25 postings and, when an embedding model answers, their vectors. A sync
 * reads only files whose size or mtime changed since the log recorded them,
 * so a restart after a crash resumes where the log ends.
 */
export class FolderIndex {
  private bm25 = new Bm25Index();
  private readonly files = new Map<string, { mtimeMs: number; size: number; ids: number[]; embedded: boolean }>();
  private chunks: (ChunkMeta | undefined)[] = [];
  private vectors: Float32Array = new Float32Array(0);
  private liveChunks = 0;
  private store?: IndexStore;
  private resetDuringSync = false;
  /** Why the index on disk was discarded at open, for the user. */
  rebuiltBecause?: string;
  /** Why this index holds no vectors for some files, for the user. */
  embeddingProblem?: EmbeddingUnavailable;

  constructor(
    readonly rootRealPath: string,
    private readonly storageDir: string,
    private readonly embedder: Embedder | undefined,
    private readonly limits: IndexLimits = DEFAULT_LIMITS,
    /** Narrows the indexable files further (the benchmark leaves its own labelled questions out). */
    private readonly include: (relativePath: string) => boolean = () => true,
    private readonly chunker: Chunker = chunkInProcess,
    /** Told when the chunker crashed on a file, which is then left out (the server logs it). */
    private readonly onCrash?: (relativePath: string, why: string) => void,
  ) {}

  get chunkCount(): number {
    return this.liveChunks;
  }

  get fileCount(): number {
    return this.files.size;
  }

  get dimension(): number {
    return this.store?.dimension ?? 0;
  }

  /** Bytes held by the vectors in memory (for the benchmark and the status). */
  get vectorBytes(): number {
    return this.vectors.byteLength;
  }

  async open(): Promise<void> {
    const opened = await IndexStore.open(indexDirFor(this.storageDir, this.rootRealPath), this.rootRealPath, this.embedder?.model ?? null);
    this.store = opened.store;
    this.rebuiltBecause = opened.rebuiltBecause;
    this.load(opened.files, opened.vectors);
  }

  async close(): Promise<void> {
    await this.store?.close();
  }

  /**
   * Brings the index up to date with the folder. Cancelling stops at the next
   * file; everything recorded so far stays and the next sync continues.
   */
  async sync(signal: AbortSignal, progress?: ProgressSink): Promise<SyncReport> {
    const store = this.requireStore();
    const seen = new Map<string, { mtimeMs: number; size: number }>();
    const stale: string[] = [];
    const report: SyncReport = { files: 0, chunks: 0, indexed: 0, removed: 0, skipped: 0, overCap: 0 };
    if (this.embedder && this.embeddingProblem) {
      // One small request tells whether the model has been pulled since; until it answers, files are not re-read for it.
      try {
        await this.embedder.embed(['probe'], 'query', signal);
        this.embeddingProblem = undefined;
      } catch (e) {
        if (!(e instanceof EmbeddingUnavailable)) throw e;
        this.embeddingProblem = e;
      }
    }
    const wantVectors = this.embedder !== undefined && this.embeddingProblem === undefined;
    for await (const file of walkFiles(this.rootRealPath, '', { signal, maxEntries: this.limits.maxWalkEntries })) {
      if (!isIndexable(file.relativeToRoot) || !this.include(file.relativeToRoot)) continue;
      // lstat, not open: the walk already excluded symlinks and ignored paths, and most files are unchanged.
      const stat = await fs.lstat(file.absolute).catch(() => undefined);
      if (!stat?.isFile()) continue;
      const { mtimeMs, size } = stat;
      if (size > this.limits.maxFileBytes) {
        report.skipped++;
        continue;
      }
      seen.set(file.relativeToRoot, { mtimeMs, size });
      const known = this.files.get(file.relativeToRoot);
      if (!known || known.mtimeMs !== mtimeMs || known.size !== size || (wantVectors && !known.embedded && known.ids.length > 0)) stale.push(file.relativeToRoot);
    }
    for (const rel of [...this.files.keys()]) {
      if (seen.has(rel)) continue;
      this.drop(rel);
      await store.remove(rel);
      report.removed++;
    }
    let done = 0;
    progress?.(0, stale.length);
    for (const rel of stale) {
      signal.throwIfAborted();
      const outcome = await this.indexFile(rel, signal);
      if (outcome === 'skipped') report.skipped++;
      else if (outcome === 'overCap') report.overCap++;
      else report.indexed++;
      progress?.(++done, stale.length);
    }
    if (this.resetDuringSync) {
      // The model answered another dimension: everything was dropped, so the whole folder is indexed again.
      this.resetDuringSync = false;
      return this.sync(signal, progress);
    }
    if (store.rowCount > 1000 && store.rowCount > 2 * this.liveChunks) {
      const compacted = await store.compact();
      this.load(compacted.files, compacted.vectors);
    }
    report.files = this.files.size;
    report.chunks = this.liveChunks;
    return report;
  }

  /**
   * Brings the files at one path up to date after a file-watcher event,
   * without walking the rest of the folder: a file is indexed again if its
   * size or mtime changed, a folder is walked (a folder moved in), and a path
   * that is gone, ignored or no longer indexable takes its files out of the
   * index. Returns 'rebuild' when the embedding model changed its dimensions
   * meanwhile (everything was dropped: a full sync is due).
   */
  async updatePath(rel: string, ignored: boolean, signal: AbortSignal): Promise<'done' | 'rebuild'> {
    const store = this.requireStore();
    const stat = ignored ? undefined : await fs.lstat(path.join(this.rootRealPath, rel)).catch(() => undefined);
    const listed = new Set<string>();
    if (stat?.isFile() || stat?.isDirectory()) {
      for await (const file of walkFiles(this.rootRealPath, rel, { signal, maxEntries: this.limits.maxWalkEntries })) {
        if (!isIndexable(file.relativeToRoot) || !this.include(file.relativeToRoot)) continue;
        const now = await fs.lstat(file.absolute).catch(() => undefined);
        if (!now?.isFile() || now.size > this.limits.maxFileBytes) continue;
        listed.add(file.relativeToRoot);
        const known = this.files.get(file.relativeToRoot);
        const wantVectors = this.embedder !== undefined && this.embeddingProblem === undefined;
        if (known && known.mtimeMs === now.mtimeMs && known.size === now.size && (!wantVectors || known.embedded || known.ids.length === 0)) continue;
        await this.indexFile(file.relativeToRoot, signal);
        if (this.resetDuringSync) {
          this.resetDuringSync = false;
          return 'rebuild';
        }
      }
    }
    // What the path held before and does not hold now: deleted, ignored, over the cap, or a folder emptied.
    if (!stat?.isDirectory() && (this.files.has(rel) || path.extname(rel) !== '')) {
      // A file: no scan of every known path (a mass delete of files must not cost files × index size;
      // a deleted folder whose name has a dot is cleaned up by the next full sync instead).
      if (this.files.has(rel) && !listed.has(rel)) {
        this.drop(rel);
        await store.remove(rel);
      }
      return 'done';
    }
    const prefix = `${rel}/`;
    for (const known of [...this.files.keys()]) {
      if ((known === rel || known.startsWith(prefix)) && !listed.has(known)) {
        this.drop(known);
        await store.remove(known);
      }
    }
    return 'done';
  }

  /** Ranked chunk ids by BM25. */
  searchText(query: string, limit: number): Ranked[] {
    return this.bm25.search(query, limit);
  }

  /** Ranked chunk ids by cosine similarity to `query` (a normalised vector), brute force over every live chunk. */
  searchVector(query: Float32Array, limit: number): Ranked[] {
    const dim = this.dimension;
    if (dim === 0 || query.length !== dim) return [];
    return topKByDot(this.vectors, dim, this.chunks.length, (id) => this.chunks[id]?.row ?? -1, query, limit);
  }

  chunk(id: number): ChunkMeta | undefined {
    return this.chunks[id];
  }

  /** Whether any chunk has a vector. */
  get hasVectors(): boolean {
    for (const f of this.files.values()) if (f.embedded && f.ids.length > 0) return true;
    return false;
  }

  private async indexFile(rel: string, signal: AbortSignal): Promise<'indexed' | 'skipped' | 'overCap'> {
    const store = this.requireStore();
    let bytes: Uint8Array;
    let stat: { mtimeMs: number; size: number; nlink: number };
    const file = await this.openFile(rel);
    if (!file) return this.forget(rel, 'skipped');
    try {
      stat = file.stat;
      // A second hard link may be a file outside the workspace under another name.
      if (stat.nlink > 1 || !file.stat.isFile()) return this.forget(rel, 'skipped');
      // At most one byte past the size cap: a file that grew past it since the walk is skipped, as the walk skips one, never read whole.
      bytes = await readPinnedPrefix(file, this.limits.maxFileBytes + 1);
      if (bytes.length > this.limits.maxFileBytes) return this.forget(rel, 'skipped');
      if (looksBinary(bytes)) return this.forget(rel, 'skipped');
      // Before the chunker takes the bytes: a key must never reach the embedding model or a search result.
      if (holdsPrivateKey(bytes)) return this.forget(rel, 'skipped');
    } finally {
      await file.close();
    }
    let chunks: TextChunk[];
    try {
      chunks = await this.chunker(rel, bytes, this.limits.maxChunkTokens, signal);
    } catch (e) {
      if (!(e instanceof IndexWorkerCrashed)) throw e;
      // A hostile file stopped the worker: it stays out of the index, and the next file gets a new worker.
      this.onCrash?.(rel, e.message);
      return this.forget(rel, 'skipped');
    }
    const previous = this.files.get(rel)?.ids.length ?? 0;
    if (this.liveChunks - previous + chunks.length > this.limits.maxChunks) return this.forget(rel, 'overCap');

    let vectors: Float32Array | null = null;
    if (this.embedder && this.embeddingProblem === undefined && chunks.length > 0) {
      try {
        const embedded = await this.embedder.embed(
          chunks.map((c) => `${rel}\n${c.text}`),
          'document',
          signal,
        );
        vectors = await this.acceptVectors(embedded);
      } catch (e) {
        if (!(e instanceof EmbeddingUnavailable)) throw e;
        // Full-text keeps working; the files are embedded once the model answers (a later sync).
        this.embeddingProblem = e;
      }
    }
    const row = await store.put({ path: rel, mtimeMs: stat.mtimeMs, size: stat.size, chunks }, vectors);
    this.drop(rel);
    this.add({ path: rel, mtimeMs: stat.mtimeMs, size: stat.size, chunks, vectorRow: row }, vectors);
    return 'indexed';
  }

  /**
   * Checks the vectors' dimension against the index: the first vectors set
   * it; a different one (the model was replaced under the same name) rebuilds.
   */
  private async acceptVectors(embedded: Float32Array[]): Promise<Float32Array> {
    const store = this.requireStore();
    const dim = embedded[0].length;
    if (embedded.some((e) => e.length !== dim) || dim === 0) throw new EmbeddingUnavailable(`${this.embedder?.model} answered embeddings of different lengths.`, 'failed');
    if (store.dimension === 0) await store.setDimension(dim);
    else if (store.dimension !== dim) {
      this.rebuiltBecause = `the embedding model ${this.embedder?.model} now answers ${dim} dimensions instead of ${store.dimension}`;
      await store.reset(this.embedder?.model ?? null, dim);
      this.load([], new Float32Array(0));
      this.resetDuringSync = true;
    }
    const out = new Float32Array(embedded.length * dim);
    embedded.forEach((e, i) => out.set(e, i * dim));
    return out;
  }

  /**
   * Opens a file the walk listed, through a verified descriptor: every folder
   * on the way is opened without following a symlink, so a path swapped for a
   * link since the walk is refused rather than followed out of the workspace.
   */
  private async openFile(rel: string) {
    return openPinnedPath(path.join(this.rootRealPath, rel), rel).catch(() => undefined);
  }

  private async forget(rel: string, outcome: 'skipped' | 'overCap'): Promise<'skipped' | 'overCap'> {
    if (this.files.has(rel)) {
      this.drop(rel);
      await this.requireStore().remove(rel);
    }
    return outcome;
  }

  private load(files: FileRecord[], vectors: Float32Array): void {
    this.files.clear();
    this.chunks = [];
    this.liveChunks = 0;
    // A fresh BM25 index: the old ids are gone.
    this.bm25 = new Bm25Index();
    this.vectors = vectors;
    for (const file of files) this.add(file, null);
  }

  private add(record: FileRecord, appended: Float32Array | null): void {
    const dim = this.dimension;
    if (appended && record.vectorRow >= 0) {
      const needed = (record.vectorRow + record.chunks.length) * dim;
      if (needed > this.vectors.length) {
        const grown = new Float32Array(Math.max(needed, this.vectors.length * 2));
        grown.set(this.vectors);
        this.vectors = grown;
      }
      this.vectors.set(appended, record.vectorRow * dim);
    }
    const ids: number[] = [];
    const fileTerms = pathTerms(record.path);
    record.chunks.forEach((c, i) => {
      const id = this.chunks.length;
      this.chunks.push({ path: record.path, startLine: c.startLine, endLine: c.endLine, snippet: snippetOf(c.text), row: record.vectorRow >= 0 ? record.vectorRow + i : -1 });
      this.bm25.add(id, [...fileTerms, ...searchTerms(c.text)]);
      ids.push(id);
    });
    this.liveChunks += ids.length;
    this.files.set(record.path, { mtimeMs: record.mtimeMs, size: record.size, ids, embedded: record.vectorRow >= 0 });
  }

  private drop(rel: string): void {
    const entry = this.files.get(rel);
    if (!entry) return;
    for (const id of entry.ids) {
      this.chunks[id] = undefined;
      this.bm25.remove(id);
    }
    this.liveChunks -= entry.ids.length;
    this.files.delete(rel);
  }

  private requireStore(): IndexStore {
    if (!this.store) throw new Error('the index is not open');
    return this.store;
  }
}

function snippetOf(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  let out = '';
  for (const line of lines) {
    const next = out === '' ? line : `${out}\n${line}`;
    if (next.length > SNIPPET_CHARS) return out === '' ? `${line.slice(0, SNIPPET_CHARS)}…` : `${out}\n…`;
    out = next;
  }
  return out;
}
