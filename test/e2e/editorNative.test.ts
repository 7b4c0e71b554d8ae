/**
 * The editor-native parts of the agent in a real VS Code: a command the agent
 * runs appears in the "Hearth Agent" terminal (command line, output, exit
 * code) while its row in the chat reads "$ cat notes.txt · exit 0"; Explain
 * with Hearth on a user terminal's selection asks the chat about it; a file the
 * agent wrote reads "+3 −0 src/util.js" and opens its diff when pressed from
 * the keyboard; and Write Tests puts the tests in the file the project's
 * conventions name (test/math.test.js, jest), shown as a new-file diff that
 * Accept creates on disk, and never through a link put there meanwhile.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame, Locator } from 'playwright-core';
import { useOllamaFixture } from './support/useOllamaFixture';
import { REPO_ROOT } from './support/codeServer';
import { chatAnswers, openHearth, runCommand, sendChatMessage, until, untilAnswerDone } from './support/workbench';
import { useHearthInVsCode } from './support/useHearthInVsCode';

const MODEL = 'qwen2.5-coder:7b';
const RESULTS = path.join(REPO_ROOT, 'test-results');
const MARKER = 'hearth-terminal-marker-42';
const EXPLAIN_MARKER = 'hearth-explain-marker';
const UTIL = 'export const double = (x) => x * 2;\nexport const half = (x) => x / 2;\nexport const zero = 0;\n';
const TESTS = "import { add } from '../src/math';\n\ntest('adds', () => {\n  expect(add(2, 3)).toBe(5);\n});\n";

describe('the agent terminal, tool rows and Write Tests in a real VS Code (e2e)', function () {
  this.timeout(300_000);
  let chat: Frame;
  before(() => fs.mkdirSync(RESULTS, { recursive: true }));
  const fixture = useOllamaFixture();
  const vscode = useHearthInVsCode({
    // The DOM renderer puts the terminal's text in the page, where the test can read it.
    settings: () => ({ 'hearth.ollama.host': fixture.url, 'hearth.chat.model': MODEL, 'terminal.integrated.gpuAcceleration': 'off' }),
    prepareWorkspace: (workspace) => {
      fs.mkdirSync(path.join(workspace, 'src'));
      fs.mkdirSync(path.join(workspace, 'test'));
      fs.writeFileSync(path.join(workspace, 'notes.txt'), `${MARKER}\n`);
      fs.writeFileSync(path.join(workspace, 'src', 'math.js'), 'export function add(a, b) {\n  return a + b;\n}\n');
      fs.writeFileSync(path.join(workspace, 'src', 'words.js'), 'export function shout(s) {\n  return s.toUpperCase();\n}\n');
      fs.writeFileSync(path.join(workspace, 'test', 'other.test.js'), "test('x', () => {});\n");
      fs.writeFileSync(path.join(workspace, 'package.json'), JSON.stringify({ name: 'demo', devDependencies: { jest: '^29.0.0' } }));
    },
  });

  const lastAnswer = () => chat.locator('[data-testid="assistant-message"]').last();
  const rowOf = (tool: string) => lastAnswer().locator('[data-testid="tool-row"]', { has: chat.locator('[data-testid="tool-name"]', { hasText: tool }) }).last();

  it('shows the command the agent runs in the "Hearth Agent" terminal, and its row as a command line with the exit code', async () => {
    const page = vscode.wb.page;
    chat = await openHearth(page);
    await chat.locator('[data-testid="composer"]').waitFor({ state: 'visible' });
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'run_command', arguments: { command: 'cat notes.txt' } }] }, { kind: 'text', text: 'The notes say hello.' });
    await sendChatMessage(chat, 'What do the notes say?');

    // `cat` is allow-listed and runs in the sandbox without asking; where this machine has no sandbox it asks first.
    const row = rowOf('run_command');
    await until(async () => {
      const allow = row.locator('[data-testid="approval-allow"]');
      if (await allow.isVisible()) await allow.click();
      return (await lastAnswer().getAttribute('data-state')) === 'done';
    }, 'the turn to finish', 90_000);
    assert.equal(await row.locator('.tool-summary .tool-args').innerText(), '$ cat notes.txt');
    assert.equal(await row.locator('[data-testid="tool-result-summary"]').innerText(), 'exit 0');

    const terminalTab = page.locator('.part.panel').getByText('Hearth Agent', { exact: false }).first();
    await terminalTab.waitFor({ state: 'visible', timeout: 30_000 });
    const rows = page.locator('.part.panel .xterm-rows');
    await until(async () => {
      const text = (await rows.allInnerTexts()).join('\n').replace(/\u00a0/g, ' ');
      return text.includes('$ cat notes.txt') && text.includes(MARKER) && text.includes('✓ exit 0');
    }, 'the command line, its output and its exit code in the terminal', 30_000).catch(async (err) => {
      throw new Error(`${String(err)}\nterminal text: ${(await rows.allInnerTexts()).join('\n')}`);
    });
    await page.screenshot({ path: path.join(RESULTS, 'agent-terminal.png') });
  });

  it('Explain with Hearth sends a user terminal’s selected output to the chat with the question', async () => {
    const page = vscode.wb.page;
    await runCommand(page, 'Terminal: Create New Terminal');
    const rows = page.locator('.part.panel .terminal-wrapper.active .xterm-rows');
    await rows.waitFor({ state: 'visible', timeout: 30_000 });
    // Keys typed before the new terminal's shell is up can be lost on a busy machine: type once its prompt shows.
    await until(async () => (await rows.innerText()).trim().length > 0, 'the shell’s prompt in the new terminal', 30_000);
    await page.keyboard.type(`echo ${EXPLAIN_MARKER}-$((6*7))`);
    await page.keyboard.press('Enter');
    await until(async () => (await rows.allInnerTexts()).join('\n').replace(/\u00a0/g, ' ').includes(`${EXPLAIN_MARKER}-42`), 'the command’s output in the terminal', 30_000);
    // VS Code in a browser reads the selection through the clipboard, which the page must be allowed to use.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await runCommand(page, 'Terminal: Select All');
    fixture.enqueue({ kind: 'text', text: 'It printed a marker.' });
    const before = fixture.requests.length;
    const answersBefore = await chatAnswers(chat).count();
    await runCommand(page, 'Explain with Hearth');
    const sent = await fixture.waitFor((r) => r.id > before && r.path === '/api/chat' && r.body !== undefined, 60_000);
    const toModel = (sent.body.messages as { role: string; content: string }[]).filter((m) => m.role === 'user').at(-1)!.content;
    assert.match(toModel, /Explain this terminal output: what the command did/);
    assert.match(toModel, /Selected text in the terminal/);
    assert.ok(toModel.includes(`${EXPLAIN_MARKER}-42`), 'the selected output went with the question');
    const answer = await untilAnswerDone(chat, answersBefore);
    assert.match(await answer.innerText(), /It printed a marker\./);
  });

  it('shows a written file as "+3 −0 path" that opens its diff from the keyboard', async () => {
    const page = vscode.wb.page;
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'write_file', arguments: { path: 'src/util.js', content: UTIL } }] }, { kind: 'text', text: 'Added util.js.' });
    await sendChatMessage(chat, 'Add a util module');
    const row = rowOf('write_file');
    await row.locator('[data-testid="approval-accept"]').click({ timeout: 60_000 });
    await until(async () => (await lastAnswer().getAttribute('data-state')) === 'done', 'the turn to finish', 60_000);
    assert.equal(fs.readFileSync(path.join(vscode.workspace, 'src', 'util.js'), 'utf8'), UTIL);
    // The review diff of the approval closes with the answer; the one opened below is the record of the change.
    const change = row.locator('[data-testid="tool-change"]');
    assert.equal((await change.innerText()).replace(/\s+/g, ' ').trim(), '+3 −0 src/util.js');
    assert.equal(await row.locator('[data-testid="tool-result-summary"]').innerText(), 'created');
    await change.focus();
    await change.press('Enter');
    const diffTab = page.locator('.tabs-container .tab', { hasText: "created by Hearth's write_file" });
    await diffTab.first().waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await row.locator('[data-testid="tool-call"]').evaluate((d) => (d as HTMLDetailsElement).open), false, 'pressing the change did not fold the row open');
    await page.screenshot({ path: path.join(RESULTS, 'tool-change-diff.png') });
  });

  /** Opens `file` by Quick Open, selects all and runs Write Tests; returns the diff's tab once it shows `testFile`. */
  async function writeTestsFor(file: string, testFile: string): Promise<Locator> {
    const page = vscode.wb.page;
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill(file);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: file }).first().waitFor();
    await page.keyboard.press('Enter');
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.waitFor({ state: 'visible' });
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+A');
    await runCommand(page, 'Hearth: Write Tests');
    const diffTab = page.locator('.tabs-container .tab', { hasText: testFile });
    await diffTab.first().waitFor({ state: 'visible', timeout: 60_000 });
    return diffTab;
  }

  it('Write Tests creates test/math.test.js (the project’s test folder and jest) through a new-file diff', async () => {
    const page = vscode.wb.page;
    fixture.setResponder((req) => (req.path === '/api/chat' ? { kind: 'text', text: `\`\`\`js\n${TESTS}\`\`\`` } : { kind: 'text', text: '' }));
    const diffTab = await writeTestsFor('math.js', 'test/math.test.js');
    assert.match(await diffTab.first().innerText(), /tests for src\/math\.js → test\/math\.test\.js \(jest\)/);
    const request = fixture.requests.filter((r) => r.path === '/api/chat' && r.body !== undefined).at(-1)!;
    const prompt = (request.body.messages as { content: string }[]).at(-1)!.content;
    assert.match(prompt, /it will be saved as test\/math\.test\.js/);
    assert.match(prompt, /The project tests with jest/);
    assert.equal(fs.existsSync(path.join(vscode.workspace, 'test', 'math.test.js')), false, 'nothing is written before Accept');
    await page.screenshot({ path: path.join(RESULTS, 'write-tests-diff.png') });

    // The diff editor's own Accept (shown for the active group: click into the proposed side first).
    await page.locator('.monaco-diff-editor .view-lines').last().click();
    await page.getByRole('button', { name: 'Accept', exact: true }).click();
    await until(async () => fs.existsSync(path.join(vscode.workspace, 'test', 'math.test.js')) && fs.readFileSync(path.join(vscode.workspace, 'test', 'math.test.js'), 'utf8') === TESTS, 'the test file to be created and saved', 30_000);
    // Accepting opens the new file once it is saved. Waiting for it keeps it from opening, late, over what the next test looks at
    // (under load it covered the Settings editor the next test had just opened, whose list renders only while it is visible).
    await page.locator('.tabs-container .tab.active .label-name', { hasText: /^math\.test\.js$/ }).first().waitFor({ state: 'visible', timeout: 30_000 });
    fixture.setResponder(undefined);
  });

  it('Write Tests creates nothing through a link a command put on the way to its file while the diff was open', async () => {
    const page = vscode.wb.page;
    fixture.setResponder((req) => (req.path === '/api/chat' ? { kind: 'text', text: `\`\`\`js\n${TESTS}\`\`\`` } : { kind: 'text', text: '' }));
    await writeTestsFor('words.js', 'test/words.test.js');

    // Meanwhile a command (in another chat) replaces test/ with a link to a folder outside the workspace.
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-e2e-outside-'));
    const testFolder = path.join(vscode.workspace, 'test');
    fs.renameSync(testFolder, `${testFolder}-moved`);
    fs.symlinkSync(outside, testFolder);
    try {
      await page.locator('.monaco-diff-editor .view-lines').last().click();
      await page.getByRole('button', { name: 'Accept', exact: true }).click();
      await page.locator('.notifications-toasts', { hasText: 'Hearth did not create test/words.test.js: it leads outside the workspace through a symlink' }).first().waitFor({ timeout: 30_000 });
      assert.deepEqual(fs.readdirSync(outside), [], 'nothing was written outside the workspace');
    } finally {
      fs.unlinkSync(testFolder);
      fs.renameSync(`${testFolder}-moved`, testFolder);
      fs.rmSync(outside, { recursive: true, force: true });
      fixture.setResponder(undefined);
    }
  });

  it('the chat view’s gear opens Hearth’s settings, Ollama first', async () => {
    const page = vscode.wb.page;
    await openHearth(page, 'command');
    await page.locator('.part.sidebar .title-actions').getByRole('button', { name: 'Open Settings' }).click();
    const settings = page.locator('.settings-editor');
    await settings.waitFor({ state: 'visible', timeout: 30_000 });
    await until(async () => ((await settings.locator('.setting-item-category').allInnerTexts()).length > 0 ? true : undefined), 'the settings to render');
    const first = (await settings.locator('.setting-item-contents .setting-item-title').first().innerText()).replace(/\s+/g, ' ');
    assert.match(first, /Host/, `the first setting shown is the Ollama host (${first})`);
    await page.screenshot({ path: path.join(RESULTS, 'settings-gear.png') });
  });
});
