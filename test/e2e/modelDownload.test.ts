/**
 * A chat model that is not installed yet, in a real VS Code: the answer's
 * error offers "Download <model>"; one click downloads it through Ollama's
 * /api/pull with a progress notification, and the answer is asked again
 * with the downloaded model, the user's message kept.
 */
import * as assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { DEFAULT_MODELS, startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { useHearthInVsCode } from './support/useHearthInVsCode';
import { openHearth, runCommand, sendChatMessage, until } from './support/workbench';

const MODEL = 'qwen2.5-coder:7b';

/**
 * A scripted Ollama that has other models but not MODEL, which its registry
 * has (4.7 GB, pulled in steps of `stepMs`), and a real VS Code whose chat
 * model is MODEL. The fixture is started before the suite and closed after it.
 */
function useMissingModel(stepMs: number): { fixture(): OllamaFixture; vscode: ReturnType<typeof useHearthInVsCode> } {
  let fixture: OllamaFixture | undefined;
  before(async () => {
    const wanted = DEFAULT_MODELS.find((m) => m.name === MODEL)!;
    fixture = await startOllamaFixture({ models: DEFAULT_MODELS.filter((m) => m.name !== MODEL), pullable: [{ model: wanted, bytes: 4_683_087_332 }], pullStepDelayMs: stepMs });
  });
  after(async () => fixture?.close());
  const vscode = useHearthInVsCode({ settings: () => ({ 'hearth.ollama.host': fixture!.url, 'hearth.chat.model': MODEL }) });
  return { fixture: () => fixture!, vscode };
}

describe('downloading a missing model from the chat in a real VS Code (e2e)', function () {
  this.timeout(300_000);
  let chat: Frame;
  // Slow enough steps to watch the progress.
  const { fixture: ollama, vscode } = useMissingModel(600);
  const lastAnswer = () => chat.locator('[data-testid="assistant-message"]').last();

  it('the error offers Download; the download shows its progress and the answer is retried with the model', async () => {
    chat = await openHearth(vscode.wb.page);
    await chat.locator('[data-testid="composer"]').waitFor({ state: 'visible' });
    await sendChatMessage(chat, 'What does this project do?');
    const download = lastAnswer().locator('[data-testid="download-model"]');
    await download.waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(await download.innerText(), `Download ${MODEL}`);
    ollama().enqueue({ kind: 'text', text: 'It is a small sample project.' });
    await download.click();
    const toast = vscode.wb.page.locator('.notification-toast', { hasText: `downloading ${MODEL}` });
    await toast.first().waitFor({ state: 'visible', timeout: 30_000 });
    await until(async () => ((await toast.first().innerText()).includes('% of 4.7 GB') ? true : undefined), 'the progress to show how far the download got');
    await until(async () => ((await lastAnswer().innerText()).includes('It is a small sample project.') ? true : undefined), 'the retried answer', 60_000);
    await until(async () => (await lastAnswer().getAttribute('data-state')) === 'done', 'the retried answer to finish');
    assert.equal(await chat.locator('[data-testid="user-message"]', { hasText: 'What does this project do?' }).count(), 1, 'the message is kept, once');
    assert.equal(ollama().requests.filter((r) => r.path === '/api/pull' && r.outcome === 'completed').length, 1);
  });
});

describe('clicking Download twice while the model downloads in a real VS Code (e2e)', function () {
  this.timeout(300_000);
  // Eight steps of two seconds: the second click lands well inside the first download.
  const { fixture: ollama, vscode } = useMissingModel(2000);

  it('the second click says the model is already downloading; one pull runs and the answer is retried', async () => {
    const chat = await openHearth(vscode.wb.page);
    await sendChatMessage(chat, 'What does this project do?');
    const download = chat.locator('[data-testid="assistant-message"]').last().locator('[data-testid="download-model"]');
    await download.waitFor({ state: 'visible', timeout: 60_000 });
    ollama().enqueue({ kind: 'text', text: 'It is a small sample project.' });
    await download.click();
    await vscode.wb.page.locator('.notification-toast', { hasText: `downloading ${MODEL}` }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await download.click();
    const pulls = () => ollama().requests.filter((r) => r.path === '/api/pull');
    const said = vscode.wb.page.locator('.notifications-toasts', { hasText: `already downloading ${MODEL}` });
    // Either the second click is answered in the editor, or it started a second pull: the test then fails below, not by timing out.
    await until(async () => ((await said.count()) > 0 || pulls().length > 1 ? true : undefined), 'the second click to be answered');
    assert.equal(pulls().length, 1, 'one pull of the model');
    const answers = chat.locator('[data-testid="assistant-message"]');
    await until(async () => ((await answers.last().innerText()).includes('It is a small sample project.') ? true : undefined), 'the retried answer', 60_000);
    await until(async () => (await answers.last().getAttribute('data-state')) === 'done', 'the retried answer to finish');
    assert.equal(pulls().filter((r) => r.outcome === 'completed').length, 1);
  });
});

describe('a download started from the command palette, then Download in the chat, in a real VS Code (e2e)', function () {
  this.timeout(300_000);
  // Eight steps of two seconds: the chat's click lands well inside the download the command started.
  const { fixture: ollama, vscode } = useMissingModel(2000);

  it('the chat joins the running download and its answer is retried when the download ends', async () => {
    const chat = await openHearth(vscode.wb.page);
    await sendChatMessage(chat, 'What does this project do?');
    const download = chat.locator('[data-testid="assistant-message"]').last().locator('[data-testid="download-model"]');
    await download.waitFor({ state: 'visible', timeout: 60_000 });

    // The user starts the same model's download from the command palette before clicking the chat's button.
    await runCommand(vscode.wb.page, 'Hearth: Download Model');
    await vscode.wb.page.locator('.quick-input-widget input').fill(MODEL);
    await vscode.wb.page.keyboard.press('Enter');
    await vscode.wb.page.locator('.notification-toast', { hasText: `downloading ${MODEL}` }).first().waitFor({ state: 'visible', timeout: 30_000 });

    ollama().enqueue({ kind: 'text', text: 'It is a small sample project.' });
    await download.click();
    const pulls = () => ollama().requests.filter((r) => r.path === '/api/pull');
    const said = vscode.wb.page.locator('.notifications-toasts', { hasText: `already downloading ${MODEL}` });
    await until(async () => ((await said.count()) > 0 || pulls().length > 1 ? true : undefined), 'the click to be answered');
    assert.equal(pulls().length, 1, 'one pull of the model');
    const answers = chat.locator('[data-testid="assistant-message"]');
    await until(async () => ((await answers.last().innerText()).includes('It is a small sample project.') ? true : undefined), 'the answer, retried once the download ended', 90_000);
    await until(async () => (await answers.last().getAttribute('data-state')) === 'done', 'the retried answer to finish');
    assert.equal(await chat.locator('[data-testid="user-message"]', { hasText: 'What does this project do?' }).count(), 1, 'the message is kept, once');
    assert.equal(pulls().filter((r) => r.outcome === 'completed').length, 1);
  });
});
