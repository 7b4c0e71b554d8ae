import { spawn } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { GREP_MAX_FILE_BYTES, shortenLine, type GrepHit, type GrepOutcome, type GrepQuery } from './grepSearch';
import { hasProcPinning, openPinnedBelow, openPinnedDir, type PinnedDir } from './pinnedFiles';
import { ToolError } from './toolError';
import { absolutePathEntries } from './absolutePathEntries';

const RIPGREP_TIMEOUT_MS = 30_000;

/**
 * Finds a ripgrep binary: the one the client passed (VS Code bundles one under
 * `vscode.env.appRoot`), else `rg` in an absolute folder of the PATH. Returns
 * null when there is none, and the grep tool falls back to JavaScript.
 *
 * A relative PATH entry (".", "bin", "node_modules/.bin") is skipped: it is
 * resolved against this process's working directory, which VS Code's
 * language client sets to the first workspace folder, so it would run an
 * `rg` the repository ships, unsandboxed and unasked, in an untrusted
 * workspace too (grep is a read-only tool).
 */
export async function findRipgrep(explicitPath: string | undefined, searchPath = process.env.PATH ?? ''): Promise<string | null> {
  const candidates: string[] = [];
  if (explicitPath && path.isAbsolute(explicitPath)) candidates.push(explicitPath);
  const names = process.platform === 'win32' ? ['rg.exe'] : ['rg'];
  for (const dir of absolutePathEntries(searchPath)) for (const name of names) candidates.push(path.join(dir, name));
  for (const candidate of candidates) {
    try {
      await fs.access(candidate, fsConstants.X_OK);
      if ((await fs.stat(candidate)).isFile()) return candidate;
    } catch {
      // Not there or not executable: try the next one.
    }
  }
  return null;
}

interface RgText {
  text?: string;
  bytes?: string;
}

function rgText(value: RgText | undefined): string {
  if (!value) return '';
  if (typeof value.text === 'string') return value.text;
  if (typeof value.bytes === 'string') return Buffer.from(value.bytes, 'base64').toString('utf8');
  return '';
}

/**
 * Runs ripgrep with `--json` (robust against any file name) and options that
 * give the same results as the JavaScript fallback. Returns null when the
 * binary cannot be started, so the caller can fall back.
 *
 * ripgrep walks and opens files by name, so on its own it can be raced (a
 * folder swapped for a symlink between its listing and its descent). Two
 * things keep its results inside the workspace:
 * - its working directory is the pinned workspace folder (on Linux
 *   `/proc/<pid>/fd/N` of the verified descriptor, which the child's chdir
 *   resolves to the folder this process opened), and it searches relative
 *   paths below it;
 * - every hit is verified before the model sees it (`verifyHits`): the file
 *   is opened again through pinned folders, without following symlinks, and
 *   the line must be exactly what ripgrep reported. A line that ripgrep read
 *   from somewhere else fails this check and is dropped.
 */
export async function ripgrepSearch(rgPath: string, query: GrepQuery): Promise<GrepOutcome | null> {
  const root = await openPinnedDir(query.rootPath, '.');
  try {
    const cwd = (await hasProcPinning()) ? `/proc/${process.pid}/fd/${root.handle.fd}` : query.rootPath;
    const outcome = await runRipgrep(rgPath, query, cwd);
    if (!outcome) return null;
    return await verifyHits(root, outcome, query.maxLineChars);
  } finally {
    await root.close();
  }
}

/**
 * Keeps only the hits whose line is, right now, that line of the file at that
 * path inside the pinned folder; files with several hard links are dropped
 * and counted, as the JavaScript search does.
 */
