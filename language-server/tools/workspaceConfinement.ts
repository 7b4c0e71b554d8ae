import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { executionSensitiveTarget } from './executionSensitiveTarget';
import { isSameOrInside, protectedLocationReason, protectedPathReason } from './protectedPaths';
import { refused, ToolError } from './toolError';
import { findHiddenCharacter, revealHiddenInLine } from '../../protocol/hiddenCharacters';

/** One workspace folder, by its real path. */
export interface WorkspaceRoot {
  /** The folder as the client gave it. */
  readonly givenPath: string;
  /** `fs.realpath` of the folder: every containment check compares against this. */
  readonly realPath: string;
  /** The folder's name; in multi-root workspaces relative paths start with it. */
  readonly name: string;
  /** Whether the file system under this folder treats `A` and `a` as the same name. */
  readonly caseInsensitive: boolean;
}

/** A path that passed confinement. */
export interface ConfinedPath {
  /** Absolute path with every existing component's symlinks resolved. */
  readonly absolute: string;
  readonly root: WorkspaceRoot;
  /** Path relative to `root.realPath`, with `/` separators; '' for the root itself. */
  readonly relativeToRoot: string;
  /** The path as the chat and the model see it (see `WorkspaceConfinement.display`). */
  readonly display: string;
  /** Whether the path exists now. */
  readonly exists: boolean;
  /**
   * The directories that do not exist yet between the nearest existing
   * ancestor and the path, outermost first (writing the file creates them).
   */
  readonly missingDirs: string[];
  /** The path as the model typed it, relative to the folder (before symlinks were resolved), `/`-separated. */
  readonly typedRelative: string;
  /**
   * For writes: why writing this file makes another program run different
   * code (see executionSensitiveTarget.ts), or null. Always null for reads.
   */
  readonly executionSensitive: string | null;
}

export type PathIntent = 'read' | 'write';

const MAX_PATH_LENGTH = 4096;

/**
 * Confines every path the model names to the workspace folders.
 *
 * Why this shape: a lexical check (`path.relative` without `..`) is not enough,
 * because a symlink inside the workspace can point anywhere. So the path is
 * resolved with `fs.realpath` first (for a file that does not exist yet, the
 * nearest existing ancestor is resolved and the rest appended) and only the
 * resolved path is compared with the folders' real paths. Inputs that only make
 * sense as tricks (NUL bytes, `~`, Windows separators or drive letters) are
 * refused before touching the file system, each with an error that tells the
 * model what a valid path looks like.
 */
export class WorkspaceConfinement {
  private constructor(readonly roots: readonly WorkspaceRoot[]) {}

  /** Resolves the folders' real paths and probes each file system's case sensitivity. */
  static async create(folders: readonly string[]): Promise<WorkspaceConfinement> {
    const found: { givenPath: string; realPath: string }[] = [];
    for (const given of folders) {
      try {
        found.push({ givenPath: given, realPath: await fs.realpath(given) });
      } catch {
        // A folder that vanished is skipped rather than failing every tool call.
      }
    }
    const names = workspaceFolderNames(found.map((f) => f.realPath));
    const roots: WorkspaceRoot[] = [];
    for (const [i, { givenPath, realPath }] of found.entries()) roots.push({ givenPath, realPath, name: names[i], caseInsensitive: await isCaseInsensitive(realPath) });
    return new WorkspaceConfinement(roots);
  }

  /** Throws the "no folder is open" error when there is no workspace folder. */
  assertHasRoots(): void {
    void this.primaryRoot;
  }

  get primaryRoot(): WorkspaceRoot {
    const root = this.roots[0];
    if (!root) throw new ToolError('No folder is open in VS Code, so the agent has no workspace to work in. Ask the user to open a folder.', 'no workspace');
    return root;
  }

  /**
   * The path as the chat shows it: relative to its folder; in a multi-root
   * workspace prefixed with the folder's name so the model can name it back.
   */
  display(root: WorkspaceRoot, relativeToRoot: string): string {
    return workspacePathDisplay(this.roots.length, root.name, relativeToRoot);
  }

