/**
 * A real memory limit for a child process, the way a container runtime sets
 * one: a Linux control group with a memory cap. Node reads that cap at start
 * (libuv's constrained memory) and sizes V8's heap from it, so a server
 * started inside one behaves as it does in a pod with the same
 * `resources.limits.memory`; without a cap on a large machine V8 lets the old
 * generation grow to several times what is live before it collects.
 *
 * Needs write access to the cgroup file system (root, or a delegated
 * subtree); where that is missing, `createMemoryCgroup` says why instead.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MemoryCgroup {
  /** "cgroup v1" or "cgroup v2". */
  mechanism: string;
  /** `command` wrapped so that its process joins the group before it execs (the pid stays the same). */
  wrap(command: string[]): string[];
  /** Removes the group; call it after every process in it has exited. */
  remove(): void;
}

/** This process's own cgroup path for a v1 controller, from /proc/self/cgroup. */
function ownCgroupPath(controller: string): string {
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const [, controllers, path] = line.split(':');
    if (path !== undefined && controllers.split(',').includes(controller)) return path;
  }
  return '/';
}

/** The first directory under which a new group can be made: beside this process's own group, else at the root. */
function makeGroup(roots: string[], name: string): string {
  let lastError: unknown;
  for (const root of roots) {
    const dir = join(root, name);
    try {
      mkdirSync(dir);
      return dir;
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

export function createMemoryCgroup(name: string, limitBytes: number): MemoryCgroup | { unavailable: string } {
  try {
    let dir: string;
    let mechanism: string;
    if (existsSync('/sys/fs/cgroup/cgroup.controllers')) {
      mechanism = 'cgroup v2';
      if (!readFileSync('/sys/fs/cgroup/cgroup.controllers', 'utf8').split(/\s+/).includes('memory')) return { unavailable: 'cgroup v2 without the memory controller' };
      // A v2 group may hold processes only where its parent delegates the memory controller; the root always can.
      writeFileSync('/sys/fs/cgroup/cgroup.subtree_control', '+memory');
      dir = makeGroup(['/sys/fs/cgroup'], name);
      writeFileSync(join(dir, 'memory.max'), String(limitBytes));
    } else if (existsSync('/sys/fs/cgroup/memory')) {
      mechanism = 'cgroup v1';
      dir = makeGroup([join('/sys/fs/cgroup/memory', ownCgroupPath('memory')), '/sys/fs/cgroup/memory'], name);
      writeFileSync(join(dir, 'memory.limit_in_bytes'), String(limitBytes));
    } else {
      return { unavailable: 'no cgroup file system at /sys/fs/cgroup' };
    }
    const procs = join(dir, 'cgroup.procs');
    return {
      mechanism,
      // `sh -c` puts its own pid in the group and then execs the command, which keeps that pid.
      wrap: (command) => ['sh', '-c', 'echo $$ > "$0" && exec "$@"', procs, ...command],
      remove: () => {
        try {
          rmdirSync(dir);
        } catch (err) {
          // A process still in it keeps the group; say so rather than leave it unnoticed.
          process.stderr.write(`The memory cgroup ${dir} was left behind (${(err as Error).message}); remove it with rmdir.\n`);
        }
      },
    };
  } catch (err) {
    return { unavailable: `cannot create a memory cgroup: ${(err as Error).message}` };
  }
}
