import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { IndexedFile } from './symbolTable';

/** Bumped whenever the queries or the record shape change, so an old cache is re-parsed rather than misread. */
export const INDEX_FORMAT_VERSION = 1;

interface CacheFile {
  version: number;
  roots: string[];
  files: IndexedFile[];
}

/**
 * The index on disk, under the extension's storage (never in the workspace):
 * one JSON file per set of workspace folders. It is written whole, through a
 * temporary file and a rename, during indexing (every few seconds) and after
 * it, so a language server killed half-way resumes from what it had
 * finished, and a crash mid-write leaves the previous cache, never half of
 * one. A cache that cannot be read is ignored (the index is rebuilt).
 */
export class IndexCache {
  readonly file: string;

  constructor(storageDir: string, private readonly roots: readonly string[]) {
    const id = createHash('sha256').update(JSON.stringify([...roots].sort())).digest('hex').slice(0, 16);
    this.file = path.join(storageDir, 'code-index', `${id}.json`);
  }

  async load(): Promise<IndexedFile[]> {
    try {
      const parsed = JSON.parse(await fs.readFile(this.file, 'utf8')) as CacheFile;
      if (parsed.version !== INDEX_FORMAT_VERSION || !Array.isArray(parsed.files)) return [];
      return parsed.files.filter(isIndexedFile);
    } catch {
      return [];
    }
  }

  async save(files: Iterable<IndexedFile>): Promise<void> {
    const data: CacheFile = { version: INDEX_FORMAT_VERSION, roots: [...this.roots], files: [...files] };
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await fs.writeFile(temp, JSON.stringify(data));
      await fs.rename(temp, this.file);
    } catch (e) {
      await fs.rm(temp, { force: true });
      throw e;
    }
  }

  async remove(): Promise<void> {
    await fs.rm(this.file, { force: true });
  }
}

function isIndexedFile(value: unknown): value is IndexedFile {
  const f = value as IndexedFile;
  return (
    typeof f === 'object' &&
    f !== null &&
    typeof f.root === 'string' &&
    typeof f.relative === 'string' &&
    typeof f.size === 'number' &&
    typeof f.mtimeMs === 'number' &&
    typeof f.hash === 'string' &&
    typeof f.symbols === 'object' &&
    f.symbols !== null &&
    Array.isArray(f.symbols.definitions) &&
    Array.isArray(f.symbols.imports) &&
    typeof f.symbols.references === 'object'
  );
}
