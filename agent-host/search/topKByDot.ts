import type { Ranked } from './bm25Index';

/**
 * The `limit` ids whose vectors have the largest dot product with `query`
 * (cosine similarity, since every vector is normalised), by a brute-force
 * scan: `rowOf(id)` gives each id's row in `vectors` (`dim` floats a row),
 * or -1 to skip it. A flat scan is exact and needs no index structure to
 * keep consistent on disk; bench:retrieval measures it at 50k × 768.
 */
export function topKByDot(vectors: Float32Array, dim: number, ids: number, rowOf: (id: number) => number, query: Float32Array, limit: number): Ranked[] {
  const best: Ranked[] = [];
  let floor = -Infinity;
  for (let id = 0; id < ids; id++) {
    const row = rowOf(id);
    if (row < 0) continue;
    let dot = 0;
    const base = row * dim;
    for (let j = 0; j < dim; j++) dot += vectors[base + j] * query[j];
    if (best.length < limit || dot > floor) {
      best.push({ id, score: dot });
      if (best.length > limit) {
        best.sort((a, b) => b.score - a.score);
        best.length = limit;
        floor = best[best.length - 1].score;
      }
    }
  }
  return best.sort((a, b) => b.score - a.score || a.id - b.id);
}
