/**
 * Starts bench:server's measuring developers in a process of their own
 * (measuringDevelopers.main.ts, which says why) and scripts them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCommandedProcess } from './commandedProcess';
import { processCpuSeconds } from './processCpuSeconds';
import { STALL_LOG_ENV } from './stallLog';

export type MeasuringConfig = { mode: 'direct'; url: string; users: number[] } | { mode: 'remote'; port: number; users: number[] };

export interface MeasuredTurns {
  ttftMs: number[];
  turnMs: number[];
  /** Each turn's developer, start and first text on the wall clock (Date.now(), the scripted Ollama's clock). */
  timeline: { user: number; start: number; first: number }[];
  errors: number;
  errorMessages: string[];
}

/** The environment variable that carries the team server's CA certificate to the process. */
export const CA_PEM_ENV = 'HEARTH_BENCH_CA_PEM';

export interface MeasuringDevelopers {
  pid: number;
  /** The scheduling priority it actually runs at (nice; lower runs first): not what was asked when the machine refused it. */
  nice: number;
  /** Every developer runs turns back to back for `seconds`, unmeasured. */
  warm(seconds: number): Promise<void>;
  /** Each developer starts within `spreadMs` and runs `rounds` measured turns. */
  measure(rounds: number, spreadMs: number): Promise<MeasuredTurns>;
  /** CPU seconds it has used so far. */
  cpuSeconds(): number;
  /** Where its stalls go when it was started with stallLog.main.ts loaded (see stallLog.ts). */
  stallLog: string;
  close(): Promise<void>;
}

/** The process's script as esbuild --tests builds it. */
export const MEASURING_DEVELOPERS_SCRIPT = join(process.cwd(), 'out/bench/measuringDevelopers.main.mjs');

/** The niceness of process `pid` (field 19 of /proc/<pid>/stat). */
function niceOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

/**
 * Starts it with `command` before the script (node, or nice, taskset and
 * node, with stallLog.main.ts loaded or not); `caPem` for a remote config;
 * `stallLog` names the file for stallLog.main.ts.
 */
export async function startMeasuringDevelopers(command: string[], config: MeasuringConfig, caPem: Buffer | string = '', stallLog = ''): Promise<MeasuringDevelopers> {
  const env = { ...process.env, [CA_PEM_ENV]: caPem.toString(), [STALL_LOG_ENV]: stallLog };
  const child = await startCommandedProcess([...command, MEASURING_DEVELOPERS_SCRIPT, JSON.stringify(config)], (line) => line === 'ready', env);
  const expect = async (line: string, prefix: string) => {
    const answer = await child.send(line);
    if (!answer.startsWith(prefix)) throw new Error(`the measuring developers answered ${JSON.stringify(answer.slice(0, 300))} to ${JSON.stringify(line)}`);
    return answer.slice(prefix.length);
  };
  return {
    pid: child.pid,
    nice: niceOf(child.pid),
    stallLog,
    warm: async (seconds) => void (await expect(`warm ${seconds}`, 'ok warm')),
    measure: async (rounds, spreadMs) => JSON.parse(await expect(`measure ${rounds} ${spreadMs}`, 'result ')) as MeasuredTurns,
    cpuSeconds: () => processCpuSeconds(child.pid),
    close: () => child.close(),
  };
}
