/**
 * Inline suggestions and editor actions in a real VS Code: typing in a file
 * shows ghost text produced by the fixture's /api/generate (fill-in-the-middle
 * with prompt and suffix), Tab accepts it, and "Explain Selection" streams
 * into the chat view.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useOllamaFixture } from './support/useOllamaFixture';
import { REPO_ROOT } from './support/codeServer';
import { openHearth, runCommand, until, webviewFrame } from './support/workbench';
import { useHearthInVsCode } from './support/useHearthInVsCode';

const MODEL = 'qwen2.5-coder:7b';

describe('inline suggestions and editor actions in a real VS Code (e2e)', function () {
  this.timeout(180_000);
  const fixture = useOllamaFixture();
  const vscode = useHearthInVsCode({
    settings: () => ({ 'hearth.ollama.host': fixture.url, 'hearth.chat.model': MODEL, 'hearth.completion.model': MODEL, 'editor.inlineSuggest.enabled': true, 'editor.quickSuggestions': { other: false, comments: false, strings: false }, 'editor.suggestOnTriggerCharacters': false }),
    prepareWorkspace: (workspace) => fs.writeFileSync(path.join(workspace, 'sum.ts'), 'export function sum(a: number, b: number): number {\n  \n}\n'),
  });

  it('shows ghost text from the model while typing, and Tab accepts it', async () => {
    const page = vscode.wb.page;
    // Open the Hearth view first so the extension is active before typing.
    await openHearth(page);
    fixture.setResponder((req) => (req.path === '/api/generate' ? { kind: 'text', text: ' a + b;' } : { kind: 'text', text: 'ok' }));
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('sum.ts');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'sum.ts' }).first().waitFor();
    await page.keyboard.press('Enter');
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.waitFor({ state: 'visible' });
    // VS Code creates an editor's inline-suggestion controller lazily ("Eventually": when the page is
    // idle, at the latest 5000 ms after the editor is created), and keystrokes typed before then ask no
    // provider at all, Hearth or any other. On a busy fresh start that window is real, so the test
    // starts typing once it is over, as a user reading the file first would.
    await page.waitForTimeout(6_000);
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    await page.keyboard.type('return', { delay: 40 });
    const ghost = page.locator('.ghost-text-decoration, .ghost-text');
    const generated = () => fixture.requests.some((r) => r.path === '/api/generate');
    await until(async () => generated(), 'a fill-in-the-middle request to the model', 30_000).catch((err) => {
      throw new Error(`${String(err)}; requests seen: ${fixture.requests.map((r) => r.path).join(', ')}`);
    });
    await until(async () => ((await ghost.allInnerTexts()).join('').replace(/\u00a0/g, ' ').includes('a + b') ? true : undefined), 'ghost text from the model', 30_000).catch(async (err) => {
      const gens = fixture.requests.filter((r) => r.path === '/api/generate').map((r) => `${r.outcome} tokens=${r.tokensSent} prompt…${JSON.stringify(String(r.body?.prompt).slice(-30))} suffix=${JSON.stringify(String(r.body?.suffix).slice(0, 20))} raw=${r.body?.raw}`);
      const html = await page.locator('.editor-instance .monaco-editor .view-lines').first().innerHTML();
      throw new Error(`${String(err)}\n${gens.join('\n')}\n${html.slice(0, 3000)}`);
    });
    const generate = fixture.requests.filter((r) => r.path === '/api/generate' && r.body !== undefined).at(-1)!;
    assert.match(String(generate.body.prompt), /return$/, 'the prompt ends at the cursor');
    assert.match(String(generate.body.suffix), /^\s*\n}/, 'the text after the cursor is sent as the suffix');
    await page.keyboard.press('Tab');
    await until(async () => ((await editor.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ').includes('return a + b;') ? true : undefined), 'the suggestion to be inserted');
    fixture.setResponder(undefined);
  });

  it('Explain Selection streams the explanation into the chat', async () => {
    const page = vscode.wb.page;
    // A responder by path, not the queue: inline suggestions (/api/generate) keep coming while the test types.
    fixture.setResponder((req) => (req.path === '/api/chat' ? { kind: 'text', text: 'This function adds its two arguments and returns the sum.', tokenDelayMs: 10 } : { kind: 'text', text: '' }));
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+A');
    await runCommand(page, 'Hearth: Explain Selection');
    const chat = await webviewFrame(page, '[data-testid="composer"]');
    const answer = chat.locator('[data-testid="assistant-message"]').last();
    await until(async () => ((await answer.innerText()).includes('adds its two arguments') ? true : undefined), 'the explanation in the chat', 30_000);
    await until(async () => (await answer.getAttribute('data-state')) === 'done', 'the explanation to finish');
    const request = fixture.requests.filter((r) => r.path === '/api/chat' && r.body !== undefined).at(-1)!;
    const last = (request.body.messages as { content: string }[]).at(-1)!.content;
    assert.match(last, /export function sum/, 'the selection was sent as context');
    await page.screenshot({ path: path.join(REPO_ROOT, 'test-results', 'explain-selection.png') });
    fixture.setResponder(undefined);
  });
});
