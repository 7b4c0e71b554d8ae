/**
 * A staged diff (`git diff --cached`, HEAD to index) numbered as the file on
 * disk has its lines. The review puts its comments on the file in the
 * editor, which is the working tree: when a staged file was edited again
 * after it was staged, the index's line 12 may be line 15 on disk, or gone.
 * The unstaged diff (`git diff`, index to working tree) says where each
 * index line went: a staged line that is still on disk keeps its place under
 * its new number, and one that was changed or removed since it was staged
 * is left out (there is nothing on disk to comment on).
 */

/** Where each line of the index is in the working tree, from the index-to-working-tree diff; undefined where it is gone. */
export function indexToDiskLines(unstaged: string): (indexLine: number) => number | undefined {
  const hunks: { oldStart: number; oldLength: number; delta: number; kept: Map<number, number> }[] = [];
  let current: (typeof hunks)[number] | undefined;
  let oldLine = 0;
  let newLine = 0;
  for (const raw of unstaged.split('\n')) {
    const header = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(raw);
    if (header) {
      const oldLength = header[2] === undefined ? 1 : Number(header[2]);
      const newLength = header[4] === undefined ? 1 : Number(header[4]);
      oldLine = Number(header[1]);
      newLine = Number(header[3]);
      // A hunk that only adds lines names the line before them as its start (`-12,0`): the lines it covers start after it.
      const oldStart = oldLength === 0 ? oldLine + 1 : oldLine;
      if (oldLength === 0) oldLine++;
      if (newLength === 0) newLine++;
      current = { oldStart, oldLength, delta: newLength - oldLength, kept: new Map() };
      hunks.push(current);
      continue;
    }
    if (!current) continue;
    if (raw.startsWith(' ')) current.kept.set(oldLine++, newLine++);
    else if (raw.startsWith('-')) oldLine++;
    else if (raw.startsWith('+')) newLine++;
    else if (raw.startsWith('diff --git')) current = undefined;
  }
  return (line) => {
    let shift = 0;
    for (const hunk of hunks) {
      if (line < hunk.oldStart) break;
      if (line < hunk.oldStart + hunk.oldLength) return hunk.kept.get(line);
      shift += hunk.delta;
    }
    return line + shift;
  };
}

export interface StagedDiffOnDisk {
  /** The staged diff's hunks, numbered as on disk (only the new side's numbers are meaningful). */
  diff: string;
  /** Staged new lines that are no longer on disk, left out. */
  changedSince: number;
}

/** `staged` (HEAD to index) renumbered through `unstaged` (index to working tree); see the module comment. */
export function stagedDiffOnDisk(staged: string, unstaged: string): StagedDiffOnDisk {
  const toDisk = indexToDiskLines(unstaged);
  const out: string[] = [];
  let changedSince = 0;
  let next: number | undefined;
  let indexLine = 0;
  let inHunk = false;
  // A hunk starts again wherever the numbering on disk jumps, so each listed line keeps its own number.
  const emit = (mark: string, text: string, disk: number) => {
    if (disk !== next) out.push(`@@ -0,0 +${disk} @@`);
    out.push(`${mark}${text}`);
    next = disk + 1;
  };
  for (const raw of staged.split('\n')) {
    const header = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(raw);
    if (header) {
      indexLine = Number(header[1]);
      inHunk = true;
      next = undefined;
      continue;
    }
    if (!inHunk) continue;
    if (raw.startsWith('diff --git')) {
      inHunk = false;
      continue;
    }
    const mark = raw[0];
    if (mark === '+' || mark === ' ') {
      const disk = toDisk(indexLine++);
      if (disk === undefined) {
        if (mark === '+') changedSince++;
        next = undefined;
        continue;
      }
      emit(mark, raw.slice(1), disk);
    } else if (mark === '-' && next !== undefined) {
      out.push(raw);
    } else if (mark === '-') {
      // A removed line before anything kept in this stretch: it belongs just before the next line on disk, so it opens that stretch.
      next = toDisk(indexLine) ?? indexLine;
      out.push(`@@ -0,0 +${next} @@`, raw);
    }
  }
  return { diff: out.join('\n'), changedSince };
}
