import { createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

/** Bump when the files' shape changes: an index of another format is rebuilt, never misread. */
export const INDEX_FORMAT = 1;

/** What an index was built with; a change of either rebuilds it. */
export interface IndexHeader {
  format: number;
  /** The workspace folder this index describes (information only: the folder name is a hash of it). */
  root: string;
  /** The embedding model, or null when the index was built for full-text only. */
  model: string | null;
  /** Length of every vector; 0 until the first embedding arrived. */
  dimension: number;
  /** Which log and vector files are current (bumped by compaction). */
  generation: number;
}

export interface StoredChunk {
  startLine: number;
  endLine: number;
  text: string;
}

/** One indexed file as the log records it: `vectorRow` is the first of `chunks.length` rows, or -1 without embeddings. */
export interface FileRecord {
  path: string;
  mtimeMs: number;
  size: number;
  chunks: StoredChunk[];
  vectorRow: number;
}

type LogLine = { t: 'put'; path: string; mtimeMs: number; size: number; v: number; chunks: [number, number, string][] } | { t: 'del'; path: string };

export interface OpenedStore {
  store: IndexStore;
  /** The files the log holds, in the order they were last written. */
  files: FileRecord[];
  /** All vectors, `dimension` floats per row (rows of replaced files included until compaction). */
  vectors: Float32Array;
  /** Set when the index on disk was discarded: why, in words for the user. */
  rebuiltBecause?: string;
}

/**
 * The index of one workspace folder on disk, under the extension's storage
 * (never in the workspace): `header.json`, an append-only JSON-lines log of
 * file records (`log-<generation>.jsonl`) and an append-only file of
 * little-endian float32 vectors (`vectors-<generation>.f32`).
 *
 * Crash safety without a database: a file's vectors are appended before
 * the log line that refers to them, so a crash leaves at worst unreferenced
 * rows or a torn last line, both of which `open` cuts off; every file the log
 * names is complete and is not embedded again after a restart. The header
 * is replaced by an atomic rename, and compaction writes a new generation
 * beside the current one and switches to it by that rename, so a crash at
 * any point leaves one consistent generation.
 */
export class IndexStore {
  private log?: fs.FileHandle;
  private vectorFile?: fs.FileHandle;
  private rows: number;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dir: string,
    private header: IndexHeader,
    rows: number,
  ) {
    this.rows = rows;
  }

  get model(): string | null {
    return this.header.model;
  }

  get dimension(): number {
    return this.header.dimension;
  }

  /** Rows in the vector file, live or dead. */
  get rowCount(): number {
    return this.rows;
  }

  /**
   * Opens (or creates) the index in `dir` for `model`. An index of another
   * format, model or unreadable header is discarded and `rebuiltBecause` says why.
   */
  static async open(dir: string, root: string, model: string | null): Promise<OpenedStore> {
    await fs.mkdir(dir, { recursive: true });
    let header: IndexHeader | undefined;
    let rebuiltBecause: string | undefined;
    try {
      header = JSON.parse(await fs.readFile(path.join(dir, 'header.json'), 'utf8')) as IndexHeader;
      if (!isHeader(header)) {
        rebuiltBecause = 'the index header could not be read';
        header = undefined;
      } else if (header.format !== INDEX_FORMAT) {
        rebuiltBecause = 'the index was written by another version of Hearth';
        header = undefined;
      } else if (header.model !== model) {
        rebuiltBecause = `the embedding model changed from ${header.model ?? 'none'} to ${model ?? 'none'}`;
        header = undefined;
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') rebuiltBecause = 'the index header could not be read';
    }
    if (!header) {
      header = { format: INDEX_FORMAT, root, model, dimension: 0, generation: 1 };
      await IndexStore.clearGenerations(dir, -1);
      await writeJsonAtomically(path.join(dir, 'header.json'), header);
    }
    const store = new IndexStore(dir, header, 0);
    const { files, vectors } = await store.load();
    // Generations other than the current one are leftovers of an interrupted compaction.
    await IndexStore.clearGenerations(dir, header.generation);
    return { store, files, vectors, rebuiltBecause };
  }

  /**
   * Discards every record and vector and starts over for `model` with
   * `dimension` (the embedding model or its dimension changed).
   */
  async reset(model: string | null, dimension: number): Promise<void> {
    await this.serialize(async () => {
      await this.closeHandles();
      const generation = this.header.generation + 1;
      this.header = { ...this.header, model, dimension, generation };
      this.rows = 0;
      await writeJsonAtomically(path.join(this.dir, 'header.json'), this.header);
      await IndexStore.clearGenerations(this.dir, generation);
    });
  }

  /** Records the dimension the model answered with (the first embedding of a new index). */
  async setDimension(dimension: number): Promise<void> {
    await this.serialize(async () => {
      this.header = { ...this.header, dimension };
      await writeJsonAtomically(path.join(this.dir, 'header.json'), this.header);
    });
  }

  /**
   * Appends one file: its vectors first (if any), then the log line. Returns
   * the first vector row, or -1 without vectors.
   */
  put(record: Omit<FileRecord, 'vectorRow'>, vectors: Float32Array | null): Promise<number> {
    return this.serialize(async () => {
      let row = -1;
      if (vectors && vectors.length > 0) {
        if (this.header.dimension === 0 || vectors.length !== record.chunks.length * this.header.dimension) {
          throw new Error(`vectors of ${record.path} do not match the index's dimension ${this.header.dimension}`);
        }
        const handle = await this.vectorHandle();
        row = this.rows;
        await handle.write(Buffer.from(vectors.buffer, vectors.byteOffset, vectors.byteLength), 0, vectors.byteLength, row * this.header.dimension * 4);
        this.rows += record.chunks.length;
      }
      const line: LogLine = { t: 'put', path: record.path, mtimeMs: record.mtimeMs, size: record.size, v: row, chunks: record.chunks.map((c) => [c.startLine, c.endLine, c.text]) };
      await (await this.logHandle()).appendFile(`${JSON.stringify(line)}\n`);
      return row;
    });
  }

  /** Records that a file left the index (deleted, now ignored, grown past the size cap). */
  remove(relativePath: string): Promise<void> {
    return this.serialize(async () => {
      const line: LogLine = { t: 'del', path: relativePath };
      await (await this.logHandle()).appendFile(`${JSON.stringify(line)}\n`);
    });
  }

  /**
   * Rewrites the index with only the live files (the last record of each
   * path) and their vectors, as a new generation, then switches to it with
   * one atomic rename of the header. Returns the new files and vectors.
   */
  compact(): Promise<{ files: FileRecord[]; vectors: Float32Array }> {
    return this.serialize(async () => {
      const { files, vectors } = await this.load();
      await this.closeHandles();
      const generation = this.header.generation + 1;
      const dim = this.header.dimension;
      const out = await fs.open(this.logPath(generation), 'w');
      const vec = await fs.open(this.vectorPath(generation), 'w');
      const kept: FileRecord[] = [];
      let rows = 0;
      try {
        for (const file of files) {
          let row = -1;
          if (file.vectorRow >= 0 && dim > 0) {
            const slice = vectors.subarray(file.vectorRow * dim, (file.vectorRow + file.chunks.length) * dim);
            await vec.write(Buffer.from(slice.buffer, slice.byteOffset, slice.byteLength));
            row = rows;
            rows += file.chunks.length;
          }
          const line: LogLine = { t: 'put', path: file.path, mtimeMs: file.mtimeMs, size: file.size, v: row, chunks: file.chunks.map((c) => [c.startLine, c.endLine, c.text]) };
          await out.appendFile(`${JSON.stringify(line)}\n`);
          kept.push({ ...file, vectorRow: row });
        }
        await out.sync();
        await vec.sync();
      } finally {
        await out.close();
        await vec.close();
      }
      this.header = { ...this.header, generation };
      await writeJsonAtomically(path.join(this.dir, 'header.json'), this.header);
      this.rows = rows;
      await IndexStore.clearGenerations(this.dir, generation);
      return this.load();
    });
  }

  async close(): Promise<void> {
    await this.serialize(() => this.closeHandles());
  }

  /** Replays the current generation, cutting off a torn tail of either file. */
  private async load(): Promise<{ files: FileRecord[]; vectors: Float32Array }> {
    const dim = this.header.dimension;
    let vectorBytes: Buffer = Buffer.alloc(0);
    try {
      vectorBytes = await fs.readFile(this.vectorPath());
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const rowBytes = dim * 4;
    const rows = rowBytes > 0 ? Math.floor(vectorBytes.length / rowBytes) : 0;
    if (rowBytes > 0 && vectorBytes.length !== rows * rowBytes) {
      // A vector write the crash cut short: no log line refers to it yet.
      await fs.truncate(this.vectorPath(), rows * rowBytes);
    }
    this.rows = rows;
    const vectors = new Float32Array(rows * dim);
    if (rows > 0) new Uint8Array(vectors.buffer).set(vectorBytes.subarray(0, rows * rowBytes));

    const byPath = new Map<string, FileRecord>();
    let goodBytes = 0;
    let torn = false;
    try {
      const lines = createInterface({ input: createReadStream(this.logPath(), { encoding: 'utf8' }), crlfDelay: Infinity });
      for await (const text of lines) {
        let line: LogLine;
        try {
          line = JSON.parse(text) as LogLine;
        } catch {
          torn = true;
          break;
        }
        goodBytes += Buffer.byteLength(text) + 1;
        // A whole line of another shape (damaged, or not written by this code) is passed over: throwing here
        // failed every open, so search stayed broken across restarts until the storage was deleted by hand.
        if (!isLogLine(line)) continue;
        if (line.t === 'del') {
          byPath.delete(line.path);
          continue;
        }
        // A record whose vectors are not all on disk is as good as absent: the file is indexed again.
        if (line.v >= 0 && line.v + line.chunks.length > rows) {
          byPath.delete(line.path);
          continue;
        }
        byPath.delete(line.path);
        byPath.set(line.path, {
          path: line.path,
          mtimeMs: line.mtimeMs,
          size: line.size,
          vectorRow: line.v,
          chunks: line.chunks.map(([startLine, endLine, chunkText]) => ({ startLine, endLine, text: chunkText })),
        });
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (torn) await fs.truncate(this.logPath(), goodBytes);
    else {
      // A last line without its newline (cut mid-write but still valid JSON) would merge with the next append.
      const stat = await fs.stat(this.logPath()).catch(() => undefined);
      if (stat && stat.size !== goodBytes) await fs.truncate(this.logPath(), goodBytes);
    }
    return { files: [...byPath.values()], vectors };
  }

  private logPath(generation = this.header.generation): string {
    return path.join(this.dir, `log-${generation}.jsonl`);
  }

  private vectorPath(generation = this.header.generation): string {
    return path.join(this.dir, `vectors-${generation}.f32`);
  }

  private async logHandle(): Promise<fs.FileHandle> {
    this.log ??= await fs.open(this.logPath(), 'a');
    return this.log;
  }

  private async vectorHandle(): Promise<fs.FileHandle> {
    // 'r+' after creating: positional writes at the row offset, never past a truncated tail.
    if (!this.vectorFile) {
      await fs.appendFile(this.vectorPath(), '');
      this.vectorFile = await fs.open(this.vectorPath(), 'r+');
    }
    return this.vectorFile;
  }

  private async closeHandles(): Promise<void> {
    await this.log?.close();
    await this.vectorFile?.close();
    this.log = undefined;
    this.vectorFile = undefined;
  }

  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Deletes log and vector files of every generation but `keep`. */
  private static async clearGenerations(dir: string, keep: number): Promise<void> {
    for (const name of await fs.readdir(dir)) {
      const m = /^(?:log|vectors)-(\d+)\.(?:jsonl|f32)$/.exec(name);
      if (m && Number(m[1]) !== keep) await fs.rm(path.join(dir, name), { force: true });
    }
  }
}

/** Writes JSON to a temporary file and renames it over `target`, so a reader sees the old or the new content, never half. */
async function writeJsonAtomically(target: string, value: unknown): Promise<void> {
  const tmp = `${target}.${process.pid}.tmp`;
  const handle = await fs.open(tmp, 'w');
  try {
    await handle.writeFile(JSON.stringify(value));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, target);
}

function isHeader(value: unknown): value is IndexHeader {
  const h = value as IndexHeader;
  return (
    typeof h === 'object' &&
    h !== null &&
    typeof h.format === 'number' &&
    (h.model === null || typeof h.model === 'string') &&
    Number.isSafeInteger(h.dimension) &&
    h.dimension >= 0 &&
    Number.isSafeInteger(h.generation) &&
    h.generation >= 1
  );
}

/**
 * Whether a parsed log line has the shape `put` and `remove` write, with a
 * path that stays inside the folder: a record naming `../x` or `/etc/x`
 * would otherwise be searchable, with whatever text it carries, until the
 * first sync's walk dropped it.
 */
function isLogLine(value: unknown): value is LogLine {
  const line = value as LogLine;
  if (typeof line !== 'object' || line === null || !isFolderPath(line.path)) return false;
  if (line.t === 'del') return true;
  return (
    line.t === 'put' &&
    Number.isFinite(line.mtimeMs) &&
    Number.isSafeInteger(line.size) &&
    Number.isSafeInteger(line.v) &&
    line.v >= -1 &&
    Array.isArray(line.chunks) &&
    line.chunks.every((c) => Array.isArray(c) && Number.isSafeInteger(c[0]) && Number.isSafeInteger(c[1]) && typeof c[2] === 'string')
  );
}

/** A `/`-separated path relative to the folder, with no `.`, `..` or empty segment. */
function isFolderPath(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && !value.includes('\0') && value.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}
