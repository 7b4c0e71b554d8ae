import { authorizationHeaders } from '../settings/readOllamaHost';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SemanticIndexProgress } from '../../protocol/lspMethods';
import { isGitignored } from '../codeIndex/isGitignored';
import { WorkspaceConfinement, type WorkspaceRoot } from '../tools';
import { createOllamaEmbedder, EmbeddingUnavailable, reciprocalRankFusion, type Embedder, type ProxyRoute, type Ranked } from '../../agent-host';
import { DEFAULT_LIMITS, FolderIndex, type Chunker, type IndexLimits } from './folderIndex';

export interface SemanticSearchConfig {
  enabled: boolean;
  /** The Ollama embedding model; '' for full-text only. */
  embeddingModel: string;
  ollamaHost: string;
  /** The host's Authorization header (see HearthSettings.ollama). */
  ollamaAuthorization?: string;
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
  /** The Ollama host's proxy, as the chat agent's (OutgoingProxies). */
  proxyRoute?: ProxyRoute;
  folders: readonly string[];
  config: () => Promise<SemanticSearchConfig>;
  onProgress?: (progress: SemanticIndexProgress) => void;
  log?: (message: string) => void;
  limits?: Partial<IndexLimits>;
  /** How long file changes are collected before they are applied (default 300 ms). */
  debounceMs?: number;
  /** More changed paths than this in one batch (a branch switch) are checked by one full walk instead (default 500). */
  maxIncrementalPaths?: number;
  /** Chunks files off the main thread (the language server's index worker); without it, in-process. */
  chunker?: Chunker;
  /** Replaces the Ollama embedder (tests, benchmarks). */
  embedderFor?: (config: SemanticSearchConfig) => Embedder | undefined;
}

const MAX_CHUNKS_PER_FILE = 2;
const CANDIDATES = 50;

