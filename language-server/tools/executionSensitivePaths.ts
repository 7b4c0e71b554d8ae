/**
 * Files that make another program run code: a package manifest's scripts, a
 * lockfile, an npm config, a Makefile, editor tasks, CI workflows, commit
 * hooks. Writing one is a step towards running code the user never saw (write
 * `package.json` scripts, then run the allow-listed `npm test`), so every
 * write to one asks the user, even with auto-approved edits, and a command
 * sandbox keeps the existing ones read-only.
 *
 * The comparison is case-folded with trailing dots and spaces dropped, for the
 * same reasons as in protectedPaths.ts.
 */
import { foldSegment } from './protectedPaths';

/** Why a path is execution-sensitive, in words the approval shows the user. */
export interface ExecutionSensitivity {
  /** "package.json defines the scripts `npm test` and `npm run` execute". */
  readonly reason: string;
}

/** Exact file names (case-folded) that are execution-sensitive wherever they are, with what they make run. */
const FILE_NAMES: ReadonlyMap<string, string> = new Map([
  ['package.json', 'package.json defines the scripts that `npm test` and `npm run` execute'],
  ['package-lock.json', 'the lockfile decides which package code `npm install` fetches and runs'],
  ['npm-shrinkwrap.json', 'the lockfile decides which package code `npm install` fetches and runs'],
  ['yarn.lock', 'the lockfile decides which package code `yarn install` fetches and runs'],
  ['pnpm-lock.yaml', 'the lockfile decides which package code `pnpm install` fetches and runs'],
  ['pnpm-workspace.yaml', 'it changes which packages pnpm installs and runs scripts of'],
  ['bun.lockb', 'the lockfile decides which package code `bun install` fetches and runs'],
  ['.npmrc', '.npmrc configures npm (script shell, node options, registry), so it changes what `npm test` runs'],
  ['.yarnrc', '.yarnrc configures yarn, so it changes what yarn runs'],
  ['.yarnrc.yml', '.yarnrc.yml configures yarn (plugins, paths), so it changes what yarn runs'],
  ['.pnpmfile.cjs', '.pnpmfile.cjs is code pnpm runs on every install'],
  ['makefile', 'the Makefile is what `make` runs'],
  ['gnumakefile', 'the Makefile is what `make` runs'],
  ['justfile', 'the justfile is what `just` runs'],
  ['taskfile.yml', 'the Taskfile is what `task` runs'],
  ['pyproject.toml', 'pyproject.toml configures Python builds and tools (build backends, pytest plugins)'],
  ['setup.py', 'setup.py is code that pip and setuptools run'],
  ['setup.cfg', 'setup.cfg configures setuptools and Python tools'],
  ['tox.ini', 'tox.ini defines the commands tox runs'],
  ['noxfile.py', 'noxfile.py is code that nox runs'],
  ['conftest.py', 'conftest.py is code pytest loads before every test run'],
  ['cargo.toml', 'Cargo.toml decides build scripts and dependencies that cargo runs'],
  ['build.rs', 'build.rs is a build script cargo runs before compiling'],
  ['gradlew', 'gradlew is the script that runs Gradle'],
  ['build.gradle', 'the Gradle build file is code Gradle runs'],
  ['build.gradle.kts', 'the Gradle build file is code Gradle runs'],
  ['settings.gradle', 'the Gradle settings file is code Gradle runs'],
  ['pom.xml', 'pom.xml decides the plugins Maven runs'],
  ['.envrc', '.envrc is a shell script direnv runs when you enter the folder'],
  ['.gitmodules', '.gitmodules tells git which repositories to fetch as submodules'],
  ['.gitattributes', '.gitattributes selects git filters and diff drivers that run programs'],
  ['.pre-commit-config.yaml', 'it defines the hooks pre-commit runs on every commit'],
  ['.gitlab-ci.yml', 'it defines the commands CI runs'],
  ['.lefthook.yml', 'it defines the git hooks lefthook runs'],
  ['lefthook.yml', 'it defines the git hooks lefthook runs'],
]);

/** Directories (case-folded names) everything under which is execution-sensitive. */
const DIRECTORIES: ReadonlyMap<string, string> = new Map([
  ['node_modules', 'node_modules/ holds the code and binaries that npm scripts run (`node_modules/.bin`)'],
  ['.husky', '.husky/ holds git hooks that run on every commit'],
  ['.devcontainer', '.devcontainer/ defines commands VS Code runs when it opens the folder in a container'],
  ['.githooks', 'this folder holds git hooks'],
  // A virtual environment's site-packages and scripts run whenever its Python starts (a `.pth` file there is executed at
  // every start), and VS Code's Python extension starts it by itself to inspect it, outside the sandbox.
  ['.venv', ".venv/ is a Python environment: its packages and .pth files run whenever its Python starts, also when VS Code's Python extension inspects it"],
  ['venv', "venv/ is a Python environment: its packages and .pth files run whenever its Python starts, also when VS Code's Python extension inspects it"],
]);

/**
 * Whether the path (segments relative to a workspace folder) makes another
 * program run code, and why; null when it does not.
 */
export function executionSensitivity(segments: readonly string[]): ExecutionSensitivity | null {
  const folded = segments.map(foldSegment).filter((s) => s !== '');
  if (folded.length === 0) return null;
  for (let i = 0; i < folded.length - 1; i++) {
    const dir = DIRECTORIES.get(folded[i]);
    if (dir) return { reason: dir };
  }
  const last = folded[folded.length - 1];
  const parent = folded.length > 1 ? folded[folded.length - 2] : '';
  const grandparent = folded.length > 2 ? folded[folded.length - 3] : '';
  if (DIRECTORIES.has(last)) return { reason: DIRECTORIES.get(last)! };
  if (parent === '.vscode' && (last === 'tasks.json' || last === 'launch.json' || last === 'extensions.json')) {
    return { reason: `.vscode/${last} defines tasks and launch commands VS Code runs, some when the folder opens` };
  }
  if ((grandparent === '.github' && parent === 'workflows') || (parent === '.circleci')) {
    return { reason: 'CI workflow files define commands that run in CI with its secrets' };
  }
  if (parent === '.cargo' && (last === 'config' || last === 'config.toml')) return { reason: '.cargo/config sets the programs cargo runs' };
  if (parent === '.mvn') return { reason: '.mvn/ configures how Maven starts' };
  if (last === 'requirements.txt' || /^requirements[-.\w]*\.txt$/.test(last)) return { reason: 'requirements files decide which packages pip installs and runs' };
  return FILE_NAMES.has(last) ? { reason: FILE_NAMES.get(last)! } : null;
}

/**
 * Names to look for at a workspace folder's top level (and in the folders a
 * command sandbox scans) when deciding which existing files to keep read-only.
 * Every entry is a path relative to a folder, with `/` separators.
 */
export const EXECUTION_SENSITIVE_TOP_LEVEL: readonly string[] = [
  ...[...FILE_NAMES.keys()].filter((n) => n !== 'makefile' && n !== 'gnumakefile'),
  'Makefile', 'makefile', 'GNUmakefile', 'Cargo.toml', 'Justfile', 'Taskfile.yml',
  ...[...DIRECTORIES.keys()],
  '.vscode/tasks.json', '.vscode/launch.json', '.vscode/extensions.json',
  '.github/workflows', '.circleci', '.cargo/config', '.cargo/config.toml', '.mvn',
  'requirements.txt', 'requirements-dev.txt',
];
