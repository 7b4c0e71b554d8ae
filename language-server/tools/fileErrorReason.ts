/** What a failed file-system call means, in the user's words, by the system's error code. */
const REASONS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'the file is larger than this system allows',
  EACCES: 'there is no permission to write there',
  EPERM: 'there is no permission to write there (the file or its folder may be locked, for example marked immutable)',
  EROFS: 'the disk is read-only',
  EMFILE: 'too many files are open',
  ENFILE: 'too many files are open',
  EIO: 'the disk reported a read or write error',
};

/**
 * The reason a file operation failed, said plainly ("the disk is full")
 * instead of the raw "ENOSPC: no space left on device, write"; an error
 * without such a code keeps its own message, which Hearth wrote.
 */
export function fileErrorReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code && REASONS[code]) return REASONS[code];
  return err instanceof Error ? err.message : String(err);
}

/** Whether the error is one of the system's file errors that `fileErrorReason` puts in words. */
export function isPlainFileError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code !== undefined && REASONS[code] !== undefined;
}
