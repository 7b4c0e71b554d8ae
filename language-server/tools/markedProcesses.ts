import { readdirSync, readFileSync } from 'node:fs';

/** The environment variable that marks the processes of one command run without a sandbox. */
export const COMMAND_MARK_VARIABLE = 'HEARTH_COMMAND_MARK';

/**
 * The live processes (and their process groups) whose environment holds `COMMAND_MARK_VARIABLE=mark`,
 * read from /proc (Linux; empty where there is none). Children inherit the
 * environment, so this finds a command's processes that left its process
 * group (setsid, a daemon that forks twice), which the group cannot reach.
 * Only processes of the same user can be read, which are the only ones a
 * command of the user's could have started. A process that replaced its
 * environment is not found: only an OS sandbox reaches everything.
 */
export function markedProcesses(mark: string): { pid: number; group: number }[] {
  const needle = Buffer.from(`\0${COMMAND_MARK_VARIABLE}=${mark}\0`);
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const found: { pid: number; group: number }[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      // Each variable ends with a NUL; a leading one lets the first variable match like the others.
      const environ = Buffer.concat([Buffer.from([0]), readFileSync(`/proc/${entry}/environ`)]);
      if (!environ.includes(needle)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The name in parentheses may hold spaces and parentheses; the fields after the last ')' are fixed.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z') found.push({ pid: Number(entry), group: Number(fields[2]) });
    } catch {
      // Another user's process, or one that ended while we looked.
    }
  }
  return found;
}
