/**
 * Structured JSON logs, one object per line. Callers pass fields, never
 * formatted strings with secrets in them; the redaction in `jsonLine` is a last line of defence
 * for fields whose names say they hold a credential.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_FIELD = /(api_?key|token|secret|password|authorization)/i;

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Whether a field's name says it holds a credential; field names come from code, so the answers are few and kept. */
const secretNames = new Map<string, boolean>();
function isSecretName(key: string): boolean {
  let secret = secretNames.get(key);
  if (secret === undefined) {
    secret = SECRET_FIELD.test(key);
    if (secretNames.size < 1024) secretNames.set(key, secret);
  }
  return secret;
}

/**
 * One JSON line: `head`'s fields, then `fields` with credentials redacted.
 * It builds one object instead of a redacted copy spread into another: the
 * team server writes several audit lines per chat turn for every developer.
 */
export function jsonLine(head: Record<string, unknown>, fields: object): string {
  return `${JSON.stringify(redactInto(head, fields as Record<string, unknown>))}\n`;
}

function redactInto(out: Record<string, unknown>, fields: Record<string, unknown>): Record<string, unknown> {
  for (const k in fields) if (Object.hasOwn(fields, k)) out[k] = isSecretName(k) ? '[redacted]' : fields[k];
  return out;
}

export function createLogger(level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const log = (lvl: LogLevel) => (msg: string, fields: Record<string, unknown> = {}) => {
    if (ORDER[lvl] < ORDER[level]) return;
    write(jsonLine({ time: new Date().toISOString(), level: lvl, msg }, fields));
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** A logger that drops everything (tests, benchmarks). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
