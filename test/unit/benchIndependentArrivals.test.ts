/**
 * bench:server's independent arrivals: turn starts that follow a Poisson
 * process at a fixed rate, whatever the server does, each on a connection
 * with no turn running, measured from the arrival.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { arrivalSchedule, runIndependentArrivals } from '../../bench/independentArrivals';
import { turnStartBunching } from '../../bench/turnStartBunching';
import { seededRandom } from '../fixtures/seededRandom';

describe('independent arrivals of bench:server', () => {
  it('schedules arrivals at the asked rate, as independent starts (dispersion near 1), not in step', () => {
    const offsets = arrivalSchedule(250, 20_000, seededRandom(7));
    assert.equal(offsets.length, 20_000);
    assert.ok(offsets.every((t, i) => i === 0 || t >= offsets[i - 1]), 'arrivals are in order');
    const meanGap = offsets[offsets.length - 1] / offsets.length;
    assert.ok(Math.abs(meanGap - 4) < 0.2, `mean gap ${meanGap} ms, asked 4 ms`);
    const bunching = turnStartBunching(offsets, 25);
    assert.ok(bunching.dispersion > 0.85 && bunching.dispersion < 1.15, `dispersion ${bunching.dispersion}`);
  });

  it('runs every arrival once, never two turns at once on one connection, and counts the turns that overlapped', async () => {
    const busy = new Set<number>();
    let ran = 0;
    let overlapOnOneConnection = false;
    const outcome = await runIndependentArrivals({
      ratePerSecond: 400,
      arrivals: 200,
      connections: 30,
      random: seededRandom(3),
      turn: async (connection) => {
        if (busy.has(connection)) overlapOnOneConnection = true;
        busy.add(connection);
        await sleep(20);
        busy.delete(connection);
        ran++;
      },
    });
    assert.equal(ran, 200);
    assert.equal(overlapOnOneConnection, false);
    assert.equal(outcome.arrivals, 200);
    // Little's law: 400 a second for at least 20 ms each is 8 at once on average; late timers only make turns longer.
    assert.ok(outcome.concurrency.mean >= 4 && outcome.concurrency.mean <= 30, `mean concurrency ${outcome.concurrency.mean}`);
    assert.ok(outcome.concurrency.max > outcome.concurrency.mean && outcome.concurrency.max <= 30, `max ${outcome.concurrency.max}`);
  });

  it('makes an arrival that finds every connection busy wait for one, and hands the turn its scheduled time', async () => {
    const lateness: number[] = [];
    const outcome = await runIndependentArrivals({
      ratePerSecond: 1000,
      arrivals: 10,
      connections: 1,
      random: seededRandom(11),
      turn: async (_connection, scheduledAt) => {
        lateness.push(performance.now() - scheduledAt);
        await sleep(30);
      },
    });
    // Ten arrivals within about 10 ms on one connection that is busy for 30 ms a turn: all but the first wait.
    assert.ok(outcome.waitedForConnection >= 8, `waited ${outcome.waitedForConnection}`);
    assert.equal(outcome.concurrency.max, 1);
    assert.ok(lateness[9] >= 200, `the last arrival started ${lateness[9]} ms after its time, behind nine turns of 30 ms`);
    assert.ok(outcome.startLateMs.max >= 200, `reported ${outcome.startLateMs.max} ms`);
  });
});
