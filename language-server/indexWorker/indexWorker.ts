import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { TextChunk } from '../../agent-host';
import type { FileSymbols } from '../codeIndex/fileSymbols';
import type { LanguageSpec } from '../codeIndex/languageSpecs';
import type { IndexWorkerData, IndexWorkerReply, IndexWorkerRequest } from './indexWorkerMessages';

/** The worker died (or was stopped) while working on this file: the caller skips the file and notes it. */
export class IndexWorkerCrashed extends Error {}

/** The worker could not start at all: no file is to blame, so the caller's build fails with this message. */
export class IndexWorkerUnavailable extends Error {}

export interface IndexWorkerOptions {
  /** The worker's bundle (dist/index-worker.js next to the language server's). */
  script: string;
  /** Where tree-sitter.wasm and the grammars are. */
  wasmDir: string;
  /**
   * The worker's JavaScript heap limits: a file that makes it use more ends
   * that worker (and is skipped), never the language server. WebAssembly
   * memory is outside these limits; it is bounded by the file-size cap
   * (only the largest single parse counts) and returned when the worker stops.
   */
  resourceLimits?: ResourceLimits;
  /** A file that takes longer stops the worker and is skipped (the parser's own budget is 2 s per parse and query). */
  jobTimeoutMs?: number;
  /** The worker is stopped after this long without work, which gives its memory back; the next file starts a new one. */
  idleMs?: number;
  /**
   * The worker is replaced after a file that leaves more than this much
   * memory outside its JS heap (tree-sitter's WASM memory starts at 32 MB
   * and only grows, to what the largest parse so far needed), so a large
   * file's parse does not keep that memory for the rest of the build.
   */
  recycleAboveMb?: number;
  /**
   * A worker is replaced only once it has served this many files (default
   * 20): a new worker costs about half a CPU-second (tree-sitter and its
   * grammars compile again), so a tree of only large files is not slowed by
   * a new worker after each of them.
   */
  recycleMinJobs?: number;
  log?: (message: string) => void;
}

export const DEFAULT_WORKER_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 8, stackSizeMb: 4 };

/** A fresh worker's external memory is about 35 MB (the WASM memory's initial 32 MB and the runtime's buffers). */
export const DEFAULT_RECYCLE_ABOVE_MB = 48;

type Request = IndexWorkerRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

interface Job {
  request: Request;
  signal?: AbortSignal;
  resolve: (reply: IndexWorkerReply) => void;
  reject: (error: Error) => void;
  /** Set while it is queued, so an abort can take it out of the queue. */
  onAbort?: () => void;
}

interface Running {
  thread: Worker;
  ready: boolean;
  /** Why the main thread stopped it, when it did (timeout, cancel, idle, dispose). */
  stopping?: string;
  /** Why it crashed, from its 'error' event. */
  error?: Error;
  stderr: string;
  /** Replies it has sent. */
  jobs: number;
}

/**
 * The language server's index worker: one worker thread that parses files
 * with tree-sitter and cuts them into chunks for both indexes, one file at a
 * time, while the main thread only reads files and merges results. It is
 * started on the first file and stopped after `idleMs` without work. When it
 * crashes (out of memory under `resourceLimits`, an uncaught error, a hang
 * past `jobTimeoutMs`), the file it was working on is rejected with
 * `IndexWorkerCrashed` and the next file starts a new worker. A job whose
 * signal aborts is dropped from the queue, or, when it is running, its
 * worker is stopped at once.
 */
export class IndexWorker {
  private running: Running | undefined;
  private readonly queue: Job[] = [];
  private current: { id: number; job: Job; timer: NodeJS.Timeout; running: Running } | undefined;
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  /** How many workers were started (the benchmark and tests read it). */
  started = 0;
  /** How many were replaced because their memory grew (see `recycleAboveMb`). */
  recycled = 0;

  constructor(private readonly options: IndexWorkerOptions) {}

