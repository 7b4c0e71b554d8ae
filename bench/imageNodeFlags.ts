/**
 * The Node flags the team server's container image starts it with, read from
 * the Dockerfile's ENTRYPOINT, so the bench runs the server as the image does
 * (the Kubernetes Deployment keeps the image's entrypoint and sets only its
 * arguments) and the Dockerfile stays the one place that decides them.
 */
import { readFileSync } from 'node:fs';

/** The flags between `node` and the script in the Dockerfile's exec-form ENTRYPOINT. */
export function imageNodeFlags(dockerfile: string): string[] {
  // Docker uses the last ENTRYPOINT (of the final stage), so this reads the last one too.
  const line = readFileSync(dockerfile, 'utf8')
    .split('\n')
    .filter((l) => /^\s*ENTRYPOINT\s/i.test(l))
    .at(-1);
  if (!line) throw new Error(`${dockerfile} has no ENTRYPOINT.`);
  let entrypoint: unknown;
  try {
    entrypoint = JSON.parse(line.replace(/^\s*ENTRYPOINT\s+/i, ''));
  } catch {
    throw new Error(`${dockerfile}'s ENTRYPOINT is not in exec form (a JSON array): ${line.trim()}`);
  }
  if (!Array.isArray(entrypoint) || entrypoint[0] !== 'node' || !entrypoint.every((a) => typeof a === 'string')) {
    throw new Error(`${dockerfile}'s ENTRYPOINT does not start the server with node: ${line.trim()}`);
  }
  const args = entrypoint.slice(1) as string[];
  const script = args.findIndex((a) => !a.startsWith('-'));
  if (script < 0) throw new Error(`${dockerfile}'s ENTRYPOINT names no script: ${line.trim()}`);
  return args.slice(0, script);
}
