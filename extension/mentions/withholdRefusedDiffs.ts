import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { DiffFile } from './changesReport';
import { mentionReadRefusal } from './mentionReadRule';

/**
 * Marks each file's diff whose content may not be attached with the reason
 * (see mentionReadRule.ts); its name is still listed. Every path a part
 * names is checked, old and new, and so is each other reading of them that
 * exists on disk (see `DiffFile.otherReadings`); one refusal withholds the
 * part, and so does a part whose paths could not be read.
 */
export async function withholdRefusedDiffs(files: readonly DiffFile[], repositoryRoot: string, workspaceFolders: readonly string[]): Promise<DiffFile[]> {
  return Promise.all(
    files.map(async (file) => {
      if (file.paths.length === 0) return { ...file, withheld: 'its file name could not be read' };
      const exists = (p: string) => fs.lstat(p).then(() => true, () => false);
      const others = [];
      for (const p of file.otherReadings) if (await exists(path.resolve(repositoryRoot, p))) others.push(p);
      for (const p of [...file.paths, ...others]) {
        const reason = await mentionReadRefusal(path.resolve(repositoryRoot, p), workspaceFolders);
        if (reason) return { ...file, withheld: reason };
      }
      return file;
    }),
  );
}
