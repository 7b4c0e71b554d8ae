import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { isInsideOrSame } from '../workspace/pathInside';

/** Where Write Tests puts the tests for one source file, and how they should be written. */
export interface TestFilePlan {
  /** Absolute path of the test file. */
  absolutePath: string;
  /** Relative to the workspace folder (or the file name outside one), as the user and the model see it. */
  relativePath: string;
  exists: boolean;
  /** The test framework the project uses, when it can be told ("vitest", "jest", "mocha", "pytest", "go test", …). */
  framework?: string;
  /** How the test file imports the code under test ("../src/math", "mypkg.math"), when the language imports by path. */
  importPath?: string;
  /** Why this place: the convention that decided it, for the prompt and the log. */
  reason: string;
}

/** Folders that hold a project's tests, most usual first. */
const TEST_FOLDERS = ['test', 'tests', '__tests__', 'spec'];
/** Source folders whose name the test tree drops (src/math/add.ts → test/math/add.test.ts). */
const SOURCE_FOLDERS = new Set(['src', 'lib', 'source', 'app']);
const JS_EXTENSIONS = new Set(['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs']);
/** Frameworks in the order they are recognised in package.json (vitest projects often also list jest types). */
const JS_FRAMEWORKS = ['vitest', 'jest', 'mocha', 'ava', 'jasmine', 'tap', 'uvu'];
/** A bound on folder listings, so a huge folder cannot stall the action. */
const MAX_ENTRIES = 2000;

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(() => true, () => false);
}

async function isDir(p: string): Promise<boolean> {
  return fs.stat(p).then((s) => s.isDirectory(), () => false);
}

async function list(dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir)).slice(0, MAX_ENTRIES);
  } catch {
    return [];
  }
}

