/**
 * The in-editor suite (test/e2e/suite, the `run()` shape @vscode/test-electron
 * uses) run inside a real VS Code extension host, with the extension loaded
 * from this checkout. Each in-editor test is reported here by name.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { REPO_ROOT } from './support/codeServer';
import { runInEditorSuite, type InEditorResults } from './support/inEditorSuite';

describe('the in-editor suite inside VS Code’s extension host (e2e)', function () {
  this.timeout(300_000);
  let fixture: OllamaFixture;
  let workspace: string;
  let results: InEditorResults;

  before(async function () {
    this.timeout(300_000);
    fixture = await startOllamaFixture();
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-suite-ws-'));
    fs.writeFileSync(path.join(workspace, 'hello.ts'), 'export const hello = "world";\n');
    ({ results } = await runInEditorSuite({
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: path.join(REPO_ROOT, 'out', 'test', 'e2e', 'suite', 'index.js'),
      workspace,
      settings: { 'hearth.ollama.host': fixture.url, 'hearth.chat.model': 'qwen2.5-coder:7b' },
      env: { HEARTH_E2E_OLLAMA_URL: fixture.url },
    }));
    if (results.activationMs !== undefined) console.log(`      extension activation (activate() → language server initialized): ${results.activationMs} ms`);
  });

  after(async () => {
    await fixture?.close();
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('ran the in-editor tests and every one passed', () => {
    for (const test of results.tests) console.log(`      ${test.state === 'passed' ? '✔' : '✘'} in editor: ${test.title}${test.error ? `\n${test.error}` : ''}`);
    assert.ok(results.tests.length >= 5, `expected the in-editor tests to run, got ${results.tests.length}`);
    assert.equal(results.failed, 0, `${results.failed} in-editor test(s) failed`);
  });
});
