import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { looksBinary, openPinnedPath, readPinnedPrefix, walkFiles, WorkspaceConfinement, type WorkspaceRoot } from '../tools';
import type { IndexProgress } from '../../protocol/lspMethods';
import { IndexWorkerCrashed } from '../indexWorker/indexWorker';
import type { FileSymbols } from './fileSymbols';
import { IndexCache } from './indexCache';
import { isGitignored } from './isGitignored';
import { languageForPath, type LanguageSpec } from './languageSpecs';
import { renderRepoMap, rankFiles, type RankedFile } from './repoMap';
import { SymbolParser } from './symbolParser';
import { fileKey, SymbolTable, type DefinitionHit, type IndexedFile, type ReferenceHit } from './symbolTable';

export interface IndexLimits {
  /** Bigger files are skipped (generated bundles, minified code, data). */
  maxFileBytes: number;
  /** At most this many files are indexed, so the index's memory stays bounded. */
  maxFiles: number;
  /** At most this many bytes are read in one build. */
  maxTotalBytes: number;
  /** At most this many directory entries are visited per folder (a tree .gitignore does not trim). */
  maxWalkEntries: number;
}

export const DEFAULT_INDEX_LIMITS: IndexLimits = {
  maxFileBytes: 1024 * 1024,
  maxFiles: 50_000,
  maxTotalBytes: 512 * 1024 * 1024,
  maxWalkEntries: 1_000_000,
};

/**
 * Where a file's symbols come from: the language server's index worker
 * (indexWorker/), or, by default, a `SymbolParser` on the calling thread.
 */
export interface SymbolSource {
  symbols(spec: LanguageSpec, content: string | Uint8Array, signal?: AbortSignal): Promise<FileSymbols>;
  /** Called when a build is done: a parser with memory of its own may give it back now. */
  release?(): void;
}

export interface CodeIndexerOptions {
  /** The workspace folders, as the client gave them. */
  folders: readonly string[];
  /** The extension's storage directory; the cache goes in its `code-index/` folder. */
  storageDir: string;
  /** Where tree-sitter.wasm and the grammars are. */
  wasmDir: string;
  /** Parses off the caller's thread (the language server passes its IndexWorker); without it, files are parsed in-process. */
  parser?: SymbolSource;
  limits?: Partial<IndexLimits>;
  onProgress?: (progress: IndexProgress) => void;
  /** Called when the parser crashed on a file (the server logs it). */
  onParserCrash?: (relative: string, why: string) => void;
  /** How often the cache is written while a build runs (default 1 s, or four times as long as the last write took). */
  checkpointMs?: number;
}

class IndexCancelled extends Error {}

/** Files read and waiting for (or in) the parser at once during a build. */
const FILES_IN_FLIGHT = 4;

/**
 * The symbol index of the workspace folders: builds it (resuming from the
 * cache: a file whose size and mtime match its cached record is not read, one
 * whose content hash matches is not parsed), keeps it current as files
 * change, and answers lookups. Only files a walk of the workspace reaches
 * are indexed: .gitignore'd paths and `.git/` are skipped, symlinks are never
 * followed (so no loop and no file outside the folders), every file is opened
 * through a verified descriptor (pinnedFiles.ts), and binary, oversized or
 * hard-linked files (which may be the same file as one outside) are skipped.
 * Work yields to the event loop after every file, so the language server
 * keeps answering while it indexes, and a build can be cancelled at any file.
 */
