/**
 * How fast a CPU core runs while a benchmark measures on it.
 *
 * The machines these benchmarks run on are shared virtual machines, and a
 * core's speed is not constant: here the same fixed work took 3.5-3.7 ms in
 * some minutes and 5.4-5.6 ms in others, on either core, with nothing else
 * of ours running (another tenant on the same physical core, presumably),
 * and now and then a core does not run at all for tens of milliseconds. A
 * server measured in a slow minute spends some 1.3 to 1.5 times the CPU per
 * turn for the same code, and at saturation that is a backlog. A probe
 * pinned beside the measured process samples the core's speed throughout
 * the measurement (cpuSpeedProbe.main.ts: 1 % of the core), so every run's
 * figures come with the speed they were measured at.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Stall } from './tailAttribution';

export interface CpuSpeed {
  /** The probe's fixed unit of work, CPU milliseconds at the median (and p10, p90): higher is slower. */
  unitMs: { p10: number; p50: number; p90: number; n: number };
  /**
   * How late the probe's ticks started (plus any time a tick's unit was held
   * off the CPU), milliseconds at p99 and at most, and how many ticks were
   * 20 ms late or more: times the core did not run at all.
   */
  lateMs: { p99: number; max: number; over20: number };
}

export interface CpuSpeedProbe {
  /** The probe's process. */
  readonly pid: number | undefined;
  /** The units' CPU milliseconds since the start or the last `take`. */
  take(): number[];
  /** Summarizes what it measured since it started (or since the last `take`), and goes on measuring. */
  summary(): CpuSpeed;
  /** Stops the probe and summarizes what it measured since it started (or since the last `take`). */
  stop(): CpuSpeed;
  /** Every stop of the core the probe's watch saw so far (none without `watchMs`), in epoch milliseconds. */
  stalls(): Stall[];
}

/**
 * Samples the speed of CPU `cpu` (pinned with `taskset`, when `pin` is set)
 * until stopped, one unit every `periodMs`; with `watchMs`, it also wakes
 * that often to catch every stop of the core of 10 ms or more.
 */
export function startCpuSpeedProbe(probeScript: string, cpu: number, pin: boolean, periodMs = 100, watchMs = 0): CpuSpeedProbe {
  const probe = [process.execPath, probeScript, `--period-ms=${periodMs}`, ...(watchMs > 0 ? [`--watch-ms=${watchMs}`] : [])];
  const command = pin ? ['taskset', '-c', String(cpu), ...probe] : probe;
  const child: ChildProcess = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'ignore'] });
  const units: number[] = [];
  const late: number[] = [];
  const stalls: Stall[] = [];
  let partial = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (text: string) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const stall = /^stall (\S+) (\S+)$/.exec(line);
      if (stall) {
        stalls.push({ start: Number(stall[1]), end: Number(stall[1]) + Number(stall[2]) });
        continue;
      }
      const [unitUs, lateUs] = line.split(' ').map(Number);
      if (!Number.isFinite(unitUs) || !Number.isFinite(lateUs)) continue;
      units.push(unitUs / 1000);
      late.push(lateUs / 1000);
    }
  });
  const summary = (): CpuSpeed => {
    const sortedLate = [...late].sort((a, b) => a - b);
    return { unitMs: summarize(units), lateMs: { p99: percentile(sortedLate, 0.99), max: percentile(sortedLate, 1), over20: late.filter((ms) => ms >= 20).length } };
  };
  return {
    pid: child.pid,
    take: () => {
      late.splice(0);
      return units.splice(0);
    },
    stalls: () => [...stalls],
    summary,
    stop: () => {
      child.kill('SIGTERM');
      return summary();
    },
  };
}

/** The units' CPU milliseconds as p10, p50 and p90. */
export function summarize(samples: number[]): CpuSpeed['unitMs'] {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p10: percentile(sorted, 0.1), p50: percentile(sorted, 0.5), p90: percentile(sorted, 0.9), n: sorted.length };
}

/** The value at fraction `p` of `sorted` (ascending), to two decimals; NaN when there is none. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] * 100) / 100;
}

/** The probe's script as esbuild --tests builds it. */
export const CPU_SPEED_PROBE_SCRIPT = join(process.cwd(), 'out/bench/cpuSpeedProbe.main.mjs');
