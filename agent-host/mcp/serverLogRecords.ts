import type { LoggingMessageNotification } from '@modelcontextprotocol/sdk/types.js';
import { MCP_LOG_LEVELS, type McpLogLevel } from '../../protocol/lspMethods';

/** A record's text (its data, JSON when not a string) is cut at this many characters. */
export const MAX_LOG_RECORD_CHARS = 2_000;
const MAX_LOGGER_CHARS = 100;
/** A burst of this many records is shown at once… */
const BURST = 50;
/** …then this many a second: enough to read, too few to bury the output channel or grow its memory. */
const PER_SECOND = 5;
/** How often the count of records that were not shown is reported, while there is one. */
const DROPPED_REPORT_MS = 5_000;

export const DEFAULT_MCP_LOG_LEVEL: McpLogLevel = 'warning';

/** The level to send with `logging/setLevel`: `off` asks for the least (emergencies), of which none are shown. */
export function requestedLevel(level: McpLogLevel): Exclude<McpLogLevel, 'off'> {
  return level === 'off' ? 'emergency' : level;
}

function severity(level: string): number {
  return (MCP_LOG_LEVELS as readonly string[]).indexOf(level);
}

/**
 * Control characters other than newline and tab are removed (terminal escapes
 * would recolour or rewrite the output), and every line after the first is
 * indented, so a server cannot forge a line that looks like another server's.
 */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, '').replace(/\n/g, '\n    ');
}

function dataText(data: unknown): string {
  if (typeof data === 'string') return data;
  try {
    return JSON.stringify(data) ?? String(data);
  } catch {
    return String(data);
  }
}

/** One record as its line in the output: `[level] logger: text`, cut to MAX_LOG_RECORD_CHARS. */
export function formatLogRecord(params: LoggingMessageNotification['params']): string {
  const text = dataText(params.data);
  const shown = text.length > MAX_LOG_RECORD_CHARS ? `${text.slice(0, MAX_LOG_RECORD_CHARS)}… (cut: the message has ${text.length} characters)` : text;
  const logger = typeof params.logger === 'string' && params.logger.length > 0 ? `${clean(params.logger.slice(0, MAX_LOGGER_CHARS)).replace(/\n\s*/g, ' ')}: ` : '';
  return `[${params.level}] ${logger}${clean(shown)}`;
}

/**
 * One server's `notifications/message` records on their way to the log: those
 * below the chosen level are dropped (a server may ignore `logging/setLevel`),
 * the rest pass a token bucket (a burst, then a few a second). Records over the
 * rate are counted, never kept, and the count is reported every few seconds, so
 * a hostile server can flood neither the output nor the memory.
 */
export class ServerLogRecords {
  private tokens = BURST;
  private refilledAt = Date.now();
  private dropped = 0;
  private reportTimer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly level: () => McpLogLevel,
    private readonly write: (line: string) => void,
  ) {}

  receive(params: LoggingMessageNotification['params']): void {
    const threshold = this.level();
    if (threshold === 'off' || severity(params.level) < severity(threshold)) return;
    const now = Date.now();
    this.tokens = Math.min(BURST, this.tokens + ((now - this.refilledAt) / 1000) * PER_SECOND);
    this.refilledAt = now;
    if (this.tokens < 1) {
      this.dropped++;
      this.reportTimer ??= setTimeout(() => this.reportDropped(), DROPPED_REPORT_MS);
      this.reportTimer.unref?.();
      return;
    }
    this.tokens--;
    this.write(formatLogRecord(params));
  }

  /** Reports what was not shown, now (the server stopped) rather than later. */
  close(): void {
    clearTimeout(this.reportTimer);
    this.reportDropped();
  }

  private reportDropped(): void {
    this.reportTimer = undefined;
    if (this.dropped === 0) return;
    this.write(`${this.dropped} more log message${this.dropped === 1 ? '' : 's'} not shown: the server sent more than ${PER_SECOND} a second.`);
    this.dropped = 0;
  }
}
