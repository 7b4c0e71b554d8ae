/**
 * CPU seconds (user and system) a process has used so far, from
 * /proc/<pid>/stat; with `tid`, one of its threads only.
 */
import { readFileSync } from 'node:fs';

export function processCpuSeconds(pid: number, tid?: number): number {
  const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
  // The command name in parentheses may hold spaces; the fields after it are fixed.
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
