// The light entry of the agent core's public interface: agent-host/index.ts would bundle the whole core into the worker.
import { chunkText } from '../../agent-host/textChunks';
import { INDEXED_LANGUAGES } from '../codeIndex/languageSpecs';
import { SymbolParser } from '../codeIndex/symbolParser';
import type { IndexWorkerReply, IndexWorkerRequest } from './indexWorkerMessages';

/**
 * Runs one request inside the index worker. A thrown error (a grammar that
 * fails to load, a WASM trap) becomes a `failed` reply for that file; only
 * a crash of the whole worker is handled by the main thread.
 */
export async function runIndexJob(parser: SymbolParser, request: IndexWorkerRequest): Promise<IndexWorkerReply> {
  try {
    const text = Buffer.from(request.content.buffer, request.content.byteOffset, request.content.byteLength).toString('utf8');
    if (request.kind === 'chunks') return { id: request.id, kind: 'chunks', chunks: chunkText(request.relativePath, text, { maxTokens: request.maxTokens }) };
    const spec = INDEXED_LANGUAGES.find((l) => l.id === request.language);
    if (!spec) return { id: request.id, kind: 'failed', message: `no grammar for ${request.language}` };
    return { id: request.id, kind: 'symbols', symbols: await parser.parse(spec, text) };
  } catch (e) {
    return { id: request.id, kind: 'failed', message: (e as Error).message };
  }
}