  /**
   * Resolves `input` (workspace-relative, or absolute inside a folder) and
   * throws a `ToolError` when it escapes the workspace, or, for `write`, when
   * it names a protected file.
   */
  async resolve(input: unknown, intent: PathIntent): Promise<ConfinedPath> {
    const text = checkPathSyntax(input);
    const { root, candidate } = this.lexicalCandidate(text);

    // Walk up to the nearest existing ancestor: realpath follows every symlink
    // in the part that exists; the rest is created later exactly as named.
    const tail: string[] = [];
    let current = candidate;
    let real: string | null = null;
    for (;;) {
      try {
        real = await fs.realpath(current);
        break;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ELOOP') throw refused(`${text} is a symlink loop.`);
        if (code === 'ENOTDIR') throw new ToolError(`${text}: a component of the path is a file, not a directory.`, 'not a directory');
        if (code !== 'ENOENT') throw new ToolError(`${text} cannot be resolved (${code ?? String(e)}).`);
        // A dangling symlink would be followed by a write (creating its target):
        // refuse it, since that target was never checked and may be outside.
        if (await lexists(current)) throw refused(`${text} is (or goes through) a symlink whose target does not exist, so where it leads cannot be checked; the agent does not follow it.`);
        const parent = path.dirname(current);
        if (parent === current) throw refused(`${text} is outside the workspace.`);
        tail.unshift(path.basename(current));
        current = parent;
      }
    }

    const containing = this.rootContaining(real);
    if (!containing) {
      const how = real !== current ? 'goes through a symlink that points' : 'is';
      throw refused(
        `${text} ${how} outside the workspace folders (${this.roots.map((r) => r.realPath).join(', ')}). ` +
          'The agent can only use files inside the workspace; use a workspace-relative path such as "src/index.ts".',
      );
    }
    const absolute = tail.length > 0 ? path.join(real, ...tail) : real;
    const relativeToRoot = toPosix(path.relative(containing.realPath, absolute));
    const missingDirs: string[] = [];
    for (let i = 1; i < tail.length; i++) missingDirs.push(path.join(real, ...tail.slice(0, i)));

    const typedRelative = toPosix(path.relative(root.realPath, candidate));
    let executionSensitive: string | null = null;
    if (intent === 'write') {
      // Both spellings are checked: the one the model used (a symlink named
      // `config-link` may point into .git/) and the resolved one; then the
      // resolved target against where git and VS Code really read their files.
      // A folder nested in another is checked as part of each folder holding
      // it: with `repo` and `repo/.vscode` both open, `settings.json` of the
      // inner folder is `.vscode/settings.json` of the outer one.
      const holding = this.rootsContaining(absolute);
      let reason = protectedPathReason(typedRelative.split('/'));
      for (const r of holding) {
        reason ??= protectedPathReason(toPosix(path.relative(r.realPath, absolute)).split('/'));
        reason ??= await protectedLocationReason(r.realPath, absolute, r.caseInsensitive);
      }
      if (reason) throw refused(`Writing ${text} is not allowed: ${reason}.`);
      for (const r of holding) {
        executionSensitive ??= await executionSensitiveTarget(r.realPath, typedRelative, toPosix(path.relative(r.realPath, absolute)), absolute, r.caseInsensitive);
      }
    }
    return {
      absolute,
      root: containing,
      relativeToRoot,
      display: this.display(containing, relativeToRoot),
      exists: tail.length === 0,
      missingDirs,
      typedRelative,
      executionSensitive,
    };
  }

  /**
   * Checks a glob pattern the model gave. Globs are matched against paths
   * inside the workspace only, so `..`, absolute and home-relative patterns
   * are refused rather than silently matching nothing.
   */
  checkGlob(pattern: unknown): string {
    if (typeof pattern !== 'string' || pattern.trim() === '') throw new ToolError('The glob pattern must be a non-empty string such as "src/**/*.ts".', 'bad argument');
    // Expanded into up to 256 alternatives, a pattern of megabytes (a team server may send one) would fill the memory.
    if (pattern.length > MAX_PATH_LENGTH) throw refused(`The glob pattern is ${pattern.length} characters long; give one under ${MAX_PATH_LENGTH}, e.g. "src/**/*.ts".`);
    if (pattern.includes('\0')) throw refused('The glob pattern contains a NUL byte.');
    if (pattern.includes('\\')) throw refused('The glob pattern contains "\\". Use "/" as the separator; Windows-style patterns are not accepted.');
    if (pattern.startsWith('/') || /^[A-Za-z]:/.test(pattern)) throw refused(`The glob pattern ${pattern} is absolute. Globs are relative to the workspace root, e.g. "src/**/*.ts".`);
    if (pattern.startsWith('~')) throw refused(`The glob pattern ${pattern} starts with "~". Globs are relative to the workspace root.`);
    if (/(^|[/{,])\.\.($|[/},])/.test(pattern.replace(/^!/, ''))) throw refused(`The glob pattern ${pattern} contains "..". Globs cannot leave the workspace; write them relative to the workspace root.`);
    return pattern;
  }

