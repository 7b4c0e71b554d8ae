import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { displayGitUrl, gitRefProblem, gitUrlProblem } from './gitSafety';

/** Longest one clone or fetch may take. */
const GIT_TIMEOUT_MS = 10 * 60_000;

/**
 * Options on every git command: only https and ssh may be used, whatever a
 * redirect, a submodule or the URL says; no credential prompt can hang the
 * server; no hooks or fsmonitor from any config run; symlinks in the tree
 * are checked out as plain files (the index never follows them anyway).
 */
const SAFE_CONFIG = [
  '-c', 'protocol.allow=never',
  '-c', 'protocol.https.allow=always',
  '-c', 'protocol.ssh.allow=always',
  '-c', 'core.hooksPath=/dev/null',
  '-c', 'core.fsmonitor=false',
  '-c', 'core.symlinks=false',
  '-c', 'submodule.recurse=false',
];

function run(args: string[], cwd: string | undefined, signal: AbortSignal, timeoutMs = GIT_TIMEOUT_MS, remote?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // execFile, never a shell: the URL and branch are arguments, not text a shell parses.
    execFile(
      'git',
      [...SAFE_CONFIG, ...args],
      {
        cwd,
        signal,
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '', SSH_ASKPASS: '', GIT_ALLOW_PROTOCOL: 'https:ssh', GIT_PROTOCOL_FROM_USER: '0', GIT_SSH_COMMAND: 'ssh -o BatchMode=yes' },
      },
      (err, stdout, stderr) => {
        const verb = args.find((a) => !a.startsWith('-')) ?? '';
        // Killed by the timeout, git's last words are only its progress ("Cloning into …"), which says nothing of why.
        if (err?.killed && !signal.aborted) {
          const waited = timeoutMs >= 60_000 ? `${Math.round(timeoutMs / 60_000)} minutes` : `${Math.round(timeoutMs / 1000)} s`;
          reject(
            new Error(
              remote
                ? `git ${verb} got no complete answer from ${remote} within ${waited} and was stopped; check that the remote is reachable and answering`
                : `git ${verb} took longer than ${waited} and was stopped`,
            ),
          );
        } else if (err) reject(new Error(`git ${verb} failed: ${(stderr || err.message).trim().split('\n').slice(-3).join(' ')}`));
        else resolve(stdout);
      },
    );
  });
}

/** Bytes under `dir`, stopping early once `limit` is passed. */
async function sizeOf(dir: string, limit: number): Promise<number> {
  let total = 0;
  const stack = [dir];
  while (stack.length > 0 && total <= limit) {
    const current = stack.pop()!;
    for (const entry of await fs.readdir(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else if (entry.isFile()) total += (await fs.lstat(full)).size;
    }
  }
  return total;
}

/** How often the folder is measured while git writes to it. */
const WATCH_INTERVAL_MS = 500;

/**
 * Measures `dir` every WATCH_INTERVAL_MS while git runs, and aborts the
 * returned signal (killing git) once it holds more than `limit` bytes.
 */
function watchSize(dir: string, limit: number, outer: AbortSignal): { signal: AbortSignal; exceeded(): boolean; stop(): void } {
  const controller = new AbortController();
  let exceeded = false;
  let measuring = false;
  const timer = setInterval(() => {
    if (measuring) return;
    measuring = true;
    sizeOf(dir, limit)
      .then((bytes) => {
        if (bytes > limit && !controller.signal.aborted) {
          exceeded = true;
          controller.abort();
        }
      })
      // Git creates, renames and deletes files while it runs; a measurement that trips over one is simply repeated.
      .catch(() => undefined)
      .finally(() => (measuring = false));
  }, WATCH_INTERVAL_MS);
  return { signal: AbortSignal.any([outer, controller.signal]), exceeded: () => exceeded, stop: () => clearInterval(timer) };
}

export interface MirrorOptions {
  url: string;
  branch?: string;
  /** The clone's folder (created by the first sync). */
  dir: string;
  maxBytes: number;
  /** Longest one git command may take (GIT_TIMEOUT_MS unless set). */
  timeoutMs?: number;
}

/**
 * Keeps a shallow clone of one remote branch in `dir`: cloned the first time,
 * then fetched (depth 1) and reset to what was fetched, so history never
 * accumulates and local changes cannot survive. A clone past `maxBytes`,
 * measured while git downloads as well as after, is stopped, deleted, and
 * the sync fails with that reason.
 */
export async function syncMirror(options: MirrorOptions, signal: AbortSignal): Promise<{ commit: string }> {
  // Checked again here, not only in the config reader: this is the function that hands the URL to git.
  const urlProblem = gitUrlProblem(options.url);
  if (urlProblem) throw new Error(`refused to clone: ${urlProblem}`);
  const refProblem = options.branch !== undefined ? gitRefProblem(options.branch) : undefined;
  if (refProblem) throw new Error(`refused to clone: ${refProblem}`);
  const exists = await fs.stat(path.join(options.dir, '.git')).then(
    () => true,
    () => false,
  );
  const tooLarge = () => new Error(`the clone is larger than ${Math.round(options.maxBytes / 1024 / 1024)} MB (index.max_repo_size_mb) and was removed`);
  // The size is watched while git downloads, not only measured after: a remote that sends without end
  // (or a repository far past the bound) would otherwise fill the server's disk until the timeout.
  const watch = watchSize(options.dir, options.maxBytes, signal);
  try {
    if (!exists) {
      await fs.rm(options.dir, { recursive: true, force: true });
      await fs.mkdir(path.dirname(options.dir), { recursive: true });
      const branchArgs = options.branch !== undefined ? ['--branch', options.branch] : [];
      await run(['clone', '--depth', '1', '--single-branch', '--no-tags', ...branchArgs, '--', options.url, options.dir], undefined, watch.signal, options.timeoutMs, displayGitUrl(options.url));
    } else {
      // The remote URL may have changed in the config since the clone.
      // The URL and branch were checked above: neither can start with "-", so neither can be read as an option.
      await run(['remote', 'set-url', 'origin', options.url], options.dir, watch.signal);
      await run(['fetch', '--depth', '1', '--no-tags', 'origin', options.branch ?? 'HEAD'], options.dir, watch.signal, options.timeoutMs, displayGitUrl(options.url));
      await run(['reset', '--hard', '--quiet', 'FETCH_HEAD'], options.dir, watch.signal);
      await run(['clean', '-ffdxq'], options.dir, watch.signal);
    }
  } catch (err) {
    if (!watch.exceeded()) throw err;
  } finally {
    watch.stop();
  }
  if (watch.exceeded() || (await sizeOf(options.dir, options.maxBytes)) > options.maxBytes) {
    await fs.rm(options.dir, { recursive: true, force: true });
    throw tooLarge();
  }
  return { commit: (await run(['rev-parse', 'HEAD'], options.dir, signal)).trim() };
}

/** The files git tracks in `dir` (its .gitignore therefore honoured), relative, with / separators. */
export async function trackedFiles(dir: string, signal: AbortSignal): Promise<string[]> {
  const out = await run(['ls-files', '-z', '--cached'], dir, signal);
  return out.split('\0').filter((f) => f !== '');
}