export class CodeIndexer {
  readonly table = new SymbolTable();
  private readonly parser: SymbolSource;
  /** Files whose parse crashed the worker in the current build (the first few, for the message). */
  private crashed: string[] = [];
  private crashCount = 0;
  private cache: IndexCache;
  private readonly limits: IndexLimits;
  /** The folders indexed now: those of the options, then those of every `setFolders`. */
  private folders: readonly string[];
  private roots: Promise<readonly WorkspaceRoot[]> | undefined;
  /** Real paths of the folders indexed now; a file of any other folder is never answered nor added. */
  private currentRoots: ReadonlySet<string> | undefined;
  private running: { controller: AbortController; done: Promise<void> } | undefined;
  private progress: IndexProgress = { state: 'idle', done: 0, total: 0, files: 0, parsed: 0, reused: 0, skipped: 0 };
  private lastEmit = 0;
  private saveTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  private ranked: { version: number; files: RankedFile[] } | undefined;
  private readonly updatedDuringBuild = new Set<string>();
  private ranking: Promise<void> | undefined;
  /** Whether a build has read the cache into the table yet (only the first one does). */
  private cacheLoaded = false;
  /** The folders changed and the new set's cache has not been written yet, even if no file changed. */
  private cacheMoved = false;

  constructor(private readonly options: CodeIndexerOptions) {
    this.parser = options.parser ?? inProcessParser(options.wasmDir);
    this.folders = options.folders;
    this.cache = new IndexCache(options.storageDir, this.folders);
    this.limits = { ...DEFAULT_INDEX_LIMITS, ...options.limits };
  }

  get status(): IndexProgress {
    return { ...this.progress, files: this.table.size };
  }

  get cacheFile(): string {
    return this.cache.file;
  }

  /** Builds (or rebuilds) the index; an earlier build still running is cancelled first. Resolves when done or cancelled. */
  async build(): Promise<void> {
    await this.cancel();
    const controller = new AbortController();
    const done = this.runBuild(controller.signal).catch((e: unknown) => {
      if (e instanceof IndexCancelled || controller.signal.aborted) return;
      this.setProgress({ ...this.progress, state: 'error', message: `Indexing failed: ${(e as Error).message}` }, true);
    });
    this.running = { controller, done };
    await done;
    if (this.running?.controller === controller) this.running = undefined;
  }

  /** Stops a running build; what it finished stays in the index and the cache. */
  async cancel(): Promise<void> {
    const running = this.running;
    if (!running) return;
    running.controller.abort();
    await running.done;
  }

