import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/** Moves `source` to `target` (across file systems by copy and delete); returns `target`. */
export async function moveAside(source: string, target: string): Promise<string> {
  await fs.mkdir(path.dirname(target), { recursive: true });
  try {
    await fs.rename(source, target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    await fs.cp(source, target, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    await fs.rm(source, { recursive: true, force: true });
  }
  return target;
}
