/**
 * Which pauses the slowest turns of bench:server sat through.
 *
 * A turn's time to first token passes through the server, the load
 * generator (which is also the scripted Ollama) and both cores. Any of them
 * can stop for tens of milliseconds: the generator's garbage collector or
 * its event loop, or a core the machine's host did not run. A stop lengthens
 * every turn that is running at the time, whatever the server does. This
 * says, for the slowest 1 % of turns (the ones the p99 is read from), how
 * many were running during each kind of stop and for how long, next to the
 * same share of all turns: a stop that falls on turns at random touches the
 * slow ones no more often than the rest, while one that makes the tail
 * touches far more of them.
 */

/** A stretch of time, in epoch milliseconds, during which something every turn passes through did not run. */
export interface Stall {
  start: number;
  end: number;
}

/** A turn's start and first text, in epoch milliseconds. */
export interface TimedTurn {
  start: number;
  first: number;
}

export interface StallShare {
  /** The stalls recorded in the window, and the longest, in milliseconds. */
  stalls: number;
  longestMs: number;
  /** Per cent of the slowest turns that were running during at least one of these stalls. */
  slowTurnsTouchedPercent: number;
  /** Per cent of all turns that were: the rate a stall falling at random would give the slow ones too. */
  allTurnsTouchedPercent: number;
  /** The stalls' milliseconds inside a slow turn, on average over the slow turns. */
  meanMsInSlowTurn: number;
}

export interface TailAttribution {
  /** The slowest turns: how many, and the time to first token they start at. */
  slowTurns: number;
  slowFromMs: number;
  bySource: Record<string, StallShare>;
  /** Per cent of the slow turns that were running during no stall of any source: their time was spent elsewhere (in the server, or somewhere unseen). */
  slowTurnsTouchedByNonePercent: number;
}

/** The milliseconds of `stalls` that fall inside `turn`. */
function overlapMs(turn: TimedTurn, stalls: readonly Stall[]): number {
  let total = 0;
  for (const s of stalls) total += Math.max(0, Math.min(s.end, turn.first) - Math.max(s.start, turn.start));
  return total;
}

const percentOf = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10);
const round1 = (x: number) => Math.round(x * 10) / 10;

/** Attributes the slowest `slowFraction` of `turns` (by time to first token, at least one turn) to the stalls of each source. */
export function tailAttribution(turns: readonly TimedTurn[], sources: Record<string, readonly Stall[]>, slowFraction = 0.01): TailAttribution {
  const byTime = [...turns].sort((a, b) => b.first - b.start - (a.first - a.start));
  const slow = turns.length === 0 ? [] : byTime.slice(0, Math.max(1, Math.round(turns.length * slowFraction)));
  const touchedByAny = new Set<TimedTurn>();
  const bySource: Record<string, StallShare> = {};
  for (const [name, stalls] of Object.entries(sources)) {
    const slowOverlaps = slow.map((t) => overlapMs(t, stalls));
    slow.forEach((t, i) => {
      if (slowOverlaps[i] > 0) touchedByAny.add(t);
    });
    bySource[name] = {
      stalls: stalls.length,
      longestMs: round1(stalls.reduce((m, s) => Math.max(m, s.end - s.start), 0)),
      slowTurnsTouchedPercent: percentOf(slowOverlaps.filter((ms) => ms > 0).length, slow.length),
      allTurnsTouchedPercent: percentOf(turns.filter((t) => overlapMs(t, stalls) > 0).length, turns.length),
      meanMsInSlowTurn: round1(slowOverlaps.reduce((a, b) => a + b, 0) / Math.max(1, slow.length)),
    };
  }
  return {
    slowTurns: slow.length,
    slowFromMs: slow.length === 0 ? NaN : round1(slow[slow.length - 1].first - slow[slow.length - 1].start),
    bySource,
    slowTurnsTouchedByNonePercent: percentOf(slow.length - touchedByAny.size, slow.length),
  };
}
