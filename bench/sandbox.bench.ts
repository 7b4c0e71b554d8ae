/**
 * What the command sandbox costs: run_command wall time through the real tool
 * executor, in bubblewrap and without a sandbox, interleaved A/B in one run
 * so both see the same machine load. Two commands: a trivial one (`pwd`) and
 * `npm test` in a tiny project (a package.json whose test script is
 * `node -e ""`). The sandboxed runs take the allow path (allow-listed, no
 * approval); without a sandbox every command asks, so that side is answered
 * by a gateway that accepts at once (a resolved promise). Also measured: the
 * sandbox's own work before and after a command (`prepare`: scanning the
 * workspace for guarded paths and secrets; `finish`: the audit for created
 * paths), on the tiny project, and `prepare` alone on this repository and
 * on a generated tree of 30,000 files (its first scan, which reads every
 * directory, and the later ones, which reuse the listings of unchanged
 * directories).
 * Prints JSON. Run with `npm run bench:sandbox`. BENCH_SANDBOX_RUNS sets the
 * trivial command's sample count (npm test gets a quarter of it).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CommandSandbox } from '../language-server/tools/sandbox/commandSandbox';
import { probeCommandSandbox } from '../language-server/tools/sandbox/detectCommandSandbox';
import { unsandboxed } from '../language-server/tools/sandbox/unsandboxed';
import { createTurnExecutor, type WorkspaceToolExecutor } from '../language-server/tools/workspaceToolExecutor';
import { alwaysAccept } from '../test/fixtures/approvalGateways';
import { testPolicy } from '../test/fixtures/toolWorkspace';

const RUNS = Number(process.env.BENCH_SANDBOX_RUNS ?? 200);

// `npm run bench:sandbox` exports the outer npm's configuration as npm_*
// variables, which the measured `npm test` would inherit; the language server
// VS Code starts has none of them. Inside the sandbox they made every inner
// npm about 300 ms slower (npm_config_userconfig names the ~/.npmrc the
// sandbox hides), which measured npm's start-up under `npm run`, not the
// sandbox. Both arms run without them.
for (const name of Object.keys(process.env)) if (/^npm_/i.test(name)) delete process.env[name];

function quantiles(samples: number[]): { p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] * 100) / 100;
  return { p50: at(0.5), p99: at(0.99) };
}

const sandbox = await probeCommandSandbox();
if (sandbox.kind !== 'bubblewrap') {
  console.error(`The sandbox benchmark needs bubblewrap: ${sandbox.unavailableReason}`);
  process.exit(1);
}
const none = unsandboxed('benchmark baseline');

const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-sandbox-bench-')));
const project = path.join(base, 'project');
fs.mkdirSync(path.join(project, 'src'), { recursive: true });
fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'tiny', version: '1.0.0', private: true, scripts: { test: 'node -e ""' } }, null, 2));
fs.writeFileSync(path.join(project, 'src', 'index.js'), 'module.exports = 1;\n');

let turn = 0;
function executor(commandSandbox: CommandSandbox): WorkspaceToolExecutor {
  return createTurnExecutor({
    turnId: `bench-${++turn}`,
    workspaceFolders: [project],
    policy: testPolicy(),
    approvals: alwaysAccept(),
    checkpoints: path.join(base, 'storage'),
    ripgrepPath: null,
    sandbox: commandSandbox,
  });
}

async function timeCommand(exec: WorkspaceToolExecutor, command: string): Promise<number> {
  const started = performance.now();
  const r = await exec.execute({ id: `c${turn}`, name: 'run_command', arguments: { command } }, new AbortController().signal);
  const elapsed = performance.now() - started;
  if (r.isError || !/exit code 0/.test(r.content)) throw new Error(`\`${command}\` failed in the benchmark: ${r.content}`);
  return elapsed;
}

async function compare(command: string, runs: number) {
  const sandboxed = executor(sandbox);
  const plain = executor(none);
  for (let i = 0; i < 3; i++) {
    await timeCommand(sandboxed, command);
    await timeCommand(plain, command);
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Alternate which goes first, so neither always runs on a freshly woken machine.
    if (i % 2 === 0) {
      a.push(await timeCommand(sandboxed, command));
      b.push(await timeCommand(plain, command));
    } else {
      b.push(await timeCommand(plain, command));
      a.push(await timeCommand(sandboxed, command));
    }
  }
  const qa = quantiles(a);
  const qb = quantiles(b);
  return {
    runs,
    sandboxedMs: qa,
    unsandboxedMs: qb,
    addedMs: { p50: Math.round((qa.p50 - qb.p50) * 100) / 100, p99: Math.round((qa.p99 - qb.p99) * 100) / 100 },
    ratio: { p50: Math.round((qa.p50 / qb.p50) * 100) / 100, p99: Math.round((qa.p99 / qb.p99) * 100) / 100 },
  };
}

/**
 * The sandbox's own work around a command. `finish` (the audit, which may
 * remove paths) runs only on the benchmark's own project, never on the
 * repository the benchmark is run from.
 */
