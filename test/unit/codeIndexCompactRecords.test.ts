/**
 * What keeps the symbol index's memory bounded: each file's references
 * packed into one flat string (and read back exactly), names that do not
 * keep the file's text alive, and a cache streamed a line at a time, where
 * one damaged line costs that one file and not the whole cache.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { encodeReferences, forEachReference, referenceLines } from '../../language-server/codeIndex/fileSymbols';
import { languageForPath } from '../../language-server/codeIndex/languageSpecs';
import { SymbolParser } from '../../language-server/codeIndex/symbolParser';
import { IndexCache } from '../../language-server/codeIndex/indexCache';
import type { IndexedFile } from '../../language-server/codeIndex/symbolTable';

const WASM_DIR = path.resolve('node_modules/@vscode/tree-sitter-wasm/wasm');

function record(i: number): IndexedFile {
  return {
    root: '/ws',
    relative: `src/file${i}.ts`,
    size: 100 + i,
    mtimeMs: 1000 + i,
    hash: `h${i}`,
    symbols: { language: 'typescript', definitions: [{ name: `fn${i}`, kind: 'function', line: 1, signature: `export function fn${i}()` }], references: encodeReferences({ [`use${i}`]: [2, 3] }), imports: ['./x'] },
  };
}

describe('symbol index: compact records and the streamed cache', () => {
  it('packs references into one string and reads back each name’s lines, and no prefix of another name', () => {
    const packed = encodeReferences(new Map([['loadConfig', [1, 6, 9]], ['load', [4]], ['Config', [6]]]));
    assert.equal(typeof packed, 'string');
    assert.deepEqual(referenceLines(packed, 'loadConfig'), [1, 6, 9]);
    assert.deepEqual(referenceLines(packed, 'load'), [4]);
    assert.equal(referenceLines(packed, 'Conf'), undefined);
    assert.equal(referenceLines(packed, 'missing'), undefined);
    const entries = (encoded: string) => {
      const seen: [string, number][] = [];
      forEachReference(encoded, (name, lineCount) => seen.push([name, lineCount]));
      return seen;
    };
    assert.deepEqual(entries(packed), [['loadConfig', 3], ['load', 1], ['Config', 1]]);
    assert.deepEqual(entries(''), []);
  });

  it('keeps no parsed file’s text alive through the names and signatures it keeps', async () => {
    // V8 makes substrings of 13+ characters views into their parent: without the copies, each record below would keep its 300 KB text.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const parser = new SymbolParser(WASM_DIR);
    const spec = languageForPath('a.ts')!;
    const kept = [];
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 20; i++) {
      const filler = `// ${'padding text '.repeat(25_000)}${i}\n`;
      const text = `${filler}export function someRatherLongFunctionName${i}(argumentNumberOne: string) {\n  return someOtherLongReferencedName(argumentNumberOne);\n}\nimport { x } from './aModuleWithALongName${i}';\n`;
      kept.push(await parser.parse(spec, text));
    }
    gc();
    const grownMb = (process.memoryUsage().heapUsed - before) / 1024 / 1024;
    assert.equal(kept[19].definitions[0].name, 'someRatherLongFunctionName19');
    assert.deepEqual(referenceLines(kept[19].references, 'someOtherLongReferencedName'), [3]);
    assert.ok(grownMb < 3, `20 parsed files of 300 KB keep ${grownMb.toFixed(1)} MB of heap`);
  });

  it('saves and loads a large index a line at a time, skipping a damaged line', async () => {
    const storage = await fs.mkdtemp(path.join(os.tmpdir(), 'hearth-cache-'));
    try {
      const cache = new IndexCache(storage, ['/ws']);
      const files = Array.from({ length: 5000 }, (_, i) => record(i));
      await cache.save(files);
      assert.ok(cache.file.endsWith('.jsonl'));
      const loaded = await cache.load();
      assert.equal(loaded.length, 5000);
      assert.deepEqual(loaded[4321], files[4321]);

      // Lines longer than the write buffer, and text that is not ASCII, come back exactly as saved.
      const wide = { ...record(5000), relative: 'src/ünïcödé/名前.ts', symbols: { ...record(5000).symbols, references: encodeReferences(Object.fromEntries(Array.from({ length: 9000 }, (_, i) => [`name${i}`, [i + 1, i + 2]]))) } };
      await cache.save([files[0], wide, files[1], { ...wide, relative: 'src/wide2.ts' }, files[2]]);
      const reloaded = await cache.load();
      assert.ok(JSON.stringify(wide).length > 128 * 1024);
      assert.deepEqual(reloaded, [files[0], wide, files[1], { ...wide, relative: 'src/wide2.ts' }, files[2]]);
      await cache.save(files);

      const lines = (await fs.readFile(cache.file, 'utf8')).split('\n');
      lines[10] = lines[10].slice(0, 20); // a torn line
      await fs.writeFile(cache.file, lines.join('\n'));
      const afterDamage = await cache.load();
      assert.equal(afterDamage.length, 4999);
      assert.ok(!afterDamage.some((f) => f.relative === 'src/file9.ts'), 'the damaged record is parsed again, not misread');

      await fs.writeFile(cache.file, `${JSON.stringify({ version: 1, roots: ['/ws'] })}\n${JSON.stringify(files[0])}\n`);
      assert.deepEqual(await cache.load(), [], 'a cache of another format is rebuilt, not misread');
    } finally {
      await fs.rm(storage, { recursive: true, force: true });
    }
  });
});
