import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ESLint } from 'eslint';

/**
 * The process boundaries of docs/ARCHITECTURE.md are only as good as the lint
 * rules that enforce them, so each rule is tested here with a planted import:
 * ESLint lints a one-line file at a path inside each process folder, with the
 * project's own eslint.config.mjs, and must report (or accept) the import.
 */
const repo = process.cwd();
const eslint = new ESLint({ cwd: repo, overrideConfigFile: path.join(repo, 'eslint.config.mjs') });

async function restrictedImportErrors(file: string, specifier: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import * as planted from '${specifier}';\nexport const used = planted;\n`, { filePath: path.join(repo, file) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const FORBIDDEN: [file: string, specifier: string][] = [
  ['language-server/planted.ts', 'vscode'],
  ['language-server/planted.ts', '../extension/chatController'],
  ['language-server/planted.ts', '../webview/chatApp'],
  ['language-server/planted.ts', '../agent-host/core/toolLoop'],
  ['language-server/indexWorker/planted.ts', '../../agent-host/search/chunkText'],
  ['language-server/chat/planted.ts', '../../agent-host/server/teamServer'],
  ['agent-host/planted.ts', 'vscode'],
  ['agent-host/planted.ts', '../language-server/tools'],
  ['agent-host/core/planted.ts', '../../language-server/tools/commandPolicy'],
  ['agent-host/planted.ts', '../extension'],
  ['extension/planted.ts', '../agent-host'],
  ['extension/planted.ts', '../agent-host/index'],
  ['extension/planted.ts', '../language-server/tools/commandPolicy'],
  ['extension/planted.ts', '../language-server'],
  ['extension/planted.ts', '../webview/chatApp'],
  ['webview/planted.ts', 'vscode'],
  ['webview/planted.ts', 'node:fs'],
  ['webview/planted.ts', 'child_process'],
  ['webview/planted.ts', '../protocol/lspMethods'],
  ['webview/planted.ts', '../agent-host'],
  ['webview/planted.ts', '../extension/chatController'],
  ['protocol/planted.ts', 'vscode'],
  ['protocol/planted.ts', '../language-server/tools'],
  ['protocol/planted.ts', '../agent-host'],
  ['protocol/planted.ts', '../extension/statusBar'],
  ['protocol/grpc/planted.ts', '../../webview/chatApp'],
];

const ALLOWED: [file: string, specifier: string][] = [
  ['language-server/planted.ts', '../agent-host/index'],
  ['language-server/planted.ts', '../agent-host'],
  ['language-server/indexWorker/planted.ts', '../../agent-host/textChunks'],
  ['language-server/planted.ts', '../protocol/lspMethods'],
  ['extension/planted.ts', 'vscode'],
  ['extension/planted.ts', '../protocol/webviewMessages'],
  ['webview/planted.ts', '../protocol/webviewMessages'],
  ['agent-host/planted.ts', '../protocol/chat'],
  ['protocol/planted.ts', './chat'],
];

describe('process-boundary lint rules (planted imports)', function () {
  this.timeout(60_000);

  for (const [file, specifier] of FORBIDDEN) {
    it(`refuses ${specifier} in ${file}`, async () => {
      const errors = await restrictedImportErrors(file, specifier);
      assert.equal(errors.length, 1, `expected one no-restricted-imports error, got ${JSON.stringify(errors)}`);
    });
  }

  for (const [file, specifier] of ALLOWED) {
    it(`accepts ${specifier} in ${file}`, async () => {
      assert.deepEqual(await restrictedImportErrors(file, specifier), []);
    });
  }
});
