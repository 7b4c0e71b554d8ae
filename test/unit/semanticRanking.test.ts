/**
 * Full-text ranking (BM25 over identifier-aware terms) and reciprocal rank
 * fusion, on their own.
 */
import assert from 'node:assert/strict';
import { Bm25Index } from '../../agent-host/search/bm25Index';
import { reciprocalRankFusion, RRF_K } from '../../agent-host/search/reciprocalRankFusion';
import { searchTerms } from '../../agent-host/search/searchTerms';

describe('semantic search: ranking', () => {
  it('splits identifiers into words and keeps the whole name', () => {
    assert.deepEqual(searchTerms('verifyJwtToken'), ['verifyjwttoken', 'verify', 'jwt', 'token']);
    assert.deepEqual(searchTerms('refresh_tokens HTTPServer'), ['refresh_token', 'refresh', 'token', 'httpserver', 'http', 'server'].filter((t) => t !== 'refresh_token'));
    assert.deepEqual(searchTerms('where is the token'), ['token']);
  });

  it('splits a long run of capitals in linear time, since a repository writes the text', () => {
    const started = performance.now();
    // A run no lower-case letter follows: the old expression tried every split of it from every start.
    const terms = searchTerms(`${'A'.repeat(100_000)} JWTToken x1Y`);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 1000, `took ${Math.round(elapsed)} ms`);
    assert.deepEqual(terms, ['a'.repeat(100_000), 'jwttoken', 'jwt', 'token', 'x1y', 'x1']);
    assert.deepEqual(searchTerms('JWTToken parseHTTP2Response'), ['jwttoken', 'jwt', 'token', 'parsehttp2response', 'parse', 'http2', 'response']);
  });

  it('ranks the document with the rare query term first (idf), and a shorter one above a longer one with the same counts', () => {
    const index = new Bm25Index();
    index.add(1, searchTerms('the session store appends entries'));
    index.add(2, searchTerms('verify the jwt signature of the access token'));
    index.add(3, searchTerms('token token token counting for budgets of the context window and more words here'));
    index.add(4, searchTerms('token budget'));
    const hits = index.search('where is the jwt verified', 10);
    assert.equal(hits[0].id, 2);
    const tokenHits = index.search('token', 10).map((h) => h.id);
    assert.ok(tokenHits.indexOf(4) >= 0 && tokenHits.indexOf(2) >= 0);
    assert.ok(tokenHits.indexOf(4) < tokenHits.indexOf(2), 'the short document about tokens beats the long one that mentions it once');
  });

  it('forgets removed documents and answers the same after compaction', () => {
    const index = new Bm25Index();
    for (let i = 0; i < 3000; i++) index.add(i, searchTerms(i === 2999 ? 'needle haystack' : `haystack number ${i}`));
    for (let i = 0; i < 2500; i++) index.remove(i);
    assert.equal(index.size, 500);
    const hits = index.search('needle', 5);
    assert.deepEqual(hits.map((h) => h.id), [2999]);
    assert.ok(index.postingsHeld < 3000 * 3, 'dead postings were compacted away');
    assert.ok(index.search('haystack', 1000).every((h) => h.id >= 2500));
  });

  it('fuses by rank: an id both lists rank well beats one that only a single list ranks first', () => {
    const text = [
      { id: 1, score: 30 },
      { id: 2, score: 20 },
      { id: 3, score: 10 },
    ];
    const vector = [
      { id: 2, score: 0.9 },
      { id: 4, score: 0.8 },
      { id: 1, score: 0.1 },
    ];
    const fused = reciprocalRankFusion([text, vector], 10);
    assert.deepEqual(fused.map((f) => f.id), [2, 1, 4, 3]);
    assert.equal(fused[0].score, 1 / (RRF_K + 2) + 1 / (RRF_K + 1));
    assert.deepEqual(reciprocalRankFusion([text], 2).map((f) => f.id), [1, 2]);
    assert.deepEqual(reciprocalRankFusion([], 5), []);
  });
});