  /** Whether a worker thread is running now (it stops after `idleMs` without work). */
  get alive(): boolean {
    return this.running !== undefined;
  }

  /**
   * The symbols of one file. `content`'s buffer is handed to the worker (a
   * Uint8Array is unusable afterwards), so nothing is copied.
   */
  async symbols(spec: LanguageSpec, content: string | Uint8Array, signal?: AbortSignal): Promise<FileSymbols> {
    const reply = await this.run({ kind: 'symbols', language: spec.id, content: asBytes(content) }, signal);
    if (reply.kind !== 'symbols') throw new Error(`unexpected reply from the index worker: ${reply.kind}`);
    return reply.symbols;
  }

  /** The chunks of one file for the codebase index (see chunkText); `content` is handed over as for `symbols`. */
  async chunks(relativePath: string, content: string | Uint8Array, maxTokens: number, signal?: AbortSignal): Promise<TextChunk[]> {
    const reply = await this.run({ kind: 'chunks', relativePath, content: asBytes(content), maxTokens }, signal);
    if (reply.kind !== 'chunks') throw new Error(`unexpected reply from the index worker: ${reply.kind}`);
    return reply.chunks;
  }

  /**
   * Stops the worker now if it has nothing to do. A caller that has just
   * finished a batch (a build) gives back at once the memory its parses
   * grew (the worker's heap and tree-sitter's WASM memory, tens of MB after
   * thousands of files) rather than `idleMs` later, when the ranking or a
   * restart would otherwise add to it; the next file starts a new worker.
   */
  release(): void {
    if (this.current || this.queue.length > 0) return;
    clearTimeout(this.idleTimer);
    void this.stop('idle');
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.idleTimer);
    for (const job of this.queue.splice(0)) job.reject(new Error('The index worker was stopped.'));
    await this.stop('the language server is stopping');
  }

  private run(request: Request, signal?: AbortSignal): Promise<IndexWorkerReply> {
    if (this.disposed) return Promise.reject(new Error('The index worker was stopped.'));
    signal?.throwIfAborted();
    return new Promise<IndexWorkerReply>((resolve, reject) => {
      const job: Job = { request, signal, resolve, reject };
      if (signal) {
        job.onAbort = () => {
          const at = this.queue.indexOf(job);
          if (at >= 0) {
            this.queue.splice(at, 1);
            reject(abortError(signal));
          } else if (this.current?.job === job) {
            // Parsing is synchronous WASM work: stopping the worker is the only way to stop it now.
            void this.stop('cancelled');
          }
        };
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.pump();
    });
  }

  private pump(): void {
    if (this.current || this.disposed) return;
    const job = this.queue.shift();
    if (!job) {
      this.scheduleIdleStop();
      return;
    }
    clearTimeout(this.idleTimer);
    let running: Running;
    try {
      running = this.running ?? this.start();
    } catch (e) {
      this.settle(job, undefined, new IndexWorkerUnavailable(`The index worker could not start: ${(e as Error).message}`));
      return this.pump();
    }
    const id = this.nextId++;
    const timeoutMs = this.options.jobTimeoutMs ?? 30_000;
    const timer = setTimeout(() => void this.stop(`it took longer than ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
    this.current = { id, job, timer, running };
    running.thread.ref();
    try {
      running.thread.postMessage({ ...job.request, id }, [job.request.content.buffer as ArrayBuffer]);
    } catch (e) {
      // pump() also runs from the worker's events: an error here must reach the caller, never escape as uncaught.
      this.settle(job, undefined, e as Error);
      this.pump();
    }
  }

  private start(): Running {
    const thread = new Worker(this.options.script, {
      workerData: { wasmDir: this.options.wasmDir, recycleAboveBytes: (this.options.recycleAboveMb ?? DEFAULT_RECYCLE_ABOVE_MB) * 1024 * 1024 } satisfies IndexWorkerData,
      resourceLimits: this.options.resourceLimits ?? DEFAULT_WORKER_LIMITS,
      // The language server may speak LSP over its own stdout: nothing the worker prints may reach it.
      stdout: true,
      stderr: true,
    });
    this.started++;
    const running: Running = { thread, ready: false, stderr: '', jobs: 0 };
    thread.stdout.resume();
    thread.stderr.on('data', (chunk: Buffer) => (running.stderr = (running.stderr + chunk.toString('utf8')).slice(-2000)));
    thread.on('message', (reply: IndexWorkerReply) => this.onReply(running, reply));
    thread.on('error', (error: Error) => (running.error = error));
    thread.on('exit', (code) => this.onExit(running, code));
    this.running = running;
    return running;
  }

  private onReply(running: Running, reply: IndexWorkerReply): void {
    if (reply.kind === 'ready') {
      running.ready = true;
      return;
    }
    const current = this.current;
    if (!current || current.id !== reply.id) return;
    this.settle(current.job, reply, reply.kind === 'failed' ? new Error(reply.message) : undefined);
    running.jobs++;
    // Stopped after its reply, with no job of its own: the next file starts a new worker, and nothing is lost.
    if (reply.recycle && running.jobs >= (this.options.recycleMinJobs ?? 20)) {
      this.recycled++;
      void this.stop('its memory grew');
    }
    this.pump();
  }

  private onExit(running: Running, code: number): void {
    if (this.running === running) this.running = undefined;
    const current = this.current;
    // A worker stopped while idle exits with no job of its own, even if a new worker already has one.
    if (!current || current.running !== running) return;
    const why = running.stopping ?? describeCrash(running, code);
    if (running.stopping === 'cancelled' && current.job.signal?.aborted) {
      this.settle(current.job, undefined, abortError(current.job.signal));
    } else if (!running.ready && !running.stopping) {
      this.settle(current.job, undefined, new IndexWorkerUnavailable(`The index worker could not start: ${why}`));
    } else {
      this.options.log?.(`Index worker stopped while reading a file (${why}); the file is skipped and a new worker takes the next one.`);
      this.settle(current.job, undefined, new IndexWorkerCrashed(`the parser stopped on this file (${why})`));
    }
    this.pump();
  }

  private settle(job: Job, reply: IndexWorkerReply | undefined, error: Error | undefined): void {
    if (this.current?.job === job) {
      clearTimeout(this.current.timer);
      this.current = undefined;
    }
    if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
    if (error) job.reject(error);
    else job.resolve(reply!);
  }

  private async stop(reason: string): Promise<void> {
    const running = this.running;
    if (!running) return;
    running.stopping ??= reason;
    // Detached at once: a file that arrives while this one exits starts a new worker instead of going to a dying one.
    this.running = undefined;
    await running.thread.terminate();
  }

  private scheduleIdleStop(): void {
    const running = this.running;
    if (!running) return;
    // Idle: the worker must not keep the process alive, and after a while its memory goes back.
    running.thread.unref();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.stop('idle'), this.options.idleMs ?? 30_000);
    this.idleTimer.unref?.();
  }
}

/** The bytes to hand over: a Uint8Array that owns its whole buffer is transferred as is, anything else copied once. */
function asBytes(content: string | Uint8Array): Uint8Array {
  if (typeof content === 'string') return new TextEncoder().encode(content);
  // A view into a larger buffer (Node's shared pool for small Buffers) must not be transferred: copy it.
  return content.byteOffset === 0 && content.byteLength === content.buffer.byteLength && content.buffer instanceof ArrayBuffer ? content : content.slice();
}

function describeCrash(running: Running, code: number): string {
  const error = running.error as (Error & { code?: string }) | undefined;
  if (error?.code === 'ERR_WORKER_OUT_OF_MEMORY') return 'it ran out of its memory limit';
  if (error) return error.message;
  const stderr = running.stderr.trim().split('\n').at(-1);
  return `exit code ${code}${stderr ? `: ${stderr}` : ''}`;
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('Cancelled.');
}
