import * as os from 'node:os';
import * as path from 'node:path';
import { SandboxHidesFolder, SandboxWaitCancelled, type CommandSandbox, type SandboxedSpawn, type SandboxGrant } from './commandSandbox';
import { auditCreatedPaths } from './auditCreatedPaths';
import { guardWhileRunning } from './guardWhileRunning';
import { findGuardedPaths, type GuardScan } from './findGuardedPaths';
import { GuardScanCache } from './guardScanCache';
import { hiddenSecrets } from './hiddenSecrets';
import { editorConfigPaths, homeConfigPaths } from './homeConfigPaths';
import { gitHooksFolders } from '../gitHooksFolders';
import { missingHooksFolders } from './missingHooksFolders';
import { scrubEnvironment } from './scrubEnvironment';
import { isStrictlyInside } from '../../workspace/pathInside';

/**
 * Options every command gets: its own pids (so the whole tree ends with it),
 * IPC, hostname and cgroup view, and no capabilities. bwrap drops them by
 * itself for an unprivileged user; run as root (containers, some CI) it keeps
 * them all, and the command could simply unmount the read-only binds, so
 * root gets `--cap-drop ALL` (which a setuid bwrap refuses from other users).
 */
export function bwrapIsolation(uid: number | undefined): string[] {
  return ['--die-with-parent', '--new-session', ...(uid === 0 ? ['--cap-drop', 'ALL'] : []), '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try'];
}

/** Where tools keep caches inside the sandbox: the user's own ~/.cache is read-only there, and Go, pip and others need a writable one. */
const SANDBOX_CACHE = '/tmp/.cache';

export interface BubblewrapSandboxOptions {
  /** The bwrap binary (found and probed by detectCommandSandbox). */
  bwrap: string;
  /** The process's home directory; default os.homedir(). */
  homedir?: string;
  /** The process's uid, for /run/user/UID; default process.getuid(). */
  uid?: number;
  /** Where paths a command created and the audit took away are kept for the user; default the system temp folder. */
  quarantine?: string;
}

/**
 * Confines a command with bubblewrap (Linux user namespaces):
 * - the whole file system read-only, a private /tmp, a minimal /dev, a new /proc;
 * - each workspace folder writable, except the protected and
 *   execution-sensitive paths inside it (read-only again on top, see
 *   findGuardedPaths) and the real git directories (`.git` may be a file
 *   pointing elsewhere);
 * - secrets hidden: credential folders under the home directory are empty,
 *   credential files read as empty, the per-user runtime folder (session bus,
 *   VS Code's IPC sockets, ssh and gpg agents) and the docker socket are gone,
 *   and the environment has no tokens or socket addresses;
 * - no network unless the grant says so (a new, empty network namespace);
 * - its own pid namespace with --die-with-parent: when the command's shell
 *   exits, or bwrap is killed, the kernel kills every process inside, so no
 *   background process outlives the command.
 * Paths that did not exist cannot be mounted over without creating them on
 * the user's disk, so `finish()` removes protected or execution-sensitive
 * paths the command created (see auditCreatedPaths).
 */
