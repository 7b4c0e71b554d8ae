import { pathToFileURL } from 'node:url';
import { disabledFileMatcher, type DisabledFileMatcher } from '../completion/disabledFileMatcher';
import type { ToolPolicy } from './toolTypes';

/** Compiled once per list: the policy is read again for every call, but the list rarely changes. */
const compiled = new WeakMap<readonly string[], DisabledFileMatcher>();

/**
 * Whether an absolute path inside one of `roots` (real paths) is one of the
 * user's secrets files (`ToolPolicy.secretsFiles`). Callers ask about the
 * path as named and as resolved, so a link named `.env` and a link to
 * `.env` both count.
 */
export function secretsFileTest(policy: ToolPolicy, roots: readonly string[]): (absolutePath: string) => boolean {
  let matcher = compiled.get(policy.secretsFiles);
  if (!matcher) {
    matcher = disabledFileMatcher(policy.secretsFiles);
    compiled.set(policy.secretsFiles, matcher);
  }
  const match = matcher;
  return (absolutePath) => match(pathToFileURL(absolutePath).href, roots);
}
