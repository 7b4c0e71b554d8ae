import { searchTerms } from './searchTerms';

/** A ranked document id with its score, best first. */
export interface Ranked {
  id: number;
  score: number;
}

/**
 * Okapi BM25 over chunks (k1 = 1.2, b = 0.75, the usual defaults), with
 * postings per term so a query touches only the chunks that contain one of
 * its terms. Documents can be removed (a file changed); their postings are
 * dropped lazily by the `live` check and compacted when half are dead.
 */
export class Bm25Index {
  private readonly postings = new Map<string, number[]>();
  private readonly lengths = new Map<number, number>();
  private totalLength = 0;
  private dead = 0;
  private postingCount = 0;

  constructor(
    private readonly k1 = 1.2,
    private readonly b = 0.75,
  ) {}

  get size(): number {
    return this.lengths.size;
  }

  /** Indexes `terms` (from `searchTerms`) as document `id`. */
  add(id: number, terms: string[]): void {
    if (this.lengths.has(id)) this.remove(id);
    const counts = new Map<string, number>();
    for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
    for (const [term, tf] of counts) {
      let list = this.postings.get(term);
      if (!list) this.postings.set(term, (list = []));
      list.push(id, tf);
      this.postingCount++;
    }
    this.lengths.set(id, terms.length);
    this.totalLength += terms.length;
  }

  remove(id: number): void {
    const length = this.lengths.get(id);
    if (length === undefined) return;
    this.lengths.delete(id);
    this.totalLength -= length;
    this.dead++;
    if (this.dead > 1000 && this.dead * 2 > this.size) this.compact();
  }

  search(query: string, limit: number): Ranked[] {
    const n = this.lengths.size;
    if (n === 0) return [];
    const avg = this.totalLength / n || 1;
    const scores = new Map<number, number>();
    for (const term of new Set(searchTerms(query))) {
      const list = this.postings.get(term);
      if (!list) continue;
      let df = 0;
      for (let i = 0; i < list.length; i += 2) if (this.lengths.has(list[i])) df++;
      if (df === 0) continue;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      for (let i = 0; i < list.length; i += 2) {
        const length = this.lengths.get(list[i]);
        if (length === undefined) continue;
        const tf = list[i + 1];
        const s = (idf * tf * (this.k1 + 1)) / (tf + this.k1 * (1 - this.b + (this.b * length) / avg));
        scores.set(list[i], (scores.get(list[i]) ?? 0) + s);
      }
    }
    return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score || a.id - b.id).slice(0, limit);
  }

  /** Postings held, live and dead: what the index costs in memory. */
  get postingsHeld(): number {
    return this.postingCount;
  }

  private compact(): void {
    this.postingCount = 0;
    for (const [term, list] of this.postings) {
      const kept: number[] = [];
      for (let i = 0; i < list.length; i += 2) if (this.lengths.has(list[i])) kept.push(list[i], list[i + 1]);
      if (kept.length === 0) this.postings.delete(term);
      else this.postings.set(term, kept);
      this.postingCount += kept.length / 2;
    }
    this.dead = 0;
  }
}
