import type { SemanticIndexProgress } from '../../protocol/lspMethods';
import { WorkspaceConfinement, type WorkspaceRoot } from '../tools';
import { createOllamaEmbedder, EmbeddingUnavailable, reciprocalRankFusion, type Embedder, type Ranked } from '../../agent-host';
import { DEFAULT_LIMITS, FolderIndex, type IndexLimits } from './folderIndex';

export interface SemanticSearchConfig {
  enabled: boolean;
  /** The Ollama embedding model; '' for full-text only. */
  embeddingModel: string;
  ollamaHost: string;
}

export interface CodebaseHit {
  /** The path as the chat shows it (workspace-relative; prefixed with the folder name in multi-root workspaces). */
  path: string;
  startLine: number;
  endLine: number;
  snippet: string;
  score: number;
}

export interface CodebaseSearchOutcome {
  hits: CodebaseHit[];
  /** Which rankings answered: 'hybrid' (full-text and embeddings) or 'full-text'. */
  ranking: 'hybrid' | 'full-text';
  /** Sentences about the answer's limits (indexing still running, no embeddings and why). */
  notes: string[];
}

export interface CodebaseSearchServiceOptions {
  storageDir: string;
  folders: readonly string[];
  config: () => Promise<SemanticSearchConfig>;
  onProgress?: (progress: SemanticIndexProgress) => void;
  log?: (message: string) => void;
  limits?: Partial<IndexLimits>;
  /** How long file changes are collected before a sync (default 1.5 s). */
  debounceMs?: number;
  /** Replaces the Ollama embedder (tests, benchmarks). */
  embedderFor?: (config: SemanticSearchConfig) => Embedder | undefined;
}

const MAX_CHUNKS_PER_FILE = 2;
const CANDIDATES = 50;

/**
 * Codebase search for the workspace: one `FolderIndex` per folder, kept
 * current in the background (a sync at start, then after file changes,
 * debounced), searched with BM25 and, when the embedding model answers, with
 * vectors, fused by reciprocal rank. It never blocks a search on indexing:
 * a search answers from what is indexed and says so. Turning it off, or
 * changing the model or the Ollama host, cancels the running sync.
 */
export class CodebaseSearchService {
  private indexes: { root: WorkspaceRoot; index: FolderIndex }[] = [];
  private confinement?: WorkspaceConfinement;
  private embedder?: Embedder;
  private configKey = '';
  private opening?: Promise<void>;
  private syncing?: { controller: AbortController; done: Promise<void> };
  private pendingSync = false;
  private timer?: NodeJS.Timeout;
  private progress: SemanticIndexProgress = { phase: 'off', done: 0, total: 0 };
  private disposed = false;

  constructor(private readonly options: CodebaseSearchServiceOptions) {}

  get status(): SemanticIndexProgress {
    return { ...this.progress };
  }

  /** Whether the tool and `@codebase` are offered (the setting, and a folder to search). */
  async enabled(): Promise<boolean> {
    return this.options.folders.length > 0 && (await this.options.config()).enabled;
  }

  /** Opens the indexes and starts a sync; called at start and whenever the settings may have changed. */
  async refresh(): Promise<void> {
    const config = await this.options.config();
    const key = JSON.stringify([config.enabled, config.embeddingModel, config.ollamaHost]);
    if (key === this.configKey && this.opening) return this.opening;
    this.configKey = key;
    this.opening = this.reopen(config);
    return this.opening;
  }

