/**
 * Inline chat and Apply in a real VS Code (code-server 4.100.3 = VS Code
 * 1.100.3 with the packaged hearth.vsix), against the scripted Ollama
 * fixture: Ctrl+I on a selection → an instruction → a diff → Accept changes
 * the file; Apply on a chat code block → the model's merge in a diff → Accept.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { useOllamaFixture } from './support/useOllamaFixture';
import { REPO_ROOT } from './support/codeServer';
import { openHearth, sendChatMessage, until } from './support/workbench';
import { useHearthInVsCode } from './support/useHearthInVsCode';

const MODEL = 'qwen2.5-coder:7b';
const RESULTS = path.join(REPO_ROOT, 'test-results');
const MATH = 'export function average(values: number[]): number {\n  return values.reduce((a, b) => a + b) / values.length;\n}\n';
const SAFE_AVERAGE = 'export function average(values: number[]): number {\n  if (values.length === 0) return 0;\n  return values.reduce((a, b) => a + b, 0) / values.length;\n}\n';
const UTIL = 'export function greet(name: string): string {\n  return `Hello, ${name}`;\n}\n';
const UTIL_MERGED = UTIL + '\nexport function farewell(name: string): string {\n  return `Goodbye, ${name}`;\n}\n';

describe('Hearth inline chat and Apply in a real VS Code (e2e)', function () {
  this.timeout(180_000);
  before(() => fs.mkdirSync(RESULTS, { recursive: true }));
  const fixture = useOllamaFixture();
  const vscode = useHearthInVsCode({
    // No ghost-text requests: the scripted model's queue is for the chat and the edits only.
    settings: () => ({ 'hearth.ollama.host': fixture.url, 'hearth.chat.model': MODEL, 'hearth.completion.enabled': false }),
    prepareWorkspace: (workspace) => {
      fs.mkdirSync(path.join(workspace, 'src'));
      fs.writeFileSync(path.join(workspace, 'src', 'math.ts'), MATH);
      fs.writeFileSync(path.join(workspace, 'src', 'util.ts'), UTIL);
    },
  });

  async function openFile(page: Page, name: string): Promise<void> {
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill(name);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor();
  }

  /**
   * Brings an open file's editor to the front by its tab, once the diff has
   * closed: a quick open raised while the diff is closing can lose focus and
   * close again, so the test waits for the diff to go and clicks the tab.
   */
  async function focusTab(page: Page, diffTitle: string, name: string): Promise<void> {
    await page.locator('.tabs-container .tab', { hasText: diffTitle }).first().waitFor({ state: 'detached', timeout: 30_000 });
    await page.locator('.tabs-container .tab', { hasText: name }).first().click();
    await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor();
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  }

  /** Clicks into the diff's proposed side (VS Code shows editor title actions for the active group only), then its title action. */
  async function answerInDiffEditor(page: Page, action: string): Promise<void> {
    await page.locator('.monaco-diff-editor .view-lines').last().click();
    await page.getByRole('button', { name: action, exact: true }).click();
  }

  const diffText = async (page: Page) => (await page.locator('.monaco-diff-editor .view-lines').allInnerTexts()).join('\n').replace(/\u00a0/g, ' ');

  it('Ctrl+I on a selection asks for an instruction, shows the change as a diff, and Accept changes the file', async () => {
    const page = vscode.wb.page;
    // The chat view first, so the extension is active before the keystroke.
    await openHearth(page);
    await openFile(page, 'math.ts');
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Control+I');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    assert.match(await page.locator('.quick-input-widget .quick-input-title').innerText(), /Hearth: change lines 1–3 of src\/math\.ts/);
    fixture.enqueue({ kind: 'text', text: 'Sure:\n```ts\n' + SAFE_AVERAGE + '```\n', tokenDelayMs: 5 });
    await input.fill('handle an empty list');
    await page.keyboard.press('Enter');
    const diffTab = page.locator('.tabs-container .tab', { hasText: 'handle an empty list' });
    await diffTab.first().waitFor({ state: 'visible', timeout: 30_000 });
    await until(async () => ((await diffText(page)).includes('if (values.length === 0) return 0;') ? true : undefined), 'the diff to show the proposed change');
    const request = fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!;
    const prompt = (request.body.messages as { content: string }[]).at(-1)!.content;
    assert.match(prompt, /Instruction: handle an empty list/);
    assert.match(prompt, /values\.reduce\(\(a, b\) => a \+ b\)/, 'the selected code went to the model');
    await page.screenshot({ path: path.join(RESULTS, 'inline-chat-diff.png') });
    await answerInDiffEditor(page, 'Accept');
    // The follow-up: Refine… on the notification that says the change was applied.
    await page.locator('.notifications-toasts .monaco-button', { hasText: 'Refine…' }).first().waitFor({ timeout: 30_000 });
    // Accept is a normal edit of the open document (Ctrl+Z undoes it); saving writes it.
    await focusTab(page, 'handle an empty list', 'math.ts');
    await page.keyboard.press('Control+S');
    await until(async () => fs.readFileSync(path.join(vscode.workspace, 'src', 'math.ts'), 'utf8') === SAFE_AVERAGE, 'the accepted change to be saved to src/math.ts');
  });

  it('Apply on a chat code block merges it into the file it names, shows the merge as a diff, and Accept changes the file', async () => {
    const page = vscode.wb.page;
    const chat: Frame = await openHearth(page, 'command');
    // The chat answer with a partial snippet that names its file, then the model's merge of it.
    fixture.enqueue(
      { kind: 'text', text: 'Add this:\n\n```ts src/util.ts\n// ... existing code ...\n\nexport function farewell(name: string): string {\n  return `Goodbye, ${name}`;\n}\n```\n' },
      { kind: 'text', text: '```ts\n' + UTIL_MERGED + '```' },
    );
    await sendChatMessage(chat, 'Add a farewell function next to greet');
    const answer = chat.locator('[data-testid="assistant-message"]').last();
    await until(async () => (await answer.getAttribute('data-state')) === 'done', 'the answer to finish');
    const block = answer.locator('[data-testid="code-block"]');
    assert.equal(await block.locator('[data-testid="apply-code"]').count(), 1, 'Apply sits beside Copy and Insert');
    await block.locator('[data-testid="apply-code"]').click();
    const diffTab = page.locator('.tabs-container .tab', { hasText: 'Apply to src/util.ts' });
    await diffTab.first().waitFor({ state: 'visible', timeout: 30_000 });
    await until(async () => ((await diffText(page)).includes('Goodbye') ? true : undefined), 'the diff to show the merged file');
    const merge = fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!;
    const prompt = (merge.body.messages as { content: string }[]).at(-1)!.content;
    assert.match(prompt, /^File: src\/util\.ts/);
    assert.ok(prompt.includes('return `Hello, ${name}`;'), 'the merge prompt carries the current file');
    await page.screenshot({ path: path.join(RESULTS, 'apply-code-block-diff.png') });
    await answerInDiffEditor(page, 'Accept');
    await focusTab(page, 'Apply to src/util.ts', 'util.ts');
    await page.keyboard.press('Control+S');
    await until(async () => fs.readFileSync(path.join(vscode.workspace, 'src', 'util.ts'), 'utf8') === UTIL_MERGED, 'the merged file to be saved to src/util.ts');
  });
});
