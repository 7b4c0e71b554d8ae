/**
 * Hearth in a real VS Code: code-server 4.100.3 (VS Code 1.100.3) with the
 * packaged hearth.vsix installed, driven in Chromium, talking to the scripted
 * Ollama fixture through the real language server and the real `ollama` client.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { DEFAULT_MODELS, QWEN3 } from '../fixtures/ollamaFixture';
import { useOllamaFixture } from './support/useOllamaFixture';
import { REPO_ROOT } from './support/codeServer';
import { openHearth, until, sendChatMessage } from './support/workbench';
import { useHearthInVsCode } from './support/useHearthInVsCode';

const MODEL = 'qwen2.5-coder:7b';
const BUGGY = 'export function add(a, b) {\n  return a - b;\n}\n';
const FIXED = 'export function add(a, b) {\n  return a + b;\n}\n';
const RESULTS = path.join(REPO_ROOT, 'test-results');

describe('Hearth chat and agent in a real VS Code (e2e)', function () {
  this.timeout(180_000);
  let chat: Frame;
  before(() => fs.mkdirSync(RESULTS, { recursive: true }));
  const fixture = useOllamaFixture();
  const vscode = useHearthInVsCode({
    settings: () => ({ 'hearth.ollama.host': fixture.url, 'hearth.chat.model': MODEL }),
    prepareWorkspace: (workspace) => {
      fs.mkdirSync(path.join(workspace, 'src'));
      fs.writeFileSync(path.join(workspace, 'src', 'math.js'), BUGGY);
    },
  });

  const send = (text: string) => sendChatMessage(chat, text);

  const lastAnswer = () => chat.locator('[data-testid="assistant-message"]').last();

  /** Clicks into the diff (VS Code shows editor title actions for the active group only), then its title action. */
  async function acceptInDiffEditor(action: string): Promise<void> {
    // The modified (proposed) side comes second in the diff editor.
    await vscode.wb.page.locator('.monaco-diff-editor .view-lines').last().click();
    await vscode.wb.page.getByRole('button', { name: action, exact: true }).click();
  }

  it('opens the Chat view from the Hearth icon in the activity bar, with the installed models to pick from', async () => {
    chat = await openHearth(vscode.wb.page);
    await chat.locator('[data-testid="composer"]').waitFor({ state: 'visible' });
    const picker = chat.locator('[data-testid="model-picker"]');
    await until(async () => (await picker.locator('option').allTextContents()).some((t) => t.includes(MODEL)), 'the model picker to list the fixture’s models');
    assert.equal(await picker.inputValue(), MODEL);
  });

  it('streams a Markdown answer with a highlighted code block that has Copy and Insert buttons', async () => {
    fixture.enqueue({ kind: 'text', text: 'Use a function:\n\n```ts\nconst sum = (a: number, b: number): number => a + b;\n```\n\nThat is **all**.', tokenDelayMs: 15 });
    await send('How do I add two numbers?');
    await until(async () => (await lastAnswer().getAttribute('data-state')) === 'streaming' || (await lastAnswer().getAttribute('data-state')) === 'done', 'the answer to start');
    await until(async () => (await lastAnswer().getAttribute('data-state')) === 'done', 'the answer to finish');
    const answer = lastAnswer();
    assert.match(await answer.innerText(), /That is all\./);
    const block = answer.locator('[data-testid="code-block"]');
    assert.equal(await block.count(), 1);
    assert.ok((await block.locator('.hljs-keyword, .hljs-type, .hljs-built_in').count()) > 0, 'the code is highlighted');
    assert.equal(await block.locator('[data-testid="copy-code"]').count(), 1);
    assert.equal(await block.locator('[data-testid="insert-code"]').count(), 1);
    const request = fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!;
    assert.equal(request.body.model, MODEL);
    await vscode.wb.page.screenshot({ path: path.join(RESULTS, 'chat.png') });
  });

  it('Stop ends the answer at once and aborts the HTTP request to Ollama', async () => {
    fixture.enqueue({ kind: 'text', text: Array.from({ length: 500 }, (_, i) => `word${i}`).join(' '), tokenDelayMs: 40 });
    await chat.locator('[data-testid="new-chat"]').click();
    const before = fixture.requests.length;
    await send('Write a very long essay');
    await until(async () => ((await lastAnswer().innerText()).includes('word3') ? true : undefined), 'some streamed words');
    await chat.locator('[data-testid="stop"]').click();
    const request = await fixture.waitFor((r) => r.id > before && r.path === '/api/chat' && r.outcome !== 'pending', 5000);
    assert.equal(request.outcome, 'aborted');
    assert.ok(request.tokensSent < 500);
    await until(async () => (await lastAnswer().getAttribute('data-state')) !== 'streaming', 'the answer to stop');
    await chat.locator('[data-testid="send"]').waitFor({ state: 'visible' });
  });

  it('keeps the chats across a window reload', async () => {
    await vscode.wb.page.reload();
    await vscode.wb.page.waitForSelector('.monaco-workbench .part.activitybar', { timeout: 90_000 });
    chat = await openHearth(vscode.wb.page, 'command');
    await chat.locator('[data-testid="history-button"]').click();
    const items = chat.locator('[data-testid="history-item"]');
    await until(async () => (await items.count()) >= 2, 'two chats in the history');
    await items.filter({ hasText: 'How do I add two numbers?' }).first().click();
    await until(async () => ((await chat.locator('[data-testid="transcript"]').innerText()).includes('That is all.') ? true : undefined), 'the reopened chat to show its answer');
  });

  it('an agent edit opens in the diff editor; Accept writes it; Undo restores the file byte for byte', async () => {
    await chat.locator('[data-testid="new-chat"]').click();
    fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'edit_file', arguments: { path: 'src/math.js', oldText: 'return a - b;', newText: 'return a + b;' } }] },
      { kind: 'text', text: 'Fixed the sign.' },
    );
    const before = fixture.requests.length;
    await send('Fix the bug in add()');
    const diffTab = vscode.wb.page.locator('.tabs-container .tab', { hasText: 'proposed change' });
    await diffTab.first().waitFor({ state: 'visible', timeout: 30_000 });
    // Measured when the diff's proposed side shows the new line, not just when the tab appears.
    const diffLines = vscode.wb.page.locator('.monaco-diff-editor .view-lines');
    await until(async () => ((await diffLines.allInnerTexts()).join('\n').replace(/\u00a0/g, ' ').includes('return a + b;') ? true : undefined), 'the diff to show the proposed line', 30_000, 20);
    const shownAt = Date.now();
    const toolReply = fixture.requests.find((r) => r.id > before && r.path === '/api/chat');
    console.log(`      model tool call complete → diff editor showing the change: ${shownAt - (toolReply?.finishedAt ?? shownAt)} ms (polled every 20 ms)`);
    await vscode.wb.page.screenshot({ path: path.join(RESULTS, 'agent-diff.png') });
    // The diff opened beside, without taking the keyboard from where the user was typing (the chat input).
    assert.equal(await vscode.wb.page.evaluate('document.activeElement && document.activeElement.tagName'), 'IFRAME');
    assert.equal(await chat.evaluate("document.activeElement && document.activeElement.getAttribute('data-testid')"), 'composer');
    // The diff editor's own Accept action (in its title bar, shown once the user is in the diff) answers too; the chat card follows.
    await acceptInDiffEditor('Accept');
    const card = lastAnswer().locator('[data-testid="approval-card"][data-kind="edit"]');
    await until(async () => (await card.getAttribute('data-state')) === 'accepted', 'the chat card to show that the diff editor accepted it');
    await until(async () => fs.readFileSync(path.join(vscode.workspace, 'src', 'math.js'), 'utf8') === FIXED, 'the file to be written');
    await until(async () => (await lastAnswer().getAttribute('data-state')) === 'done', 'the turn to finish');

    fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'write_file', arguments: { path: 'src/extra.js', content: 'export const x = 1;\n' } }] },
      { kind: 'toolCalls', calls: [{ name: 'edit_file', arguments: { path: 'src/math.js', oldText: 'return a + b;', newText: 'return (a + b) * 2;' } }] },
      { kind: 'text', text: 'Changed two files.' },
    );
    await send('Make two changes');
    await vscode.wb.page.locator('.tabs-container .tab', { hasText: 'proposed create' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await acceptInDiffEditor('Accept All in This Reply');
    await until(async () => fs.readFileSync(path.join(vscode.workspace, 'src', 'math.js'), 'utf8').includes('* 2'), 'the second edit (accepted for the whole reply)');
    assert.equal(fs.existsSync(path.join(vscode.workspace, 'src', 'extra.js')), true);
    await until(async () => (await lastAnswer().getAttribute('data-state')) === 'done', 'the second turn to finish');
    await lastAnswer().locator('[data-testid="undo-turn"]').click();
    await until(async () => !fs.existsSync(path.join(vscode.workspace, 'src', 'extra.js')) && fs.readFileSync(path.join(vscode.workspace, 'src', 'math.js'), 'utf8') === FIXED, 'Undo to restore the files');
    assert.deepEqual(fs.readFileSync(path.join(vscode.workspace, 'src', 'math.js')), Buffer.from(FIXED));
  });

  it('a dropped connection shows a plain error with Retry; Retry answers without losing or repeating the message', async () => {
    await chat.locator('[data-testid="new-chat"]').click();
    fixture.enqueue({ kind: 'drop', text: 'Partial answer that will be cut', afterTokens: 2 }, { kind: 'text', text: 'The full answer.' });
    await send('Tell me something');
    const error = lastAnswer().locator('[data-testid="error"]');
    await error.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await error.innerText(), /connection|dropped|closed/i);
    await lastAnswer().locator('[data-testid="retry"]').click();
    await until(async () => ((await lastAnswer().innerText()).includes('The full answer.') ? true : undefined), 'the retried answer');
    await until(async () => (await lastAnswer().getAttribute('data-state')) === 'done', 'the retried answer to finish');
    assert.equal(await chat.locator('[data-testid="user-message"]', { hasText: 'Tell me something' }).count(), 1, 'the message is shown once');
    assert.equal(await chat.locator('[data-testid="assistant-message"]').count(), 1, 'the failed answer was replaced');
  });

  it('shows a thinking model’s reasoning while the model is still reasoning, collapsed, and the answer after it', async () => {
    await chat.locator('[data-testid="new-chat"]').click();
    // The thinking model is installed for this test only; it is the last test, so the others never see it.
    fixture.setModels([...DEFAULT_MODELS, QWEN3]);
    await chat.locator('[data-testid="refresh-models"]').click();
    const picker = chat.locator('[data-testid="model-picker"]');
    await until(async () => (await picker.locator('option').allTextContents()).some((t) => t.includes(QWEN3.name)), 'the thinking model in the picker');
    await picker.selectOption(QWEN3.name);
    const reasoning = Array.from({ length: 40 }, (_, i) => `step${i}`).join(' ');
    // Four seconds of reasoning: a view that held it back until the answer would show nothing for all of them.
    fixture.enqueue({ kind: 'text', thinking: reasoning, text: 'The answer is 42.', tokenDelayMs: 100 });
    const before = fixture.requests.length;
    await send('What is six times seven?');
    const request = await fixture.waitFor((r) => r.id > before && r.path === '/api/chat' && r.firstTokenAt !== undefined, 30_000);
    const block = lastAnswer().locator('[data-testid="thinking"]');
    await until(async () => ((await block.count()) > 0 && (await block.isVisible()) && (await block.locator('[data-testid="thinking-body"]').textContent())?.includes('step0') ? true : undefined), 'the reasoning to show', 10_000, 20);
    const shownAt = Date.now();
    const reasonedSoFar = request.thinkingSent ?? '';
    console.log(`      first thinking chunk → reasoning visible: ${shownAt - request.firstTokenAt!} ms (polled every 20 ms)`);
    // Whether the reasoning streams, not a wall-clock bound: a bound of a second failed at 1,080 ms with two CPU burners beside the suite.
    assert.ok(!reasonedSoFar.includes('step39'), `the reasoning showed only once the model had finished it (${shownAt - request.firstTokenAt!} ms after the first chunk)`);
    assert.equal(await block.evaluate((d) => (d as unknown as { open: boolean }).open), false, 'collapsed by default');
    assert.equal(await block.locator('[data-testid="thinking-summary"]').innerText(), 'Thinking…');
    await until(async () => (await lastAnswer().getAttribute('data-state')) === 'done', 'the answer to finish', 30_000);
    assert.match(await lastAnswer().innerText(), /The answer is 42\./);
    assert.equal(await block.locator('[data-testid="thinking-summary"]').innerText(), 'Reasoning');
    await block.locator('[data-testid="thinking-summary"]').click();
    assert.equal(await block.evaluate((d) => (d as unknown as { open: boolean }).open), true, 'a click expands the reasoning');
    assert.ok((await block.locator('[data-testid="thinking-body"]').innerText()).includes('step39'));
    await vscode.wb.page.screenshot({ path: path.join(RESULTS, 'chat-thinking.png') });
  });
});