async function sandboxWork(root: string, runs: number, audit: boolean) {
  const prepare: number[] = [];
  const finish: number[] = [];
  let mounts = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const spawn = await sandbox.prepare('true', { cwd: root, roots: [root], grant: { network: false }, env: process.env });
    prepare.push(performance.now() - t0);
    if (audit) {
      const t1 = performance.now();
      await spawn.finish();
      finish.push(performance.now() - t1);
    }
    mounts = spawn.args.filter((a) => /^--(ro-)?bind|^--tmpfs/.test(a)).length;
  }
  return { runs, prepareMs: quantiles(prepare), ...(audit ? { finishMs: quantiles(finish) } : {}), mounts };
}

/** `prepare` on a monorepo-sized tree of `files` files: the first scan reads it all, the later ones only check it. */
async function generatedTree(files: number, runs: number) {
  const root = path.join(base, 'generated');
  fs.mkdirSync(root);
  fs.writeFileSync(path.join(root, 'package.json'), '{}');
  for (let i = 0; i < files; i++) {
    const dir = path.join(root, 'packages', `p${Math.floor(i / 1000)}`, 'src', `m${Math.floor(i / 100) % 10}`);
    if (i % 100 === 0) {
      fs.mkdirSync(dir, { recursive: true });
      if (i % 1000 === 0) fs.writeFileSync(path.join(dir, '..', '..', 'package.json'), '{}');
    }
    fs.writeFileSync(path.join(dir, `f${i}.ts`), '');
  }
  // Listings read within two seconds of their directory's last change are
  // read again next time (racy, see GuardScanCache); waiting measures the
  // steady state of a tree nobody is changing, not the seconds after it was made.
  await new Promise((resolve) => setTimeout(resolve, 2100));
  const t0 = performance.now();
  const first = await sandbox.prepare('true', { cwd: root, roots: [root], grant: { network: false }, env: process.env });
  const firstMs = Math.round((performance.now() - t0) * 100) / 100;
  const later = await sandboxWork(root, runs, false);
  return { files, firstPrepareMs: firstMs, mounts: first.args.filter((a) => /^--(ro-)?bind|^--tmpfs/.test(a)).length, later };
}

try {
  const trivial = await compare('pwd', RUNS);
  const npmTest = await compare('npm test', Math.max(10, Math.round(RUNS / 4)));
  const repository = process.cwd();
  console.log(
    JSON.stringify(
      {
        benchmark: 'command-sandbox',
        node: process.version,
        cpus: os.cpus().length,
        trivialCommand: { command: 'pwd', ...trivial },
        npmTest: { command: 'npm test', ...npmTest },
        sandboxWork: {
          tinyProject: await sandboxWork(project, 50, true),
          thisRepository: { root: repository, ...(await sandboxWork(repository, 20, false)) },
          generatedTree: await generatedTree(30_000, 20),
        },
        target: { trivialAddedP50Ms: 30, met: trivial.addedMs.p50 < 30 },
      },
      null,
      2,
    ),
  );
} finally {
  fs.rmSync(base, { recursive: true, force: true });
}
