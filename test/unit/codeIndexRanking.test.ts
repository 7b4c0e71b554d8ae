import * as assert from 'node:assert/strict';
import { encodeReferences, type FileSymbols, type SymbolDefinition } from '../../language-server/codeIndex/fileSymbols';
import { rankFiles, renderRepoMap } from '../../language-server/codeIndex/repoMap';
import { SymbolTable, type IndexedFile } from '../../language-server/codeIndex/symbolTable';
import { estimateTokens } from '../../agent-host';

function def(name: string, line: number, kind: SymbolDefinition['kind'] = 'function'): SymbolDefinition {
  return { name, kind, line, signature: `export ${kind} ${name}()` };
}

function file(relative: string, symbols: Partial<Omit<FileSymbols, 'references'>> & { references?: Record<string, number[]> }): IndexedFile {
  const { references, ...rest } = symbols;
  return { root: '/ws', relative, size: 1, mtimeMs: 1, hash: relative, symbols: { language: 'typescript', definitions: [], imports: [], ...rest, references: encodeReferences(references ?? {}) } };
}

function table(files: IndexedFile[]): SymbolTable {
  const t = new SymbolTable();
  for (const f of files) t.set(f);
  return t;
}

describe('symbol index: repository map ranking', () => {
  const files = [
    file('src/leaf.ts', { definitions: [def('unusedThing', 1)], references: { loadConfig: [3], log: [4] } }),
    file('src/config.ts', { definitions: [def('loadConfig', 10), def('Config', 2, 'interface'), def('internalOnly', 30)], references: { log: [11] } }),
    file('src/log.ts', { definitions: [def('log', 1)] }),
    file('src/server.ts', { definitions: [def('startServer', 5)], references: { loadConfig: [1, 6], Config: [6], log: [7] }, imports: ['./config'] }),
    file('src/cli.ts', { definitions: [def('main', 1)], references: { startServer: [2], loadConfig: [3], log: [4] } }),
  ];

  it('ranks the files the rest of the code leans on first, and files nothing uses last', async () => {
    const ranked = (await rankFiles(table(files))).map((r) => r.file.relative);
    // log.ts is used by four files (including config.ts, itself well used); config.ts by three; leaf and cli by none.
    assert.deepEqual(ranked.slice(0, 3), ['src/log.ts', 'src/config.ts', 'src/server.ts']);
    assert.deepEqual(new Set(ranked.slice(3)), new Set(['src/cli.ts', 'src/leaf.ts']));
  });

  it('lists each file\'s most used symbols first and drops nothing the budget allows', async () => {
    const config = (await rankFiles(table(files))).find((r) => r.file.relative === 'src/config.ts')!;
    assert.deepEqual(config.symbols.map((s) => s.name), ['Config', 'loadConfig', 'internalOnly']);
  });

  it('ignores names defined in many files, which say little about which one a use means', async () => {
    const many = [
      ...['a', 'b', 'c', 'd', 'e'].map((n) => file(`src/${n}.ts`, { definitions: [def('get', 1)] })),
      file('src/target.ts', { definitions: [def('uniqueHelper', 1)] }),
      file('src/user.ts', { references: { get: [1, 2, 3, 4, 5, 6, 7, 8], uniqueHelper: [9] } }),
    ];
    assert.equal((await rankFiles(table(many)))[0].file.relative, 'src/target.ts');
  });

  it('renders within the token budget, best files first, and stops at the budget', async () => {
    const ranked = (await rankFiles(table(files)));
    const full = renderRepoMap(ranked, (f) => f.relative, 10_000, estimateTokens);
    assert.match(full, /^src\/log\.ts\n {2}1: export function log\(\)/);
    assert.ok(full.includes('src/leaf.ts'));
    const small = renderRepoMap(ranked, (f) => f.relative, 30, estimateTokens);
    assert.ok(estimateTokens(small) <= 30, `the map takes ${estimateTokens(small)} tokens`);
    assert.ok(small.startsWith('src/log.ts'));
    assert.ok(!small.includes('src/leaf.ts'));
  });

  it('an empty index gives an empty map', async () => {
    assert.deepEqual(await rankFiles(new SymbolTable()), []);
  });
});
