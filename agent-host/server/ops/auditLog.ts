/**
 * The audit trail an admin keeps: who signed in (or failed to), token
 * refreshes and revocations, and which tools the agent asked a developer's
 * machine to run. It records names, outcomes and sizes, never API keys,
 * tokens, tool arguments or file contents.
 */
import { appendFileSync } from 'node:fs';
import { redact } from './logger';

export type AuditEvent =
  | { event: 'auth.success'; user: string; peer: string; client?: string }
  | { event: 'auth.failure'; peer: string; reason: string }
  | { event: 'token.refresh'; user: string; peer: string }
  | { event: 'token.refresh_failure'; peer: string; reason: string }
  | { event: 'tool.request'; user: string; turn: string; tool: string; callId: string; /** 'server' for the admin's MCP tools, which run next to the agent host; absent for tools run on the client. */ where?: 'server' }
  | { event: 'tool.result'; user: string; turn: string; tool: string; callId: string; isError: boolean; durationMs: number; contentChars: number }
  | { event: 'tool.timeout'; user: string; turn: string; tool: string; callId: string; /** The deadline that passed: the turn's tool timeout. */ timeoutMs: number }
  | { event: 'turn.start'; user: string; turn: string; model: string; tools: number; historyMessages: number }
  | { event: 'turn.end'; user: string; turn: string; reason: string; durationMs: number };

export interface AuditLog {
  record(event: AuditEvent): void;
}

export function createAuditLog(file: string, fallback: (line: string) => void = (l) => process.stderr.write(l)): AuditLog {
  return {
    record(event) {
      const line = `${JSON.stringify({ time: new Date().toISOString(), audit: true, ...redact(event as unknown as Record<string, unknown>) })}\n`;
      if (file) appendFileSync(file, line, { mode: 0o600 });
      else fallback(line);
    },
  };
}

export const nullAuditLog: AuditLog = { record() {} };
