/**
 * The in-editor suite: runs inside VS Code's extension host, in the shape
 * `@vscode/test-electron` expects (a module exporting `run()`). Here it is
 * started through code-server's `payload` URL; elsewhere through
 * `npm run test:vscode`. When HEARTH_TEST_RESULTS names a file, the counts and
 * failures are written there so the outer runner can report them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false });
  for (const name of fs.readdirSync(__dirname).sort()) {
    if (name.endsWith('.test.js')) mocha.addFile(path.join(__dirname, name));
  }
  return new Promise((resolve, reject) => {
    const results = { passed: 0, failed: 0, tests: [] as { title: string; state: string; error?: string }[], activationMs: undefined as number | undefined };
    const runner = mocha.run((failures) => {
      results.activationMs = (globalThis as { hearthActivationMs?: number }).hearthActivationMs;
      if (process.env.HEARTH_TEST_RESULTS) fs.writeFileSync(process.env.HEARTH_TEST_RESULTS, JSON.stringify(results, null, 2));
      if (failures > 0) reject(new Error(`${failures} in-editor test(s) failed.`));
      else resolve();
    });
    runner.on('pass', (test) => {
      results.passed++;
      results.tests.push({ title: test.fullTitle(), state: 'passed' });
    });
    runner.on('fail', (test, err: Error) => {
      results.failed++;
      results.tests.push({ title: test.fullTitle(), state: 'failed', error: String(err?.stack ?? err) });
    });
  });
}
