import * as fs from 'node:fs/promises';
import type { ToolContext } from '../toolContext';
import { ToolError } from '../toolError';
import type { ConfinedPath } from '../workspaceConfinement';
import { writeFileAtomically } from '../writeFileAtomically';

/**
 * Writes an approved change: first makes sure the file still holds what the
 * user reviewed (they may have typed in it while the diff was open), then
 * checkpoints the file and every directory about to be created, durably and
 * before touching anything, so "Undo this turn" can always put things back.
 */
export async function applyFileChange(ctx: ToolContext, target: ConfinedPath, reviewed: Buffer | null, content: string, mode: number | undefined): Promise<void> {
  // The approval may have taken minutes: resolve again so a symlink swapped in
  // meanwhile cannot redirect the write.
  const again = await ctx.confinement.resolve(target.absolute, 'write');
  if (again.absolute !== target.absolute) {
    throw new ToolError(`${target.display} now resolves to a different file than the one reviewed, so it was not written. Check the path and try again.`, 'file changed');
  }
  const now = await fs.readFile(target.absolute).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  if ((now === null) !== (reviewed === null) || (now && reviewed && !now.equals(reviewed))) {
    throw new ToolError(`${target.display} changed on disk while the change was waiting for approval, so it was not written. Read the file again and redo the change.`, 'file changed');
  }
  for (const dir of target.missingDirs) await ctx.checkpoints.recordCreatedDir(ctx.turnId, dir);
  await ctx.checkpoints.recordFile(ctx.turnId, target.absolute);
  for (const dir of target.missingDirs) {
    await fs.mkdir(dir).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
  }
  await writeFileAtomically(target.absolute, content, mode);
}
