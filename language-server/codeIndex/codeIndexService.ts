import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IndexProgress } from '../../protocol/lspMethods';
import { showHiddenCharacters, WorkspaceConfinement, type SymbolLookup } from '../tools';
import { CodeIndexer, type IndexLimits, type SymbolSource } from './codeIndexer';
import type { IndexedFile } from './symbolTable';

export interface CodeIndexServiceOptions {
  folders: readonly string[];
  storageDir: string;
  wasmDir: string;
  /** The index worker that parses off the main thread (see indexWorker/); without it, parsing runs in-process. */
  parser?: SymbolSource;
  /** `hearth.index.enabled`, read whenever the settings may have changed. */
  enabled: () => Promise<boolean>;
  onProgress: (progress: IndexProgress) => void;
  log: (message: string) => void;
  limits?: Partial<IndexLimits>;
  /** Delay before an edited (unsaved) document is parsed again. */
  editDebounceMs?: number;
}

/**
 * The symbol index as the language server runs it: on or off by
 * `hearth.index.enabled`, built in the background after start-up, updated
 * from the documents the editor edits and saves and from the file watcher's
 * events, following the workspace folders as the user adds and removes them,
 * and queried by find_symbol and the repository map. Turning it off
 * cancels a build and deletes the index and its cache.
 */
export class CodeIndexService implements SymbolLookup {
  private indexer: CodeIndexer | undefined;
  private readonly pendingEdits = new Map<string, NodeJS.Timeout>();
  private applying: Promise<void> = Promise.resolve();
  private lastProgress: IndexProgress = { state: 'idle', done: 0, total: 0, files: 0, parsed: 0, reused: 0, skipped: 0 };
  /** The folders indexed: those of the options, then those of every `setFolders`. */
  private folders: readonly string[];

  constructor(private readonly options: CodeIndexServiceOptions) {
    this.folders = options.folders;
  }

  /** Starts or stops the index to match the setting; called at start and on every configuration change. */
  applySettings(): Promise<void> {
    this.applying = this.applying.then(async () => {
      const enabled = this.folders.length > 0 && (await this.options.enabled().catch(() => true));
      if (enabled && !this.indexer) {
        const indexer = new CodeIndexer({
          ...this.options,
          folders: this.folders,
          onProgress: (p) => this.progress(p),
          onParserCrash: (relative, why) => this.options.log(`Symbol index: ${relative} is indexed without symbols: ${why}.`),
        });
        this.indexer = indexer;
        void indexer.build().then(() => {
          if (indexer.status.state === 'ready') this.options.log(`Symbol index: ${indexer.status.message ?? 'ready'} Cache: ${indexer.cacheFile}`);
        });
      } else if (!enabled && this.indexer) {
        const indexer = this.indexer;
        this.indexer = undefined;
        await indexer.clear();
        this.progress({ state: 'off', done: 0, total: 0, files: 0, parsed: 0, reused: 0, skipped: 0 });
      } else if (!enabled) {
        this.progress({ state: 'off', done: 0, total: 0, files: 0, parsed: 0, reused: 0, skipped: 0 });
      }
    });
    return this.applying;
  }

  /**
   * The workspace folders changed (`workspace/didChangeWorkspaceFolders`):
   * a removed folder's files leave the index before the next lookup or
   * repository map, and the index builds again in the background for the
   * new set (see `CodeIndexer.setFolders`). With no folder left the index
   * stops; the first folder added starts it.
   */
  setFolders(folders: readonly string[]): Promise<void> {
    this.applying = this.applying.then(async () => {
      this.folders = [...folders];
      const indexer = this.indexer;
      if (!indexer) return;
      if (folders.length === 0) {
        // Nothing to index: the index is dropped, and its cache stays for a window that opens those folders again.
        this.indexer = undefined;
        await indexer.dispose();
        this.progress({ state: 'off', done: 0, total: 0, files: 0, parsed: 0, reused: 0, skipped: 0 });
        return;
      }
      await indexer.setFolders(this.folders).catch((e: unknown) => this.options.log(`Symbol index: could not follow the workspace folders: ${(e as Error).message}`));
    });
    // An index that was off for want of a folder starts with the first one added.
    return this.applySettings();
  }

