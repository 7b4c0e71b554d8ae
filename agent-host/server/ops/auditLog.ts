/**
 * The audit trail an admin keeps: who signed in (or failed to), token
 * refreshes and revocations, and which tools the agent asked a developer's
 * machine to run. It records names, outcomes and sizes, never API keys,
 * tokens, tool arguments or file contents.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { jsonLine } from './logger';

export type AuditEvent =
  | { event: 'auth.success'; user: string; peer: string; client?: string }
  /** `address`: the client a trusted balancer named (server.trusted_proxies), when that is not the peer. */
  | { event: 'auth.failure'; peer: string; address?: string; reason: string }
  | { event: 'token.refresh'; user: string; peer: string }
  | { event: 'token.refresh_failure'; peer: string; reason: string }
  | { event: 'tool.request'; user: string; turn: string; tool: string; callId: string; /** 'server' for the admin's MCP tools, which run next to the agent host; absent for tools run on the client. */ where?: 'server' }
  | { event: 'tool.result'; user: string; turn: string; tool: string; callId: string; isError: boolean; durationMs: number; contentChars: number; /** team_search: the passages returned. */ hits?: number; where?: 'server' }
  | { event: 'tool.timeout'; user: string; turn: string; tool: string; callId: string; /** The deadline that passed: the turn's tool timeout. */ timeoutMs: number }
  | { event: 'turn.start'; user: string; turn: string; model: string; mode?: string; tools: number; historyMessages: number }
  | { event: 'turn.end'; user: string; turn: string; reason: string; durationMs: number }
  /** An MCP sampling request of the developer's own MCP server, approved on their machine and answered here (AgentService.Sample). */
  | { event: 'sampling.start'; user: string; turn: string; model: string; mcpServer: string; messages: number; maxTokens: number }
  | { event: 'sampling.end'; user: string; turn: string; reason: string; durationMs: number }
  /** A developer read a resource or got a prompt of the admin's MCP servers (McpService). */
  | { event: 'mcp.resource.read'; user: string; server: string; uri: string; chars: number }
  | { event: 'mcp.prompt.get'; user: string; server: string; prompt: string; chars: number };

export interface AuditLog {
  record(event: AuditEvent): void;
  /** Resolves once every record so far is written (shutdown waits for it). */
  flush?(): Promise<void>;
}

/**
 * Records are stamped when they happen and appended in order, in batches,
 * through a file handle kept open for a few seconds at a time: a synchronous
 * append per record (open, write, close) blocked the event loop four times
 * per chat turn, for every developer at once. Reopening every few seconds
 * follows a log rotation that moved the file. A failed append is reported
 * once on stderr with the records it could not write, and later batches are
 * still tried.
 *
 * A batch is written at most every BATCH_MS (sooner once it holds
 * BATCH_BYTES): writing on the next tick instead sent one write per record
 * under load, each a trip through the thread pool, which cost the team server
 * about 5% of its CPU at 100 developers. A crash loses at most that window;
 * shutdown flushes.
 */
const REOPEN_AFTER_MS = 5_000;
const BATCH_MS = 25;
const BATCH_BYTES = 64 * 1024;

export function createAuditLog(file: string, fallback: (line: string) => void = (l) => process.stderr.write(l)): AuditLog {
  let batch: string[] = [];
  let batchBytes = 0;
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  let failing = false;
  let handle: { file: FileHandle; openedAt: number } | undefined;
  const append = async (lines: string) => {
    if (handle && Date.now() - handle.openedAt > REOPEN_AFTER_MS) {
      const old = handle;
      handle = undefined;
      await old.file.close().catch(() => undefined);
    }
    handle ??= { file: await open(file, 'a', 0o600), openedAt: Date.now() };
    try {
      await handle.file.write(lines);
    } catch (err) {
      const broken = handle;
      handle = undefined;
      await broken.file.close().catch(() => undefined);
      throw err;
    }
  };
  const writeBatch = () => {
    clearTimeout(timer);
    timer = undefined;
    const lines = batch.join('');
    batch = [];
    batchBytes = 0;
    writing = writing.then(async () => {
      try {
        await append(lines);
        failing = false;
      } catch (err) {
        if (!failing) fallback(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'audit file not writable; records follow on stderr', file, error: (err as Error).message })}\n`);
        failing = true;
        fallback(lines);
      }
    });
  };
  return {
    record(event) {
      const line = jsonLine({ time: new Date().toISOString(), audit: true }, event);
      if (!file) return fallback(line);
      batch.push(line);
      batchBytes += line.length;
      if (batchBytes >= BATCH_BYTES) writeBatch();
      else timer ??= setTimeout(writeBatch, BATCH_MS);
    },
    async flush() {
      if (batch.length > 0) writeBatch();
      await writing;
      const current = handle;
      handle = undefined;
      await current?.file.close().catch(() => undefined);
    },
  };
}

export const nullAuditLog: AuditLog = { record() {} };
