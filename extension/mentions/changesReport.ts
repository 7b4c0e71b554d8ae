/**
 * The text `@changes` attaches, from plain data (the diffs git printed, the
 * untracked names, which files must be left out) so the splitting, the
 * bounds and the withholding can be tested without VS Code or git (see
 * changesContext.ts for where the data comes from).
 */
import { revealHiddenInLine } from '../../protocol/hiddenCharacters';

/** One file's part of a unified diff. */
export interface DiffFile {
  /** The paths the part names (old and new), relative to the repository root, as git most likely meant them. Empty when none could be read. */
  paths: string[];
  /**
   * The same paths read the other way: a user's `diff.noPrefix` or
   * `diff.mnemonicPrefix` changes the `a/`/`b/` prefix, so whether `a/x.ts`
   * is `x.ts` or the folder `a` cannot be known for sure. The caller checks
   * these too, where they exist.
   */
  otherReadings: string[];
  text: string;
  /** Why its content is left out (the name is still listed), set by the caller. */
  withheld?: string;
}

export interface RepositoryChanges {
  /** The repository's folder, as the user knows it (workspace-relative, or its name). */
  name: string;
  branch?: string;
  staged: DiffFile[];
  unstaged: DiffFile[];
  /** Untracked files, relative to the repository root; names only, never their content. */
  untracked: string[];
  /** Why the changes of this repository could not be read. */
  error?: string;
}

export const MAX_CHANGES_CHARS = 30_000;
/** One file's diff is cut past this, so one generated file cannot take the whole attachment. */
export const MAX_FILE_DIFF_CHARS = 10_000;
export const MAX_UNTRACKED_NAMES = 100;
/** The closing note that names what was left out is cut to this. */
const MAX_NOTE_CHARS = 2_000;

