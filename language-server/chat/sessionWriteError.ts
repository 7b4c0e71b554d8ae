import { HearthException } from '../../agent-host';

/** Why a write of the chat history failed, in the user's words, by the system's error code. */
const REASONS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'the file has reached the largest size this system allows',
  EACCES: 'the folder is not writable',
  EPERM: 'the folder is not writable',
  EROFS: 'the disk is read-only',
  EEXIST: 'a file stands where the folder should be',
  ENOTDIR: 'a file stands where the folder should be',
};

/**
 * The error the user sees when a chat's log could not be written. Without
 * it they saw "Hearth hit an unexpected error: ENOSPC…" and were told the
 * message was kept, when it was not on disk; this names the folder, says
 * what is wrong with it in words, and that nothing from here on was saved.
 */
export function sessionWriteError(err: unknown, dir: string): HearthException {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  const detail = err instanceof Error ? err.message : String(err);
  const reason = REASONS[code] ?? detail;
  return new HearthException(
    {
      code: 'storageFailed',
      message: `Hearth could not save this chat in ${dir}: ${reason}${REASONS[code] ? ` (${detail})` : ''}. What was not saved will be missing after a restart; free some disk space or make the folder writable, then send again or press Retry.`,
      retryable: true,
    },
    { cause: err },
  );
}