export function bubblewrapSandbox(options: BubblewrapSandboxOptions): CommandSandbox {
  const uid = options.uid ?? process.getuid?.();
  /** Folders whose guard scan hit its caps, said once each in the log. */
  const warnedTruncated = new Set<string>();
  /** Every scan of this language server's folders, before and after commands, shares the listings of directories that did not change. */
  const cache = new GuardScanCache();
  /**
   * One command at a time, from its guard scan to the end of its audit, for
   * every chat of this language server. The mounts are planned from the scan
   * and made by bwrap later, following links; a command of another chat
   * running meanwhile could replace a folder the plan binds writable (one
   * above a read-only package.json) by a relative link out of the workspace,
   * and bwrap would bind the link's target writable instead. Its audit would
   * also take for its own what the other command created. So no other
   * sandboxed command runs between a scan and the audit that ends it.
   */
  let queue: Promise<void> = Promise.resolve();
  /** The commands that hold or wait for a turn, first come first: the first holds it, or is about to. */
  const queued: { command: string }[] = [];
  const waitForTurn = async (command: string, signal: AbortSignal | undefined, onWait: ((holder: string) => void) | undefined): Promise<() => void> => {
    const me = { command };
    let mine!: () => void;
    const turn = new Promise<void>((resolve) => (mine = resolve));
    const release = () => {
      const at = queued.indexOf(me);
      if (at < 0) return;
      queued.splice(at, 1);
      mine();
    };
    const previous = queue;
    queue = previous.then(() => turn);
    // Said before waiting, naming the command whose turn it is.
    if (queued.length > 0) onWait?.(queued[0].command);
    queued.push(me);
    try {
      await new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(new SandboxWaitCancelled());
        const onAbort = () => reject(new SandboxWaitCancelled());
        signal?.addEventListener('abort', onAbort, { once: true });
        void previous.then(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        });
      });
    } catch (e) {
      // Given up: the commands queued after this one only wait for those before it.
      release();
      throw e;
    }
    return release;
  };
  return {
    kind: 'bubblewrap',
    // The same scan as prepare's, so it costs little and fills the cache prepare then checks.
    async unguardedFolders(roots): Promise<string[]> {
      const scans = await Promise.all(roots.map((root) => findGuardedPaths(root, cache)));
      return roots.filter((_, i) => scans[i].truncated);
    },
    async prepare(command, { cwd, roots, grant, env, hidden = [], signal, onWait }): Promise<SandboxedSpawn> {
      const release = await waitForTurn(command, signal, onWait);
      try {
        return await prepareInTurn(command, { cwd, roots, grant, env, hidden }, release);
      } catch (e) {
        release();
        throw e;
      }
    },
  };

  async function prepareInTurn(
    command: string,
    { cwd, roots, grant, env, hidden }: { cwd: string; roots: readonly string[]; grant: SandboxGrant; env: NodeJS.ProcessEnv; hidden: readonly string[] },
    release: () => void,
  ): Promise<SandboxedSpawn> {
    const homes = [env.HOME ?? '', options.homedir ?? os.homedir()];
    // A folder to hide that holds a workspace folder is left visible: covering it would hide the workspace too.
    const [scans, secrets] = await Promise.all([Promise.all(roots.map((root) => findGuardedPaths(root, cache))), hiddenSecrets(homes, env, uid, hidden.filter((d) => !roots.some((r) => r === d || isStrictlyInside(d, r))))]);
    // A workspace folder in a folder of credentials (the user opened ~/.claude to edit their agents) would be
    // covered by the empty folder that hides them: the command would see no files and its writes would vanish,
    // or fail to start in a folder that is not there. Secrets stay hidden, so the command does not run, and says why.
    const covered = roots.flatMap((root) => secrets.directories.filter((dir) => root === dir || isStrictlyInside(dir, root)).map((dir) => ({ root, dir })));
    if (covered.length > 0) {
      const { root, dir } = covered[0];
      const where = root === dir ? `is ${dir}` : `is inside ${dir}`;
      throw new SandboxHidesFolder(
        `The command did not run: the workspace folder ${root} ${where}, which holds credentials that sandboxed commands never see, so commands cannot work in it. ` +
          'Do not retry it; tell the user to open a copy of the project from another place, or to run the command themselves.',
      );
    }
    roots.forEach((root, i) => {
      if (scans[i].truncated && !warnedTruncated.has(root)) {
        warnedTruncated.add(root);
        console.error(`Hearth: ${root} is too large to scan fully for files commands must not change; allow-listed commands there ask first.`);
      }
    });
    // Git runs the files of a core.hooksPath folder (scripts/git-hooks, say) outside any sandbox at the next commit:
    // an existing one inside a workspace folder is read-only like the editor's settings (the folder itself being one
    // would leave nothing writable, so that case is left to the file tools' approval). One that does not exist yet
    // cannot be mounted: the folders above it become mount points (bwrapArguments pins them), and the audit after
    // the command takes away the folder if the command made it.
    const hooks = (await Promise.all(roots.map((root) => gitHooksFolders(root)))).flat().filter((f) => roots.some((r) => isStrictlyInside(r, f)));
    const missingHooks = await missingHooksFolders(roots, hooks);
    const homeConfig = [...homeConfigPaths(homes, roots), ...editorConfigPaths(hidden, roots), ...hooks];
    const args = bwrapArguments({ cwd, roots, grant, scans, secrets, command, homeConfig, uid });
    const sandboxEnv = scrubEnvironment(env);
    sandboxEnv.XDG_CACHE_HOME = SANDBOX_CACHE;
    // npm's update check cannot reach the registry from here and, without
    // the user's ~/.npmrc (hidden: it holds tokens), makes every npm command
    // about a second slower; its notice is noise to the model anyway.
    sandboxEnv.npm_config_update_notifier ??= 'false';
    const quarantine = options.quarantine ?? os.tmpdir();
    // What the editor would act on before the audit (a code-running .git, a new .vscode/) is taken away as it appears.
    const live = guardWhileRunning(roots, scans, quarantine);
    return {
      file: options.bwrap,
      args,
      env: sandboxEnv,
      strayReportFd: true,
      // bwrap, its init (pid 1 inside), then the shell of REPORT_STRAYS.
      commandDepth: 2,
      unguardedFolders: roots.filter((_, i) => scans[i].truncated),
      finish: async () => {
        try {
          const during = await live.stop();
          return [...during, ...(await auditCreatedPaths(roots, scans, { keepExecutionSensitive: grant.writeExecutionSensitive === true, quarantine, cache, missingHooks }))];
        } finally {
          release();
        }
      },
    };
  }
}

