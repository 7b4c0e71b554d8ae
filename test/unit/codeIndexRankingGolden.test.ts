import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { encodeReferences, type SymbolDefinition } from '../../language-server/codeIndex/fileSymbols';
import { rankFiles } from '../../language-server/codeIndex/repoMap';
import { SymbolTable, type IndexedFile } from '../../language-server/codeIndex/symbolTable';

/** A small deterministic generator (mulberry32), so the fixture is the same on every run and machine. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A made-up tree of 400 files: names defined in one to six files (so some are
 * shared and some are ignored as too common), uses with one to ten lines,
 * methods used and unused, and relative imports that resolve and some that do not.
 */
function fixture(): SymbolTable {
  const next = random(14);
  const pick = (n: number) => Math.floor(next() * n);
  const names = Array.from({ length: 600 }, (_, i) => `name${i}`);
  const kinds: SymbolDefinition['kind'][] = ['function', 'class', 'method', 'interface', 'const', 'type'];
  const table = new SymbolTable();
  for (let f = 0; f < 400; f++) {
    const definitions: SymbolDefinition[] = [];
    for (let d = pick(12); d > 0; d--) {
      const name = names[pick(names.length)];
      const kind = kinds[pick(kinds.length)];
      definitions.push({ name, kind, line: 1 + pick(500), signature: `${kind} ${name}()` });
    }
    const references = new Map<string, number[]>();
    for (let r = pick(30); r > 0; r--) references.set(names[pick(names.length)], Array.from({ length: 1 + pick(10) }, () => 1 + pick(500)));
    const imports = Array.from({ length: pick(4) }, () => (next() < 0.8 ? `./f${pick(420)}` : `../lib/f${pick(420)}.js`));
    const file: IndexedFile = {
      root: '/ws',
      relative: `src/f${f}.ts`,
      size: 1,
      mtimeMs: 1,
      hash: String(f),
      symbols: { language: 'typescript', definitions, references: encodeReferences(references), imports },
    };
    table.set(file);
  }
  return table;
}

describe('symbol index: repository map ranking over a generated tree', () => {
  it('ranks and picks symbols exactly as before the compact ranking', async () => {
    const ranked = await rankFiles(fixture());
    assert.equal(ranked.length, 400);
    const summary = ranked.map((r) => [r.file.relative, r.score, r.symbols.map((s) => `${s.name}:${s.line}`)]);
    // Recorded from the ranking before its graph was packed into typed arrays: the order, every score to the
    // last bit, and every file's chosen symbols must stay the same.
    assert.deepEqual(
      ranked.slice(0, 8).map((r) => r.file.relative),
      ['src/f162.ts', 'src/f357.ts', 'src/f84.ts', 'src/f223.ts', 'src/f387.ts', 'src/f36.ts', 'src/f196.ts', 'src/f294.ts'],
    );
    assert.equal(createHash('sha1').update(JSON.stringify(summary)).digest('hex'), '3ff6276a038f3d6cf3c4cff9f082758d25e0cf98');
  });
});
