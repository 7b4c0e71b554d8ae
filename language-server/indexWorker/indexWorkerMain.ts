/**
 * The index worker's entry (bundled as dist/index-worker.js): tree-sitter
 * parsing and chunking run here, off the language server's main thread, so
 * chat and LSP requests never wait behind a large file. The main thread
 * (indexWorker.ts) reads the files, sends their bytes, and merges the
 * results into the indexes.
 */
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { SymbolParser } from '../codeIndex/symbolParser';
import type { IndexWorkerData, IndexWorkerReply, IndexWorkerRequest } from './indexWorkerMessages';
import { runIndexJob } from './indexWorkerJobs';

const port = parentPort;
if (port) {
  const { wasmDir, recycleAboveBytes } = workerData as IndexWorkerData;
  const parser = new SymbolParser(wasmDir);
  port.on('message', (request: IndexWorkerRequest) => {
    void runIndexJob(parser, request).then((reply) => {
      // WebAssembly memory is counted as this isolate's external memory; it is returned only when the worker stops.
      const recycle = getHeapStatistics().external_memory > recycleAboveBytes;
      port.postMessage(recycle ? { ...reply, recycle } : reply);
    });
  });
  port.postMessage({ kind: 'ready' } satisfies IndexWorkerReply);
}