interface ArgumentInput {
  cwd: string;
  roots: readonly string[];
  grant: SandboxGrant;
  scans: readonly GuardScan[];
  secrets: { directories: string[]; files: string[] };
  command: string;
  /** Editor settings and shell start-up files of a home directory, the editor's own settings folders and git's core.hooksPath folders, that are inside a workspace folder: read-only. */
  homeConfig?: readonly string[];
  /** The uid bwrap runs as (root gets its capabilities dropped). */
  uid?: number;
}

/** The bwrap command line; mounts apply in order, so later ones cover earlier ones. */
export function bwrapArguments({ cwd, roots, grant, scans, secrets, command, homeConfig = [], uid }: ArgumentInput): string[] {
  const args = bwrapIsolation(uid);
  if (!grant.network) args.push('--unshare-net');
  args.push('--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp');
  // Outer folders first, so a nested folder's own binds are not covered by its parent's.
  for (const root of [...roots].sort((a, b) => a.length - b.length)) args.push('--bind', root, root);
  const readOnly = new Set<string>();
  for (const scan of scans) {
    for (const guarded of scan.guarded) {
      if (guarded.mountable && (guarded.kind === 'protected' || !grant.writeExecutionSensitive)) readOnly.add(guarded.path);
    }
    for (const gitDir of scan.gitDirs) readOnly.add(gitDir);
  }
  for (const p of homeConfig) readOnly.add(p);
  // A mount point cannot be renamed or removed, but its parent folders can:
  // `mv packages old && mkdir -p packages/a` would put a new package.json
  // where the read-only one was. So every folder between a workspace folder
  // and a read-only path becomes a (writable) mount point of its own.
  const pinned = new Set<string>();
  for (const p of readOnly) {
    const root = roots.find((r) => isStrictlyInside(r, p));
    if (!root) continue;
    for (let dir = path.dirname(p); isStrictlyInside(root, dir); dir = path.dirname(dir)) if (!readOnly.has(dir)) pinned.add(dir);
  }
  // Parents before children: a folder is mounted before a path inside it, which it would otherwise cover.
  for (const p of [...readOnly, ...pinned].sort(byDepth)) args.push(readOnly.has(p) ? '--ro-bind-try' : '--bind-try', p, p);
  // Secrets last, so they stay hidden even when the home directory is a workspace folder.
  const hiddenDirs = [...secrets.directories].sort(byDepth).filter((d, i, all) => !all.slice(0, i).some((parent) => isStrictlyInside(parent, d)));
  for (const dir of hiddenDirs) args.push('--tmpfs', dir);
  for (const file of secrets.files) {
    if (!hiddenDirs.some((dir) => isStrictlyInside(dir, file))) args.push('--ro-bind-try', '/dev/null', file);
  }
  args.push('--chdir', cwd, '/bin/sh', '-c', REPORT_STRAYS, '/bin/sh', command);
  return args;
}

/**
 * Runs the command line (`$1`) in a shell of its own and exits with its
 * status; before that, says `stray` on file descriptor 3 if any other live
 * process of the sandbox is left (besides bwrap's init, pid 1, and this
 * shell). Those are killed by the kernel as soon as this shell exits and
 * bwrap's init with it, but outside the pid namespace nothing can tell they
 * existed, and a model that started a server with `&` would believe it still
 * runs. After a command that ended by itself only shell built-ins run, so
 * nothing here forks then, and the command itself cannot write to
 * descriptor 3 (it is closed for it).
 *
 * On cancel or timeout the runner sends SIGTERM to this shell and every
 * process below it. This shell then waits for the others to finish their
 * clean-up before it exits, since its exit would kill them at once; the
 * runner's SIGKILL after the grace period ends any that take too long. (A
 * trap with an action, unlike an ignored signal, is not inherited by the
 * command.)
 */
const REPORT_STRAYS = [
  't=',
  "trap 't=1' TERM",
  'others() {',
  '  for p in /proc/[0-9]*; do',
  '    n=${p#/proc/}',
  '    if [ "$n" = 1 ] || [ "$n" = $$ ]; then continue; fi',
  '    read -r l < "$p/stat" || continue',
  '    case ${l##*") "} in Z*) ;; *) return 0 ;; esac',
  '  done 2>/dev/null',
  '  return 1',
  '}',
  '/bin/sh -c "$1" 3>&-',
  's=$?',
  'if [ -n "$t" ]; then',
  '  while others; do sleep 0.05; done',
  'elif others; then',
  '  echo stray >&3',
  'fi 2>/dev/null',
  'exit $s',
].join('\n');

function byDepth(a: string, b: string): number {
  return a.split(path.sep).length - b.split(path.sep).length || (a < b ? -1 : a > b ? 1 : 0);
}

