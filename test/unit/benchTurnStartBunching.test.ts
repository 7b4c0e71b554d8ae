/**
 * bench:server says how bunched its developers' turn starts are, so that a
 * long tail can be told apart from a slow step: even starts read near 0,
 * independent ones near 1, bursts well above.
 */
import assert from 'node:assert/strict';
import { arrivalSchedule } from '../../bench/independentArrivals';
import { turnStartBunching } from '../../bench/turnStartBunching';
import { seededRandom } from '../fixtures/seededRandom';

describe('turn-start bunching of bench:server', () => {
  it('reads evenly spaced starts as even', () => {
    const starts = Array.from({ length: 1000 }, (_, i) => i * 10);
    const b = turnStartBunching(starts, 50);
    assert.equal(b.meanPerBucket, 5);
    assert.ok(b.dispersion < 0.1, `dispersion ${b.dispersion}`);
    assert.equal(b.maxPerBucket, 5);
  });

  it('reads independent (Poisson) starts near 1', () => {
    // Exponential gaps of 4 ms on average from a fixed sequence, so the test is the same every run.
    const starts = arrivalSchedule(250, 20_000, seededRandom(12345));
    const b = turnStartBunching(starts, 25);
    assert.ok(b.dispersion > 0.85 && b.dispersion < 1.15, `dispersion ${b.dispersion}`);
  });

  it('reads starts released together as bursts, and counts the busiest bucket', () => {
    // 100 developers in groups of 20 that start together, every 400 ms, for 20 rounds.
    const starts: number[] = [];
    for (let round = 0; round < 20; round++) for (let d = 0; d < 100; d++) starts.push(round * 400 + Math.floor(d / 20) * 80 + (d % 20) * 0.1);
    const b = turnStartBunching(starts, 25);
    assert.equal(b.maxPerBucket, 20);
    assert.equal(b.p99PerBucket, 20);
    assert.ok(b.dispersion > 10, `dispersion ${b.dispersion}`);
  });

  it('says nothing of an empty window', () => {
    assert.deepEqual(turnStartBunching([], 25), { bucketMs: 25, meanPerBucket: 0, dispersion: 0, p99PerBucket: 0, maxPerBucket: 0 });
  });
});
