import { readdirSync, readFileSync } from 'node:fs';

export interface Descendant {
  pid: number;
  /** 1 for a child of the root process, 2 for a grandchild, and so on. */
  depth: number;
}

/**
 * Every live process below `root`, read from /proc (Linux), parents before
 * children; empty where there is no /proc. Processes that start or end while
 * it reads may be missed, so callers must not rely on it alone to stop a
 * tree (the runner always ends with SIGKILL to the whole sandbox).
 */
export function processDescendants(root: number): Descendant[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The name in parentheses may hold spaces and parentheses; the fields after the last ')' are fixed.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      const ppid = Number(fields[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // The process ended while we looked.
    }
  }
  const found: Descendant[] = [];
  let level = [root];
  for (let depth = 1; level.length > 0; depth++) {
    level = level.flatMap((pid) => children.get(pid) ?? []);
    for (const pid of level) found.push({ pid, depth });
  }
  return found;
}