  get enabled(): boolean {
    return this.indexer !== undefined;
  }

  /** The index's state as find_symbol reports it: a paused build is as incomplete as a running one. */
  state(): 'idle' | 'indexing' | 'ready' | 'off' | 'error' {
    if (!this.indexer) return 'off';
    const state = this.lastProgress.state === 'paused' ? 'indexing' : this.indexer.status.state;
    return state === 'paused' ? 'indexing' : state;
  }

  status(): IndexProgress {
    return this.lastProgress;
  }

  definitions(name: string): ReturnType<SymbolLookup['definitions']> {
    return (this.indexer?.definitions(name) ?? []).map(({ file, definition }) => ({
      root: file.root,
      relative: file.relative,
      line: definition.line,
      kind: definition.kind,
      signature: definition.signature,
    }));
  }

  references(name: string): ReturnType<SymbolLookup['references']> {
    return (this.indexer?.references(name) ?? []).map(({ file, lines }) => ({ root: file.root, relative: file.relative, lines }));
  }

  /** The repository map for the prompt, or undefined when the index is off or empty. */
  async repoMap(maxTokens: number, estimate: (text: string) => number): Promise<string | undefined> {
    // A folder change being applied is waited for, so the map never names a removed folder's files.
    await this.applying.catch(() => undefined);
    if (!this.indexer || this.indexer.table.size === 0) return undefined;
    const multiRoot = new Set([...this.indexer.table.all()].map((f) => f.root)).size > 1 || this.folders.length > 1;
    // Named exactly as the tools name paths (hidden characters shown, so a newline in a file name cannot
    // forge a line of the map), folder names included: of two folders called `app` the second is `app-2`,
    // so a path the model copies from the map reaches the folder the map meant, not the first `app`.
    const confinement = await WorkspaceConfinement.create(this.folders);
    const display = (file: IndexedFile) => {
      const root = confinement.roots.find((r) => r.realPath === file.root);
      if (root && confinement.roots.length > 1) return confinement.display(root, file.relative);
      return showHiddenCharacters(multiRoot ? `${path.basename(file.root)}/${file.relative}` : file.relative);
    };
    const text = await this.indexer.repoMap(maxTokens, estimate, display);
    return text === '' ? undefined : text;
  }

  /** Checks every file again (the status bar's Re-index); unchanged files are not re-read, a paused build resumes. */
  async reindex(): Promise<void> {
    const indexer = this.indexer;
    if (!indexer) return;
    await indexer.build();
    if (indexer.status.state === 'ready') this.options.log(`Symbol index: ${indexer.status.message ?? 'ready'}`);
  }

  /** Stops a running build where it is (the status bar's Pause); lookups answer from what it indexed. */
  async pause(): Promise<void> {
    const indexer = this.indexer;
    if (!indexer || indexer.status.state !== 'indexing') return;
    await indexer.cancel();
    this.progress({ ...indexer.status, state: 'paused', message: 'Indexing paused; Re-index to continue.' });
  }

  /** A file or folder changed, was created or deleted on disk (watcher) or was saved (editor). */
  fileChanged(uri: string): void {
    const file = toPath(uri);
    if (!file || !this.indexer) return;
    void this.indexer.update(file).catch((e: unknown) => this.options.log(`Symbol index: could not update ${file}: ${(e as Error).message}`));
  }

  /** The editor's buffer changed; parsed after a short quiet period, from the buffer. */
  documentEdited(uri: string, text: () => string): void {
    const file = toPath(uri);
    if (!file || !this.indexer) return;
    clearTimeout(this.pendingEdits.get(file));
    const timer = setTimeout(() => {
      this.pendingEdits.delete(file);
      void this.indexer?.update(file, text()).catch(() => undefined);
    }, this.options.editDebounceMs ?? 500);
    timer.unref?.();
    this.pendingEdits.set(file, timer);
  }

  async dispose(): Promise<void> {
    for (const timer of this.pendingEdits.values()) clearTimeout(timer);
    await this.applying;
    await this.indexer?.dispose();
  }

  private progress(progress: IndexProgress): void {
    this.lastProgress = progress;
    this.options.onProgress(progress);
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
