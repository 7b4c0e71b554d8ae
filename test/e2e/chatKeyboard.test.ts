/**
 * The chat by keyboard, in a real VS Code (code-server in Chromium): a reader
 * who scrolls up with the arrow keys while an answer streams stays where they
 * are, and answering an approval card from the keyboard leaves the focus in
 * the message input, not on the page's body.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { useOllamaFixture } from './support/useOllamaFixture';
import { openHearth, until, sendChatMessage } from './support/workbench';
import { useHearthInVsCode } from './support/useHearthInVsCode';

const MODEL = 'qwen2.5-coder:7b';
/** A long answer in many short lines, so the transcript is many screens tall long before it ends. */
const LONG_ANSWER = Array.from({ length: 1200 }, (_, i) => `word${i}${i % 8 === 7 ? '\n\n' : ' '}`).join('');

describe('The chat by keyboard in a real VS Code (e2e)', function () {
  this.timeout(240_000);
  let chat: Frame;
  const fixture = useOllamaFixture();
  const vscode = useHearthInVsCode({
    settings: () => ({ 'hearth.ollama.host': fixture.url, 'hearth.chat.model': MODEL }),
    prepareWorkspace: (workspace) => fs.writeFileSync(path.join(workspace, 'README.md'), '# test\n'),
  });

  const lastAnswer = () => chat.locator('[data-testid="assistant-message"]').last();
  const transcript = () => chat.locator('[data-testid="transcript"]');
  /** The transcript's scroll position and how far it is from the bottom. */
  const scroll = () => transcript().evaluate((t) => ({ top: t.scrollTop, fromBottom: t.scrollHeight - t.clientHeight - t.scrollTop }));
  /** The highest `wordN` shown so far. */
  const lastWord = async () => Number(/word(\d+)\s*$/.exec(await lastAnswer().innerText())?.[1] ?? -1);
  const focused = () => chat.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? null);

  it('arrow keys scroll up out of a streaming answer, and the view stays there while the answer goes on', async () => {
    chat = await openHearth(vscode.wb.page);
    await chat.locator('[data-testid="composer"]').waitFor({ state: 'visible' });
    fixture.enqueue({ kind: 'text', text: LONG_ANSWER, tokenDelayMs: 10 });
    await sendChatMessage(chat, 'Write a long list');
    await until(async () => ((await transcript().evaluate((t) => t.scrollHeight > 3 * t.clientHeight)) ? true : undefined), 'the answer to be three screens tall', 60_000);
    assert.ok((await scroll()).fromBottom <= 48, 'the view followed the stream while the reader was at the bottom');

    await transcript().focus();
    // Each press moves 40 pixels: less than the "near the bottom" margin, which used to count as still at the bottom.
    for (let i = 0; i < 3; i++) await chat.locator('[data-testid="transcript"]').press('ArrowUp');
    // The keys scroll smoothly: wait until the view has left the bottom and come to rest (the same position twice in a row).
    let previous = -1;
    await until(
      async () => {
        const now = await scroll();
        const resting = now.fromBottom > 60 && Math.abs(now.top - previous) <= 1;
        previous = now.top;
        return resting ? true : undefined;
      },
      'the view to leave the bottom and come to rest',
      30_000,
      150,
    );
    const left = await scroll();
    const word = await lastWord();
    // Wait for much more of the answer to arrive and be painted below the reader.
    await until(async () => ((await lastWord()) > word + 100 ? true : undefined), 'a hundred more words to stream', 60_000, 50);
    const after = await scroll();
    assert.ok(Math.abs(after.top - left.top) <= 1, `the view stayed where the reader put it (${left.top} → ${after.top})`);
    assert.ok(after.fromBottom > left.fromBottom, 'the answer grew below the view');
    assert.ok(await chat.locator('[data-testid="scroll-to-bottom"]').isVisible(), 'the jump-to-latest button is offered');

    await chat.locator('[data-testid="stop"]').click();
    await until(async () => (await lastAnswer().getAttribute('data-state')) !== 'streaming', 'the answer to stop');
  });

  it('rejecting a command by keyboard puts the focus back in the message input', async () => {
    await chat.locator('[data-testid="new-chat"]').click();
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'run_command', arguments: { command: 'echo keyboard > keyboard.txt' } }] }, { kind: 'text', text: 'Not run.' });
    await sendChatMessage(chat, 'Write keyboard.txt with a command');
    const card = lastAnswer().locator('[data-testid="approval-card"][data-kind="command"]');
    await card.waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(await focused(), 'composer');

    // From the input, Shift+Tab goes back into the conversation; the card's buttons are the last ones in it.
    for (let i = 0; i < 6 && (await focused()) !== 'approval-reject'; i++) await vscode.wb.page.keyboard.press('Shift+Tab');
    assert.equal(await focused(), 'approval-reject', 'the card’s Reject button is reached from the input');
    await vscode.wb.page.keyboard.press('Enter');
    await until(async () => (await card.getAttribute('data-state')) === 'rejected', 'the card to show it was rejected');
    await until(async () => ((await focused()) === 'composer' ? true : undefined), 'the focus to come back to the message input', 10_000);
    await vscode.wb.page.keyboard.type('thanks');
    assert.equal(await chat.locator('[data-testid="composer"]').inputValue(), 'thanks', 'typing goes on in the input');
    assert.equal(fs.existsSync(path.join(vscode.workspace, 'keyboard.txt')), false, 'the rejected command did not run');
  });
});
