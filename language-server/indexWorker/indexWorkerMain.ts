/**
 * The index worker's entry (bundled as dist/index-worker.js): tree-sitter
 * parsing and chunking run here, off the language server's main thread, so
 * chat and LSP requests never wait behind a large file. The main thread
 * (indexWorker.ts) reads the files, sends their bytes, and merges the
 * results into the indexes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SymbolParser } from '../codeIndex/symbolParser';
import type { IndexWorkerData, IndexWorkerReply, IndexWorkerRequest } from './indexWorkerMessages';
import { runIndexJob } from './indexWorkerJobs';

const port = parentPort;
if (port) {
  const parser = new SymbolParser((workerData as IndexWorkerData).wasmDir);
  port.on('message', (request: IndexWorkerRequest) => {
    void runIndexJob(parser, request).then((reply) => port.postMessage(reply));
  });
  port.postMessage({ kind: 'ready' } satisfies IndexWorkerReply);
}
