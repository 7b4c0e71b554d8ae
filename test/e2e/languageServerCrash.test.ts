/**
 * The language server dies mid-answer, in a real VS Code: the process is
 * killed with SIGKILL while the scripted Ollama is still streaming, as a crash
 * or the OOM killer would. The chat must not go on pretending to answer: the
 * user's message and the text streamed so far stay on screen, the answer says
 * the server stopped, the composer offers Send again (not a Stop that stops
 * nothing), and Retry asks the restarted server for the answer. An approval
 * card open at the crash expires: nobody waits for its answer any more. Once
 * VS Code's client stops restarting a server that keeps crashing, the chat
 * says what to do, and Hearth: Restart Language Server brings it back.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { useOllamaFixture } from './support/useOllamaFixture';
import { openHearth, until, sendChatMessage, chatAnswers, runCommand } from './support/workbench';
import { useHearthInVsCode } from './support/useHearthInVsCode';

const MODEL = 'qwen2.5-coder:7b';

/** The pids of the language servers started from this code-server's installed Hearth (read from /proc, Linux only). */
function languageServerPids(extensionsDir: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let commandLine: string;
    try {
      commandLine = fs.readFileSync(path.join('/proc', entry, 'cmdline'), 'utf8');
    } catch {
      continue; // The process ended while the list was read.
    }
    if (commandLine.includes(extensionsDir) && commandLine.includes(`dist${path.sep}language-server.js`)) pids.push(Number(entry));
  }
  return pids;
}

