/**
 * The wait a chat turn makes when its client is behind: it ends when the
 * stream drains or closes, and gives up only when no write has completed for
 * the stall time, so a client that reads slowly is never taken for one that
 * stopped.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { waitForDrain } from '../../agent-host/server/ops/waitForDrain';

/** An object-mode stream whose writes complete only when the test says, as a client's reads allow. */
function heldStream(highWaterMark = 2) {
  const pending: (() => void)[] = [];
  let completed = 0;
  const stream = new Writable({
    objectMode: true,
    highWaterMark,
    write(_chunk, _encoding, callback) {
      pending.push(() => {
        completed += 1;
        callback();
      });
    },
  });
  return {
    stream,
    progress: () => completed,
    /** Completes the oldest write; false when none is waiting. */
    completeOne: () => {
      const next = pending.shift();
      next?.();
      return next !== undefined;
    },
    fill: (n: number) => {
      let accepted = true;
      for (let i = 0; i < n; i++) accepted = stream.write({ i });
      return accepted;
    },
  };
}

describe('waitForDrain', () => {
  it('reports a stall when no write completes for the stall time', async () => {
    const s = heldStream();
    assert.equal(s.fill(4), false);
    const started = performance.now();
    assert.equal(await waitForDrain(s.stream, { ms: 100, progress: s.progress }), 'stalled');
    assert.ok(performance.now() - started >= 95, 'not before the stall time');
  });

  it('keeps waiting while writes complete, even when draining takes many stall times', async () => {
    const s = heldStream();
    assert.equal(s.fill(12), false);
    // One write completes every 30 ms: the twelve take about 360 ms, over three stall times of 100 ms.
    const ticker = setInterval(() => s.completeOne(), 30);
    const started = performance.now();
    try {
      assert.equal(await waitForDrain(s.stream, { ms: 100, progress: s.progress }), 'drained');
    } finally {
      clearInterval(ticker);
    }
    assert.ok(performance.now() - started >= 300, `drained after ${Math.round(performance.now() - started)} ms`);
    assert.equal(s.progress(), 12);
  });

  it('ends when the stream closes, and removes its listeners', async () => {
    const s = heldStream();
    s.fill(4);
    const waiting = waitForDrain(s.stream);
    setTimeout(() => s.stream.destroy(), 50);
    assert.equal(await waiting, 'closed');
    assert.equal(s.stream.listenerCount('drain'), 0, 'its listeners are gone');
  });
});
