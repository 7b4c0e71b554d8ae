import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import type { SymbolDefinition } from './fileSymbols';
import { isSymbolKind } from './languageSpecs';
import type { IndexedFile } from './symbolTable';

/** Bumped whenever the queries or the record shape change, so an old cache is re-parsed rather than misread. */
export const INDEX_FORMAT_VERSION = 2;

/** The first line of the cache; every further line is one IndexedFile. */
interface CacheHeader {
  version: number;
  roots: string[];
}

/**
 * Lines are encoded into one reused buffer of this size and written when it
 * is full: a save never holds the whole index as one string, and leaves
 * behind no batch strings for the garbage collector (a save runs every few
 * seconds during a build, and its garbage is what made the heap, and the
 * process's peak RSS, grow past the index itself).
 */
const WRITE_BUFFER_BYTES = 64 * 1024;

/**
 * The index on disk, under the extension's storage (never in the workspace):
 * one JSON-lines file per set of workspace folders, a header line and then
 * one line per file. It is written whole, through a temporary file and a
 * rename, during indexing (every few seconds) and after it, so a language
 * server killed half-way resumes from what it had finished, and a crash
 * mid-write leaves the previous cache, never half of one. It is streamed in
 * both directions, a line at a time, so saving or loading a large index
 * never holds it twice in memory. A cache that cannot be read is ignored
 * (the index is rebuilt); a line that cannot be read is skipped (that file
 * is parsed again).
 */
export class IndexCache {
  readonly file: string;

  constructor(storageDir: string, private readonly roots: readonly string[]) {
    const id = createHash('sha256').update(JSON.stringify([...roots].sort())).digest('hex').slice(0, 16);
    this.file = path.join(storageDir, 'code-index', `${id}.jsonl`);
  }

  /**
   * The cached records, those `keep` accepts only: a cache read while the
   * table already holds most of its files (after a folder was added) keeps
   * just the missing ones, so the index is never in memory twice.
   */
  async load(keep: (record: IndexedFile) => boolean = () => true): Promise<IndexedFile[]> {
    const files: IndexedFile[] = [];
    const stream = createReadStream(this.file, { encoding: 'utf8' });
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    try {
      let header = true;
      for await (const line of lines) {
        if (header) {
          const parsed = JSON.parse(line) as CacheHeader;
          if (parsed.version !== INDEX_FORMAT_VERSION) return [];
          header = false;
          continue;
        }
        try {
          const record = JSON.parse(line) as unknown;
          if (isIndexedFile(record) && keep(record)) files.push(record);
        } catch {
          // One damaged line costs one file's parse, not the whole cache.
        }
      }
      return files;
    } catch {
      return [];
    } finally {
      lines.close();
      stream.destroy();
    }
  }

  async save(files: Iterable<IndexedFile>): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${randomBytes(4).toString('hex')}.tmp`;
    const handle = await fs.open(temp, 'w');
    try {
      const buffer = Buffer.allocUnsafeSlow(WRITE_BUFFER_BYTES);
      let used = 0;
      const flush = async () => {
        for (let written = 0; written < used; ) written += (await handle.write(buffer, written, used - written)).bytesWritten;
        used = 0;
      };
      const header: CacheHeader = { version: INDEX_FORMAT_VERSION, roots: [...this.roots] };
      for (const line of cacheLines(header, files)) {
        const bytes = Buffer.byteLength(line);
        if (used + bytes > buffer.length) await flush();
        if (bytes > buffer.length) {
          // A line longer than the buffer (a file with thousands of symbols) is written on its own.
          await handle.write(line);
          continue;
        }
        used += buffer.write(line, used);
      }
      await flush();
      await handle.close();
      await fs.rename(temp, this.file);
    } catch (e) {
      await handle.close().catch(() => undefined);
      await fs.rm(temp, { force: true });
      throw e;
    }
  }

  async remove(): Promise<void> {
    await fs.rm(this.file, { force: true });
  }
}

/** The cache's lines, header first, each with its newline. */
function* cacheLines(header: CacheHeader, files: Iterable<IndexedFile>): Generator<string> {
  yield `${JSON.stringify(header)}\n`;
  for (const file of files) yield `${JSON.stringify(file)}\n`;
}

/**
 * Whether a parsed line is a record as `save` writes it, down to each
 * definition and import, with a path that stays inside its folder. A record
 * of another shape is skipped like an unreadable line: one whose definitions
 * held a null made every build fail as it loaded the cache ("Indexing failed:
 * Cannot read properties of null"), and the failed build never wrote the
 * cache again, so the index stayed broken across restarts.
 */
function isIndexedFile(value: unknown): value is IndexedFile {
  const f = value as IndexedFile;
  return (
    typeof f === 'object' &&
    f !== null &&
    typeof f.root === 'string' &&
    isFolderPath(f.relative) &&
    typeof f.size === 'number' &&
    typeof f.mtimeMs === 'number' &&
    typeof f.hash === 'string' &&
    typeof f.symbols === 'object' &&
    f.symbols !== null &&
    typeof f.symbols.language === 'string' &&
    Array.isArray(f.symbols.definitions) &&
    f.symbols.definitions.every(isDefinition) &&
    Array.isArray(f.symbols.imports) &&
    f.symbols.imports.every((i) => typeof i === 'string') &&
    typeof f.symbols.references === 'string'
  );
}

function isDefinition(value: unknown): value is SymbolDefinition {
  const d = value as SymbolDefinition;
  return typeof d === 'object' && d !== null && typeof d.name === 'string' && isSymbolKind(d.kind) && Number.isSafeInteger(d.line) && typeof d.signature === 'string';
}

/** A `/`-separated path relative to the folder, with no `.`, `..` or empty segment. */
function isFolderPath(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && !value.includes('\0') && value.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}
