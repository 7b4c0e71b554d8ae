/**
 * Loads the plain-ESM e2e harness (test/e2e/harness/*.mjs) at run time, by its
 * path in the repository, so it is not bundled into the test and its own
 * relative paths keep working.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

export const REPO_ROOT = path.resolve(process.env.HEARTH_REPO_ROOT ?? '.');

export async function loadHarness<T>(name: 'vscodeServer' | 'browser'): Promise<T> {
  return (await import(pathToFileURL(path.join(REPO_ROOT, 'test', 'e2e', 'harness', `${name}.mjs`)).href)) as T;
}
