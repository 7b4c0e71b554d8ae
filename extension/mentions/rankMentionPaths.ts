/**
 * The `@` list's workspace paths: files, and the folders holding them (with a
 * trailing `/`), ranked for what the user has typed so far. Pure, so the
 * ranking is tested without an editor.
 */

/**
 * The paths matching `query` (case-insensitive), best first: the file or
 * folder name starting with it, then containing it, then the path containing
 * it, then its characters in order; shorter paths first within a rank, so a
 * folder comes before the files in it. An empty query keeps the sorted order.
 */
export function rankMentionPaths(paths: readonly string[], query: string, limit: number): string[] {
  const q = query.toLowerCase();
  if (!q) return paths.slice(0, limit);
  const scored: { path: string; score: number }[] = [];
  for (const path of paths) {
    const score = matchScore(path.toLowerCase(), q);
    if (score > 0) scored.push({ path, score });
  }
  scored.sort((a, b) => b.score - a.score || a.path.length - b.path.length);
  return scored.slice(0, limit).map((s) => s.path);
}

/** The files and every folder above them (`src/`, `src/parser/`), sorted. */
export function withFolders(files: readonly string[]): string[] {
  const all = new Set(files);
  for (const file of files) {
    for (let slash = file.indexOf('/'); slash >= 0; slash = file.indexOf('/', slash + 1)) all.add(file.slice(0, slash + 1));
  }
  return [...all].sort();
}

/** Prefers matches in the file (or folder) name, then substrings, then characters in order. */
function matchScore(path: string, q: string): number {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  const name = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  if (name.startsWith(q)) return 4;
  if (name.includes(q)) return 3;
  if (path.includes(q)) return 2;
  let i = 0;
  for (const ch of path) if (ch === q[i]) i++;
  return i === q.length ? 1 : 0;
}