  /** The folder whose real path contains `realPath` (the innermost one for nested folders). */
  rootContaining(realPath: string): WorkspaceRoot | undefined {
    let best: WorkspaceRoot | undefined;
    for (const root of this.roots) {
      if (isInside(root, realPath) && (!best || root.realPath.length > best.realPath.length)) best = root;
    }
    return best;
  }

  /** Every folder whose real path contains `realPath`, innermost first (folders may be nested). */
  private rootsContaining(realPath: string): WorkspaceRoot[] {
    return this.roots.filter((r) => isInside(r, realPath)).sort((a, b) => b.realPath.length - a.realPath.length);
  }

  /**
   * Picks the folder a relative path belongs to and joins it lexically.
   * Lexical `..` handling is only a first filter for a clear message; the
   * real-path check in `resolve` is what keeps paths inside.
   */
  private lexicalCandidate(text: string): { root: WorkspaceRoot; candidate: string } {
    if (path.isAbsolute(text)) {
      const normalized = path.normalize(text);
      // Match against both the given and the real folder path, so an absolute
      // path through a symlinked workspace folder is accepted.
      const root =
        this.roots.find((r) => isInside(r, normalized)) ??
        this.roots.find((r) => isSameOrInside(r.givenPath, normalized, r.caseInsensitive)) ??
        this.primaryRoot;
      return { root, candidate: normalized };
    }
    let root = this.primaryRoot;
    let rest = text;
    if (this.roots.length > 1) {
      const first = text.split('/')[0];
      const named = this.roots.find((r) => r.name === first);
      if (named) {
        root = named;
        rest = text.slice(first.length + 1);
      }
    }
    const normalized = path.posix.normalize(rest === '' ? '.' : rest);
    if (normalized === '..' || normalized.startsWith('../')) {
      throw refused(`${text} goes above the workspace root with "..". Use a path inside the workspace, relative to its root (e.g. "src/index.ts").`);
    }
    return { root, candidate: normalized === '.' ? root.realPath : path.join(root.realPath, normalized) };
  }
}

/**
 * `name` with each character that makes text look other than it is shown as
 * ⟨U+XXXX⟩ (protocol/hiddenCharacters.ts, newlines and tabs included). File
 * names come from the repository, and a name may hold a newline: listed raw
 * by glob, grep or codebase search, "a.ts\nsrc/auth.ts:3: …" forges a result
 * line (a file that does not exist, a match that is not there) for the model
 * and the user; a line separator (U+2028) or NEL (U+0085) breaks the line in
 * many readers just as well, and a right-to-left override makes
 * `notes\u202Etxt.exe` read as `notesexe.txt`. A name shown with a mark can
 * still be named back: `checkPathSyntax` reads each mark of a character a
 * file name may hold as that character. Control characters stay refused, so
 * a name holding one could not have been read by its name anyway.
 */
export function showHiddenCharacters(name: string): string {
  return revealHiddenInLine(name).text;
}

/**
 * The name each workspace folder (by real path, in the workspace's order)
 * goes by in the chat: its base name, and for a later folder of a name
 * already taken the name with "-2", "-3", … The tools and the sandbox's
 * messages both name folders this way, so one folder has one name.
 */
export function workspaceFolderNames(realPaths: readonly string[]): string[] {
  const names = new Set<string>();
  return realPaths.map((realPath) => {
    let name = path.basename(realPath) || realPath;
    for (let n = 2; names.has(name); n++) name = `${path.basename(realPath)}-${n}`;
    names.add(name);
    return name;
  });
}

