/**
 * Loaded into each process bench:server starts (`node --import`): the
 * servers, the floor and the scripted Ollama. It appends every stop of the
 * process's event loop of LOOP_STALL_MS or more, and every collector pause
 * of GC_STALL_MS or more, to the file named by HEARTH_BENCH_STALL_LOG, one
 * `loop|gc <epoch ms> <ms>` line each (see stallLog.ts). It costs the
 * process a timer every 5 ms and an observer of its collections.
 */
import { appendFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { watchEventLoopStalls } from './eventLoopStalls';
import { GC_STALL_MS, LOOP_STALL_MS, STALL_LOG_ENV } from './stallLog';

const file = process.env[STALL_LOG_ENV];
if (file) {
  // A stall is rare (a few a second at most), so a synchronous append costs nothing that matters and loses nothing at exit.
  watchEventLoopStalls(LOOP_STALL_MS, 5, (s) => appendFileSync(file, `loop ${s.start.toFixed(1)} ${(s.end - s.start).toFixed(1)}\n`));
  new PerformanceObserver((list) => {
    const long = list.getEntries().filter((e) => e.duration >= GC_STALL_MS);
    if (long.length > 0) appendFileSync(file, long.map((e) => `gc ${(performance.timeOrigin + e.startTime).toFixed(1)} ${e.duration.toFixed(1)}\n`).join(''));
  }).observe({ entryTypes: ['gc'] });
}
