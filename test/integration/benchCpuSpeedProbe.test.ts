/**
 * bench:server reports how fast the server's core ran during each run (the
 * machines are shared, and a core's speed changes from minute to minute).
 * The probe must measure the core's speed, not how busy the core is: the
 * server it sits beside keeps the core busy, and a loaded core must not read
 * as a slow one (the probe counts its unit's CPU time, and keeps the unit
 * short enough to run within one scheduler slice).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { CPU_SPEED_PROBE_SCRIPT, startCpuSpeedProbe, summarize } from '../../bench/cpuSpeedProbe';
import { stallCoveringStop } from '../fixtures/stallCoveringStop';
import { until } from '../fixtures/until';

const canPin = cpus().length >= 2 && spawnSync('taskset', ['-V']).status === 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the CPU speed probe of bench:server (integration)', () => {
  it('measures the same work the same whether or not another process keeps its core busy', async () => {
    const probe = startCpuSpeedProbe(CPU_SPEED_PROBE_SCRIPT, 0, canPin, 20);
    // A process that burns its CPU, pinned to the probe's core, let run and stopped in turns.
    const burner = spawn(canPin ? 'taskset' : process.execPath, canPin ? ['-c', '0', process.execPath, '-e', 'for (;;) {}'] : ['-e', 'for (;;) {}'], { stdio: 'ignore' });
    const alone: number[] = [];
    const shared: number[] = [];
    try {
      await sleep(500);
      // Alternating half-seconds, so a minute in which the machine itself runs slower falls on both alike.
      for (let round = 0; round < 6; round++) {
        burner.kill('SIGSTOP');
        probe.take();
        await sleep(500);
        alone.push(...probe.take());
        burner.kill('SIGCONT');
        await sleep(500);
        shared.push(...probe.take());
      }
    } finally {
      burner.kill('SIGKILL');
      probe.stop();
    }
    assert.ok(alone.length >= 30 && shared.length >= 10, `samples: ${alone.length} alone, ${shared.length} shared`);
    const ratio = summarize(shared).p50 / summarize(alone).p50;
    // A core shared half and half with the burner is not a slower core.
    assert.ok(ratio > 0.7 && ratio < 1.4, `the unit took ${summarize(shared).p50} ms with the core shared, ${summarize(alone).p50} ms alone`);
  });

  it('reports the time its core did not run at all as lateness', async () => {
    const probe = startCpuSpeedProbe(CPU_SPEED_PROBE_SCRIPT, 0, canPin, 20);
    let measured;
    try {
      // Ticking first (a process started on a loaded machine takes a while), so the stop below falls between two ticks.
      for (let waited = 0; probe.take().length < 3; waited += 50) {
        assert.ok(waited < 20_000, 'the probe never started sampling');
        await sleep(50);
      }
      // What a virtual CPU the host does not run looks like from inside: the probe's process stops for 300 ms, twice.
      for (let stop = 0; stop < 2; stop++) {
        process.kill(probe.pid!, 'SIGSTOP');
        await sleep(300);
        process.kill(probe.pid!, 'SIGCONT');
        await sleep(300);
      }
      // The tick after a stop reports it once the probe runs again and this process reads its line. A fixed wait
      // raced both on a loaded machine: with two burners beside the suite, CI once summarized before either line arrived.
      await until(() => probe.summary().lateMs.max >= 250, 'a tick of the probe reporting a stop', 15_000).catch(() => undefined);
    } finally {
      measured = probe.stop();
    }
    const { lateMs, unitMs } = measured;
    assert.ok(unitMs.n >= 3, `only ${unitMs.n} samples`);
    assert.ok(lateMs.max >= 250 && lateMs.max < 1000, `the longest lateness was ${lateMs.max} ms`);
    assert.ok(lateMs.over20 >= 1, `${lateMs.over20} ticks 20 ms late or more`);
  });

  it('watches for every stop of its core and says when it began', async () => {
    // A 100 ms period between units: a stop of 120 ms covers no tick most of the time, so only the watch sees it.
    const probe = startCpuSpeedProbe(CPU_SPEED_PROBE_SCRIPT, 0, canPin, 100, 5);
    const stops: { at: number; continuedAt: number; ms: number }[] = [];
    try {
      // Ticking first (a process started on a loaded machine takes a while), so the watch is running when the stops come.
      for (let waited = 0, ticks = 0; (ticks += probe.take().length) < 2; waited += 50) {
        assert.ok(waited < 20_000, 'the probe never started sampling');
        await sleep(50);
      }
      for (let stop = 0; stop < 3; stop++) {
        const at = performance.timeOrigin + performance.now();
        process.kill(probe.pid!, 'SIGSTOP');
        await sleep(120);
        process.kill(probe.pid!, 'SIGCONT');
        const continuedAt = performance.timeOrigin + performance.now();
        stops.push({ at, continuedAt, ms: continuedAt - at });
        await sleep(300);
      }
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      probe.stop();
    }
    // Each stop shows as a stall that covers it (from the watch's last wake-up before it, 5 ms earlier on an idle machine,
    // longer on a loaded one) and lasts about as long; on a loaded machine the stall can read a little longer, never much shorter.
    const stalls = probe.stalls();
    for (const stop of stops) {
      const seen = stallCoveringStop(stalls, { stoppedAt: stop.at, continuedAt: stop.continuedAt });
      assert.ok(seen, `no stall for the stop at ${stop.at} (${stop.ms} ms): ${JSON.stringify(stalls)}`);
      assert.ok(seen.end - seen.start >= stop.ms - 30, `a ${stop.ms} ms stop read as a ${seen.end - seen.start} ms stall`);
    }
  });

  it('summarizes samples as percentiles of CPU milliseconds per unit', () => {
    assert.deepEqual(summarize([3, 1, 2, 4, 5, 6, 7, 8, 9, 10]), { p10: 2, p50: 6, p90: 10, n: 10 });
    assert.deepEqual(summarize([]), { p10: NaN, p50: NaN, p90: NaN, n: 0 });
  });
});
