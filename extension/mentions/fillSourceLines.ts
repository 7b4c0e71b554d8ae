import type { ProblemEntry } from './problemsReport';
import type { SecretsFiles } from './withholdRefusedDiffs';

/** A listed problem and where its file is: `key` names the file once (its URI), `filePath` is its path on disk when it has one. */
export type LocatedProblem = ProblemEntry & { key: string; filePath?: string };

/**
 * Sets each problem's offending line (`sourceLine`) from `readLines`, each
 * file read once, except in the user's secrets files (`secretsFiles`, the
 * language server's `hearth/files/secrets`): a secret scanner's warning
 * points exactly at the line holding the secret, so for a `.env` or a key
 * the problem goes without its line. When the check cannot be made, no line
 * goes at all.
 */
export async function fillSourceLines(problems: LocatedProblem[], readLines: (problem: LocatedProblem) => Promise<string[] | undefined>, secretsFiles: SecretsFiles): Promise<void> {
  const paths = [...new Set(problems.flatMap((p) => (p.filePath === undefined ? [] : [p.filePath])))];
  let secret: Set<string>;
  try {
    const answer = paths.length > 0 ? await secretsFiles(paths) : [];
    if (answer.length !== paths.length) return;
    secret = new Set(paths.filter((_, i) => answer[i]));
  } catch {
    return;
  }
  const files = new Map<string, Promise<string[] | undefined>>();
  for (const p of problems) {
    if (p.filePath !== undefined && secret.has(p.filePath)) continue;
    if (!files.has(p.key)) files.set(p.key, readLines(p));
    const line = (await files.get(p.key)!)?.[p.line - 1];
    if (line !== undefined) p.sourceLine = line;
  }
}