  /** Cancels any build and forgets the index, memory and cache (the index was turned off). */
  async clear(): Promise<void> {
    await this.cancel();
    clearTimeout(this.saveTimer);
    this.table.clear();
    this.cacheLoaded = false;
    await this.cache.remove();
    this.setProgress({ state: 'off', done: 0, total: 0, files: 0, parsed: 0, reused: 0, skipped: 0 }, true);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.cancel();
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      await this.cache.save(this.table.all()).catch(() => undefined);
    }
  }

  /**
   * The workspace folders changed. A removed folder's files leave the table
   * (and so every answer) before this resolves; the remaining folders keep
   * answering; the index then builds again in the background, which reuses
   * every unchanged file of the remaining folders and reads only the added
   * folders' (or takes them from the cache of this set of folders, when the
   * window had it open before). The cache follows the new set of folders.
   */
  async setFolders(folders: readonly string[]): Promise<void> {
    await this.cancel();
    this.folders = [...folders];
    this.cache = new IndexCache(this.options.storageDir, this.folders);
    const roots = (await WorkspaceConfinement.create(this.folders)).roots;
    const current = new Set(roots.map((r) => r.realPath));
    this.roots = Promise.resolve(roots);
    this.currentRoots = current;
    for (const key of [...this.table.keys()]) if (!current.has(this.table.get(key)!.root)) this.table.delete(key);
    // The new set's cache (if the window had these folders before) may hold the added folders' files.
    this.cacheLoaded = false;
    this.cacheMoved = true;
    void this.build();
  }

  definitions(name: string): DefinitionHit[] {
    return this.table.definitions(name).filter((hit) => this.isCurrentRoot(hit.file.root));
  }

  references(name: string): ReferenceHit[] {
    return this.table.references(name).filter((hit) => this.isCurrentRoot(hit.file.root));
  }

  /**
   * The repository map (see repoMap.ts), `display` naming each file as the
   * model sees paths. Ranking a large index takes seconds, so it runs in the
   * background in slices (the server keeps answering) and is kept until the
   * index changes: a turn gets the last ranking at once, even if a newer one
   * is being computed, and waits at most `waitMs` when there is none yet
   * (then the turn goes without a map rather than waiting).
   */
  async repoMap(maxTokens: number, estimate: (text: string) => number, display: (file: IndexedFile) => string, waitMs = 2000): Promise<string> {
    if (this.ranked?.version !== this.table.version) this.rank();
    if (!this.ranked && this.ranking) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.ranking, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
      clearTimeout(timer);
    }
    // A ranking computed before a folder was removed may still name its files: they are left out.
    return this.ranked ? renderRepoMap(this.ranked.files.filter((r) => this.isCurrentRoot(r.file.root)), display, maxTokens, estimate) : '';
  }

  private rank(): void {
    if (this.ranking) return;
    const version = this.table.version;
    const pause = () => new Promise<void>((resolve) => setImmediate(resolve));
    this.ranking = rankFiles(this.table, pause)
      .then((files) => {
        this.ranked = { version, files };
      })
      .catch(() => undefined)
      .finally(() => {
        this.ranking = undefined;
      });
  }

  /**
   * Re-indexes one file the editor or a file watcher reported, from disk, or
   * from `text` (an unsaved editor buffer) when given. Paths outside the
   * folders, ignored by .gitignore, under `.git/` or in a language the index
   * does not parse are ignored; a file that is gone is removed.
   */
  async update(absolutePath: string, text?: string): Promise<void> {
    if (text === undefined && !languageForPath(absolutePath)) return this.updateFolder(absolutePath);
    const located = await this.locate(absolutePath);
    if (!located) return;
    const { root, relative } = located;
    const key = fileKey(root.realPath, relative);
    if (this.running) this.updatedDuringBuild.add(key);
    if (text !== undefined) {
      // Only files the walk already admitted are taken from the editor: the buffer of an ignored file stays out.
      const previous = this.table.get(key);
      if (!previous || Buffer.byteLength(text) > this.limits.maxFileBytes) return;
      const spec = languageForPath(relative)!;
      // mtime -1: the next build reads the file from disk again, since the saved content may differ from this buffer.
      this.table.set({ ...previous, mtimeMs: -1, hash: sha1(text), symbols: await this.parseOrSkip(spec, text, relative) });
    } else {
      if (await isGitignored(root.realPath, relative)) {
        this.table.delete(key);
      } else {
        await this.indexFile(root, relative, this.table.get(key), undefined);
      }
    }
    this.scheduleSave();
  }

  private async runBuild(signal: AbortSignal): Promise<void> {
    const started = performance.now();
    const roots = await this.getRoots();
    const realRoots = new Set(roots.map((r) => r.realPath));
    // The cache is read once, by the first build: from then on the table holds everything it had and
    // newer (a later build, such as Re-index, checks the table's own records), so the index is never
    // in memory twice, as it was when each build loaded the whole cache beside the table.
    if (!this.cacheLoaded) {
      const missing = (record: IndexedFile) => realRoots.has(record.root) && !this.table.get(fileKey(record.root, record.relative));
      // Lookups answer from the cache at once, while the walk checks each file.
      for (const record of await this.cache.load(missing)) if (missing(record)) this.table.set(record);
      this.cacheLoaded = true;
    }
    this.setProgress({ state: 'indexing', done: 0, total: 0, files: this.table.size, parsed: 0, reused: 0, skipped: 0 }, true);
    this.crashed = [];
    this.crashCount = 0;

    const candidates: { root: WorkspaceRoot; relative: string }[] = [];
    let truncated = false;
    for (const root of roots) {
      const limits = { truncated: false };
      for await (const file of walkFiles(root.realPath, '', { signal, maxEntries: this.limits.maxWalkEntries, limits })) {
        if (!languageForPath(file.relativeToRoot)) continue;
        if (candidates.length >= this.limits.maxFiles) {
          truncated = true;
          break;
        }
        candidates.push({ root, relative: file.relativeToRoot });
      }
      if (limits.truncated) truncated = true;
      if (signal.aborted) throw new IndexCancelled();
    }

    const seen = new Set<string>();
    const budget = { bytes: 0 };
    let lastCheckpoint = performance.now();
    const checkpointMs = this.options.checkpointMs ?? 1000;
    let lastSaveMs = 0;
    this.setProgress({ ...this.progress, total: candidates.length }, true);
    // Only a build that changed something writes the cache again (a restart over an unchanged tree writes nothing).
    let savedVersion = this.table.size > 0 && !this.cacheMoved ? this.table.version : -1;
    // A few files are in flight at once: while the worker parses one, this thread reads the next, so the
    // worker never waits for a read. Each file is still parsed alone, and its result merged here.
    const inFlight = new Set<Promise<void>>();
    let failure: { error: unknown } | undefined;
    const drain = async () => {
      await Promise.allSettled(inFlight);
      if (failure) throw failure.error;
    };
    for (const { root, relative } of candidates) {
      if (signal.aborted || this.disposed || failure) {
        await Promise.allSettled(inFlight);
        if (failure && !signal.aborted && !this.disposed) throw failure.error;
        if (this.table.version !== savedVersion) await this.cache.save(this.table.all()).catch(() => undefined);
        throw new IndexCancelled();
      }
      const key = fileKey(root.realPath, relative);
      seen.add(key);
      const file: Promise<void> = this.indexFile(root, relative, this.table.get(key), budget, signal)
        .then(() => {
          this.progress.done++;
          this.setProgress(this.progress, false);
        })
        .catch((error: unknown) => {
          failure ??= { error };
        })
        .finally(() => inFlight.delete(file));
      inFlight.add(file);
      if (inFlight.size >= FILES_IN_FLIGHT) await Promise.race(inFlight);
      // Saving a big index takes a while: never spend more than a fifth of the build on checkpoints.
      if (this.table.version !== savedVersion && performance.now() - lastCheckpoint > Math.max(checkpointMs, 4 * lastSaveMs)) {
        await drain();
        savedVersion = this.table.version;
        const saveStarted = performance.now();
        await this.cache.save(this.table.all());
        lastCheckpoint = performance.now();
        lastSaveMs = lastCheckpoint - saveStarted;
      }
      // Let the server answer whatever is waiting before the next file.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await drain();
    // Files the walk did not list are gone, unless an editor or watcher event indexed them while the build ran.
    for (const key of [...this.table.keys()]) if (!seen.has(key) && !this.updatedDuringBuild.has(key)) this.table.delete(key);
    this.updatedDuringBuild.clear();
    if (this.table.version !== savedVersion) await this.cache.save(this.table.all());
    this.cacheMoved = false;
    this.parser.release?.();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const crashes = this.crashCount > 0 ? `the parser crashed on ${this.crashCount} (${this.crashed.join(', ')}${this.crashCount > this.crashed.length ? ', …' : ''}), indexed without symbols` : '';
    const otherSkips = this.progress.skipped - this.crashCount;
    const notes = [truncated ? `only the first ${this.limits.maxFiles} files were indexed` : '', otherSkips > 0 ? `${otherSkips} skipped (binary, too large or hard-linked)` : '', crashes]
      .filter((s) => s !== '')
      .join('; ');
    this.setProgress({ ...this.progress, state: 'ready', message: `Indexed ${this.table.size} files in ${seconds} s${notes ? ` (${notes})` : ''}.` }, true);
  }

  /**
   * Indexes one file: reuses `previous` when the file's size and mtime (or its
   * content hash) still match, parses it otherwise, and removes it from the
   * index when it can no longer be read safely.
   */
  private async indexFile(root: WorkspaceRoot, relative: string, previous: IndexedFile | undefined, budget: { bytes: number } | undefined, signal?: AbortSignal): Promise<void> {
    const key = fileKey(root.realPath, relative);
    const spec = languageForPath(relative);
    const skip = () => {
      this.table.delete(key);
      this.progress.skipped++;
    };
    if (!spec) return skip();
    if (previous && previous.mtimeMs >= 0) {
      // The common case on a restart: the file is unchanged since it was read through a verified descriptor.
      // lstat (which never follows the last component) is enough to tell, and nothing is read from it.
      const stat = await fs.lstat(path.join(root.realPath, ...relative.split('/'))).catch(() => undefined);
      if (stat?.isFile() && stat.nlink === 1 && stat.size === previous.size && stat.mtimeMs === previous.mtimeMs && stat.size <= this.limits.maxFileBytes) {
        // Already in the table (preloaded from the cache): leaving it untouched keeps the table's version, so nothing is re-saved or re-ranked.
        if (this.table.get(key) !== previous) this.table.set(previous);
        this.progress.reused++;
        return;
      }
    }
    let opened;
    try {
      opened = await openPinnedPath(path.join(root.realPath, ...relative.split('/')), relative);
    } catch {
      // Gone, unreadable, or now reached through a symlink: not indexed.
      this.table.delete(key);
      return;
    }
    try {
      const stat = opened.stat;
      if (!stat.isFile() || stat.nlink > 1 || stat.size > this.limits.maxFileBytes) return skip();
      if (previous && previous.size === stat.size && previous.mtimeMs === stat.mtimeMs) {
        if (this.table.get(key) !== previous) this.table.set(previous);
        this.progress.reused++;
        return;
      }
      if (budget) {
        budget.bytes += stat.size;
        if (budget.bytes > this.limits.maxTotalBytes) return skip();
      }
      // One byte past the cap tells a file that grew past it after the stat.
      const bytes = await readPinnedPrefix(opened, this.limits.maxFileBytes + 1);
      if (bytes.length > this.limits.maxFileBytes || looksBinary(bytes)) return skip();
      const hash = sha1(bytes);
      if (previous && previous.hash === hash) {
        this.table.set({ ...previous, size: stat.size, mtimeMs: stat.mtimeMs });
        this.progress.reused++;
        return;
      }
      // The bytes go to the parser (the worker takes their buffer): nothing below reads them again.
      const crashesBefore = this.crashCount;
      const symbols = await this.parseOrSkip(spec, bytes, relative, signal);
      // A folder removed while this file was parsed is not indexed again.
      if (!this.isCurrentRoot(root.realPath)) return;
      this.table.set({ root: root.realPath, relative, size: stat.size, mtimeMs: stat.mtimeMs, hash, symbols });
      if (this.crashCount === crashesBefore) this.progress.parsed++;
    } finally {
      await opened.close();
    }
  }

  /**
   * Parses one file; when the parser crashes on it (the worker ran out of
   * memory, died or hung), the file is kept without symbols, as a parse over
   * its time budget is, so the next build reuses that record instead of
   * crashing again on the same content, and the build's message names it.
   */
  private async parseOrSkip(spec: LanguageSpec, content: string | Uint8Array, relative: string, signal?: AbortSignal): Promise<FileSymbols> {
    try {
      return await this.parser.symbols(spec, content, signal);
    } catch (e) {
      if (!(e instanceof IndexWorkerCrashed)) throw e;
      this.crashCount++;
      if (this.crashed.length < 3) this.crashed.push(relative);
      this.progress.skipped++;
      this.options.onParserCrash?.(relative, e.message);
      return { language: spec.id, definitions: [], references: '', imports: [] };
    }
  }

  private getRoots(): Promise<readonly WorkspaceRoot[]> {
    if (!this.roots) {
      const roots = WorkspaceConfinement.create(this.folders).then((c) => c.roots);
      this.roots = roots;
      // A failure is the caller's to report (through the promise returned); this copy of it is not.
      roots.then(
        (list) => {
          if (this.roots === roots) this.currentRoots = new Set(list.map((r) => r.realPath));
        },
        () => undefined,
      );
    }
    return this.roots;
  }

  /** Whether `realRoot` is one of the folders indexed now (true until the first resolution of the folders, when nothing is indexed yet). */
  private isCurrentRoot(realRoot: string): boolean {
    return this.currentRoots?.has(realRoot) ?? true;
  }

  /** The folder and relative path of a path the editor reported, or undefined when it is not one the index covers. */
  private async locate(absolutePath: string): Promise<{ root: WorkspaceRoot; relative: string } | undefined> {
    for (const root of await this.getRoots()) {
      for (const base of [root.realPath, root.givenPath]) {
        const relative = path.relative(base, absolutePath);
        if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) continue;
        const posix = relative.split(path.sep).join('/');
        if (posix.split('/').includes('.git') || !languageForPath(posix)) return undefined;
        return { root, relative: posix };
      }
    }
    return undefined;
  }

  /**
   * A watcher event for a path the index does not parse: a folder that was
   * deleted (its files leave the index) or created or moved in (its files
   * are walked, as a build would, and indexed); anything else is ignored.
   */
  private async updateFolder(absolutePath: string): Promise<void> {
    for (const root of await this.getRoots()) {
      for (const base of [root.realPath, root.givenPath]) {
        const rel = path.relative(base, absolutePath);
        if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) continue;
        const relative = rel.split(path.sep).join('/');
        if (relative.split('/').includes('.git')) return;
        const stat = await fs.lstat(path.join(root.realPath, relative)).catch(() => undefined);
        const listed = new Set<string>();
        if (stat?.isDirectory() && !(await isGitignored(root.realPath, relative, true))) {
          for await (const file of walkFiles(root.realPath, relative, { signal: AbortSignal.timeout(60_000), maxEntries: this.limits.maxWalkEntries })) {
            if (!languageForPath(file.relativeToRoot)) continue;
            const key = fileKey(root.realPath, file.relativeToRoot);
            listed.add(key);
            if (this.running) this.updatedDuringBuild.add(key);
            await this.indexFile(root, file.relativeToRoot, this.table.get(key), undefined);
          }
        } else if (stat || path.extname(relative) !== '') {
          // A file of a language the index does not parse, or a deleted one: nothing to scan for
          // (a deleted folder whose name has a dot is cleaned up by the next build instead).
          return;
        }
        // A folder gone (or now ignored): nothing under it stays in the index.
        const prefix = fileKey(root.realPath, `${relative}/`);
        for (const key of [...this.table.keys()]) if (key.startsWith(prefix) && !listed.has(key)) this.table.delete(key);
        this.scheduleSave();
        return;
      }
    }
  }

  private scheduleSave(): void {
    if (this.saveTimer || this.disposed) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.cache.save(this.table.all()).catch(() => undefined);
    }, 2000);
    this.saveTimer.unref?.();
  }

  private setProgress(progress: IndexProgress, force: boolean): void {
    this.progress = progress;
    const now = performance.now();
    if (!force && now - this.lastEmit < 100) return;
    this.lastEmit = now;
    this.options.onProgress?.(this.status);
  }
}

function sha1(content: string | Uint8Array): string {
  return createHash('sha1').update(content).digest('hex');
}

function inProcessParser(wasmDir: string): SymbolSource {
  const parser = new SymbolParser(wasmDir);
  return { symbols: (spec, content) => parser.parse(spec, typeof content === 'string' ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('utf8')) };
}
