/**
 * A new user's first minutes, in a real VS Code: a fresh profile with no
 * model chosen and nothing listening where Ollama should be. The first
 * message must come back with the error and Retry at once (it used to stay on
 * "Thinking…" because the turn's events beat the send's response), and once
 * Ollama runs, Retry answers. Focus Chat must put the keyboard in the chat's
 * composer, never leave it in the user's file.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { closedPortUrl } from '../fixtures/closedPort';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { useHearthInVsCode } from './support/useHearthInVsCode';
import { openHearth, runCommand, sendChatMessage, until } from './support/workbench';

const FILE_TEXT = 'export const answer = 42;\n';

describe('a first run with no Ollama in a real VS Code (e2e)', function () {
  this.timeout(300_000);
  let host: string;
  let fixture: OllamaFixture | undefined;
  let chat: Frame;
  before(async () => {
    host = await closedPortUrl();
  });
  after(async () => fixture?.close());
  // No hearth.chat.model: the user has not chosen one yet.
  const vscode = useHearthInVsCode({
    settings: () => ({ 'hearth.ollama.host': host }),
    prepareWorkspace: (workspace) => fs.writeFileSync(path.join(workspace, 'notes.ts'), FILE_TEXT),
  });
  const lastAnswer = () => chat.locator('[data-testid="assistant-message"]').last();

  it('the first message gets the error and Retry within 2 s; once Ollama runs, Retry answers', async () => {
    chat = await openHearth(vscode.wb.page);
    await chat.locator('[data-testid="composer"]').waitFor({ state: 'visible' });
    const sent = Date.now();
    await sendChatMessage(chat, 'Hello, what can you do?');
    const error = lastAnswer().locator('[data-testid="error"]');
    await error.waitFor({ state: 'visible', timeout: 30_000 });
    const elapsed = Date.now() - sent;
    console.log(`      no Ollama: error shown ${elapsed} ms after Enter`);
    assert.ok(elapsed < 2_000, `the error took ${elapsed} ms`);
    assert.match(await error.innerText(), new RegExp(host.replace(/[.:/]/g, '\\$&')), 'the error names the URL tried');
    assert.notEqual(await lastAnswer().getAttribute('data-state'), 'streaming', 'the answer is not left streaming');

    // The user starts Ollama where Hearth looks for it, with a model, and presses Retry.
    fixture = await startOllamaFixture({ port: Number(new URL(host).port) });
    fixture.enqueue({ kind: 'text', text: 'I can read, explain and change your code.' });
    await lastAnswer().locator('[data-testid="retry"]').click();
    await until(async () => ((await lastAnswer().innerText()).includes('I can read, explain and change your code.') ? true : undefined), 'the retried answer');
    await until(async () => (await lastAnswer().getAttribute('data-state')) === 'done', 'the retried answer to finish');
    assert.equal(await chat.locator('[data-testid="user-message"]', { hasText: 'Hello, what can you do?' }).count(), 1, 'the message is shown once');
    // The picker's "could not reach Ollama" does not outlive the answer that proved it wrong.
    await until(async () => ((await chat.locator('[data-testid="model-error"]').isVisible()) ? undefined : true), 'the old connection error to go away');
  });

  it('Focus Chat puts the keyboard in the composer, so typing never reaches the open file', async () => {
    const page = vscode.wb.page;
    await runCommand(page, 'Go to File...');
    await page.keyboard.type('notes.ts');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'notes.ts' }).first().click();
    await page.locator('.tabs-container .tab', { hasText: 'notes.ts' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('.editor-instance .view-lines').first().click();
    await runCommand(page, 'Hearth: Focus Chat');
    const composer = chat.locator('[data-testid="composer"]');
    await until(
      async () =>
        (await page.evaluate('document.activeElement && document.activeElement.tagName')) === 'IFRAME' &&
        (await chat.evaluate("document.activeElement && document.activeElement.getAttribute('data-testid')")) === 'composer',
      'the composer to have the focus',
    );
    await page.keyboard.type('typed after Focus Chat');
    await until(async () => ((await composer.inputValue()).includes('typed after Focus Chat') ? true : undefined), 'the keystrokes to reach the composer');
    assert.equal(await page.locator('.tabs-container .tab.dirty').count(), 0, 'no editor got the keystrokes');
    assert.equal(fs.readFileSync(path.join(vscode.workspace, 'notes.ts'), 'utf8'), FILE_TEXT, 'the file is untouched');
  });
});