/** A C-quoted path as git prints one with unusual characters ("a/caf\303\251 menu.ts"), unquoted. */
export function unquoteGitPath(text: string): string {
  if (!text.startsWith('"') || !text.endsWith('"') || text.length < 2) return text;
  const bytes: number[] = [];
  const body = text.slice(1, -1);
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, b: 8, f: 12, v: 11, a: 7, '"': 34, '\\': 92 };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const next = body[i + 1] ?? '';
    if (/[0-7]/.test(next)) {
      const octal = /^[0-7]{1,3}/.exec(body.slice(i + 1))![0];
      bytes.push(parseInt(octal, 8));
      i += octal.length;
    } else {
      bytes.push(simple[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

const ONE_LETTER_PREFIX = /^[a-z]\//;

/** A path as git printed it, unquoted; undefined for /dev/null (the side of an added or deleted file). */
function printedPath(printed: string): string | undefined {
  const path = unquoteGitPath(printed.trim());
  return path === '/dev/null' || path === '' ? undefined : path;
}

/** The paths `diff --git <old> <new>` names, when they can be told apart (same path, or both quoted). */
function headerPaths(rest: string): string[] {
  const quoted = /^("(?:[^"\\]|\\.)*")\s+("(?:[^"\\]|\\.)*")$/.exec(rest);
  if (quoted) return [quoted[1], quoted[2]];
  // Unquoted, the two halves cannot be split at a space in general; for an unrenamed file they are the same path with different prefixes.
  const half = (rest.length - 1) / 2;
  if (Number.isInteger(half) && rest[half] === ' ' && rest.slice(2, half) === rest.slice(half + 3)) return [rest.slice(0, half), rest.slice(half + 1)];
  return [];
}

/** Splits `git diff` output into one part per file, each with the paths it names. */
export function splitDiff(diff: string): DiffFile[] {
  if (diff.trim() === '') return [];
  const parts = diff.split(/^(?=diff --git )/m).filter((p) => p.trim() !== '');
  return parts.map((text) => {
    const printed: string[] = [];
    const lines = text.split('\n');
    if (lines[0].startsWith('diff --git ')) printed.push(...headerPaths(lines[0].slice('diff --git '.length)));
    // Only the lines before the first hunk describe the file; hunk lines are content, which may start with anything.
    for (const line of lines.slice(1)) {
      if (line.startsWith('@@')) break;
      const m = /^(?:--- |\+\+\+ )(.*)$/.exec(line);
      if (m) printed.push(m[1]);
      // Rename and copy lines carry no prefix.
      const r = /^(?:rename from |rename to |copy from |copy to )(.*)$/.exec(line);
      if (r) printed.push(`a/${r[1]}`);
    }
    const raw = [...new Set(printed.map(printedPath).filter((p): p is string => p !== undefined))];
    // git puts a one-letter prefix on every path or on none, so the part is read one way throughout.
    const prefixed = raw.length > 0 && raw.every((p) => ONE_LETTER_PREFIX.test(p));
    const stripped = [...new Set(raw.filter((p) => ONE_LETTER_PREFIX.test(p)).map((p) => p.slice(2)).filter((p) => p !== ''))];
    const paths = prefixed ? stripped : raw;
    const otherReadings = (prefixed ? raw : stripped).filter((p) => !paths.includes(p));
    return { paths, otherReadings, text: text.endsWith('\n') ? text : `${text}\n` };
  });
}

/**
 * A repository's file name on one line, each hidden character shown as
 * ⟨U+XXXX⟩: a name may hold a newline (git quotes it in a diff's header, but
 * the name read back from that quote, and an untracked file's name, are
 * raw), and "a.ts", newline, "src/auth.ts: changed; …" would forge a line
 * of the listing.
 */
function oneLine(name: string): string {
  return revealHiddenInLine(name).text;
}

/** The name a part is listed under: its new path (the last one it names). */
function displayPath(file: DiffFile): string {
  const name = file.paths.at(-1);
  return name === undefined ? '(a file whose name could not be read)' : oneLine(name);
}

/**
 * The attachment: per repository, its staged changes, then its changes not
 * staged, then its untracked files by name. Withheld files appear by name
 * with the reason; a file's diff longer than `MAX_FILE_DIFF_CHARS` is cut;
 * once the total would pass `maxChars`, the remaining files are listed by
 * name in a closing note. Always says something: a clean repository says it
 * is clean.
 */
export function changesReport(repositories: readonly RepositoryChanges[], maxChars = MAX_CHANGES_CHARS): string {
  if (repositories.length === 0) return 'No git repository is open in this workspace, so there are no uncommitted changes to attach.';
  const out: string[] = [];
  let used = 0;
  const leftOut: string[] = [];
  // Room for the closing note, whose length is capped below, so adding it cannot pass `maxChars`.
  const budget = maxChars - MAX_NOTE_CHARS;
  const add = (text: string): boolean => {
    if (used + text.length + 1 > budget) return false;
    out.push(text);
    used += text.length + 1;
    return true;
  };
  for (const repo of repositories) {
    const where = `${repo.name}${repo.branch ? ` (branch ${repo.branch})` : ''}`;
    if (repo.error) {
      add(`Could not read the changes of ${where}: ${repo.error}`);
      continue;
    }
    if (repo.staged.length === 0 && repo.unstaged.length === 0 && repo.untracked.length === 0) {
      add(`No uncommitted changes in ${where}.`);
      continue;
    }
    add(`Uncommitted changes in ${where}:`);
    for (const { title, files } of [{ title: 'Staged', files: repo.staged }, { title: 'Not staged', files: repo.unstaged }]) {
      if (files.length === 0) continue;
      add(`${title}:`);
      for (const file of files) {
        const name = displayPath(file);
        let text: string;
        if (file.withheld) text = `(${name}: changed; its diff is left out because ${file.withheld}.)`;
        else if (file.text.length > MAX_FILE_DIFF_CHARS) {
          const cut = file.text.slice(0, MAX_FILE_DIFF_CHARS);
          text = `${cut.slice(0, cut.lastIndexOf('\n') + 1)}… (the rest of ${name}'s diff is left out: it is longer than ${MAX_FILE_DIFF_CHARS} characters)\n`;
        } else text = file.text;
        if (!add(text.replace(/\n$/, ''))) leftOut.push(`${name} (${title.toLowerCase()})`);
      }
    }
    if (repo.untracked.length > 0) {
      const names = repo.untracked.slice(0, MAX_UNTRACKED_NAMES).map(oneLine);
      const more = repo.untracked.length - names.length;
      const text = `Untracked files (names only, not their content):\n${names.join('\n')}${more > 0 ? `\n… and ${more} more` : ''}`;
      if (!add(text)) leftOut.push(`${repo.untracked.length} untracked file name${repo.untracked.length === 1 ? '' : 's'} of ${repo.name}`);
    }
  }
  if (leftOut.length > 0) {
    const names = leftOut.slice(0, 20).join(', ');
    const rest = leftOut.length > 20 ? ` and ${leftOut.length - 20} more` : '';
    out.push(`… (truncated: the changes are longer than ${maxChars} characters; left out: ${names}${rest}.)`.slice(0, MAX_NOTE_CHARS));
  }
  return out.join('\n');
}
