/**
 * Approvals in the chat, in a real VS Code: a command the agent wants to run
 * shows as a card in the tool call's row and stays answerable for as long as
 * the user takes (a notification would have hidden itself after ~10 s); an
 * edit is answerable from its card as well as from the diff editor; a web
 * page the agent asks for shows its whole address before anything is
 * fetched; Stop settles a waiting card as cancelled.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Locator } from 'playwright-core';
import { startWebPageServer, type WebPageServer } from '../fixtures/webPageServer';
import { useOllamaFixture } from './support/useOllamaFixture';
import { REPO_ROOT } from './support/codeServer';
import { openHearth, until, sendChatMessage } from './support/workbench';
import { useHearthInVsCode } from './support/useHearthInVsCode';

const MODEL = 'qwen2.5-coder:7b';
const COMMAND = 'echo hearth-approved > approved.txt';
const BUGGY = 'export function add(a, b) {\n  return a - b;\n}\n';
const FIXED = 'export function add(a, b) {\n  return a + b;\n}\n';
const RESULTS = path.join(REPO_ROOT, 'test-results');
/** How long the command card must stay actionable without an answer: far past a notification's ~10 s. */
const UNANSWERED_MS = 60_000;

describe('Approvals in the chat in a real VS Code (e2e)', function () {
  this.timeout(300_000);
  let chat: Frame;
  let site: WebPageServer;
  before(async () => {
    fs.mkdirSync(RESULTS, { recursive: true });
    site = await startWebPageServer({ '/notes?from=e2e': { body: '<html><body><main><h1>v2.0</h1><p>The legacy flag was removed.</p></main></body></html>' } });
  });
  after(() => site.close());
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
  const hearthIcon = () => vscode.wb.page.locator('.part.activitybar .action-item a[aria-label^="Hearth"]').first();
  const rowOf = (tool: string) => lastAnswer().locator('[data-testid="tool-row"]', { has: chat.locator('[data-testid="tool-name"]', { hasText: tool }) }).last();

  /** Every button lies inside the card horizontally: nothing is cut off at the sidebar's width. */
  async function assertButtonsFit(card: Locator): Promise<void> {
    const box = await card.boundingBox();
    assert.ok(box, 'the card is laid out');
    for (const b of await card.locator('button').all()) {
      const bb = await b.boundingBox();
      assert.ok(bb && bb.x >= box.x - 0.5 && bb.x + bb.width <= box.x + box.width + 0.5, `the button "${await b.innerText()}" fits in the card (${JSON.stringify(bb)} in ${JSON.stringify(box)})`);
    }
  }

  it('a command that needs approval waits in the chat, still answerable after 60 s; Allow once runs it', async () => {
    chat = await openHearth(vscode.wb.page);
    await chat.locator('[data-testid="composer"]').waitFor({ state: 'visible' });
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'run_command', arguments: { command: COMMAND } }] }, { kind: 'text', text: 'Created approved.txt.' });
    await send('Create approved.txt with a shell command');

    const row = rowOf('run_command');
    const card = row.locator('[data-testid="approval-card"][data-kind="command"]');
    await card.waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(await card.locator('[data-testid="approval-command"]').innerText(), COMMAND, 'the full command');
    assert.equal(await card.locator('[data-testid="approval-cwd"]').innerText(), fs.realpathSync(vscode.workspace));
    const reasons = await card.locator('[data-testid="approval-reasons"] li').allInnerTexts();
    assert.ok(reasons.length >= 1 && reasons.every((r) => r.trim() !== ''), `every reason is shown: ${JSON.stringify(reasons)}`);
    assert.match(await card.locator('[data-testid="approval-sandbox"]').innerText(), /sandbox/);
    assert.equal(await row.locator('[data-testid="tool-result-summary"]').innerText(), 'waiting for your approval');
    const statusItem = vscode.wb.page.locator('.statusbar-item', { hasText: 'Hearth: approval needed' });
    await statusItem.first().waitFor({ state: 'visible', timeout: 10_000 });
    assert.match((await hearthIcon().getAttribute('aria-label')) ?? '', /approval needed/, 'the Hearth icon has a badge');
    await assertButtonsFit(card);
    await vscode.wb.page.screenshot({ path: path.join(RESULTS, 'approval-command-card.png') });

    // The point of this test is that nothing times out on the user: really wait, then answer.
    const shownAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, UNANSWERED_MS));
    console.log(`      waited ${Math.round((Date.now() - shownAt) / 1000)} s with the approval unanswered`);
    assert.equal(await card.getAttribute('data-state'), 'pending');
    const allow = card.locator('[data-testid="approval-allow"]');
    assert.ok(await allow.isVisible(), 'Allow once is still there');
    assert.ok(await allow.isEnabled());
    assert.ok(await card.locator('[data-testid="approval-reject"]').isVisible(), 'Reject is still there');
    assert.equal(await row.locator('[data-testid="tool-result-summary"]').innerText(), 'waiting for your approval');
    assert.ok(await statusItem.first().isVisible(), 'the status bar still says an approval is needed');
    assert.equal(fs.existsSync(path.join(vscode.workspace, 'approved.txt')), false, 'nothing ran before the answer');

    await allow.click();
    await until(async () => fs.existsSync(path.join(vscode.workspace, 'approved.txt')) && fs.readFileSync(path.join(vscode.workspace, 'approved.txt'), 'utf8') === 'hearth-approved\n', 'the approved command to write approved.txt');
    await until(async () => (await card.getAttribute('data-state')) === 'accepted', 'the card to show the outcome');
    assert.equal(await card.locator('[data-testid="approval-outcome"]').innerText(), 'Allowed once.');
    assert.equal(await card.locator('button').count(), 0, 'no button is left on a settled card');
    await until(async () => (await lastAnswer().getAttribute('data-state')) === 'done', 'the turn to finish');
    assert.equal(await row.locator('[data-testid="tool-call"]').getAttribute('data-state'), 'ok');
    await until(async () => (await statusItem.count()) === 0 || !(await statusItem.first().isVisible()), 'the status bar item to go away');
    await until(async () => !((await hearthIcon().getAttribute('aria-label')) ?? '').includes('approval needed'), 'the badge on the Hearth icon to go away');
  });

  it('an edit is answerable from its card in the chat: Accept writes the file and closes the diff', async () => {
    await chat.locator('[data-testid="new-chat"]').click();
    fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'edit_file', arguments: { path: 'src/math.js', oldText: 'return a - b;', newText: 'return a + b;' } }] },
      { kind: 'text', text: 'Fixed the sign.' },
    );
    await send('Fix the bug in add()');
    const card = rowOf('edit_file').locator('[data-testid="approval-card"][data-kind="edit"]');
    await card.waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(await card.locator('[data-testid="approval-path"]').innerText(), 'src/math.js');
    assert.equal(await card.locator('[data-testid="approval-diffstat"]').innerText(), '+1 −1 lines');
    const diffTab = vscode.wb.page.locator('.tabs-container .tab', { hasText: 'proposed change' });
    await diffTab.first().waitFor({ state: 'visible', timeout: 30_000 });
    // No file was open: the diff takes the editor area instead of opening beside an empty group.
    assert.equal(await vscode.wb.page.locator('.part.editor .editor-group-container').count(), 1, 'one editor group');
    await assertButtonsFit(card);
    await vscode.wb.page.screenshot({ path: path.join(RESULTS, 'approval-edit-card.png') });

    await card.locator('[data-testid="approval-accept"]').click();
    await until(async () => fs.readFileSync(path.join(vscode.workspace, 'src', 'math.js'), 'utf8') === FIXED, 'the accepted edit to be written');
    await until(async () => (await card.getAttribute('data-state')) === 'accepted', 'the card to show the outcome');
    await until(async () => (await diffTab.count()) === 0, 'the diff editor to close after the answer in the chat');
    await until(async () => (await lastAnswer().getAttribute('data-state')) === 'done', 'the turn to finish');
  });

  it('a web page the agent asks for shows its whole address on the card; Allow fetches it and the model reads it', async () => {
    await chat.locator('[data-testid="new-chat"]').click();
    const url = `${site.url}/notes?from=e2e`;
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'fetch_web_page', arguments: { url } }] }, { kind: 'text', text: 'The legacy flag is gone.' });
    await send('What changed in v2?');
    const row = rowOf('fetch_web_page');
    const card = row.locator('[data-testid="approval-card"][data-kind="webPage"]');
    await card.waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(await card.locator('[data-testid="approval-url"]').innerText(), url, 'the whole address');
    assert.match(await card.locator('[data-testid="approval-reason"]').innerText(), new RegExp(`^The address is sent to ${new URL(site.url).host.replace(/\./g, '\\.')}: anything in it leaves this machine\\.`));
    assert.ok(await card.locator('[data-testid="approval-local"]').isVisible(), 'a loopback address is flagged');
    assert.equal(await row.locator('[data-testid="tool-result-summary"]').innerText(), 'waiting for your approval');
    assert.equal(site.requests.length, 0, 'nothing is fetched before the answer');
    await assertButtonsFit(card);
    await vscode.wb.page.screenshot({ path: path.join(RESULTS, 'approval-web-page-card.png') });

    await card.locator('[data-testid="approval-allow"]').click();
    await until(async () => (await lastAnswer().getAttribute('data-state')) === 'done', 'the turn to finish');
    assert.equal(await row.locator('[data-testid="tool-call"]').getAttribute('data-state'), 'ok');
    assert.deepEqual(site.requests.map((r) => r.path), ['/notes?from=e2e']);
    const messages = fixture.requests.filter((r) => r.path === '/api/chat').at(-1)?.body.messages as { role: string; content: string }[];
    assert.match(messages.find((m) => m.role === 'tool')?.content ?? '', /# v2\.0\n\nThe legacy flag was removed\./);
  });

  it('an approval arriving while the chat is hidden reveals it without taking the focus; Reject means it never runs', async () => {
    await chat.locator('[data-testid="new-chat"]').click();
    // About ten seconds of text before the tool call, so the chat can be hidden before the approval arrives.
    fixture.enqueue(
      { kind: 'toolCalls', text: Array.from({ length: 100 }, (_, i) => `w${i}`).join(' '), tokenDelayMs: 100, calls: [{ name: 'run_command', arguments: { command: 'echo hidden > hidden.txt' } }] },
      { kind: 'text', text: 'Understood, I will not run it.' },
    );
    await send('Run something while the chat is hidden');
    await until(async () => ((await lastAnswer().innerText()).includes('w1') ? true : undefined), 'the answer to start streaming');
    const page = vscode.wb.page;
    // Clicking the icon of the shown view container closes the side bar; then the user works in the editor area.
    await hearthIcon().click({ position: { x: 4, y: 4 } });
    await until(async () => !(await page.locator('.part.sidebar').isVisible()), 'the side bar to close');
    await page.locator('.part.editor').first().click();
    const statusItem = page.locator('.statusbar-item', { hasText: 'Hearth: approval needed' });
    assert.equal(await statusItem.count(), 0, 'the approval had not arrived yet when the chat was hidden');
    const card = rowOf('run_command').locator('[data-testid="approval-card"]');
    await until(async () => (await page.locator('.part.sidebar').isVisible()) && (await card.isVisible()), 'the chat to be revealed with the approval card', 60_000);
    assert.notEqual(await page.evaluate('document.activeElement && document.activeElement.tagName'), 'IFRAME', 'the chat did not take the keyboard');
    assert.ok(await statusItem.first().isVisible(), 'the status bar says an approval is needed');
    await card.locator('[data-testid="approval-reject"]').click();
    await until(async () => (await card.getAttribute('data-state')) === 'rejected', 'the card to show the rejection');
    await until(async () => (await lastAnswer().getAttribute('data-state')) === 'done', 'the turn to finish');
    assert.equal(await rowOf('run_command').locator('[data-testid="tool-call"]').getAttribute('data-state'), 'error');
    assert.equal(fs.existsSync(path.join(vscode.workspace, 'hidden.txt')), false);
  });

  it('Stop while a command waits settles its card as cancelled and the command never runs', async () => {
    await chat.locator('[data-testid="new-chat"]').click();
    // Only the tool call is scripted: a stopped turn asks the model nothing more.
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'run_command', arguments: { command: 'echo never > never.txt' } }] });
    await send('Run something, then I will stop you');
    const card = rowOf('run_command').locator('[data-testid="approval-card"]');
    await card.waitFor({ state: 'visible', timeout: 60_000 });
    await chat.locator('[data-testid="stop"]').click();
    await until(async () => (await card.getAttribute('data-state')) === 'cancelled', 'the card to be cancelled');
    assert.equal(await card.locator('button').count(), 0, 'no dangling buttons');
    await until(async () => (await lastAnswer().getAttribute('data-state')) !== 'streaming', 'the turn to stop');
    assert.equal(fs.existsSync(path.join(vscode.workspace, 'never.txt')), false);
  });

  it('a window reload while a command waits leaves no button that does nothing', async () => {
    await chat.locator('[data-testid="new-chat"]').click();
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'run_command', arguments: { command: 'echo reload > reload.txt' } }] });
    await send('Run something, then I will reload the window');
    await rowOf('run_command').locator('[data-testid="approval-card"] [data-testid="approval-allow"]').waitFor({ state: 'visible', timeout: 60_000 });
    await vscode.wb.page.reload();
    await vscode.wb.page.waitForSelector('.monaco-workbench .part.activitybar', { timeout: 90_000 });
    chat = await openHearth(vscode.wb.page, 'command');
    // Reopen the chat from the history (in the browser, VS Code may not have flushed which chat was shown before the reload).
    await chat.locator('[data-testid="history-button"]').click();
    await chat.locator('[data-testid="history-item"]', { hasText: 'Run something, then I will reload' }).first().click();
    // The reloaded view shows the chat again (its user message), but the request died with the old window.
    await until(async () => ((await chat.locator('[data-testid="transcript"]').innerText()).includes('Run something, then I will reload') ? true : undefined), 'the chat to be shown again');
    assert.equal(await chat.locator('[data-testid="approval-card"] button').count(), 0, 'no approval button survives the reload');
    assert.doesNotMatch(await chat.locator('[data-testid="transcript"]').innerText(), /waiting for your approval/);
    assert.equal(fs.existsSync(path.join(vscode.workspace, 'reload.txt')), false);
  });
});
