import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { createOllamaEmbedder, EmbeddingUnavailable, type Embedder } from '../../search/ollamaEmbedder';
import type { TeamIndexConfig } from '../config/readIndexConfig';
import type { Logger } from '../ops/logger';
import { displayGitUrl } from './gitSafety';
import { syncMirror, trackedFiles } from './gitMirror';
import { searchSources, SourceIndex, type SourceKind } from '../../search/sourceIndex';

export type SourceState = 'pending' | 'cloning' | 'indexing' | 'ready' | 'error';

/** What the log, /metrics, health and the admin page know about one source. */
export interface SourceStatus {
  name: string;
  kind: SourceKind;
  /** The folder or the URL (without credentials). */
  origin: string;
  state: SourceState;
  files: number;
  chunks: number;
  /** The commit a clone was indexed at. */
  commit?: string;
  /** When the last successful refresh ended (ms since the epoch). */
  refreshedAt?: number;
  error?: string;
  embeddingProblem?: string;
}

export interface TeamSearchHit {
  source: string;
  kind: SourceKind;
  path: string;
  startLine: number;
  endLine: number;
  text: string;
  score: number;
}

export interface TeamSearchOutcome {
  hits: TeamSearchHit[];
  ranking: 'hybrid' | 'full-text';
  notes: string[];
}

interface Source {
  status: SourceStatus;
  index: SourceIndex;
  /** The folder read, and whether git lists its files. */
  root: string;
  clone?: { url: string; branch?: string };
}

const CANDIDATES = 60;
/**
 * Clones and fetches running at once. Side by side, so a remote that hangs
 * holds up only its own source; but not one git process per repository at
 * once either: each takes memory, a connection and a core's share on the
 * machine that serves the developers' turns, and a team with fifty
 * repositories would start fifty at every refresh.
 */
export const CLONES_AT_ONCE = 4;
const MAX_CHUNKS_PER_FILE = 2;

export interface TeamIndexOptions {
  config: TeamIndexConfig;
  /** The Ollama URL embeddings are asked of (the first Ollama backend). */
  ollamaUrl?: string;
  logger: Logger;
  /** Called after every change of a source's status (metrics, health). */
  onStatus?(statuses: SourceStatus[]): void;
  embedder?: Embedder;
}

/**
 * The team server's shared index: the admin's repositories (folders, or git
 * URLs kept as shallow clones under `data_dir/repos/<name>`) and document
 * sets, indexed in the background at start and every `refresh`. Clones are
 * fetched side by side, CLONES_AT_ONCE at most, so a remote that hangs holds
 * up only its own source (until CLONES_AT_ONCE of them hang);
 * indexing runs one source at a time and never holds up a chat turn: a search answers
 * from what is indexed so far and says which sources are not ready yet.
 * Nothing is written to disk but the clones; the index itself is rebuilt in
 * memory at every start.
 */
export class TeamIndex {
  private readonly sources: Source[] = [];
  private readonly embedder?: Embedder;
  private readonly controller = new AbortController();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  /** The end of the last indexing queued: indexing (reading, chunking, embedding) runs one source at a time. */
  private indexing: Promise<unknown> = Promise.resolve();
  private clonesRunning = 0;
  /** Clones waiting for one of the CLONES_AT_ONCE slots, first come first served. */
  private readonly waitingToClone: (() => void)[] = [];

  constructor(private readonly options: TeamIndexOptions) {
    const { config } = options;
    this.embedder = options.embedder ?? (config.embedModel && options.ollamaUrl ? createOllamaEmbedder({ host: options.ollamaUrl, model: config.embedModel, setting: 'index.embed_model of config.yaml' }) : undefined);
    const reposDir = path.resolve(config.dataDir, 'repos');
    for (const repo of config.repositories) {
      const root = repo.path ?? path.join(reposDir, repo.name);
      this.sources.push({
        status: { name: repo.name, kind: 'repository', origin: repo.url ? displayGitUrl(repo.url) : root, state: 'pending', files: 0, chunks: 0 },
        index: new SourceIndex(repo.name, 'repository', this.embedder),
        root,
        clone: repo.url ? { url: repo.url, branch: repo.branch } : undefined,
      });
    }
    for (const docs of config.documents) {
      this.sources.push({ status: { name: docs.name, kind: 'documents', origin: docs.path, state: 'pending', files: 0, chunks: 0 }, index: new SourceIndex(docs.name, 'documents', this.embedder), root: docs.path });
    }
  }

  get configured(): boolean {
    return this.sources.length > 0;
  }

  get statuses(): SourceStatus[] {
    return this.sources.map((s) => ({ ...s.status }));
  }

