import * as path from 'node:path';

/**
 * The folders of a PATH value that are absolute. Relative and empty entries
 * (".", "bin", "node_modules/.bin", "::") resolve against the working
 * directory, which for the language server and for a command is the
 * workspace: looking a program up there would run one a cloned repository
 * ships (its `rg`, `bwrap`, `ls` or `git`) where the system's was meant.
 */
export function absolutePathEntries(pathVariable: string): string[] {
  return pathVariable.split(path.delimiter).filter((dir) => path.isAbsolute(dir));
}
