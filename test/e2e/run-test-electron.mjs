#!/usr/bin/env node
// Runs the in-editor suite (out/test/e2e/suite/index.js) in a desktop VS Code
// downloaded by @vscode/test-electron, for machines that can reach Microsoft's
// download servers. (This repository's CI cannot, so `npm test` runs the same
// suite inside code-server instead: see test/e2e/inEditorSuite.test.ts.)
//   npm run test:vscode [-- <extensionTestsPath>]
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';

const repo = resolve(import.meta.dirname, '..', '..');
const extensionTestsPath = resolve(process.argv[2] ?? join(repo, 'out', 'test', 'e2e', 'suite', 'index.js'));
execFileSync(process.execPath, [join(repo, 'esbuild.mjs'), '--tests'], { stdio: 'inherit', cwd: repo });
// The scripted Ollama fixture, as its own process; the suite's settings point at it.
const fixture = spawn(process.execPath, [join(repo, 'out', 'test', 'fixtures', 'ollamaFixture.main.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
let fixtureUrl = '';
fixture.stdout.setEncoding('utf8');
// Read until the URL appears; if the fixture exits first, say so instead of waiting forever.
const fixtureExited = once(fixture, 'exit').then(([code]) => {
  throw new Error(`The Ollama fixture exited (code ${code}) before printing its URL.`);
});
while (!fixtureUrl) {
  const [chunk] = await Promise.race([once(fixture.stdout, 'data'), fixtureExited]);
  fixtureUrl = /OLLAMA_FIXTURE_URL=(\S+)/.exec(String(chunk))?.[1] ?? '';
}
fixtureExited.catch(() => undefined);
const workspace = mkdtempSync(join(tmpdir(), 'hearth-vscode-ws-'));
writeFileSync(join(workspace, 'hello.ts'), 'export const hello = "world";\n');
mkdirSync(join(workspace, '.vscode'));
writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'hearth.ollama.host': fixtureUrl, 'hearth.chat.model': 'qwen2.5-coder:7b' }));

try {
  await runTests({
    version: process.env.HEARTH_VSCODE_VERSION ?? '1.100.3',
    extensionDevelopmentPath: repo,
    extensionTestsPath,
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
    extensionTestsEnv: { HEARTH_E2E_OLLAMA_URL: fixtureUrl },
  });
  fixture.kill();
} catch (err) {
  fixture.kill();
  console.error(`The in-editor suite failed or VS Code could not be downloaded and started: ${err instanceof Error ? err.message : String(err)}`);
  console.error('Without network access to update.code.visualstudio.com, run `npm test` instead: it runs the same suite inside code-server.');
  process.exit(1);
}
