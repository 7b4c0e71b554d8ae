/**
 * The CPU speed probe's process (see cpuSpeedProbe.ts): every PERIOD_MS
 * (100, or `--period-ms=N`) it does one fixed unit of arithmetic and prints
 * two numbers per line: the CPU time the unit took, in microseconds, and how
 * much later than due this tick started plus the wall time the unit spent
 * off the CPU, in microseconds. CPU time rather
 * than wall time, so a probe sharing its core with a busy server measures how
 * fast the core runs, not how long the server kept it waiting; the lateness
 * shows when the core did not run at all (a woken probe preempts a busy
 * server within a millisecond or two, so tens of milliseconds late means the
 * machine's host did not run this virtual CPU).
 *
 * With `--watch-ms=N` it also wakes every N milliseconds, doing no work, and
 * prints `stall <epoch ms> <ms>` whenever a wake-up came STALL_MS or more
 * late: the 100 ms ticks see only the stops that happen to cover one, this
 * sees every stop of the core long enough to matter, with the time it began,
 * so a benchmark can set them against its slowest requests.
 */
const option = (name: string) => process.argv.slice(2).map((a) => new RegExp(`^--${name}=(\\d+)$`).exec(a)?.[1]).find((v) => v !== undefined);
const PERIOD_MS = Number(option('period-ms') ?? 100);
const WATCH_MS = Number(option('watch-ms') ?? 0);
/** A wake-up this late is a stop of the core: a woken process preempts a busy one within a few milliseconds. */
const STALL_MS = 10;
/** About 1 ms of work on a fast core here: 1 % of the core, enough for a sample every 100 ms. */
const ROUNDS = 1200;

const values = Array.from({ length: 1000 }, (_, i) => i);

/** The unit of work: integer arithmetic over an array that fits in the L1 cache, so only the core's own speed moves it. */
function unit(): number {
  let x = 0;
  for (let r = 0; r < ROUNDS; r++) for (let i = 0; i < values.length; i++) x = (x + values[i] * 31) | 0;
  return x;
}

// Warm up, so the first samples measure optimized code, not the interpreter.
for (let i = 0; i < 20; i++) unit();
let sink = 0;
let due = performance.now() + PERIOD_MS;
const tick = () => {
  const started = performance.now();
  const late = Math.max(0, started - due);
  const before = process.cpuUsage();
  sink ^= unit();
  const used = process.cpuUsage(before);
  const cpuUs = used.user + used.system;
  // A stop that falls inside the unit delays no tick: it shows as wall time the unit spent off the CPU, so it counts too.
  const offCpuUs = Math.max(0, (performance.now() - started) * 1000 - cpuUs);
  process.stdout.write(`${cpuUs} ${Math.round(late * 1000 + offCpuUs)}\n`);
  // Each tick is due a period after the previous one started, so one late tick does not make the next ones read late.
  due = performance.now() + PERIOD_MS;
  setTimeout(tick, PERIOD_MS);
};
setTimeout(tick, PERIOD_MS);
if (WATCH_MS > 0) {
  let watchDue = performance.now() + WATCH_MS;
  const watch = () => {
    const now = performance.now();
    if (now - watchDue >= STALL_MS) process.stdout.write(`stall ${(performance.timeOrigin + watchDue).toFixed(1)} ${(now - watchDue).toFixed(1)}\n`);
    watchDue = now + WATCH_MS;
    setTimeout(watch, WATCH_MS);
  };
  setTimeout(watch, WATCH_MS);
}
process.on('SIGTERM', () => process.exit(sink === 0.5 ? 1 : 0));
// Whoever read the samples is gone: so is the probe.
process.stdout.on('error', () => process.exit(0));
