/**
 * The glob translation shared by the glob tool, the JavaScript grep fallback
 * and the .gitignore reader: it must agree with ripgrep's --glob semantics.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { GitignoreRules } from '../../language-server/tools/gitignoreRules';
import { compileGlob, staticPrefix } from '../../language-server/tools/globPattern';
import { walkFiles } from '../../language-server/tools/workspaceWalker';

function matches(pattern: string, p: string, isDir = false): boolean {
  return compileGlob(pattern, { braces: true }).matches(p, isDir);
}

describe('glob patterns', () => {
  it('matches names without a slash at any depth and anchors patterns with one', () => {
    assert.ok(matches('*.ts', 'a.ts'));
    assert.ok(matches('*.ts', 'src/deep/a.ts'));
    assert.ok(matches('src/*.ts', 'src/a.ts'));
    assert.ok(!matches('src/*.ts', 'src/deep/a.ts'));
    assert.ok(!matches('src/*.ts', 'lib/src/a.ts'));
    assert.ok(matches('/src/a.ts', 'src/a.ts'));
  });

  it('spans directories only with **', () => {
    assert.ok(matches('src/**/*.ts', 'src/a.ts'));
    assert.ok(matches('src/**/*.ts', 'src/x/y/a.ts'));
    assert.ok(matches('src/**', 'src/x/y'));
    assert.ok(matches('**/test/*.ts', 'test/a.ts'));
    assert.ok(matches('**/test/*.ts', 'pkg/test/a.ts'));
    assert.ok(!matches('a**b', 'a/b'));
  });

  it('supports ?, classes, negated classes and braces, and escapes regex characters', () => {
    assert.ok(matches('?.md', 'a.md'));
    assert.ok(!matches('?.md', 'ab.md'));
    assert.ok(matches('[ab].txt', 'b.txt'));
    assert.ok(!matches('[!ab].txt', 'a.txt'));
    assert.ok(matches('[!ab].txt', 'c.txt'));
    assert.ok(matches('*.{ts,tsx}', 'x/a.tsx'));
    assert.ok(matches('{src,lib}/**/*.js', 'lib/a/b.js'));
    assert.ok(matches('a+b(c).txt', 'a+b(c).txt'));
    assert.ok(!matches('a.txt', 'abtxt'));
  });

  it('handles directory-only and negated patterns', () => {
    const dir = compileGlob('build/', { braces: false });
    assert.ok(dir.matches('build', true));
    assert.ok(dir.matches('pkg/build', true));
    assert.ok(!dir.matches('build', false));
    assert.equal(compileGlob('!keep.ts', { braces: false }).negated, true);
  });

  it('matches in linear time, whatever the pattern: the model writes globs and a repository writes .gitignore', () => {
    // As regular expressions these backtracked for seconds to hours on the language server's only thread.
    const hostile: [string, string][] = [
      ['*a*a*a*a*b', 'a'.repeat(150)],
      ['*a*a*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(255)],
      ['a**a**a**a**a**a**a**b', 'a'.repeat(255)],
      ['**/**/**/**/**/**/**/**/x', 'a/'.repeat(500) + 'b'],
      ['*[a]*[!b]*?*a*a*a*b', 'a'.repeat(255)],
    ];
    for (const [pattern, name] of hostile) {
      const started = performance.now();
      assert.equal(matches(pattern, name), false, pattern);
      assert.equal(compileGlob(pattern, { braces: false, ignoreCase: true }).matches(name.toUpperCase(), false), false, pattern);
      const elapsed = performance.now() - started;
      assert.ok(elapsed < 1000, `${pattern} took ${Math.round(elapsed)} ms`);
    }
    assert.ok(matches('*a*a*a*a*b', `${'a'.repeat(150)}b`));
    assert.ok(compileGlob('*A*b', { braces: false, ignoreCase: true }).matches('xaxB', false));
    assert.ok(matches('**/**/x', 'a/b/x'));
    assert.ok(!matches('**/b/x', 'ab/x'), '**/ stands for whole directories only');
  });

  it('refuses braces that expand to too many alternatives, with the reason', () => {
    // 2^9 = 512 alternatives, over the limit of 256; 2^8 is within it.
    assert.throws(() => compileGlob('{a,b}'.repeat(9), { braces: true }), /alternatives expand to more than 256/);
    assert.ok(matches('{a,b}'.repeat(8), 'ab'.repeat(4)));
  });

  it('finds the fixed directory a walk can start from', () => {
    assert.equal(staticPrefix('src/components/**/*.tsx'), 'src/components');
    assert.equal(staticPrefix('*.ts'), '');
    assert.equal(staticPrefix('{a,b}/x.ts'), '');
  });
});

