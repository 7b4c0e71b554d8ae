/**
 * The light part of the agent core's public interface: text chunking alone,
 * with no other dependency. agent-host/index.ts re-exports it too; a worker
 * thread imports this file instead, so its bundle does not carry the whole
 * core (ajv, zod, the MCP SDK) and their heap at every start.
 */
export { chunkText, DEFAULT_CHUNK_OPTIONS, type ChunkOptions, type TextChunk } from './search/chunkText';