describe('The language server crashing mid-answer, in a real VS Code (e2e)', function () {
  this.timeout(300_000);
  let chat: Frame;
  const fixture = useOllamaFixture();
  const vscode = useHearthInVsCode({ settings: () => ({ 'hearth.ollama.host': fixture.url, 'hearth.chat.model': MODEL }) });

  it('keeps the message and the partial answer, ends the answer with the reason instead of streaming forever, and Retry works on the restarted server', async () => {
    chat = await openHearth(vscode.wb.page);
    await chat.locator('[data-testid="composer"]').waitFor({ state: 'visible' });
    const tokens = ['Once ', 'upon ', 'a ', 'time ', ...Array.from({ length: 200 }, (_, i) => `word${i} `)];
    fixture.enqueue({ kind: 'text', text: tokens.join(''), tokens, tokenDelayMs: 250 });
    await sendChatMessage(chat, 'Tell me a long story');

    const answer = chatAnswers(chat).nth(0);
    await until(async () => (await answer.innerText()).includes('Once upon a time'), 'the first words of the answer');
    await chat.locator('[data-testid="stop"]').waitFor({ state: 'visible' });
    const [pid, ...others] = languageServerPids(vscode.server.extensionsDir);
    assert.ok(pid !== undefined && others.length === 0, `one language server runs (found ${[pid, ...others].join(', ')})`);
    process.kill(pid, 'SIGKILL');

    // The answer ends with the reason, keeping what streamed before the crash.
    const error = answer.locator('[data-testid="error"]');
    await until(async () => (await error.count()) > 0, 'the answer to say the language server stopped', 30_000);
    assert.match(await error.innerText(), /language server stopped/);
    assert.equal(await answer.getAttribute('data-state'), 'done');
    assert.match(await answer.innerText(), /Once upon a time/);
    assert.equal(await chat.locator('[data-testid="user-message"]').first().innerText().then((t) => t.includes('Tell me a long story')), true);
    await chat.locator('[data-testid="send"]').waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await chat.locator('[data-testid="stop"]').count(), 0, 'no Stop button is left for an answer nobody is making');

    // VS Code's client restarts the server; Retry asks it for the answer again.
    await until(async () => languageServerPids(vscode.server.extensionsDir).some((p) => p !== pid), 'a new language server', 60_000);
    fixture.enqueue({ kind: 'text', text: 'A short story.' });
    await answer.locator('[data-testid="retry"]').click();
    const retried = chatAnswers(chat).last();
    await until(async () => (await retried.innerText()).includes('A short story.') && (await retried.getAttribute('data-state')) === 'done', 'the retried answer', 60_000);
    assert.equal(await chat.locator('[data-testid="user-message"]').count(), 1, 'the message is kept once');
  });

  it('a command card open when the server dies is shown as expired with no button left, and the command never runs', async () => {
    await chat.locator('[data-testid="new-chat"]').click();
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'run_command', arguments: { command: 'echo ran > ran.txt' } }] }, { kind: 'text', text: 'Done.' });
    await sendChatMessage(chat, 'Run the command');
    const answer = chatAnswers(chat).last();
    const card = answer.locator('[data-testid="approval-card"][data-kind="command"]');
    await card.waitFor({ state: 'visible', timeout: 60_000 });
    const [pid] = languageServerPids(vscode.server.extensionsDir);
    assert.ok(pid !== undefined, 'the language server runs');
    process.kill(pid, 'SIGKILL');

    await until(async () => (await card.getAttribute('data-state')) === 'expired', 'the card to expire');
    assert.equal(await card.locator('button').count(), 0, 'no button is left on the expired card');
    await until(async () => (await answer.getAttribute('data-state')) === 'done', 'the answer to end');
    assert.match(await answer.locator('[data-testid="error"]').innerText(), /language server stopped/);
    await until(async () => languageServerPids(vscode.server.extensionsDir).some((p) => p !== pid), 'a new language server', 60_000);
    assert.equal(fs.existsSync(path.join(vscode.workspace, 'ran.txt')), false, 'the command never ran');
  });

  it('after the server crashed so often that VS Code gave up on it, a message says how to restart it, and Hearth: Restart Language Server brings the chat back', async () => {
    const page = vscode.wb.page;
    // Where the user is looking: the chat's model picker says the server is not running and how to bring it back.
    const pickerError = chat.locator('[data-testid="model-error-text"]');
    const gaveUp = async () => (await pickerError.count()) > 0 && /language server is not running/.test(await pickerError.innerText());
    // VS Code's client restarts a crashed server four times in three minutes, then gives up: crash it until it does.
    for (let crashes = 0; !(await gaveUp()); crashes++) {
      assert.ok(crashes < 10, 'VS Code gives up on a server that keeps crashing');
      const [pid] = await until(async () => {
        const pids = languageServerPids(vscode.server.extensionsDir);
        return pids.length > 0 ? pids : undefined;
      }, 'a running language server', 60_000);
      process.kill(pid, 'SIGKILL');
      await until(async () => (await gaveUp()) || languageServerPids(vscode.server.extensionsDir).some((p) => p !== pid), 'a new language server, or VS Code giving up', 60_000);
    }
    assert.deepEqual(languageServerPids(vscode.server.extensionsDir), [], 'no language server runs');
    assert.match(await pickerError.innerText(), /run Hearth: Restart Language Server/);

    await chat.locator('[data-testid="new-chat"]').click();
    await sendChatMessage(chat, 'Are you there?');
    const error = chat.locator('[data-testid="send-error"]');
    await until(async () => /Restart Language Server/.test(await error.innerText()), 'the send to fail saying how to restart the server', 30_000);
    assert.match(await error.innerText(), /language server is not running/);
    assert.equal(await chat.locator('[data-testid="composer"]').inputValue(), 'Are you there?', 'the message is back in the composer');

    await runCommand(page, 'Hearth: Restart Language Server');
    await until(async () => languageServerPids(vscode.server.extensionsDir).length === 1, 'the restarted language server', 60_000);
    await until(async () => (await chat.locator('[data-testid="model-error"]').count()) === 0 || !(await chat.locator('[data-testid="model-error"]').isVisible()), "the picker's error to clear once the server runs");
    const asked = fixture.requests.length;
    await chat.locator('[data-testid="send"]').click();
    const answer = chatAnswers(chat).last();
    await until(async () => (await answer.getAttribute('data-state')) === 'done', 'the answer from the restarted server', 60_000);
    assert.equal(await answer.locator('[data-testid="error"]').count(), 0, await answer.innerText());
    const chats = fixture.requests.slice(asked).filter((r) => r.path === '/api/chat');
    assert.ok(chats.some((r) => JSON.stringify(r.body.messages).includes('Are you there?')), 'the restarted server asked Ollama with the message');
  });
});
