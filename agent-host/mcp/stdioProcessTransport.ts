import { spawn, type ChildProcess } from 'node:child_process';
import { getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export interface StdioProcessParams {
  command: string;
  args: string[];
  /** Added to the SDK's minimal inherited environment (PATH, HOME, USER, SHELL, TERM, LOGNAME). */
  env: Record<string, string>;
  cwd?: string;
  /** One line the server wrote to stderr. */
  onStderrLine(line: string): void;
  /** Time between SIGTERM and SIGKILL on close. */
  killGraceMs: number;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * The largest JSON-RPC message read from a server: a tool result bigger than
 * this would only be clipped before the model sees it, and buffering it whole
 * is how a server could exhaust the language server's memory.
 */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/**
 * Messages to a server it has not read yet. Hearth sends a request at a time
 * and answers the server's own requests, so a real server is never far
 * behind; thousands waiting means it has stopped reading.
 */
const MAX_UNSENT_MESSAGES = 1000;
const MAX_STDERR_LINE = 2000;
/** A server that floods stderr must not flood the editor's output channel. */
const MAX_STDERR_LINES_PER_SECOND = 50;
const isWindows = process.platform === 'win32';

/** Process groups of running servers, killed if this process exits so no server outlives it. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(isWindows ? pid : -pid, signal);
  } catch {
    // Already gone.
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const pid of liveGroups) signalGroup(pid, 'SIGKILL');
  });
}

/**
 * The MCP stdio transport, with the process handling Hearth needs: the
 * server is spawned without a shell, as the leader of its own process group,
 * so stopping it also stops what it started (an `npx` wrapper's real server,
 * for instance); its exit code or signal is kept so a crash can be explained;
 * and stderr arrives line by line for the output channel. Message framing is
 * the SDK's own (ReadBuffer, serializeMessage).
 */
export class StdioProcessTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private child?: ChildProcess;
  // Sized so that it never refuses what `lineBytes` lets through; `lineBytes` is the cap that applies.
  private readonly buffer = new ReadBuffer({ maxBufferSize: MAX_MESSAGE_BYTES + 4 * 1024 * 1024 });
  /** Bytes of the message being received (since the last newline). */
  private lineBytes = 0;
  /** Why this transport stopped the server itself (a message over the cap, replies it does not read), for the error the calls get. */
  stopReason?: string;
  /** Messages written to the server's stdin and not yet taken by it. */
  private unsent = 0;
  private closed = false;
  private exited?: Promise<void>;
  exit?: ProcessExit;

  constructor(private readonly params: StdioProcessParams) {}

  get pid(): number | undefined {
    return this.exit ? undefined : this.child?.pid;
  }

  start(): Promise<void> {
    if (this.child) throw new Error('The MCP stdio transport was already started.');
    const { command, args, env, cwd } = this.params;
    return new Promise<void>((resolve, reject) => {
      const child = spawn(command, args, {
        cwd,
        env: { ...getDefaultEnvironment(), ...env },
        stdio: ['pipe', 'pipe', 'pipe'],
        shell: false,
        detached: !isWindows,
        windowsHide: true,
      });
      this.child = child;
      this.exited = new Promise<void>((done) => child.once('close', () => done()));
      child.once('error', (err: NodeJS.ErrnoException) => {
        // A missing or non-executable program will not appear by retrying: such failures are marked permanent.
        const explained =
          err.code === 'ENOENT' || err.code === 'EACCES'
            ? Object.assign(new Error(err.code === 'ENOENT' ? `${command} was not found (check the command, the cwd and PATH)` : `${command} is not executable`), { permanent: true })
            : err;
        reject(explained);
        this.onerror?.(explained);
      });
      child.once('spawn', () => {
        if (child.pid !== undefined) {
          liveGroups.add(child.pid);
          installExitHook();
        }
        resolve();
      });
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        if (child.pid !== undefined) {
          // Whatever the server started dies with it rather than lingering, holding our pipes open.
          if (!isWindows) signalGroup(child.pid, 'SIGKILL');
          liveGroups.delete(child.pid);
        }
      });
      child.once('close', () => {
        if (this.closed) return;
        this.closed = true;
        this.onclose?.();
      });
      child.stdin!.on('error', (err) => this.onerror?.(err));
      child.stdout!.on('data', (chunk: Buffer) => {
        if (this.stopReason) return;
        if (!this.withinCap(chunk)) {
          // Refused while reading, before the bytes pile up: the server is stopped (and restarted by the
          // connection), so the call waiting for this message ends with an error that says why.
          this.stopReason = `it sent a message larger than ${Math.round(MAX_MESSAGE_BYTES / (1024 * 1024))} MB, more than Hearth reads from an MCP server`;
          this.buffer.clear();
          this.onerror?.(new Error(`The MCP server ${this.stopReason}.`));
          void this.close();
          return;
        }
        this.buffer.append(chunk);
        for (;;) {
          let message: JSONRPCMessage | null;
          try {
            message = this.buffer.readMessage();
          } catch (err) {
            // A line that is not JSON-RPC (a stray console.log) is reported and skipped.
            this.onerror?.(err as Error);
            continue;
          }
          if (message === null) break;
          this.onmessage?.(message);
        }
      });
      this.pipeStderr(child);
    });
  }

  /** Whether every message `chunk` ends or continues stays within the cap. */
  private withinCap(chunk: Buffer): boolean {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) {
        this.lineBytes += chunk.length - start;
        return this.lineBytes <= MAX_MESSAGE_BYTES;
      }
      if (this.lineBytes + (nl - start) > MAX_MESSAGE_BYTES) return false;
      this.lineBytes = 0;
      start = nl + 1;
    }
  }

  private pipeStderr(child: ChildProcess): void {
    let partial = '';
    let windowStart = Date.now();
    let inWindow = 0;
    let dropped = 0;
    const emit = (line: string) => {
      const now = Date.now();
      if (now - windowStart >= 1000) {
        if (dropped > 0) this.params.onStderrLine(`[${dropped} stderr lines dropped]`);
        windowStart = now;
        inWindow = 0;
        dropped = 0;
      }
      if (++inWindow > MAX_STDERR_LINES_PER_SECOND) {
        dropped++;
        return;
      }
      this.params.onStderrLine(line.length > MAX_STDERR_LINE ? `${line.slice(0, MAX_STDERR_LINE)}…` : line);
    };
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      partial += text;
      const lines = partial.split(/\r?\n/);
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') emit(line);
      if (partial.length > MAX_STDERR_LINE) {
        emit(partial);
        partial = '';
      }
    });
    child.stderr!.on('end', () => {
      if (partial.trim() !== '') emit(partial);
      if (dropped > 0) this.params.onStderrLine(`[${dropped} stderr lines dropped]`);
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || this.exit || stdin.destroyed) return Promise.reject(new Error('The MCP server is not running.'));
    if (this.stopReason) return Promise.reject(new Error(`The MCP server ${this.stopReason}.`));
    if (this.unsent >= MAX_UNSENT_MESSAGES || stdin.writableLength > MAX_MESSAGE_BYTES) {
      // What the server has not read waits here, in this process, with the SDK's state for the request each reply
      // answers (kilobytes a ping): a server that keeps sending requests and never reads the replies would have
      // them pile up until the language server runs out of memory. It is stopped like one that sends too much,
      // and restarted by the connection.
      this.stopReason = 'it stopped reading what Hearth sends while it kept sending requests';
      this.buffer.clear();
      this.onerror?.(new Error(`The MCP server ${this.stopReason}.`));
      void this.close();
      return Promise.reject(new Error(`The MCP server ${this.stopReason}.`));
    }
    this.unsent++;
    return new Promise<void>((resolve, reject) => {
      stdin.write(serializeMessage(message), (err) => {
        this.unsent--;
        if (err) reject(err);
        else resolve();
      });
    });
  }

  /**
   * Stops the server: stdin is closed (well-behaved servers exit on that),
   * then the process group gets SIGTERM, and SIGKILL after the grace period.
   */
  async close(): Promise<void> {
    const child = this.child;
    if (!child || !this.exited) return;
    const grace = this.params.killGraceMs;
    const within = (ms: number) => Promise.race([this.exited!.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);
    if (!this.exit) {
      child.stdin?.end();
      if (!(await within(Math.min(grace, 200))) && child.pid !== undefined) {
        signalGroup(child.pid, 'SIGTERM');
        if (!(await within(grace))) signalGroup(child.pid, 'SIGKILL');
      }
    }
    // A server killed with SIGKILL may leave its pipes to children that die with the group; wait briefly for them.
    await within(1000);
    this.buffer.clear();
    if (!this.closed) {
      this.closed = true;
      this.onclose?.();
    }
  }
}
