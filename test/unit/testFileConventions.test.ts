/**
 * Write Tests picks the test file by the project's conventions, on real
 * folders: the test folder the project has (test/, tests/, __tests__/,
 * spec/, test/unit/), the naming it uses (*.test.ts or *.spec.ts, test_x.py
 * or x_test.py, x_test.go, XTest.java), the framework in package.json or
 * pyproject.toml, and the import path from the test to the code.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { planTestFile } from '../../language-server/completion/testFileConventions';
import { editUserMessage } from '../../language-server/completion/editPrompts';

describe('test file conventions (Write Tests)', () => {
  let root: string;
  beforeEach(async () => {
    root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'hearth-tests-')));
  });
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  async function project(files: Record<string, string>): Promise<void> {
    for (const [p, content] of Object.entries(files)) {
      await fs.mkdir(path.dirname(path.join(root, p)), { recursive: true });
      await fs.writeFile(path.join(root, p), content);
    }
  }
  const plan = (source: string) => planTestFile(path.join(root, source), [root]);

  it('TypeScript with vitest and a test/ folder: test/<mirror>.test.ts, importing ../src/…', async () => {
    await project({ 'package.json': JSON.stringify({ devDependencies: { vitest: '^1' } }), 'src/math.ts': '', 'test/other.test.ts': '' });
    const p = await plan('src/math.ts');
    assert.equal(p.relativePath, 'test/math.test.ts');
    assert.equal(p.framework, 'vitest');
    assert.equal(p.importPath, '../src/math');
    assert.equal(p.exists, false);
  });

  it('mirrors nested folders when the test tree does, dropping src/', async () => {
    await project({ 'package.json': JSON.stringify({ devDependencies: { jest: '^29' } }), 'src/utils/strings.ts': '', 'tests/utils/old.spec.ts': '' });
    const p = await plan('src/utils/strings.ts');
    assert.equal(p.relativePath, 'tests/utils/strings.spec.ts', 'the project says .spec, and its tests/ mirrors utils/');
    assert.equal(p.framework, 'jest');
    assert.equal(p.importPath, '../../src/utils/strings');
  });

  it('a __tests__ folder beside the file wins', async () => {
    await project({ 'package.json': '{}', 'src/components/Button.tsx': '', 'src/components/__tests__/Card.test.tsx': '', 'test/e2e.test.ts': '' });
    const p = await plan('src/components/Button.tsx');
    assert.equal(p.relativePath, 'src/components/__tests__/Button.test.tsx');
    assert.equal(p.importPath, '../Button');
  });

  it('tests already beside the file keep the next one beside it', async () => {
    await project({ 'package.json': JSON.stringify({ scripts: { test: 'mocha' } }), 'lib/parse.js': '', 'lib/format.test.js': '' });
    const p = await plan('lib/parse.js');
    assert.equal(p.relativePath, 'lib/parse.test.js');
    assert.equal(p.framework, 'mocha', 'read from the test script when no dependency names it');
    assert.equal(p.importPath, './parse');
  });

  it('a test tree split by kind puts unit tests in test/unit/, and ESM imports name the .js file', async () => {
    await project({ 'package.json': JSON.stringify({ type: 'module', devDependencies: { mocha: '^10' } }), 'extension/thing.ts': '', 'test/unit/a.test.ts': '', 'test/e2e/b.test.ts': '' });
    const p = await plan('extension/thing.ts');
    assert.equal(p.relativePath, 'test/unit/thing.test.ts');
    assert.equal(p.importPath, '../../extension/thing.js');
  });

  it('a monorepo package uses its own package.json and test folder', async () => {
    await project({ 'package.json': JSON.stringify({ devDependencies: { jest: '1' } }), 'packages/core/package.json': JSON.stringify({ devDependencies: { vitest: '1' } }), 'packages/core/src/a.ts': '', 'packages/core/test/x.test.ts': '' });
    const p = await plan('packages/core/src/a.ts');
    assert.equal(p.relativePath, 'packages/core/test/a.test.ts');
    assert.equal(p.framework, 'vitest');
  });

  it('no test folder and no neighbours: beside the file, with node:test when the script says so', async () => {
    await project({ 'package.json': JSON.stringify({ scripts: { test: 'node --test' } }), 'index.js': '' });
    const p = await plan('index.js');
    assert.equal(p.relativePath, 'index.test.js');
    assert.equal(p.framework, 'node:test');
  });

  it('Python with pytest and tests/: tests/test_<name>.py, importing the module without src.', async () => {
    await project({ 'pyproject.toml': '[tool.pytest.ini_options]\n', 'src/shop/cart.py': '', 'tests/test_other.py': '' });
    const p = await plan('src/shop/cart.py');
    assert.equal(p.relativePath, 'tests/test_cart.py');
    assert.equal(p.framework, 'pytest');
    assert.equal(p.importPath, 'shop.cart');
  });

  it('Python that names tests x_test.py keeps doing so; without pytest it is unittest', async () => {
    await project({ 'app/models.py': '', 'test/views_test.py': '' });
    const p = await plan('app/models.py');
    assert.equal(p.relativePath, 'test/models_test.py');
    assert.equal(p.framework, 'unittest');
  });

  it('Go: x_test.go beside the file, always', async () => {
    await project({ 'go.mod': 'module x\n', 'pkg/calc/calc.go': '', 'tests/readme.md': '' });
    const p = await plan('pkg/calc/calc.go');
    assert.equal(p.relativePath, 'pkg/calc/calc_test.go');
    assert.match(p.framework ?? '', /go test/);
  });

  it('Java: src/test/java mirrors src/main/java', async () => {
    await project({ 'pom.xml': '<artifactId>junit-jupiter</artifactId>', 'src/main/java/com/acme/Cart.java': '' });
    const p = await plan('src/main/java/com/acme/Cart.java');
    assert.equal(p.relativePath, 'src/test/java/com/acme/CartTest.java');
    assert.equal(p.framework, 'JUnit 5');
  });

  it('Ruby with spec/: spec/<name>_spec.rb', async () => {
    await project({ 'lib/cart.rb': '', 'spec/spec_helper.rb': '' });
    assert.equal((await plan('lib/cart.rb')).relativePath, 'spec/cart_spec.rb');
  });

  it('reports an existing test file, so the tests are appended', async () => {
    await project({ 'package.json': '{}', 'src/math.ts': '', 'test/math.test.ts': "import { add } from '../src/math';\n" });
    const p = await plan('src/math.ts');
    assert.equal(p.exists, true);
    const prompt = editUserMessage({ kind: 'tests', path: 'src/math.ts', languageId: 'typescript', before: '', code: 'export const sub = (a, b) => a - b;', after: '', firstLine: 1, testFile: { relativePath: p.relativePath, importPath: p.importPath, existing: "import { add } from '../src/math';\n" } });
    assert.match(prompt, /The test file test\/math\.test\.ts already exists/);
    assert.match(prompt, /Reply with only the code to append/);
  });

  it('tells the model where the file goes, the framework and the import path', () => {
    const prompt = editUserMessage({ kind: 'tests', path: 'src/math.ts', languageId: 'typescript', before: '', code: 'x', after: '', firstLine: 1, testFile: { relativePath: 'test/math.test.ts', framework: 'vitest', importPath: '../src/math' } });
    assert.match(prompt, /it will be saved as test\/math\.test\.ts/);
    assert.match(prompt, /The project tests with vitest/);
    assert.match(prompt, /Import the code under test from "\.\.\/src\/math"/);
  });
});