/**
 * Codebase search for the workspace: one `FolderIndex` per folder (opened
 * and closed as the user adds and removes folders), kept current in the background (a sync at start, then after file changes,
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
  /** Paths the watcher or the editor reported since the last batch was applied. */
  private readonly changed = new Set<string>();
  private applyingChanges?: Promise<void>;
  /** The batch of changed paths being applied now (a full sync waits for it, so one file is never indexed twice at once). */
  private batch?: { controller: AbortController; done: Promise<void> };
  private progress: SemanticIndexProgress = { phase: 'off', done: 0, total: 0 };
  private disposed = false;
  /** The folders searched: those of the options, then those of every `setFolders`. */
  private folders: readonly string[];

  constructor(private readonly options: CodebaseSearchServiceOptions) {
    this.folders = options.folders;
  }

  get status(): SemanticIndexProgress {
    return { ...this.progress };
  }

  /** Whether the tool and `@codebase` are offered (the setting, and a folder to search). */
  async enabled(): Promise<boolean> {
    return this.folders.length > 0 && (await this.options.config()).enabled;
  }

  /**
   * The workspace folders changed (`workspace/didChangeWorkspaceFolders`).
   * Each folder has its own index (folderIndex.ts), so a removed folder's
   * index is closed, and out of every search that starts after this call,
   * while the others stay open; an added folder's index is opened (from its
   * storage, if the folder was indexed before) and synced in the background.
   */
  setFolders(folders: readonly string[]): Promise<void> {
    this.folders = [...folders];
    // Not opened yet: the first `refresh` opens the new folders.
    if (!this.opening) return Promise.resolve();
    this.opening = this.opening.catch(() => undefined).then(async () => this.reopen(await this.options.config(), true));
    return this.opening;
  }

  /** Opens the indexes and starts a sync; called at start and whenever the settings may have changed. */
  async refresh(): Promise<void> {
    const config = await this.options.config();
    const key = JSON.stringify([config.enabled, config.embeddingModel, config.ollamaHost, config.ollamaAuthorization]);
    if (key === this.configKey && this.opening) return this.opening;
    this.configKey = key;
    // After any folder change still being applied, so two reopens never run at once.
    const previous = this.opening?.catch(() => undefined);
    this.opening = previous ? previous.then(() => this.reopen(config)) : this.reopen(config);
    return this.opening;
  }

  /**
   * Files (or folders) changed, were created or deleted: the watcher's and
   * the editor's `file:` URIs. Collected for `debounceMs`, then only those
   * paths are read again; the workspace is walked in full only at start, on
   * a re-index, when a .gitignore changed, or for a very large batch.
   */
  filesChanged(uris: readonly string[]): void {
    if (this.disposed || this.progress.phase === 'off') return;
    for (const uri of uris) {
      const file = toPath(uri);
      if (file) this.changed.add(file);
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.applyChanges(), this.options.debounceMs ?? 300);
    this.timer.unref?.();
  }

  /** Checks every file again (the status bar's Re-index): unchanged files are not re-read. */
  reindex(): Promise<void> {
    return this.sync();
  }

  /** Stops a running sync where it is (the status bar's Pause); what it indexed stays searchable. */
  async pause(): Promise<void> {
    if (!this.syncing) return;
    await this.stopSync();
    this.setProgress({ phase: 'paused', done: 0, total: 0, message: 'Indexing paused; search answers from what is indexed. Re-index to continue.' });
  }

  /** Resolves when no sync or change batch is running or waiting (tests and the benchmark). */
  async idle(): Promise<void> {
    await this.opening;
    while (this.syncing || this.pendingSync || this.applyingChanges || this.changed.size > 0) {
      if (this.changed.size > 0 && !this.applyingChanges && !this.syncing) await this.applyChanges();
      await (this.syncing?.done ?? this.applyingChanges ?? Promise.resolve());
    }
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

  /**
   * Opens an index for every folder and starts a sync. With `keepOpen` (the
   * folders changed, the settings did not) the indexes of folders still open
   * stay as they are and only the others are closed or opened.
   */
  private async reopen(config: SemanticSearchConfig, keepOpen = false): Promise<void> {
    await this.stopSync();
    const reusable = keepOpen && config.enabled && this.indexes.length > 0 && this.folders.length > 0;
    const confinement = reusable ? await WorkspaceConfinement.create(this.folders) : undefined;
    const stillOpen = new Set(confinement?.roots.map((r) => r.realPath) ?? []);
    // The list is changed before any index is closed, so no search reads a closed index or a removed folder.
    const previous = this.indexes;
    this.indexes = previous.filter(({ root }) => stillOpen.has(root.realPath));
    const kept = new Map(this.indexes.map(({ root, index }) => [root.realPath, index]));
    for (const { root, index } of previous) if (!kept.has(root.realPath)) await index.close();
    if (!config.enabled || this.folders.length === 0) {
      this.setProgress({ phase: 'off', done: 0, total: 0 });
      return;
    }
    this.setProgress({ phase: 'opening', done: 0, total: 0 });
    if (!reusable) {
      this.embedder = this.options.embedderFor
        ? this.options.embedderFor(config)
        : config.embeddingModel
          ? createOllamaEmbedder({ host: config.ollamaHost, headers: authorizationHeaders(config.ollamaAuthorization), model: config.embeddingModel, proxyRoute: this.options.proxyRoute })
          : undefined;
    }
    try {
      const opened = confinement ?? (await WorkspaceConfinement.create(this.folders));
      const limits = { ...DEFAULT_LIMITS, ...this.options.limits };
      const indexes: { root: WorkspaceRoot; index: FolderIndex }[] = [];
      for (const root of opened.roots) {
        const open = kept.get(root.realPath);
        if (open) {
          indexes.push({ root, index: open });
          continue;
        }
        const index = new FolderIndex(root.realPath, this.options.storageDir, this.embedder, limits, undefined, this.options.chunker, (rel, why) =>
          this.options.log?.(`Codebase index: ${rel} is left out: ${why}.`),
        );
        await index.open();
        if (index.rebuiltBecause) this.options.log?.(`Codebase index of ${root.name} rebuilt: ${index.rebuiltBecause}.`);
        indexes.push({ root, index });
      }
      // The confinement and the list change together: a hit's path is shown relative to the folders it was found in.
      this.confinement = opened;
      this.indexes = indexes;
    } catch (e) {
      this.setProgress({ phase: 'error', done: 0, total: 0, message: `The codebase index could not be opened: ${(e as Error).message}` });
      return;
    }
    void this.sync();
  }

  private async sync(): Promise<void> {
    if (this.disposed || this.indexes.length === 0) return;
    while (this.batch) await this.batch.done;
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
        skipped > 0 ? `${skipped} skipped (binary, over the size cap, hard-linked or holding a private key)` : '',
        overCap > 0 ? `${overCap} left out at the ${DEFAULT_LIMITS.maxChunks}-chunk cap` : '',
      ].filter((n) => n !== '');
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const summary = `Indexed ${files} files (${chunks} chunks) in ${seconds} s${notes.length ? `; ${notes.join(', ')}` : ''}.`;
      for (const i of this.indexes) i.index.rebuiltBecause = undefined;
      this.setProgress({ phase: 'ready', done: files, total: files, message: problem ? `${summary} ${problem.message}` : summary, problem: problem?.message, ...(problem?.reason === 'missing' ? { modelMissing: true } : {}) });
    } catch (e) {
      if (signal.aborted) return;
      this.setProgress({ phase: 'error', done: 0, total: 0, message: `Indexing stopped: ${(e as Error).message}` });
    }
  }

  /**
   * Applies the collected changes, one path at a time, to the folder index
   * that holds each. Waits for a running full sync (which may already have
   * read some of them; reading one again costs one file), and runs one batch
   * at a time.
   */
  private async applyChanges(): Promise<void> {
    if (this.applyingChanges || this.disposed) return this.applyingChanges;
    const run = async () => {
      while (this.changed.size > 0 && !this.disposed) {
        await this.opening;
        while (this.syncing) await this.syncing.done.catch(() => undefined);
        const batch = [...this.changed];
        this.changed.clear();
        if (this.indexes.length === 0) return;
        if (batch.length > (this.options.maxIncrementalPaths ?? 500) || batch.some((p) => path.basename(p) === '.gitignore')) {
          // A branch switch, or rules that may admit or exclude any file: one walk decides for all.
          await this.sync();
          continue;
        }
        const controller = new AbortController();
        let rebuild = false;
        const done = (async () => {
          for (const file of batch) {
            if (controller.signal.aborted) return;
            const located = this.locate(file);
            if (!located) continue;
            const isDirectory = (await fs.lstat(file).catch(() => undefined))?.isDirectory() ?? false;
            const ignored = located.relative.split('/').includes('.git') || (await isGitignored(located.index.rootRealPath, located.relative, isDirectory));
            if ((await located.index.updatePath(located.relative, ignored, controller.signal)) === 'rebuild') rebuild = true;
          }
        })().catch((e: unknown) => {
          if (!controller.signal.aborted) this.options.log?.(`Codebase index: could not apply file changes: ${(e as Error).message}`);
        });
        this.batch = { controller, done };
        await done;
        this.batch = undefined;
        if (rebuild) await this.sync();
        else if (this.progress.phase === 'ready') this.setProgress({ ...this.progress, done: this.fileCount(), total: this.fileCount() });
      }
    };
    this.applyingChanges = run().finally(() => (this.applyingChanges = undefined));
    return this.applyingChanges;
  }

  /** The folder index holding `file` and its path inside, or undefined for a path outside every folder. */
  private locate(file: string): { index: FolderIndex; relative: string } | undefined {
    for (const { root, index } of this.indexes) {
      for (const base of [root.realPath, root.givenPath]) {
        const relative = path.relative(base, file);
        if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) continue;
        return { index, relative: relative.split(path.sep).join('/') };
      }
    }
    return undefined;
  }

  private fileCount(): number {
    return this.indexes.reduce((n, i) => n + i.index.fileCount, 0);
  }

  private async stopSync(): Promise<void> {
    this.batch?.controller.abort();
    await this.batch?.done;
    const running = this.syncing;
    if (!running) return;
    running.controller.abort();
    await running.done.catch(() => undefined);
  }

  private setProgress(progress: SemanticIndexProgress): void {
    this.progress = { ...progress, embeddingModel: progress.phase === 'off' ? undefined : (this.embedder?.model ?? '') };
    this.options.onProgress?.({ ...this.progress });
  }
}

function toPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}