  /** Starts the first indexing and the periodic refresh; returns at once. */
  start(): void {
    if (!this.configured) return;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.options.config.refreshMs);
    this.timer.unref();
  }

  /** Re-reads every source once; a refresh already running is joined, not doubled. */
  refresh(): Promise<void> {
    this.running ??= this.refreshAll().finally(() => (this.running = undefined));
    return this.running;
  }

  async dispose(): Promise<void> {
    clearInterval(this.timer);
    this.controller.abort();
    await this.running?.catch(() => undefined);
  }

  async search(query: string, limit: number, signal: AbortSignal): Promise<TeamSearchOutcome> {
    const notes: string[] = [];
    for (const s of this.sources) {
      if (s.status.state === 'error' && s.status.files === 0) notes.push(`${s.status.name} could not be indexed: ${s.status.error}`);
      else if (s.status.state !== 'ready' && s.status.refreshedAt === undefined) notes.push(`${s.status.name} is still being indexed, so its files may be missing from these results.`);
    }
    let queryVector: Float32Array | undefined;
    if (this.embedder && this.sources.some((s) => s.index.hasVectors)) {
      try {
        [queryVector] = await this.embedder.embed([query], 'query', signal);
      } catch (e) {
        if (!(e instanceof EmbeddingUnavailable)) throw e;
        notes.push(`Full-text ranking only: ${e.message}`);
      }
    }
    const perFile = new Map<string, number>();
    const hits: TeamSearchHit[] = [];
    for (const m of searchSources(this.sources.map((s) => s.index), query, queryVector, CANDIDATES)) {
      const source = this.sources[m.source];
      const id = m.id;
      const chunk = source.index.chunk(id);
      if (!chunk) continue;
      const key = `${source.status.name}:${chunk.path}`;
      const count = perFile.get(key) ?? 0;
      if (count >= MAX_CHUNKS_PER_FILE) continue;
      perFile.set(key, count + 1);
      hits.push({ source: source.status.name, kind: source.status.kind, path: chunk.path, startLine: chunk.startLine, endLine: chunk.endLine, text: chunk.text, score: m.score });
      if (hits.length >= limit) break;
    }
    return { hits, ranking: queryVector ? 'hybrid' : 'full-text', notes };
  }

  private async refreshAll(): Promise<void> {
    // Every source at once (clones CLONES_AT_ONCE at a time): a clone waiting on a remote that never answers (up to
    // git's 10-minute timeout) must not keep the other sources unindexed. refreshSource catches its own errors.
    await Promise.all(this.sources.map((source) => this.refreshSource(source)));
  }

  /** Runs `work` after every indexing queued before it. */
  private oneAtATime<T>(work: () => Promise<T>): Promise<T> {
    const run = this.indexing.then(work);
    this.indexing = run.catch(() => undefined);
    return run;
  }

  /** Runs `work` in one of the CLONES_AT_ONCE slots; a slot freed goes straight to the clone that waited longest. */
  private async inCloneSlot<T>(work: () => Promise<T>): Promise<T> {
    if (this.clonesRunning < CLONES_AT_ONCE) this.clonesRunning++;
    else await new Promise<void>((resolve) => this.waitingToClone.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waitingToClone.shift();
      if (next) next();
      else this.clonesRunning--;
    }
  }

  private async refreshSource(source: Source): Promise<void> {
    const { logger, config } = this.options;
    const signal = this.controller.signal;
    const started = performance.now();
    try {
      let listed: string[] | undefined;
      const clone = source.clone;
      if (clone) {
        // While it waits for a slot, a source keeps its state: one indexed before stays searchable as it was.
        const { commit } = await this.inCloneSlot(() => {
          if (signal.aborted) throw new Error('stopped');
          this.update(source, { state: 'cloning' });
          return syncMirror({ url: clone.url, branch: clone.branch, dir: source.root, maxBytes: config.maxRepoBytes }, signal);
        });
        source.status.commit = commit;
        listed = await trackedFiles(source.root, signal);
      } else {
        const stat = await fs.stat(source.root).catch(() => undefined);
        if (!stat?.isDirectory()) throw new Error(`${source.root} is not a folder the server can read`);
        // A repository folder that is a git work tree is listed by git, so its .gitignore is honoured.
        if (source.status.kind === 'repository' && (await fs.stat(path.join(source.root, '.git')).catch(() => undefined))) listed = await trackedFiles(source.root, signal).catch(() => undefined);
      }
      const report = await this.oneAtATime(() => {
        if (signal.aborted) throw new Error('stopped');
        this.update(source, { state: 'indexing' });
        return source.index.sync(source.root, listed, signal);
      });
      source.status.embeddingProblem = source.index.embeddingProblem;
      this.update(source, { state: 'ready', files: report.files, chunks: report.chunks, refreshedAt: Date.now(), error: undefined });
      logger.info('team index refreshed', {
        source: source.status.name,
        kind: source.status.kind,
        files: report.files,
        chunks: report.chunks,
        indexed: report.indexed,
        skipped: report.skipped,
        vectors: report.embedded,
        commit: source.status.commit,
        seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
        ...(source.index.embeddingProblem ? { embeddingProblem: source.index.embeddingProblem } : {}),
      });
    } catch (e) {
      if (signal.aborted) return;
      const message = (e as Error).message;
      // What was indexed before stays searchable; the error is shown until a refresh succeeds.
      this.update(source, { state: 'error', error: message });
      logger.error('team index refresh failed', { source: source.status.name, kind: source.status.kind, origin: source.status.origin, error: message });
    }
  }

  private update(source: Source, change: Partial<SourceStatus>): void {
    Object.assign(source.status, change);
    this.options.onStatus?.(this.statuses);
  }
}