  /** A file in the workspace changed: sync soon (changes are collected for `debounceMs`). */
  filesChanged(): void {
    if (this.disposed || this.progress.phase === 'off') return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.sync(), this.options.debounceMs ?? 1500);
  }

  /** Resolves when no sync is running or waiting (tests and the benchmark). */
  async idle(): Promise<void> {
    await this.opening;
    while (this.syncing || this.pendingSync) await (this.syncing?.done ?? Promise.resolve());
  }

  async search(query: string, limit: number, signal: AbortSignal): Promise<CodebaseSearchOutcome> {
    if (!this.opening) await this.refresh();
    await this.opening;
    const notes: string[] = [];
    if (this.progress.phase === 'off') return { hits: [], ranking: 'full-text', notes: ['Codebase search is turned off (hearth.codebaseSearch.enabled).'] };
    if (this.progress.phase === 'scanning' || this.progress.phase === 'indexing') {
      notes.push(`Indexing is still running (${this.progress.done} of ${this.progress.total} files), so recent or unindexed files may be missing.`);
    }
    let queryVector: Float32Array | undefined;
    const problem = this.indexes.find((i) => i.index.embeddingProblem)?.index.embeddingProblem;
    if (this.embedder && !problem && this.indexes.some((i) => i.index.hasVectors)) {
      try {
        [queryVector] = await this.embedder.embed([query], 'query', signal);
      } catch (e) {
        if (!(e instanceof EmbeddingUnavailable)) throw e;
        notes.push(e.message);
      }
    } else if (problem) notes.push(problem.message);
    else if (!this.embedder) notes.push('No embedding model is set (hearth.codebaseSearch.embeddingModel), so results come from full-text ranking only.');

    const ranked: { root: WorkspaceRoot; index: FolderIndex; id: number; score: number }[] = [];
    for (const { root, index } of this.indexes) {
      const lists: Ranked[][] = [index.searchText(query, CANDIDATES)];
      if (queryVector) lists.push(index.searchVector(queryVector, CANDIDATES));
      for (const r of reciprocalRankFusion(lists, CANDIDATES)) ranked.push({ root, index, id: r.id, score: r.score });
    }
    ranked.sort((a, b) => b.score - a.score);
    const perFile = new Map<string, number>();
    const hits: CodebaseHit[] = [];
    for (const r of ranked) {
      const chunk = r.index.chunk(r.id);
      if (!chunk) continue;
      const display = this.confinement!.display(r.root, chunk.path);
      const count = perFile.get(display) ?? 0;
      if (count >= MAX_CHUNKS_PER_FILE) continue;
      perFile.set(display, count + 1);
      hits.push({ path: display, startLine: chunk.startLine, endLine: chunk.endLine, snippet: chunk.snippet, score: r.score });
      if (hits.length >= limit) break;
    }
    return { hits, ranking: queryVector ? 'hybrid' : 'full-text', notes };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.timer);
    await this.stopSync();
    await this.opening?.catch(() => undefined);
    for (const { index } of this.indexes) await index.close();
    this.indexes = [];
  }

  private async reopen(config: SemanticSearchConfig): Promise<void> {
    await this.stopSync();
    for (const { index } of this.indexes) await index.close();
    this.indexes = [];
    if (!config.enabled || this.options.folders.length === 0) {
      this.setProgress({ phase: 'off', done: 0, total: 0 });
      return;
    }
    this.setProgress({ phase: 'opening', done: 0, total: 0 });
    this.embedder = this.options.embedderFor
      ? this.options.embedderFor(config)
      : config.embeddingModel
        ? createOllamaEmbedder({ host: config.ollamaHost, model: config.embeddingModel })
        : undefined;
    try {
      this.confinement = await WorkspaceConfinement.create(this.options.folders);
      const limits = { ...DEFAULT_LIMITS, ...this.options.limits };
      for (const root of this.confinement.roots) {
        const index = new FolderIndex(root.realPath, this.options.storageDir, this.embedder, limits);
        await index.open();
        if (index.rebuiltBecause) this.options.log?.(`Codebase index of ${root.name} rebuilt: ${index.rebuiltBecause}.`);
        this.indexes.push({ root, index });
      }
    } catch (e) {
      this.setProgress({ phase: 'error', done: 0, total: 0, message: `The codebase index could not be opened: ${(e as Error).message}` });
      return;
    }
    void this.sync();
  }

  private async sync(): Promise<void> {
    if (this.disposed || this.indexes.length === 0) return;
    if (this.syncing) {
      // One sync at a time; changes that arrive meanwhile get one more pass.
      this.pendingSync = true;
      return;
    }
    const controller = new AbortController();
    const done = this.runSync(controller.signal);
    this.syncing = { controller, done };
    try {
      await done;
    } finally {
      this.syncing = undefined;
      if (this.pendingSync && !controller.signal.aborted) {
        this.pendingSync = false;
        void this.sync();
      } else this.pendingSync = false;
    }
  }

  private async runSync(signal: AbortSignal): Promise<void> {
    const started = performance.now();
    const rebuilt = this.indexes.map((i) => i.index.rebuiltBecause).find((r) => r);
    let files = 0;
    let chunks = 0;
    let skipped = 0;
    let overCap = 0;
    try {
      for (const { index } of this.indexes) {
        this.setProgress({ phase: 'scanning', done: 0, total: 0, message: rebuilt ? `Rebuilding the codebase index: ${rebuilt}.` : undefined });
        let last = 0;
        const report = await index.sync(signal, (done, total) => {
          const now = performance.now();
          // At most ten updates a second: the status bar needs no more, and LSP traffic stays small.
          if (done !== 0 && done !== total && now - last < 100) return;
          last = now;
          this.setProgress({ phase: 'indexing', done, total, message: this.progress.message });
        });
        files += report.files;
        chunks += report.chunks;
        skipped += report.skipped;
        overCap += report.overCap;
      }
      const problem = this.indexes.find((i) => i.index.embeddingProblem)?.index.embeddingProblem;
      const notes = [
        skipped > 0 ? `${skipped} skipped (binary, over the size cap or hard-linked)` : '',
        overCap > 0 ? `${overCap} left out at the ${DEFAULT_LIMITS.maxChunks}-chunk cap` : '',
      ].filter((n) => n !== '');
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const summary = `Indexed ${files} files (${chunks} chunks) in ${seconds} s${notes.length ? `; ${notes.join(', ')}` : ''}.`;
      for (const i of this.indexes) i.index.rebuiltBecause = undefined;
      this.setProgress({ phase: 'ready', done: files, total: files, message: problem ? `${summary} ${problem.message}` : summary, problem: problem?.message });
    } catch (e) {
      if (signal.aborted) return;
      this.setProgress({ phase: 'error', done: 0, total: 0, message: `Indexing stopped: ${(e as Error).message}` });
    }
  }

  private async stopSync(): Promise<void> {
    const running = this.syncing;
    if (!running) return;
    running.controller.abort();
    await running.done.catch(() => undefined);
  }

  private setProgress(progress: SemanticIndexProgress): void {
    this.progress = progress;
    this.options.onProgress?.({ ...progress });
  }
}