/**
 * A path inside the workspace folder `folderName`, one of `folderCount`, as
 * the chat shows it: relative to its folder; with several folders prefixed
 * with the folder's name so the model can name it back; hidden characters
 * marked.
 */
export function workspacePathDisplay(folderCount: number, folderName: string, relativeToRoot: string): string {
  if (folderCount <= 1) return showHiddenCharacters(relativeToRoot === '' ? '.' : relativeToRoot);
  return showHiddenCharacters(relativeToRoot === '' ? folderName : `${folderName}/${relativeToRoot}`);
}

/** Names paths in the workspace folders `realPaths` (by index and relative path) as `WorkspaceConfinement.display` does. */
export function workspacePathLabeller(realPaths: readonly string[]): (folderIndex: number, relativeToRoot: string) => string {
  const names = workspaceFolderNames(realPaths);
  return (folderIndex, relativeToRoot) => workspacePathDisplay(realPaths.length, names[folderIndex], relativeToRoot);
}

/** The marks `showHiddenCharacters` writes. */
const HIDDEN_MARK = /⟨U\+([0-9A-F]{4,6})⟩/g;

/** `text` with each mark `showHiddenCharacters` wrote for a character a path may hold read back as that character. */
function unmarkHidden(text: string): string {
  return text.replace(HIDDEN_MARK, (mark, hex: string) => {
    const codePoint = Number.parseInt(hex, 16);
    if (codePoint > 0x10ffff) return mark;
    const char = String.fromCodePoint(codePoint);
    // Only a hidden character comes back: a mark of a plain one ("⟨U+002F⟩" for "/") is left as the
    // literal text it is, so no mark can spell a separator or a ".." the checks below would not see.
    return findHiddenCharacter(char)?.char === char && !CONTROL_CHARACTER.test(char) ? char : mark;
  });
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\x00-\x1f\x7f]/;

/** Rejects inputs that are not plain POSIX paths, before any file-system access. */
function checkPathSyntax(input: unknown): string {
  if (typeof input !== 'string') throw new ToolError('The path must be a string, relative to the workspace root (e.g. "src/index.ts").', 'bad argument');
  let text = input.trim();
  if (text === '') throw new ToolError('The path is empty. Give a workspace-relative path such as "src/index.ts", or "." for the root.', 'bad argument');
  if (text.length > MAX_PATH_LENGTH) throw refused('The path is too long.');
  if (text.includes('\0')) throw refused('The path contains a NUL byte, which no real file name contains.');
  // eslint-disable-next-line no-control-regex
  if (/[\x01-\x1f\x7f]/.test(text)) throw refused('The path contains control characters. Give a plain workspace-relative path.');
  if (text.startsWith('~')) throw refused(`${text} starts with "~". The home directory is outside the workspace; use a workspace-relative path.`);
  if (text.includes('\\')) throw refused(`${text} contains "\\". Use "/" as the separator; Windows-style paths are not accepted.`);
  if (/^[A-Za-z]:/.test(text)) throw refused(`${text} looks like a Windows drive path. Use a workspace-relative path with "/" separators.`);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) throw refused(`${text} is a URL. Give a workspace-relative file path instead.`);
  text = unmarkHidden(text);
  if (text.startsWith('./')) text = text.replace(/^(\.\/)+/, '');
  return text === '' ? '.' : text;
}

function isInside(root: WorkspaceRoot, realPath: string): boolean {
  return isSameOrInside(root.realPath, realPath, root.caseInsensitive);
}

async function lexists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Probes whether the file system holding `dir` folds case, by looking up the
 * directory under a case-swapped name and comparing inode numbers. Folders
 * without letters fall back to the platform default.
 */
async function isCaseInsensitive(dir: string): Promise<boolean> {
  const base = path.basename(dir);
  const swapped = [...base].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
  if (swapped === base) return process.platform === 'darwin' || process.platform === 'win32';
  try {
    const [a, b] = await Promise.all([fs.stat(dir), fs.stat(path.join(path.dirname(dir), swapped))]);
    return a.ino === b.ino && a.dev === b.dev;
  } catch {
    return false;
  }
}

export function toPosix(p: string): string {
  return path.sep === '/' ? p : p.split(path.sep).join('/');
}
