/**
 * Checkpoints in a real VS Code: the markers on the chat's timeline, Restore
 * with its choices and confirmation, the files on disk put back byte for
 * byte, the message back in the composer, Redo, and Edit on a message.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { useOllamaFixture } from './support/useOllamaFixture';
import { openHearth, until, sendChatMessage } from './support/workbench';
import { useHearthInVsCode } from './support/useHearthInVsCode';

const MODEL = 'qwen2.5-coder:7b';
const ORIGINAL = 'export function add(a, b) {\r\n  return a - b;\r\n}\r\n';

describe('Hearth checkpoints in a real VS Code (e2e)', function () {
  this.timeout(180_000);
  let chat: Frame;
  const fixture = useOllamaFixture();
  const vscode = useHearthInVsCode({
    settings: () => ({ 'hearth.ollama.host': fixture.url, 'hearth.chat.model': MODEL, 'hearth.agent.autoApproveEdits': true }),
    prepareWorkspace: (workspace) => {
      fs.mkdirSync(path.join(workspace, 'src'));
      fs.writeFileSync(path.join(workspace, 'src', 'math.js'), ORIGINAL);
    },
  });

  it('restores the files and the conversation to before a message, and Redo brings both back', async () => {
    chat = await openHearth(vscode.wb.page);
    await chat.locator('[data-testid="composer"]').waitFor({ state: 'visible' });
    fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'edit_file', arguments: { path: 'src/math.js', oldText: 'a - b', newText: 'a + b' } }] },
      { kind: 'toolCalls', calls: [{ name: 'write_file', arguments: { path: 'src/extra.js', content: 'export const x = 1;\n' } }] },
      { kind: 'text', text: 'Fixed add and added extra.js.' },
    );
    await sendChatMessage(chat, 'Fix add and add a constant');
    const answer = chat.locator('[data-testid="assistant-message"]').last();
    await until(async () => (await answer.getAttribute('data-state')) === 'done', 'the turn to finish');
    const edited = fs.readFileSync(path.join(vscode.workspace, 'src', 'math.js'));
    assert.match(edited.toString(), /a \+ b/);
    assert.equal(fs.existsSync(path.join(vscode.workspace, 'src', 'extra.js')), true);
    const markers = answer.locator('[data-testid="checkpoint"]');
    await until(async () => (await markers.count()) === 3 || undefined, 'a checkpoint before the message and after each of the two tool calls');

    const first = markers.first();
    await first.locator('[data-testid="checkpoint-restore"]').click();
    await first.locator('[data-testid="checkpoint-restore-both"]').click();
    await first.locator('[data-testid="checkpoint-confirm"]').click();
    await until(async () => (fs.readFileSync(path.join(vscode.workspace, 'src', 'math.js'), 'utf8') === ORIGINAL && !fs.existsSync(path.join(vscode.workspace, 'src', 'extra.js'))) || undefined, 'the files to be restored');
    await chat.locator('[data-testid="redo-bar"]').waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await chat.locator('[data-testid="assistant-message"]').count(), 0);
    // The message comes back into the composer right after the chat is shown again.
    await until(async () => (await chat.locator('[data-testid="composer"]').inputValue()) === 'Fix add and add a constant' || undefined, 'the message to be back in the composer');

    await chat.locator('[data-testid="checkpoint-redo"]').click();
    await until(async () => (fs.readFileSync(path.join(vscode.workspace, 'src', 'math.js')).equals(edited) && fs.existsSync(path.join(vscode.workspace, 'src', 'extra.js'))) || undefined, 'redo to bring the changes back');
    await until(async () => (await chat.locator('[data-testid="assistant-message"]').count()) === 1 || undefined, 'the reply to be shown again');
    assert.equal(await chat.locator('[data-testid="redo-bar"]').count(), 0);
    await until(async () => (await chat.locator('[data-testid="composer"]').inputValue()) === '' || undefined, 'Redo to take the message back out of the composer');

    // Edit on the message (shown on hover): it comes back into the composer, the chat returns to before it, the files stay.
    const mine = chat.locator('[data-testid="user-message"]').last();
    await mine.hover();
    await mine.locator('[data-testid="edit-message"]').click();
    await until(async () => (await chat.locator('[data-testid="composer"]').inputValue()) === 'Fix add and add a constant' || undefined, 'the message to be back in the composer');
    await until(async () => (await chat.locator('[data-testid="user-message"]').count()) === 0 || undefined, 'the chat to return to before the message');
    assert.ok(fs.readFileSync(path.join(vscode.workspace, 'src', 'math.js')).equals(edited), 'taking the message back touched no file');
    fixture.enqueue({ kind: 'text', text: 'Only add is fixed now.' });
    await chat.locator('[data-testid="composer"]').fill('Fix add only');
    await chat.locator('[data-testid="composer"]').press('Enter');
    await until(async () => /Only add is fixed now/.test((await chat.locator('[data-testid="assistant-message"]').last().textContent()) ?? '') || undefined, 'the edited message to be answered');
    assert.deepEqual(await chat.locator('[data-testid="user-message"]').allTextContents(), ['Fix add only']);
  });
});
