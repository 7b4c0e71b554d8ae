/**
 * bench:server says which stops its slowest turns sat through (the load
 * generator's collector or event loop, a core that did not run), next to how
 * many of all turns each touched, so a tail made by the client or the
 * machine is not read as the server's.
 */
import assert from 'node:assert/strict';
import { tailAttribution, type TimedTurn } from '../../bench/tailAttribution';

/** 1,000 turns starting 10 ms apart, each 5 ms to first text, except the ones in `slow`, which take 150 ms. */
function turns(slow: Set<number>): TimedTurn[] {
  return Array.from({ length: 1000 }, (_, i) => ({ start: i * 10, first: i * 10 + (slow.has(i) ? 150 : 5) }));
}

describe('tail attribution of bench:server', () => {
  it('finds the stop that made the slowest turns, and tells it from one that fell at random', () => {
    const slow = new Set([50, 150, 250, 350, 450, 550, 650, 750, 850, 950]);
    const all = turns(slow);
    // A 100 ms stop inside each slow turn, and one stop of the same length elsewhere, touching ordinary turns only.
    const culprit = [...slow].map((i) => ({ start: i * 10 + 20, end: i * 10 + 120 }));
    const bystander = [{ start: 2_002, end: 2_102 }];
    const a = tailAttribution(all, { culprit, bystander });
    assert.equal(a.slowTurns, 10);
    assert.equal(a.slowFromMs, 150);
    assert.equal(a.bySource.culprit.slowTurnsTouchedPercent, 100);
    assert.equal(a.bySource.culprit.meanMsInSlowTurn, 100);
    // Each culprit also touched the ten ordinary turns that started during it: 11 % of all turns, against 100 % of the slow ones.
    assert.equal(a.bySource.culprit.allTurnsTouchedPercent, 11);
    assert.equal(a.bySource.culprit.longestMs, 100);
    assert.equal(a.bySource.bystander.slowTurnsTouchedPercent, 0);
    // The bystander touched the ordinary turns it overlapped (starting at 2,000 ms: 10 ms apart, 5 ms long).
    assert.ok(a.bySource.bystander.allTurnsTouchedPercent > 0, JSON.stringify(a.bySource.bystander));
    assert.equal(a.slowTurnsTouchedByNonePercent, 0);
  });

  it('says when the slowest turns sat through no stop at all', () => {
    const all = turns(new Set([10, 20, 30, 40, 50, 60, 70, 80, 90, 95]));
    const a = tailAttribution(all, { loadGeneratorGc: [{ start: 9_000, end: 9_030 }] });
    assert.equal(a.slowTurnsTouchedByNonePercent, 100);
    assert.equal(a.bySource.loadGeneratorGc.meanMsInSlowTurn, 0);
    assert.equal(a.bySource.loadGeneratorGc.stalls, 1);
  });

  it('counts only the part of a stop inside the turn', () => {
    const a = tailAttribution([{ start: 100, first: 200 }], { edge: [{ start: 50, end: 130 }, { start: 190, end: 400 }] });
    assert.equal(a.slowTurns, 1);
    assert.equal(a.bySource.edge.meanMsInSlowTurn, 40);
  });

  it('says nothing of an empty window', () => {
    const a = tailAttribution([], { x: [] });
    assert.equal(a.slowTurns, 0);
    assert.ok(Number.isNaN(a.slowFromMs));
    assert.equal(a.bySource.x.slowTurnsTouchedPercent, 0);
  });
});
