/**
 * Images in a real VS Code: the user pastes a screenshot into the chat's
 * composer, picks another with the attach-image button (VS Code's own file
 * dialog), removes one with the keyboard, and sends; the scripted vision
 * model's request carries the images on the user message, and the sent
 * message shows them as thumbnails.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_MODELS, GEMMA3_VISION } from '../fixtures/ollamaFixture';
import { useOllamaFixture } from './support/useOllamaFixture';
import { sampleImage } from '../fixtures/sampleImages';
import { REPO_ROOT } from './support/codeServer';
import { chooseInFileDialog, openHearth, until } from './support/workbench';
import { useHearthInVsCode } from './support/useHearthInVsCode';

const RESULTS = path.join(REPO_ROOT, 'test-results');
const PASTED = sampleImage('pasted.png', [232, 120, 40]);
const PICKED = sampleImage('picked.png', [40, 110, 230]);

describe('images in the chat of a real VS Code (e2e)', function () {
  this.timeout(240_000);
  before(() => fs.mkdirSync(RESULTS, { recursive: true }));
  const fixture = useOllamaFixture({ models: [...DEFAULT_MODELS, GEMMA3_VISION] });
  const vscode = useHearthInVsCode({
    settings: () => ({ 'hearth.ollama.host': fixture.url, 'hearth.chat.model': GEMMA3_VISION.name }),
    prepareWorkspace: (workspace) => fs.writeFileSync(path.join(workspace, 'picked.png'), Buffer.from(PICKED.dataBase64, 'base64')),
  });

  it('pastes and picks images, removes one with the keyboard, and the vision model receives the rest with the message', async () => {
    const page = vscode.wb.page;
    const chat = await openHearth(page);
    const composer = chat.locator('[data-testid="composer"]');
    const chips = chat.locator('[data-testid="image-chip"]');
    const paste = () =>
      composer.evaluate((node, base64) => {
        // What the browser delivers for Ctrl+V of a screenshot: a paste event whose clipboard holds an image file.
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const data = new DataTransfer();
        data.items.add(new File([bytes], 'image.png', { type: 'image/png' }));
        node.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      }, PASTED.dataBase64);

    await composer.click();
    await paste();
    await until(async () => (await chips.count()) === 1, 'the pasted image as a chip');
    assert.match(await chips.first().innerText(), /pasted image 1\.png/);

    // The attach-image button opens VS Code's file dialog; the user types the file's path.
    await chat.locator('[data-testid="attach-image"]').click();
    await chooseInFileDialog(page, path.join(vscode.workspace, 'picked.png'));
    await until(async () => (await chips.count()) === 2, 'the picked image as a second chip', 30_000);
    assert.match(await chips.nth(1).innerText(), /picked\.png/);
    await page.screenshot({ path: path.join(RESULTS, 'chat-images-composer.png') });

    // Keyboard only: focus the first chip's remove button and press Enter.
    await chat.locator('[data-testid="image-chip-remove"]').first().focus();
    await page.keyboard.press('Enter');
    await until(async () => (await chips.count()) === 1, 'the pasted image removed');
    assert.match(await chips.first().innerText(), /picked\.png/);
    await paste();
    await until(async () => (await chips.count()) === 2, 'the image pasted again');

    fixture.enqueue({ kind: 'text', text: 'A blue square and an orange square.' });
    const before = fixture.requests.length;
    await composer.click();
    await composer.fill('What colours are these?');
    await composer.press('Enter');
    const sent = await fixture.waitFor((r) => r.id > before && r.path === '/api/chat' && r.body !== undefined, 60_000);
    const last = sent.body.messages.length - 1;
    assert.equal(sent.body.model, GEMMA3_VISION.name);
    assert.match(sent.body.messages[last].content, /What colours are these\?/);
    assert.deepEqual(sent.images, [{ messageIndex: last, role: 'user', images: [PICKED.dataBase64, PASTED.dataBase64] }]);

    const answer = chat.locator('[data-testid="assistant-message"]').last();
    await until(async () => (await answer.getAttribute('data-state')) === 'done', 'the answer to finish', 60_000);
    const thumbnails = chat.locator('[data-testid="user-message"]').last().locator('[data-testid="user-image"] img');
    assert.equal(await thumbnails.count(), 2);
    assert.equal(await chips.count(), 0, 'the composer is empty of images after sending');
    await page.screenshot({ path: path.join(RESULTS, 'chat-images-sent.png') });
  });
});
