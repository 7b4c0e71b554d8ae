/**
 * The largest changed file a code review reads, in one place for both sides:
 * the language server reads the file on disk (the diff's new side) only up to
 * it, so the extension does not ask git for the diff of a larger one either.
 * A generated file or a data dump of many megabytes in the change would
 * otherwise have its whole diff read by git, held in the extension host and
 * sent over LSP, only to be left out.
 */
export const MAX_REVIEWED_FILE_BYTES = 1_000_000;

/** Why a changed file of `bytes` is not reviewed, or undefined when its size is fine. */
export function reviewedFileSizeRefusal(bytes: number): string | undefined {
  return bytes > MAX_REVIEWED_FILE_BYTES ? `it is larger than ${MAX_REVIEWED_FILE_BYTES / 1_000_000} MB` : undefined;
}
