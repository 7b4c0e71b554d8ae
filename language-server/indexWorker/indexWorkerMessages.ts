import type { TextChunk } from '../../agent-host';
import type { FileSymbols } from '../codeIndex/fileSymbols';

/**
 * The messages between the language server's main thread and its index
 * worker (indexWorkerMain.ts). Both ends are the language server's own code
 * in one process, so this contract lives beside them rather than in
 * protocol/, which holds the boundaries between processes.
 */

/** What the worker is started with (`workerData`). */
export interface IndexWorkerData {
  /** Where tree-sitter.wasm and the grammars are (dist/tree-sitter in the bundle). */
  wasmDir: string;
  /**
   * When the worker's memory outside its JS heap (tree-sitter's WASM memory,
   * which grows for a large file and never shrinks) is above this after a
   * job, its reply asks to be replaced, so one large file does not keep
   * that memory for the rest of the build.
   */
  recycleAboveBytes: number;
}

/** One file's content travels as bytes whose buffer is transferred, not copied, and is decoded in the worker. */
export type IndexWorkerRequest =
  | { id: number; kind: 'symbols'; language: string; content: Uint8Array }
  | { id: number; kind: 'chunks'; relativePath: string; content: Uint8Array; maxTokens: number };

export type IndexWorkerReply =
  /** Sent once, when the worker's code has loaded: a crash after it is blamed on the file being parsed. */
  | { kind: 'ready' }
  | IndexJobReply;

/** The answer to one request; `recycle` when the worker's memory grew past `recycleAboveBytes` (the main thread then replaces it). */
export type IndexJobReply = (
  | { id: number; kind: 'symbols'; symbols: FileSymbols }
  | { id: number; kind: 'chunks'; chunks: TextChunk[] }
  | { id: number; kind: 'failed'; message: string }
) & { recycle?: boolean };
