/**
 * The stops of a process bench:server starts (each server, the floor, the
 * scripted Ollama): stallLog.main.ts, loaded into it with `node --import`,
 * writes every stop of its event loop and every long collector pause to a
 * file, and the bench reads them back to set against its slowest turns
 * (tailAttribution.ts). The load generator watches itself with the same
 * thresholds.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Stall } from './tailAttribution';

/** A wake-up of an event loop this late (it is due every 5 ms) marks a stop of it. */
export const LOOP_STALL_MS = 10;
/** A collector pause this long or longer is listed; shorter ones touch every turn a little. */
export const GC_STALL_MS = 5;
/** The environment variable that names the file stallLog.main.ts writes to. */
export const STALL_LOG_ENV = 'HEARTH_BENCH_STALL_LOG';

/** The preload as esbuild --tests builds it. */
export const STALL_LOG_SCRIPT = join(process.cwd(), 'out/bench/stallLog.main.mjs');

/** The stalls in `file` that overlap [from, to] (epoch ms), by kind; none when the file was never written. */
export function readStallLog(file: string, from: number, to: number): { eventLoop: Stall[]; gc: Stall[] } {
  const found = { eventLoop: [] as Stall[], gc: [] as Stall[] };
  if (!existsSync(file)) return found;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^(loop|gc) (\S+) (\S+)$/.exec(line);
    if (!m) continue;
    const stall = { start: Number(m[2]), end: Number(m[2]) + Number(m[3]) };
    if (stall.end < from || stall.start > to) continue;
    (m[1] === 'loop' ? found.eventLoop : found.gc).push(stall);
  }
  return found;
}
