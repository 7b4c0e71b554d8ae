/**
 * Chunking along syntax boundaries: code at top-level declarations with their
 * comments, Markdown at headings; chunks cover the file without overlap and
 * stay within the token budget.
 */
import assert from 'node:assert/strict';
import { chunkText } from '../../agent-host/search/chunkText';

function assertPartition(text: string, chunks: { startLine: number; endLine: number }[]): void {
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  for (let i = 1; i < chunks.length; i++) assert.ok(chunks[i].startLine > chunks[i - 1].endLine, 'chunks do not overlap');
  assert.ok(chunks[chunks.length - 1].endLine <= lines);
}

describe('semantic search: chunking', () => {
  const ts = [
    "import { a } from './a';",
    "import { b } from './b';",
    '',
    '/** Verifies a token. */',
    'export function verifyToken(token: string): boolean {',
    '  if (!token) {',
    '    return false;',
    '  }',
    '',
    '  return token.length > 3;',
    '}',
    '',
    '// The parser.',
    '@decorated()',
    'export class Parser {',
    '  parse(): void {}',
    '}',
    '',
  ].join('\n');

  it('splits code at top-level declarations and keeps comments and decorators with the declaration below them', () => {
    const chunks = chunkText('src/auth.ts', ts, { maxTokens: 50 });
    assert.deepEqual(
      chunks.map((c) => [c.startLine, c.endLine]),
      [
        [1, 3],
        [4, 12],
        [13, 17],
      ],
    );
    assert.match(chunks[1].text, /^\/\*\* Verifies a token\. \*\/\nexport function verifyToken/);
    assert.match(chunks[2].text, /^\/\/ The parser\.\n@decorated\(\)\nexport class Parser/);
    assertPartition(ts, chunks);
  });

  it('does not split a function at a blank line inside it', () => {
    const chunks = chunkText('src/auth.ts', ts, { maxTokens: 50 });
    const fn = chunks.find((c) => c.text.includes('verifyToken'))!;
    assert.match(fn.text, /return token\.length > 3;\n\}/);
  });

  it('merges small neighbouring declarations up to the budget', () => {
    const chunks = chunkText('src/auth.ts', ts, { maxTokens: 400 });
    assert.equal(chunks.length, 1);
    assert.equal(chunks[0].startLine, 1);
    assert.equal(chunks[0].endLine, 17);
  });

  it('splits Python at top-level defs (indentation, no braces)', () => {
    const py = ['import os', '', 'def load(path):', '    with open(path) as f:', '', '        return f.read()', '', 'class Store:', '    def get(self):', '        return 1', ''].join('\n');
    const chunks = chunkText('app/store.py', py, { maxTokens: 22 });
    assert.deepEqual(
      chunks.map((c) => c.text.split('\n')[0]),
      ['import os', 'def load(path):', 'class Store:'],
    );
  });

  it('splits Markdown at headings, not inside code fences', () => {
    const md = ['# Title', 'intro', '', '## Install', 'run it', '```sh', '# not a heading', '```', '', '## Use', 'call it', ''].join('\n');
    const chunks = chunkText('docs/guide.md', md, { maxTokens: 16 });
    assert.deepEqual(
      chunks.map((c) => c.text.split('\n')[0]),
      ['# Title', '## Install', '## Use'],
    );
    assert.ok(chunks[1].text.includes('# not a heading'));
  });

  it('cuts a declaration larger than the budget into pieces within it, covering every line once', () => {
    const body = Array.from({ length: 200 }, (_, i) => `  const value${i} = compute(${i}); // step ${i}`);
    const text = ['export function huge() {', ...body, '}', ''].join('\n');
    const chunks = chunkText('src/huge.ts', text, { maxTokens: 100 });
    assert.ok(chunks.length > 5);
    for (const c of chunks) assert.ok(Math.ceil(c.text.length / 3.5) <= 100 + 20, `chunk ${c.startLine}-${c.endLine} fits the budget`);
    assert.equal(chunks[0].startLine, 1);
    assert.equal(chunks[chunks.length - 1].endLine, 202);
    for (let i = 1; i < chunks.length; i++) assert.equal(chunks[i].startLine, chunks[i - 1].endLine + 1, 'contiguous');
  });

  it('chunks a repository file with a long line of closing parentheses in linear time, and still knows closing lines', () => {
    // The team server chunks on its own thread, and the language server's worker gives a file 30 s before it kills it.
    const text = ['function a() {', '  return 1;', '}', '', `${')'.repeat(60_000)}x`, '', 'function b() {', '  return 2;', '});', 'const c = 3;', ''].join('\n');
    const started = performance.now();
    const chunks = chunkText('src/hostile.ts', text, { maxTokens: 12 });
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 1000, `chunking took ${Math.round(elapsed)} ms`);
    assertPartition(text, chunks);
    // Line 10 starts a block because "});" above it closed one.
    assert.deepEqual(
      chunks.map((c) => [c.startLine, c.endLine]),
      [
        [1, 4],
        [5, 5],
        [6, 9],
        [10, 10],
      ],
    );
  });

  it('returns nothing for an empty file and one chunk for a one-liner', () => {
    assert.deepEqual(chunkText('a.ts', ''), []);
    assert.deepEqual(chunkText('a.ts', 'export const x = 1;\n'), [{ startLine: 1, endLine: 1, text: 'export const x = 1;' }]);
  });
});