async function verifyHits(root: PinnedDir, outcome: GrepOutcome, maxLineChars: number): Promise<GrepOutcome> {
  const lines = new Map<string, string[] | 'hard link' | null>();
  const kept: GrepHit[] = [];
  let dropped = 0;
  let skippedHardLinks = 0;
  for (const hit of outcome.hits) {
    if (!lines.has(hit.relativeToRoot)) {
      let fileLines: string[] | 'hard link' | null = null;
      try {
        const file = await openPinnedBelow(root, hit.relativeToRoot, hit.relativeToRoot);
        try {
          if (file.stat.isFile() && file.stat.nlink > 1) {
            fileLines = 'hard link';
            skippedHardLinks++;
          }
          else if (file.stat.isFile() && file.stat.size <= GREP_MAX_FILE_BYTES) fileLines = (await file.handle.readFile()).toString('utf8').split('\n');
        } finally {
          await file.close();
        }
      } catch {
        // Gone, or now behind a symlink: its hits cannot be vouched for.
      }
      lines.set(hit.relativeToRoot, fileLines);
    }
    const fileLines = lines.get(hit.relativeToRoot);
    if (fileLines === 'hard link') continue;
    const actual = fileLines?.[hit.line - 1];
    if (actual === undefined || shortenLine(actual, maxLineChars) !== hit.text) {
      dropped++;
      continue;
    }
    kept.push(hit);
  }
  const warnings = [...outcome.warnings];
  if (dropped > 0) warnings.push(`${dropped} match(es) were dropped because their file changed or was replaced by a symlink during the search`);
  return { ...outcome, hits: kept, skippedHardLinks };
}

function runRipgrep(rgPath: string, query: GrepQuery, cwd: string): Promise<GrepOutcome | null> {
  const args = [
    '--json',
    '--no-config',
    '--no-require-git',
    '--hidden',
    '--sort=path',
    `--max-filesize=${GREP_MAX_FILE_BYTES}`,
    '--glob=!.git',
    query.caseSensitive ? '--case-sensitive' : '--ignore-case',
  ];
  if (query.glob) args.push(`--glob=${query.glob}`);
  args.push('--regexp', query.pattern, '--', query.searchPath === '' ? '.' : query.searchPath);

  return new Promise((resolve, reject) => {
    const hits: GrepHit[] = [];
    const warnings: string[] = [];
    let truncated = false;
    let stderr = '';
    let buffered = '';
    let done = false;

    const child = spawn(rgPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const stop = (): void => {
      if (!child.killed) child.kill('SIGKILL');
    };
    const timer = setTimeout(() => {
      warnings.push(`the search was stopped after ${RIPGREP_TIMEOUT_MS / 1000} s; results are incomplete`);
      truncated = true;
      stop();
    }, RIPGREP_TIMEOUT_MS);
    const onAbort = (): void => stop();
    query.signal.addEventListener('abort', onAbort, { once: true });

    const handleLine = (line: string): void => {
      if (line === '' || truncated) return;
      let message: { type?: string; data?: { path?: RgText; lines?: RgText; line_number?: number } };
      try {
        message = JSON.parse(line);
      } catch {
        return;
      }
      if (message.type !== 'match' || !message.data) return;
      if (hits.length >= query.maxMatches) {
        truncated = true;
        stop();
        return;
      }
      hits.push({
        relativeToRoot: rgText(message.data.path).replace(/^\.\//, ''),
        line: message.data.line_number ?? 0,
        text: shortenLine(rgText(message.data.lines), query.maxLineChars),
      });
    };

    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        handleLine(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf('\n');
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 4000) stderr += chunk;
    });

    const finish = (fn: () => void): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      query.signal.removeEventListener('abort', onAbort);
      fn();
    };
    child.on('error', () => finish(() => resolve(null)));
    child.on('close', (code) => {
      finish(() => {
        handleLine(buffered);
        if (query.signal.aborted) return reject(new ToolError('The search was cancelled.', 'cancelled'));
        const message = stderr.trim();
        if (code === 2 && hits.length === 0 && !truncated && /regex parse error|error parsing regex/i.test(message)) {
          return reject(new ToolError(`The pattern is not a valid regular expression (ripgrep syntax): ${message}`, 'bad pattern'));
        }
        // ripgrep's other errors name the paths it failed on, which may be
        // names it read through a folder swapped for a symlink (outside the
        // workspace), so only their number is passed on.
        if (code === 2 && message) {
          const count = message.split('\n').filter((l) => l.trim() !== '').length;
          warnings.push(`ripgrep could not search ${count} path(s): unreadable, or changed while it searched`);
        }
        resolve({ hits, truncated, warnings, engine: 'ripgrep', skippedHardLinks: 0 });
      });
    });
  });
}