describe('gitignore rules', () => {
  let root: string;

  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'hearth-gitignore-'));
    await fs.writeFile(path.join(root, '.gitignore'), '# comment\n*.log\n/dist\nnode_modules/\n!important.log\nescaped\\ space\\ \n');
    await fs.mkdir(path.join(root, 'pkg'));
    await fs.writeFile(path.join(root, 'pkg', '.gitignore'), 'local.txt\n!/keep.log\n');
    await fs.mkdir(path.join(root, '.git', 'info'), { recursive: true });
    await fs.writeFile(path.join(root, '.git', 'info', 'exclude'), 'secret-notes.md\n');
  });

  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  it('applies root, nested and exclude rules with Git precedence', async () => {
    const top = await GitignoreRules.forRoot(root);
    assert.ok(top.isIgnored('debug.log', false));
    assert.ok(top.isIgnored('a/b/debug.log', false));
    assert.ok(!top.isIgnored('important.log', false), 'negation re-includes');
    assert.ok(top.isIgnored('dist', true));
    assert.ok(!top.isIgnored('src/dist', true), 'a leading slash anchors');
    assert.ok(top.isIgnored('x/node_modules', true));
    assert.ok(!top.isIgnored('node_modules', false), 'directory-only patterns skip files');
    assert.ok(top.isIgnored('secret-notes.md', false));
    assert.ok(top.isIgnored('escaped space ', false));
    const pkg = await GitignoreRules.forDirectory(root, 'pkg');
    assert.ok(pkg.isIgnored('pkg/local.txt', false));
    assert.ok(!top.isIgnored('other/local.txt', false));
    assert.ok(!pkg.isIgnored('pkg/keep.log', false), 'a deeper file overrides a shallower one');
    assert.ok(pkg.isIgnored('pkg/other.log', false));
  });

  it('reads a .gitignore whose long run of spaces is not trailing, without stalling, and keeps an escaped trailing space', async () => {
    await fs.writeFile(path.join(root, '.gitignore'), `a${' '.repeat(100_000)}x\nkept\\ \t \nplain   \n`);
    const started = performance.now();
    const rules = await GitignoreRules.forRoot(root);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 2000, `reading the rules took ${Math.round(elapsed)} ms`);
    assert.ok(rules.isIgnored(`a${' '.repeat(100_000)}x`, false));
    assert.ok(rules.isIgnored('kept ', false), 'the escaped space stays part of the name');
    assert.ok(!rules.isIgnored('kept', false));
    assert.ok(rules.isIgnored('plain', false), 'unescaped trailing spaces are dropped');
  });

  it('walks a folder whose .gitignore was written to make matching backtrack, without stalling', async () => {
    await fs.writeFile(path.join(root, '.gitignore'), '*a*a*a*a*b\n');
    const name = 'a'.repeat(220);
    await fs.writeFile(path.join(root, name), 'x');
    const started = performance.now();
    const found: string[] = [];
    for await (const file of walkFiles(root, '', { signal: new AbortController().signal })) found.push(file.relativeToRoot);
    const elapsed = performance.now() - started;
    assert.ok(found.includes(name), 'the file is not ignored');
    assert.ok(elapsed < 2000, `the walk took ${Math.round(elapsed)} ms`);
  });
});
