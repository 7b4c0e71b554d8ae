/**
 * The one status-bar item for both indexes: which of them is working and how
 * far, a finished state, 'full-text only' with and without a warning, and a
 * hidden item when both are off.
 */
import * as assert from 'node:assert/strict';
import { indexStatusView } from '../../extension/indexStatusView';
import type { IndexProgress, SemanticIndexProgress } from '../../protocol/lspMethods';

const symbols = (p: Partial<IndexProgress>): IndexProgress => ({ state: 'ready', done: 10, total: 10, files: 10, parsed: 10, reused: 0, skipped: 0, ...p });
const semantic = (p: Partial<SemanticIndexProgress>): SemanticIndexProgress => ({ phase: 'ready', done: 10, total: 10, embeddingModel: 'nomic-embed-text', ...p });

describe('index status item', () => {
  it('shows the symbol index’s progress, then the codebase index’s, then a finished state', () => {
    const first = indexStatusView(symbols({ state: 'indexing', done: 3, total: 40 }), semantic({ phase: 'scanning' }));
    assert.equal(first.text, '$(sync~spin) Indexing symbols 3/40');
    assert.ok(first.busy);
    assert.equal(indexStatusView(symbols({}), semantic({ phase: 'indexing', done: 7, total: 12 })).text, '$(sync~spin) Indexing codebase 7/12');
    const done = indexStatusView(symbols({ message: 'Indexed 10 files in 0.1 s.' }), semantic({ message: 'Indexed 10 files (12 chunks) in 0.2 s.' }));
    assert.equal(done.text, '$(database) Indexed');
    assert.equal(done.warning, false);
    assert.match(done.tooltip, /Symbols: Indexed 10 files in 0\.1 s\./);
    assert.match(done.tooltip, /Codebase search \(embeddings from nomic-embed-text\): Indexed 10 files/);
  });

  it('says full-text only: quietly when no embedding model is set, as a warning when the set one does not answer', () => {
    const chosen = indexStatusView(symbols({}), semantic({ embeddingModel: '' }));
    assert.equal(chosen.warning, false);
    assert.match(chosen.tooltip, /no embedding model — full-text only/);
    const missing = indexStatusView(symbols({}), semantic({ problem: 'nomic-embed-text is not installed: run `ollama pull nomic-embed-text`.' }));
    assert.equal(missing.text, '$(warning) Index: full-text only');
    assert.equal(missing.warning, true);
    assert.match(missing.tooltip, /ollama pull nomic-embed-text/);
  });

  it('warns on a failure, shows a pause, and hides when both indexes are off', () => {
    const failed = indexStatusView(symbols({ state: 'error', message: 'Indexing failed: disk full' }), semantic({}));
    assert.equal(failed.text, '$(warning) Hearth index failed');
    assert.match(failed.tooltip, /disk full/);
    assert.equal(indexStatusView(symbols({ state: 'paused', done: 4, total: 9 }), semantic({ phase: 'paused' })).text, '$(debug-pause) Indexing paused');
    assert.equal(indexStatusView(symbols({ state: 'off' }), semantic({ phase: 'off' })).visible, false);
    assert.equal(indexStatusView(symbols({ state: 'off' }), semantic({})).visible, true);
  });
});
