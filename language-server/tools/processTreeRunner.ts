import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { CappedOutput } from './cappedOutput';
import { COMMAND_MARK_VARIABLE, markedProcesses } from './markedProcesses';
import { processDescendants } from './processDescendants';

export interface ShellRunOptions {
  /** The command line for /bin/sh -c; ignored when `spawn` is given. */
  command: string;
  /** The program to start instead of /bin/sh -c COMMAND (a sandbox wrapping the shell). */
  spawn?: { file: string; args: string[] };
  cwd: string;
  timeoutMs: number;
  maxOutputBytes: number;
  signal: AbortSignal;
  /** Time between SIGTERM and SIGKILL. */
  killGraceMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Sees each chunk of output as it arrives (the terminal view); must not throw. */
  onOutput?: (chunk: Buffer) => void;
  /** Called once the shell has started, with the process group id (tests use it). */
  onSpawn?: (pid: number) => void;
  /**
   * The spawned program writes `stray` on file descriptor 3 when processes it
   * started were still running as its shell exited (see bwrapArguments): a
   * sandbox's own pid namespace hides them from the process-group check.
   */
  strayReportFd?: boolean;
  /**
   * The spawned program is a sandbox whose command runs this many process
   * levels below it (bwrap, then its init, then the shell). Cancel and
   * timeout send SIGTERM to those processes rather than to the sandbox:
   * a sandbox that dies takes everything inside with it at once, by SIGKILL,
   * and nothing would get its chance to clean up.
   */
  commandDepth?: number;
  /**
   * The command has no pid namespace of its own (no sandbox): its processes
   * carry an environment mark, so those that leave the process group
   * (setsid, a daemon) are still found through /proc and stopped with the
   * rest, as a sandbox's namespace stops them (see `markedProcesses`).
   */
  markProcesses?: boolean;
}

export interface ShellRunOutcome {
  /** The shell's exit code; null when it was killed by a signal. */
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  output: string;
  outputBytes: number;
  droppedBytes: number;
  timedOut: boolean;
  cancelled: boolean;
  /** Background processes were still running when the shell exited and were stopped. */
  strayProcessesStopped: boolean;
  /** Set when the shell could not be started at all. */
  spawnError?: string;
  durationMs: number;
}

const DEFAULT_KILL_GRACE_MS = 500;
/** How long to wait for the pipes to close after SIGKILL before giving up on them. */
const CLOSE_FALLBACK_MS = 1_000;

/** Process groups still running, killed if the language server exits so no command outlives it. */
const liveGroups = new Set<number>();
/** The marks of commands whose marked processes may still run (see `markProcesses`), killed likewise. */
const liveMarks = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
    for (const mark of liveMarks) signalMarked(mark, 'SIGKILL');
  });
}

/** Signals every process carrying `mark` outside the process group `except` (signalled on its own); whether there was any. */
function signalMarked(mark: string, signal: NodeJS.Signals, except?: number): boolean {
  const pids = markedProcesses(mark)
    .filter((p) => p.group !== except)
    .map((p) => p.pid);
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // It ended meanwhile.
    }
  }
  return pids.length > 0;
}

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `command` with `/bin/sh -c` in its own process group and waits for it.
 *
 * Why a process group: killing only the shell leaves its children (a test
 * runner, a dev server, a `sleep`) running and holding the output pipes open.
 * The shell is started `detached`, which makes it the leader of a new group,
 * and cancellation or timeout signals the whole group: SIGTERM first so tools
 * can clean up, SIGKILL after a grace period for those that do not exit.
 * Background processes still alive when the shell exits are stopped the same
 * way, since nothing would ever collect their output. A process that calls
 * setsid() itself leaves the group; without a sandbox (`markProcesses`) it
 * is found by the mark in its environment instead.
 *
 * Under bubblewrap (`spawn`), the group holds bwrap itself; the command runs
 * in a new session inside a pid namespace. Signalling bwrap ends its
 * namespace's init, and the kernel then kills every process in the namespace,
 * so the same group SIGKILL stops the whole tree there too, setsid() or not.
 * SIGTERM would do the same, at once and without a grace period, so with
 * `commandDepth` it goes to the processes inside instead (found through
 * /proc), and only the SIGKILL after the grace period goes to bwrap.
 */
