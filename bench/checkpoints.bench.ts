/**
 * The checkpoint taken after every file-changing tool call, on a generated
 * workspace of 19,000 files in 1,000 folders: the walk of every folder (what
 * every checkpoint did before, and what it still does without a watcher)
 * against the watcher (workspaceWatcher.ts), in the same run, on the same
 * files. Each "tool call" changes what a real one does: an edit of one file
 * (write_file, edit_file), or a command that creates a folder with a few
 * files and deletes one (run_command). Every watcher checkpoint is also
 * checked against a walk of the same workspace, so the speed is not bought
 * with a wrong checkpoint. Then the same on the same workspace with the
 * file cap at 10,000, as a workspace of twice the cap: each checkpoint is
 * partial, and before, every one after a tool call walked up to the cap
 * again; with the watcher each holds what the walk reached kept current,
 * checked entry by entry against a walk. Prints JSON.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_SNAPSHOT_LIMITS, WorkspaceSnapshots } from '../language-server/checkpoints/workspaceSnapshots';

const PACKAGES = 50;
/** 19,000 files: just under the checkpoint's 20,000-file cap, past which every checkpoint walks (and stops at the cap). */
const MODULES = 19;
const FILES = 20;
const CALLS = 10;
/** The cap of the partial phase: the workspace holds 1.9 times as many files. */
const PARTIAL_CAP = 10_000;

function quantiles(samples: number[]): { p50: number; p95: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] * 10) / 10;
  return { p50: at(0.5), p95: at(0.95), max: Math.round(sorted[sorted.length - 1] * 10) / 10 };
}

/** A checkpoint's files in path order (a watcher checkpoint lists new files last). */
const sorted = (files: Record<string, unknown>) => JSON.stringify(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1)));

const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-bench-checkpoints-')));
const workspace = path.join(base, 'workspace');
for (let p = 0; p < PACKAGES; p++) {
  for (let m = 0; m < MODULES; m++) {
    const dir = path.join(workspace, `pkg${p}`, `mod${m}`);
    fs.mkdirSync(dir, { recursive: true });
    for (let f = 0; f < FILES; f++) fs.writeFileSync(path.join(dir, `file${f}.ts`), `export const value${f} = ${p * m * f};\n`.repeat(20));
  }
}

/** One tool call's change; `i` makes every call change other files. */
function toolCall(i: number): void {
  if (i % 2 === 0) {
    fs.appendFileSync(path.join(workspace, `pkg${i % PACKAGES}`, `mod${i % MODULES}`, `file${i % FILES}.ts`), `// edit ${i}\n`);
  } else {
    const made = path.join(workspace, `pkg${i % PACKAGES}`, `generated${i}`);
    fs.mkdirSync(path.join(made, 'nested'), { recursive: true });
    for (let f = 0; f < 5; f++) fs.writeFileSync(path.join(made, f % 2 ? 'nested' : '', `out${f}.js`), `built ${i}\n`);
    fs.rmSync(path.join(workspace, `pkg${(i + 7) % PACKAGES}`, `mod${i % MODULES}`, `file${(i + 3) % FILES}.ts`), { force: true });
  }
}

async function run(mode: 'walk' | 'watcher', offset: number, maxFiles?: number) {
  const limits = maxFiles ? { ...DEFAULT_SNAPSHOT_LIMITS, maxFiles } : undefined;
  const label = `${mode}-${maxFiles ?? 'all'}`;
  const snaps = new WorkspaceSnapshots(path.join(base, `storage-${label}`), () => [workspace], limits, { watch: mode === 'watcher' });
  let started = performance.now();
  const first = await snaps.take();
  const firstMs = performance.now() - started;
  const truth = new WorkspaceSnapshots(path.join(base, `truth-${label}`), () => [workspace]);
  if (mode === 'watcher') await truth.take();
  const times: number[] = [];
  const walks: string[] = [];
  let wrong = 0;
  for (let i = 0; i < CALLS; i++) {
    toolCall(offset + i);
    started = performance.now();
    const snap = await snaps.take();
    times.push(performance.now() - started);
    if (snaps.lastTake?.by === 'walk') walks.push(snaps.lastTake.reason ?? '');
    if (mode === 'watcher') {
      // Checked outside the timing: a walk (a store without a watcher) finds exactly the same files.
      const now = (await truth.take()).files;
      if (maxFiles) {
        // A partial checkpoint is right when every file it holds is held as it is now (and it is still partial).
        if (!snap.truncated || Object.entries(snap.files).some(([key, state]) => JSON.stringify(now[key]) !== JSON.stringify(state))) wrong++;
      } else if (sorted(now) !== sorted(snap.files)) wrong++;
    }
  }
  snaps.dispose();
  return { files: Object.keys(first.files).length, firstCheckpointMs: Math.round(firstMs), perToolCallMs: quantiles(times), walksAfterToolCalls: walks.length, ...(walks.length > 0 ? { whyWalked: [...new Set(walks)] } : {}), ...(mode === 'watcher' ? { wrongCheckpoints: wrong } : {}) };
}

try {
  const before = await run('walk', 0);
  const after = await run('watcher', 1000);
  const partialBefore = await run('walk', 2000, PARTIAL_CAP);
  const partialAfter = await run('watcher', 3000, PARTIAL_CAP);
  console.log(
    JSON.stringify(
      {
        workspace: { files: PACKAGES * MODULES * FILES, folders: PACKAGES * MODULES + PACKAGES + 1 },
        toolCalls: CALLS,
        before: { mechanism: 'walk of every folder after each tool call', ...before },
        after: { mechanism: 'watcher: only the changed paths are read again', ...after },
        speedup: Math.round((before.perToolCallMs.p50 / Math.max(0.1, after.perToolCallMs.p50)) * 10) / 10,
        pastTheCap: {
          fileCap: PARTIAL_CAP,
          before: { mechanism: 'a walk up to the cap after each tool call (what a partial checkpoint did before)', ...partialBefore },
          after: { mechanism: 'watcher: the partial checkpoint kept current', ...partialAfter },
          speedup: Math.round((partialBefore.perToolCallMs.p50 / Math.max(0.1, partialAfter.perToolCallMs.p50)) * 10) / 10,
        },
      },
      null,
      2,
    ),
  );
} finally {
  fs.rmSync(base, { recursive: true, force: true });
}
