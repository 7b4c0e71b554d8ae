import { HearthException } from '../../agent-host';
import { fileErrorReason, isPlainFileError } from '../tools/fileErrorReason';

/**
 * The words for the codes where a chat's folder, not a file, is what is wrong; every other system error is
 * worded as any file write's is (fileErrorReason.ts).
 */
const FOLDER_REASONS: Record<string, string> = {
  EFBIG: 'the file has reached the largest size this system allows',
  EACCES: 'the folder is not writable',
  EPERM: 'the folder is not writable',
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
  const worded = FOLDER_REASONS[code] ?? (isPlainFileError(err) ? fileErrorReason(err) : undefined);
  const reason = worded ?? detail;
  return new HearthException(
    {
      code: 'storageFailed',
      message: `Hearth could not save this chat in ${dir}: ${reason}${worded ? ` (${detail})` : ''}. What was not saved will be missing after a restart; free some disk space or make the folder writable, then send again or press Retry.`,
      retryable: true,
    },
    { cause: err },
  );
}
