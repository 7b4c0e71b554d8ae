/**
 * Runs a mocha suite in the `@vscode/test-electron` shape (a module exporting
 * `run()`) inside a real VS Code extension host: code-server is started and
 * the workbench is opened with the `payload` query naming the extension under
 * development and the suite. The suite writes its results to the file named
 * by HEARTH_TEST_RESULTS (the extension host inherits the server's
 * environment), which is how the outside learns the outcome.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startCodeServer } from './codeServer';
import { openWorkbench, until } from './workbench';

export interface InEditorResults {
  passed: number;
  failed: number;
  tests: { title: string; state: string; error?: string }[];
  activationMs?: number;
}

export async function runInEditorSuite(options: {
  extensionDevelopmentPath: string;
  extensionTestsPath: string;
  workspace: string;
  settings?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}): Promise<{ results: InEditorResults; log: string }> {
  const resultsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-suite-')), 'results.json');
  const server = await startCodeServer({ settings: options.settings, env: { ...options.env, HEARTH_TEST_RESULTS: resultsFile } });
  const remote = (p: string) => `vscode-remote://127.0.0.1:${server.port}${p}`;
  const wb = await openWorkbench(
    server.url(options.workspace, [
      ['extensionDevelopmentPath', remote(options.extensionDevelopmentPath)],
      ['extensionTestsPath', remote(options.extensionTestsPath)],
    ]),
  );
  try {
    await until(async () => fs.existsSync(resultsFile), 'the in-editor suite to write its results', options.timeoutMs ?? 180_000, 250);
    // The file is written in one call, but give a slow disk a moment to finish.
    const results = await until(async () => {
      try {
        return JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as InEditorResults;
      } catch {
        return undefined;
      }
    }, 'readable results', 5000);
    return { results, log: server.log() };
  } catch (err) {
    throw new Error(`${String(err)}\n--- server log ---\n${server.log().slice(-4000)}`);
  } finally {
    await wb.close();
    await server.stop();
    // Leave nothing in the temp directory: the results file's folder and the server's user-data and extensions folders.
    fs.rmSync(path.dirname(resultsFile), { recursive: true, force: true });
    fs.rmSync(path.dirname(server.userDataDir), { recursive: true, force: true });
  }
}
