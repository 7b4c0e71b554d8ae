import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { DiffFile } from './changesReport';
import { mentionReadRefusal } from './mentionReadRule';

/** Which of these absolute paths are secrets files (the language server's `hearth/files/secrets`). */
export type SecretsFiles = (absolutePaths: string[]) => Promise<boolean[]>;

/** Why a secrets file's content is left out, in the words `@changes` and the code review both show. */
export const SECRETS_FILE_REASON = 'it is a secrets file (hearth.completion.disabledFiles names it)';
/** Why a file's content is left out when the secrets check could not be made. */
export const SECRETS_UNCHECKED_REASON = 'Hearth could not check it against your secrets files (hearth.completion.disabledFiles)';

/**
 * Marks each file's diff whose content may not be attached with the reason
 * (see mentionReadRule.ts); its name is still listed. Every path a part
 * names is checked, old and new, and so is each other reading of them that
 * exists on disk (see `DiffFile.otherReadings`); one refusal withholds the
 * part, and so does a part whose paths could not be read. With
 * `secretsFiles`, so does a path the user's secrets patterns name: a
 * tracked `.env` or key changed in the working tree would otherwise send
 * its secrets with the diff; when they cannot be checked, no diff goes.
 */
export async function withholdRefusedDiffs(files: readonly DiffFile[], repositoryRoot: string, workspaceFolders: readonly string[], secretsFiles?: SecretsFiles): Promise<DiffFile[]> {
  const checked = await Promise.all(
    files.map(async (file): Promise<{ file: DiffFile; paths: string[] }> => {
      if (file.paths.length === 0) return { file: { ...file, withheld: 'its file name could not be read' }, paths: [] };
      const exists = (p: string) => fs.lstat(p).then(() => true, () => false);
      const others = [];
      for (const p of file.otherReadings) if (await exists(path.resolve(repositoryRoot, p))) others.push(p);
      const paths = [...file.paths, ...others].map((p) => path.resolve(repositoryRoot, p));
      for (const p of paths) {
        const reason = await mentionReadRefusal(p, workspaceFolders);
        if (reason) return { file: { ...file, withheld: reason }, paths: [] };
      }
      return { file, paths };
    }),
  );
  if (!secretsFiles) return checked.map((c) => c.file);
  const all = checked.flatMap((c) => c.paths);
  let secret: boolean[] | undefined;
  try {
    secret = all.length > 0 ? await secretsFiles(all) : [];
  } catch {
    secret = undefined;
  }
  let at = 0;
  return checked.map(({ file, paths }) => {
    const mine = secret?.slice(at, (at += paths.length));
    if (paths.length === 0) return file;
    if (!mine || mine.length !== paths.length) return { ...file, withheld: SECRETS_UNCHECKED_REASON };
    return mine.some(Boolean) ? { ...file, withheld: SECRETS_FILE_REASON } : file;
  });
}
