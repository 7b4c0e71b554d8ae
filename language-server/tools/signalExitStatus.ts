import { constants } from 'node:os';

/**
 * What an exit status above 128 usually means: a shell reports a command a
 * signal ended as 128 + the signal's number, and so does bubblewrap for the
 * sandbox's shell, so a command the kernel's out-of-memory killer ended
 * arrives as plain "exit code 137". Returns a clause saying which signal that
 * is (and, for SIGKILL, the likely culprit), or undefined for other statuses.
 * It says "probably": a program may also exit with such a number itself.
 */
export function signalExitStatus(exitCode: number): { signal: string; explanation: string } | undefined {
  if (exitCode <= 128 || exitCode > 128 + 64) return undefined;
  const number = exitCode - 128;
  const signal = Object.entries(constants.signals).find(([, n]) => n === number)?.[0];
  if (signal === undefined) return undefined;
  const why =
    signal === 'SIGKILL'
      ? ', which is what the kernel sends when memory runs out (or a `kill -9`)'
      : signal === 'SIGSEGV' || signal === 'SIGBUS' || signal === 'SIGILL' || signal === 'SIGFPE' || signal === 'SIGABRT'
        ? ': it crashed'
        : '';
  return { signal, explanation: `128 + ${number}: a process it ran was probably ended by ${signal}${why}` };
}
