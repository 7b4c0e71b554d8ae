import { referenceLines, type FileSymbols, type SymbolDefinition } from './fileSymbols';

/** One indexed file: where it is, what identified its content, and its symbols. */
export interface IndexedFile {
  /** Real path of the workspace folder the file is in. */
  root: string;
  /** Path relative to that folder, `/`-separated. */
  relative: string;
  size: number;
  mtimeMs: number;
  /** SHA-1 of the content, so a touched but unchanged file is not parsed again. */
  hash: string;
  symbols: FileSymbols;
}

export interface DefinitionHit {
  file: IndexedFile;
  definition: SymbolDefinition;
}

export interface ReferenceHit {
  file: IndexedFile;
  lines: number[];
}

export function fileKey(root: string, relative: string): string {
  return `${root}\u0000${relative}`;
}

/**
 * The in-memory index: files by key, and the files defining each name (kept
 * up to date on every change, since `find_symbol` asks by name). Uses are
 * found by scanning the files' reference tables, which are small and capped.
 */
export class SymbolTable {
  private readonly files = new Map<string, IndexedFile>();
  private readonly definers = new Map<string, Set<string>>();
  /** Counts changes, so a ranking computed earlier knows whether it is still current. */
  version = 0;

  get size(): number {
    return this.files.size;
  }

  get(key: string): IndexedFile | undefined {
    return this.files.get(key);
  }

  all(): IterableIterator<IndexedFile> {
    return this.files.values();
  }

  keys(): IterableIterator<string> {
    return this.files.keys();
  }

  set(file: IndexedFile): void {
    const key = fileKey(file.root, file.relative);
    this.delete(key);
    this.version++;
    this.files.set(key, file);
    for (const def of file.symbols.definitions) {
      let set = this.definers.get(def.name);
      if (!set) this.definers.set(def.name, (set = new Set()));
      set.add(key);
    }
  }

  delete(key: string): boolean {
    const old = this.files.get(key);
    if (!old) return false;
    this.version++;
    this.files.delete(key);
    for (const def of old.symbols.definitions) {
      const set = this.definers.get(def.name);
      set?.delete(key);
      if (set?.size === 0) this.definers.delete(def.name);
    }
    return true;
  }

  clear(): void {
    this.version++;
    this.files.clear();
    this.definers.clear();
  }

  /** Files that define `name` (any kind). */
  definingFiles(name: string): ReadonlySet<string> {
    return this.definers.get(name) ?? new Set();
  }

  definitions(name: string): DefinitionHit[] {
    const hits: DefinitionHit[] = [];
    for (const key of this.definingFiles(name)) {
      const file = this.files.get(key)!;
      for (const definition of file.symbols.definitions) if (definition.name === name) hits.push({ file, definition });
    }
    return hits.sort((a, b) => (a.file.relative < b.file.relative ? -1 : a.file.relative > b.file.relative ? 1 : a.definition.line - b.definition.line));
  }

  references(name: string): ReferenceHit[] {
    const hits: ReferenceHit[] = [];
    for (const file of this.files.values()) {
      const lines = referenceLines(file.symbols.references, name);
      if (lines && lines.length > 0) hits.push({ file, lines });
    }
    return hits.sort((a, b) => (a.file.relative < b.file.relative ? -1 : a.file.relative > b.file.relative ? 1 : 0));
  }
}
