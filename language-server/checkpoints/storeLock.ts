import * as fs from 'node:fs/promises';

/**
 * A lock between language-server processes over one checkpoint store: two
 * VS Code windows on the same folder run two language servers with the same
 * storage folder. Without it, one pruned the store by what it alone knew and
 * deleted the content the other's newer checkpoints named (their Restore then
 * failed with "its checkpointed content is gone"), and could do so between
 * the other's storing of a checkpoint's content and the writing of its list.
 *
 * The lock is a file made with O_EXCL holding the owner's process id; one
 * whose owner is no longer running (killed mid-checkpoint) is taken over.
 */
export async function withStoreLock<T>(file: string, work: () => Promise<T>, timeoutMs = 300_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await fs.open(file, 'wx');
      try {
        await handle.writeFile(String(process.pid));
      } catch (e) {
        // A full disk can take the name but not the pid: an empty lock would hold everyone off until it is old.
        await handle.close();
        await fs.rm(file, { force: true });
        throw e;
      }
      await handle.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number(await fs.readFile(file, 'utf8').catch(() => ''));
      // An empty file is one being made this instant (or by a process killed right then): wait, then judge by its age.
      if (Number.isInteger(owner) && owner > 0 ? !isRunning(owner) : await olderThan(file, 10_000)) {
        await fs.rm(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error('another Hearth window has been using the checkpoint store for minutes; try again when it has finished');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  try {
    return await work();
  } finally {
    await fs.rm(file, { force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function olderThan(file: string, ms: number): Promise<boolean> {
  const stat = await fs.stat(file).catch(() => null);
  return stat !== null && Date.now() - stat.mtimeMs > ms;
}