export function runShellCommand(options: ShellRunOptions): Promise<ShellRunOutcome> {
  const started = Date.now();
  const grace = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const output = new CappedOutput(options.maxOutputBytes);

  return new Promise<ShellRunOutcome>((resolve) => {
    let timedOut = false;
    let cancelled = false;
    let strayProcessesStopped = false;
    let terminating = false;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];

    if (options.signal.aborted) {
      resolve({ exitCode: null, exitSignal: null, output: '', outputBytes: 0, droppedBytes: 0, timedOut: false, cancelled: true, strayProcessesStopped: false, durationMs: 0 });
      return;
    }

    const file = options.spawn?.file ?? '/bin/sh';
    const args = options.spawn?.args ?? ['-c', options.command];
    const mark = options.markProcesses ? randomUUID() : undefined;
    const child = spawn(file, args, {
      cwd: options.cwd,
      detached: true,
      stdio: options.strayReportFd ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'],
      env: mark ? { ...(options.env ?? process.env), [COMMAND_MARK_VARIABLE]: mark } : (options.env ?? process.env),
    });
    const pgid = child.pid;
    // What the sandbox reports about processes that outlived the shell; a few bytes at most.
    let strayReport = '';
    const reportStream = options.strayReportFd ? child.stdio[3] : undefined;
    reportStream?.on('data', (chunk: Buffer) => {
      if (strayReport.length < 64) strayReport += chunk.toString('utf8');
    });

    const finish = (exitCode: number | null, exitSignal: NodeJS.Signals | null, spawnError?: string): void => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      options.signal.removeEventListener('abort', onAbort);
      if (!terminating && /\bstray\b/.test(strayReport)) strayProcessesStopped = true;
      if (pgid !== undefined) {
        // Anything left in the group outlived the shell: stop it now, and make
        // sure with SIGKILL later without holding the result back.
        if (signalGroup(pgid, 0)) {
          if (!terminating) strayProcessesStopped = true;
          signalGroup(pgid, 'SIGTERM');
          setTimeout(() => {
            signalGroup(pgid, 'SIGKILL');
            liveGroups.delete(pgid);
          }, grace).unref();
        } else {
          liveGroups.delete(pgid);
        }
      }
      // Processes that left the group (setsid) are found by their mark, stopped the same way.
      if (mark) {
        if (signalMarked(mark, 'SIGTERM', pgid)) {
          if (!terminating) strayProcessesStopped = true;
          setTimeout(() => {
            signalMarked(mark, 'SIGKILL');
            liveMarks.delete(mark);
          }, grace).unref();
        } else {
          liveMarks.delete(mark);
        }
      }
      resolve({
        exitCode,
        exitSignal,
        output: output.text(),
        outputBytes: output.totalBytes,
        droppedBytes: output.droppedBytes,
        timedOut,
        cancelled,
        strayProcessesStopped,
        spawnError,
        durationMs: Date.now() - started,
      });
    };

    const terminate = (): void => {
      if (terminating || pgid === undefined) return;
      terminating = true;
      const depth = options.commandDepth;
      const inside = depth !== undefined ? processDescendants(pgid).filter((d) => d.depth >= depth) : [];
      if (inside.length > 0) {
        for (const { pid } of inside) {
          try {
            process.kill(pid, 'SIGTERM');
          } catch {
            // It ended meanwhile.
          }
        }
      } else {
        signalGroup(pgid, 'SIGTERM');
      }
      if (mark) signalMarked(mark, 'SIGTERM', pgid);
      timers.push(
        setTimeout(() => {
          signalGroup(pgid, 'SIGKILL');
          if (mark) signalMarked(mark, 'SIGKILL');
        }, grace),
      );
      // If a process escaped the group but still holds our pipes, 'close'
      // never comes; stop waiting for it.
      timers.push(
        setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
          reportStream?.destroy();
          finish(child.exitCode, child.signalCode);
        }, grace + CLOSE_FALLBACK_MS),
      );
    };

    const onAbort = (): void => {
      cancelled = true;
      terminate();
    };

    child.on('error', (error) => finish(null, null, error.message));
    if (pgid === undefined) return; // 'error' follows.
    liveGroups.add(pgid);
    if (mark) liveMarks.add(mark);
    installExitHook();
    options.onSpawn?.(pgid);

    const onOutput = options.onOutput;
    const collect = (chunk: Buffer): void => {
      output.push(chunk);
      if (onOutput) {
        try {
          onOutput(chunk);
        } catch {
          // The view failing must never change what the command does or what the model reads.
        }
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    options.signal.addEventListener('abort', onAbort, { once: true });
    timers.push(
      setTimeout(() => {
        timedOut = true;
        terminate();
      }, options.timeoutMs),
    );

    // 'exit' fires when the shell ends; its pipes may stay open while
    // background children hold them, so the group is checked right away
    // instead of waiting for 'close' forever.
    child.on('exit', (code, signal) => {
      if (terminating) return; // 'close' or the fallback timer finishes.
      // Give the pipes a moment to drain the shell's last output.
      const drain = setTimeout(() => finish(code, signal), 50);
      timers.push(drain);
      child.on('close', () => {
        clearTimeout(drain);
        finish(code, signal);
      });
    });
    child.on('close', (code, signal) => {
      if (terminating) finish(code, signal);
    });
  });
}
