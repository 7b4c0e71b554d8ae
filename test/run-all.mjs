#!/usr/bin/env node
// Runs Hearth's test tiers and prints one summary line last: "N passed, N failed".
//   node test/run-all.mjs                   the typecheck and lint checks, then every tier: unit, integration, e2e
//   node test/run-all.mjs unit integration  only those tiers
// Each tier runs in its own mocha process, so a crash in one tier is counted as
// a failure instead of hiding the others' results.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ALL_TIERS = ['unit', 'integration', 'e2e'];
const tiers = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const selected = tiers.length > 0 ? tiers : ALL_TIERS;
for (const tier of selected) {
  if (!ALL_TIERS.includes(tier)) {
    console.error(`Unknown test tier "${tier}". Use one of: ${ALL_TIERS.join(', ')}.`);
    process.exit(2);
  }
}

const TIMEOUTS = { unit: 20_000, integration: 60_000, e2e: 300_000 };
let passed = 0;
let failed = 0;

function run(command, args, env = {}) {
  return spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
}

function findTests(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (name.endsWith('.test.mjs')) out.push(path);
  }
  return out.sort();
}

console.log('Building the extension, the server bundles and the tests…');
const build = run(process.execPath, ['esbuild.mjs', '--tests']);
if (build.status !== 0) {
  console.log('The build failed; no tests ran.');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
if (selected.includes('e2e')) {
  const pkg = run('npm', ['run', '--silent', 'package']);
  if (pkg.status !== 0) {
    console.log('Packaging the .vsix failed; the end-to-end tests cannot run.');
    failed++;
  }
}

// The full run also checks types and lint, each counted as one test, so CI
// catches a type error or a broken process boundary as surely as a failing test.
if (tiers.length === 0) {
  for (const check of ['typecheck', 'lint']) {
    console.log(`\n== ${check}`);
    const result = run('npm', ['run', '--silent', check]);
    if (result.status === 0) passed++;
    else {
      console.log(`${check} failed (exit status ${result.status}).`);
      failed++;
    }
  }
}

const work = mkdtempSync(join(tmpdir(), 'hearth-tests-'));
for (const tier of selected) {
  const files = findTests(join('out', 'test', tier));
  if (files.length === 0) {
    console.log(`\n== ${tier}: no tests found`);
    continue;
  }
  console.log(`\n== ${tier}: ${files.length} file(s)`);
  const summaryFile = join(work, `${tier}.json`);
  const result = run(
    process.execPath,
    [join('node_modules', 'mocha', 'bin', 'mocha.js'), '--reporter', join('test', 'summaryReporter.cjs'), '--timeout', String(TIMEOUTS[tier]), '--exit', ...files],
    { HEARTH_SUMMARY_FILE: summaryFile, HEARTH_TEST_TIER: tier },
  );
  if (existsSync(summaryFile)) {
    const counts = JSON.parse(readFileSync(summaryFile, 'utf8'));
    passed += counts.passed;
    failed += counts.failed;
    if (result.status !== 0 && counts.failed === 0) {
      console.log(`The ${tier} tier exited with status ${result.status} although no test failed; counting it as a failure.`);
      failed++;
    }
  } else {
    console.log(`The ${tier} tier crashed before reporting (exit status ${result.status}, signal ${result.signal}).`);
    failed++;
  }
}
rmSync(work, { recursive: true, force: true });
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