async function readText(p: string): Promise<string | undefined> {
  try {
    const stat = await fs.stat(p);
    return stat.isFile() && stat.size < 1_000_000 ? await fs.readFile(p, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/** Names of test files under `dir`, a couple of levels deep: what the project calls its tests. */
async function testNamesUnder(dir: string, depth = 2): Promise<string[]> {
  const names: string[] = [];
  for (const entry of await list(dir)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    const full = path.join(dir, entry);
    if (depth > 0 && (await isDir(full))) names.push(...(await testNamesUnder(full, depth - 1)));
    else names.push(entry);
    if (names.length > MAX_ENTRIES) break;
  }
  return names;
}

/** The nearest folder at or above `from` (not above `root`) that holds `file`. */
async function findUp(from: string, root: string, file: string): Promise<string | undefined> {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (await exists(path.join(dir, file))) return dir;
    if (dir === root || path.dirname(dir) === dir || !isInsideOrSame(root, dir)) return undefined;
  }
}


function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/**
 * Finds where the tests of `sourcePath` belong, by the project's own
 * conventions: Go's `_test.go` beside the file (the language requires it);
 * Maven's src/test/java mirror; for JavaScript and TypeScript a `__tests__`
 * folder beside the file, tests already beside it, or a test folder at the
 * package root mirroring the source tree, with `.test` or `.spec` as the
 * project already names them; for Python `test_x.py` (or `x_test.py`, as the
 * project does) in `tests/` or `test/`; for Ruby `spec/x_spec.rb` or
 * `test/x_test.rb`. The framework comes from package.json, pyproject.toml
 * and friends. Only reads the workspace; never writes.
 */
export async function planTestFile(sourcePath: string, roots: readonly string[]): Promise<TestFilePlan> {
  const root = roots.find((r) => isInsideOrSame(r, sourcePath)) ?? path.dirname(sourcePath);
  const ext = path.extname(sourcePath);
  const base = path.basename(sourcePath, ext);
  const dir = path.dirname(sourcePath);
  const make = async (absolutePath: string, reason: string, extra: Partial<TestFilePlan> = {}): Promise<TestFilePlan> => ({
    absolutePath,
    relativePath: isInsideOrSame(root, absolutePath) && roots.includes(root) ? toPosix(path.relative(root, absolutePath)) : path.basename(absolutePath),
    exists: await exists(absolutePath),
    reason,
    ...extra,
  });

  if (ext === '.go') return make(path.join(dir, `${base}_test.go`), 'Go tests live beside the file as *_test.go', { framework: 'go test (package testing)' });

  if (ext === '.java') {
    const marker = `${path.sep}src${path.sep}main${path.sep}java${path.sep}`;
    const at = sourcePath.indexOf(marker);
    if (at >= 0) {
      const testPath = path.join(sourcePath.slice(0, at), 'src', 'test', 'java', path.dirname(sourcePath.slice(at + marker.length)), `${base}Test.java`);
      return make(testPath, 'Maven/Gradle layout: src/test/java mirrors src/main/java', { framework: (await readText(path.join(sourcePath.slice(0, at), 'pom.xml')))?.includes('junit-jupiter') ? 'JUnit 5' : 'JUnit' });
    }
    return make(path.join(dir, `${base}Test.java`), 'no src/main/java layout: beside the file', { framework: 'JUnit' });
  }

  if (JS_EXTENSIONS.has(ext)) return planJavaScript(sourcePath, root, base, ext, dir, make);
  if (ext === '.py') return planPython(sourcePath, root, base, dir, make);

  if (ext === '.rb') {
    if (await isDir(path.join(root, 'spec'))) return make(path.join(root, 'spec', `${base}_spec.rb`), 'the project has spec/', { framework: 'RSpec' });
    return make(path.join(root, 'test', `${base}_test.rb`), 'Ruby tests in test/', { framework: 'Minitest' });
  }

  return make(path.join(dir, `${base}.test${ext}`), 'no convention known for this language: beside the file');
}

type Make = (absolutePath: string, reason: string, extra?: Partial<TestFilePlan>) => Promise<TestFilePlan>;

async function planJavaScript(sourcePath: string, root: string, base: string, ext: string, dir: string, make: Make): Promise<TestFilePlan> {
  // The package the file belongs to (a monorepo has several): its package.json names the framework and its folder holds the test tree.
  const pkgDir = (await findUp(dir, root, 'package.json')) ?? root;
  const pkgText = await readText(path.join(pkgDir, 'package.json'));
  let pkg: { devDependencies?: Record<string, string>; dependencies?: Record<string, string>; scripts?: Record<string, string>; type?: string } = {};
  try {
    pkg = pkgText ? (JSON.parse(pkgText) as typeof pkg) : {};
  } catch {
    // A broken package.json tells us nothing; the defaults apply.
  }
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  const testScript = pkg.scripts?.test ?? '';
  let framework = JS_FRAMEWORKS.find((f) => f in deps) ?? JS_FRAMEWORKS.find((f) => new RegExp(`\\b${f}\\b`).test(testScript));
  if (!framework && /node\s+--test\b/.test(testScript)) framework = 'node:test';

  // .test or .spec, as the project already names its tests (neighbours first, then the package's test folders).
  const neighbours = await list(dir);
  const testFolders = (await Promise.all(TEST_FOLDERS.map(async (f) => ((await isDir(path.join(pkgDir, f))) ? f : undefined)))).filter((f): f is string => f !== undefined);
  const known = [...neighbours, ...(await list(path.join(dir, '__tests__'))), ...(await Promise.all(testFolders.map((f) => testNamesUnder(path.join(pkgDir, f))))).flat()];
  const spec = known.filter((n) => /\.spec\.[cm]?[jt]sx?$/.test(n)).length;
  const test = known.filter((n) => /\.test\.[cm]?[jt]sx?$/.test(n)).length;
  const suffix = spec > test ? 'spec' : 'test';
  const name = `${base}.${suffix}${ext}`;
  const withImport = (testPath: string) => ({ framework, importPath: importSpecifier(testPath, sourcePath, pkg.type === 'module') });

  if (await isDir(path.join(dir, '__tests__'))) {
    const p = path.join(dir, '__tests__', name);
    return make(p, 'a __tests__ folder beside the file', withImport(p));
  }
  if (neighbours.some((n) => new RegExp(`\\.${suffix}\\.[cm]?[jt]sx?$`).test(n))) {
    const p = path.join(dir, name);
    return make(p, `tests beside the file (*.${suffix}${ext})`, withImport(p));
  }
  if (testFolders.length > 0 && isInsideOrSame(pkgDir, sourcePath)) {
    const folder = path.join(pkgDir, testFolders[0]);
    // A test tree split by kind (test/unit, test/integration): unit tests go in unit/.
    const unit = (await isDir(path.join(folder, 'unit'))) ? path.join(folder, 'unit') : folder;
    const parts = path.relative(pkgDir, dir).split(path.sep).filter((p) => p !== '');
    if (SOURCE_FOLDERS.has(parts[0] ?? '')) parts.shift();
    // Mirror the source tree when the test folder does (it has sub-folders besides unit/ and friends); else keep it flat.
    const mirrored = parts.length > 0 && (await isDir(path.join(unit, parts[0])));
    const p = path.join(unit, ...(mirrored ? parts : []), name);
    return make(p, `the project keeps its tests in ${toPosix(path.relative(pkgDir, unit))}/`, withImport(p));
  }
  const p = path.join(dir, name);
  return make(p, 'no test folder found: beside the file', withImport(p));
}

/** The import specifier from the test file to the source: relative, without the extension where the project's resolver adds it. */
function importSpecifier(testPath: string, sourcePath: string, esm: boolean): string {
  let rel = toPosix(path.relative(path.dirname(testPath), sourcePath));
  if (!rel.startsWith('.')) rel = `./${rel}`;
  const ext = path.extname(rel);
  if (ext === '.ts' || ext === '.tsx' || ext === '.mts' || ext === '.cts') return esm ? rel.replace(/\.([cm]?)tsx?$/, '.$1js') : rel.slice(0, -ext.length);
  if (ext === '.js' || ext === '.jsx') return esm ? rel : rel.slice(0, -ext.length);
  return rel;
}

async function planPython(sourcePath: string, root: string, base: string, dir: string, make: Make): Promise<TestFilePlan> {
  const config = [await readText(path.join(root, 'pyproject.toml')), await readText(path.join(root, 'setup.cfg')), await readText(path.join(root, 'requirements-dev.txt')), await readText(path.join(root, 'requirements.txt'))].join('\n');
  const framework = /\bpytest\b/.test(config) || (await exists(path.join(root, 'conftest.py'))) ? 'pytest' : 'unittest';
  const folder = (await isDir(path.join(root, 'tests'))) ? 'tests' : (await isDir(path.join(root, 'test'))) ? 'test' : undefined;
  const known = folder ? await testNamesUnder(path.join(root, folder)) : await list(dir);
  const suffixStyle = known.filter((n) => /_test\.py$/.test(n)).length > known.filter((n) => /^test_.*\.py$/.test(n)).length;
  const name = suffixStyle ? `${base}_test.py` : `test_${base}.py`;
  // The module path the test imports (src/ layouts drop src).
  const parts = path.relative(root, sourcePath).replace(/\.py$/, '').split(path.sep);
  if (parts[0] === 'src') parts.shift();
  const importPath = isInsideOrSame(root, sourcePath) ? parts.join('.') : base;
  if (folder) return make(path.join(root, folder, name), `the project keeps its tests in ${folder}/`, { framework, importPath });
  return make(path.join(dir, name), 'no tests folder: beside the file', { framework, importPath });
}
