import type { Ranked } from './bm25Index';

/** The constant of Cormack, Clarke and Büttcher (SIGIR 2009): it damps the head of each list so no single ranker dominates. */
export const RRF_K = 60;

/**
 * Reciprocal rank fusion: each list contributes 1 / (k + rank) for every id
 * it ranks (rank from 1), so an id both lists rank well beats one only a
 * single list ranks first. Scores of different rankers (BM25's unbounded
 * sums, cosine similarities) are never compared, only ranks.
 */
export function reciprocalRankFusion(lists: readonly (readonly Ranked[])[], limit: number, k = RRF_K): Ranked[] {
  const fused = new Map<number, number>();
  for (const list of lists) {
    list.forEach((item, index) => fused.set(item.id, (fused.get(item.id) ?? 0) + 1 / (k + index + 1)));
  }
  return [...fused].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score || a.id - b.id).slice(0, limit);
}
