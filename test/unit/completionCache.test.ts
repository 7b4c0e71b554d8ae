import * as assert from 'node:assert/strict';
import { SuggestionCache } from '../../language-server/completion/suggestionCache';

const URI = 'file:///work/area.ts';
const SCOPE = 'http://127.0.0.1:11434|qwen2.5-coder:1.5b|8';
const DOC = 'function area(w: number, h: number) {\n  return \n}\n';
const CURSOR = DOC.indexOf('return ') + 'return '.length;

/** The document after typing `typed` at the original cursor. */
function typed(text: string, doc = DOC, at = CURSOR): { text: string; offset: number } {
  return { text: doc.slice(0, at) + text + doc.slice(at), offset: at + text.length };
}

describe('suggestion cache', () => {
  it('answers a position seen before with the same suggestion', () => {
    const cache = new SuggestionCache();
    cache.store(URI, SCOPE, DOC, CURSOR, 'w * h;');
    assert.deepEqual(cache.lookup(URI, SCOPE, DOC, CURSOR), { text: 'w * h;', kind: 'exact' });
  });

  it('remembers that a position had no suggestion, so the model is not asked again', () => {
    const cache = new SuggestionCache();
    cache.store(URI, SCOPE, DOC, CURSOR, '');
    assert.deepEqual(cache.lookup(URI, SCOPE, DOC, CURSOR), { text: '', kind: 'exact' });
  });

  it('misses when the text around the cursor differs', () => {
    const cache = new SuggestionCache();
    cache.store(URI, SCOPE, DOC, CURSOR, 'w * h;');
    const edited = DOC.replace('\n}\n', '\n  // more\n}\n');
    assert.equal(cache.lookup(URI, SCOPE, edited, CURSOR), undefined);
  });

  it('never serves a suggestion of another model or setting', () => {
    const cache = new SuggestionCache();
    cache.store(URI, SCOPE, DOC, CURSOR, 'w * h;');
    assert.equal(cache.lookup(URI, 'http://127.0.0.1:11434|starcoder2:3b|8', DOC, CURSOR), undefined);
  });

  it('evicts the least recently used position first', () => {
    const cache = new SuggestionCache(2);
    const docs = ['a\n', 'b\n', 'c\n'];
    cache.store(URI, SCOPE, docs[0], 1, 'A');
    cache.store(URI, SCOPE, docs[1], 1, 'B');
    assert.equal(cache.lookup(URI, SCOPE, docs[0], 1)?.text, 'A', 'touching A makes B the oldest');
    cache.store(URI, SCOPE, docs[2], 1, 'C');
    assert.equal(cache.lookup(URI, SCOPE, docs[1], 1)?.kind === 'exact', false);
    assert.equal(cache.lookup(URI, SCOPE, docs[0], 1)?.text, 'A');
    assert.equal(cache.lookup(URI, SCOPE, docs[2], 1)?.text, 'C');
  });

  it('types through: the rest of a suggestion after the user typed its first characters', () => {
    const cache = new SuggestionCache();
    cache.store(URI, SCOPE, DOC, CURSOR, 'w * h;');
    for (const [input, rest] of [['w', ' * h;'], ['w ', '* h;'], ['w * ', 'h;'], ['w * h', ';']]) {
      const after = typed(input);
      assert.deepEqual(cache.lookup(URI, SCOPE, after.text, after.offset), { text: rest, kind: 'typeThrough' }, input);
    }
  });

  it('does not type through when the typed text leaves the suggestion or completes it', () => {
    const cache = new SuggestionCache();
    cache.store(URI, SCOPE, DOC, CURSOR, 'w * h;');
    const off = typed('x');
    assert.equal(cache.lookup(URI, SCOPE, off.text, off.offset), undefined);
    const all = typed('w * h;');
    assert.equal(cache.lookup(URI, SCOPE, all.text, all.offset), undefined);
  });

  it('types through a closer the editor auto-inserted', () => {
    const cache = new SuggestionCache();
    cache.store(URI, SCOPE, DOC, CURSOR, 'Math.max(w, h);');
    // The user typed "Math.max(" and the editor added ")" after the cursor.
    const doc = DOC.slice(0, CURSOR) + 'Math.max()' + DOC.slice(CURSOR);
    const offset = CURSOR + 'Math.max('.length;
    assert.equal(cache.lookup(URI, SCOPE, doc, offset), undefined, 'the rest ends with ";" after ")", so it cannot drop the closer');
    cache.store(URI, SCOPE, DOC, CURSOR, 'Math.max(w, h)');
    assert.deepEqual(cache.lookup(URI, SCOPE, doc, offset), { text: 'w, h', kind: 'typeThrough' });
  });

  it('forgets type-through state of a closed document', () => {
    const cache = new SuggestionCache();
    cache.store(URI, SCOPE, DOC, CURSOR, 'w * h;');
    cache.forgetDocument(URI);
    const after = typed('w');
    assert.equal(cache.lookup(URI, SCOPE, after.text, after.offset), undefined);
  });
});
