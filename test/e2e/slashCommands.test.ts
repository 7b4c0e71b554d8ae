/**
 * Slash commands in a real VS Code: typing `/` in the chat's composer lists
 * the commands (the built-ins and the workspace's prompt file), the user
 * narrows the list, picks a prompt file with the keyboard, adds its
 * arguments, and the expansion reaches the scripted model while the chat
 * shows what the user typed. A repository's Agent Skill is listed too, runs
 * as `/release-notes …`, and the agent loads it with load_skill.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useOllamaFixture } from './support/useOllamaFixture';
import { REPO_ROOT } from './support/codeServer';
import { chatAnswers, openHearth, until, untilAnswerDone } from './support/workbench';
import { useHearthInVsCode } from './support/useHearthInVsCode';

const MODEL = 'qwen2.5-coder:7b';
const RESULTS = path.join(REPO_ROOT, 'test-results');

describe('slash commands in a real VS Code (e2e)', function () {
  this.timeout(180_000);
  before(() => fs.mkdirSync(RESULTS, { recursive: true }));
  const fixture = useOllamaFixture();
  const vscode = useHearthInVsCode({
    settings: () => ({ 'hearth.ollama.host': fixture.url, 'hearth.chat.model': MODEL }),
    prepareWorkspace: (workspace) => {
      fs.mkdirSync(path.join(workspace, '.hearth', 'prompts'), { recursive: true });
      fs.writeFileSync(
        path.join(workspace, '.hearth', 'prompts', 'review.md'),
        '---\ndescription: Review a file for one concern\nargument-hint: <file> <concern>\n---\nReview $1 with a strict eye for $2.\n',
      );
      fs.mkdirSync(path.join(workspace, '.github', 'skills', 'release-notes'), { recursive: true });
      fs.writeFileSync(
        path.join(workspace, '.github', 'skills', 'release-notes', 'SKILL.md'),
        '---\nname: release-notes\ndescription: Writes release notes from the changes since the last tag.\n---\nGroup the changes under Added and Fixed.\n',
      );
    },
  });

  it('completes / in the composer, and the chosen command\'s expansion reaches the model', async () => {
    const chat = await openHearth(vscode.wb.page);
    const composer = chat.locator('[data-testid="composer"]');
    await composer.click();
    await composer.pressSequentially('/');
    const popup = chat.locator('[data-testid="slash-popup"]');
    await popup.waitFor({ state: 'visible', timeout: 30_000 });
    const names = async () => (await chat.locator('[data-testid="slash-suggestion"]').allInnerTexts()).map((t) => t.split(/\s/)[0]);
    await until(async () => (await names()).includes('/review'), 'the workspace prompt file in the list', 30_000);
    for (const builtin of ['/explain', '/fix', '/tests', '/doc', '/new']) assert.ok((await names()).includes(builtin), `${builtin} is listed`);
    await vscode.wb.page.screenshot({ path: path.join(RESULTS, 'slash-commands-list.png') });
    const review = chat.locator('[data-testid="slash-suggestion"][data-command="review"]');
    assert.match(await review.innerText(), /<file> <concern>/);
    assert.match(await review.innerText(), /Review a file for one concern/);

    await composer.pressSequentially('rev');
    await until(async () => JSON.stringify(await names()) === JSON.stringify(['/review']), 'the list narrowed to /review');
    await vscode.wb.page.screenshot({ path: path.join(RESULTS, 'slash-commands-narrowed.png') });
    await composer.press('Enter');
    assert.equal(await composer.inputValue(), '/review ');
    assert.equal(await popup.isVisible(), false);

    fixture.enqueue({ kind: 'text', text: 'The subtraction should be an addition.' });
    const before = fixture.requests.length;
    await composer.pressSequentially('src/math.js "sign errors"');
    await composer.press('Enter');
    const sent = await fixture.waitFor((r) => r.id > before && r.path === '/api/chat' && r.body !== undefined, 30_000);
    const toModel = (sent.body.messages as { role: string; content: string }[]).filter((m) => m.role === 'user').at(-1)!.content;
    assert.equal(toModel, 'Review src/math.js with a strict eye for sign errors.');

    const answer = chat.locator('[data-testid="assistant-message"]').last();
    await until(async () => (await answer.getAttribute('data-state')) === 'done', 'the answer to finish', 60_000);
    assert.equal(await chat.locator('[data-testid="user-message"]').last().innerText(), '/review src/math.js "sign errors"');
    assert.match(await answer.innerText(), /should be an addition/);
  });

  it('lists a repository’s Agent Skill under /, sends it as /release-notes, and the agent loads it with load_skill', async () => {
    // The chat is open already: the command focuses it (clicking its activity bar icon again would close it).
    const chat = await openHearth(vscode.wb.page, 'command');
    const composer = chat.locator('[data-testid="composer"]');
    await composer.click();
    await composer.pressSequentially('/release');
    const skill = chat.locator('[data-testid="slash-suggestion"][data-command="release-notes"]');
    await skill.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await skill.innerText(), /Writes release notes from the changes since the last tag\. \(from this repository\).*skill/s);
    const names = async () => (await chat.locator('[data-testid="slash-suggestion"]').allInnerTexts()).map((t) => t.split(/\s/)[0]);
    await until(async () => JSON.stringify(await names()) === JSON.stringify(['/release-notes']), 'the list narrowed to /release-notes');
    await composer.press('Enter');
    assert.equal(await composer.inputValue(), '/release-notes ');
    fixture.enqueue({ kind: 'text', text: 'Added: the skills.' });
    let before = fixture.requests.length;
    let answersBefore = await chatAnswers(chat).count();
    await composer.pressSequentially('for v2.1');
    await composer.press('Enter');
    const sent = await fixture.waitFor((r) => r.id > before && r.path === '/api/chat' && r.body !== undefined, 30_000);
    const toModel = (sent.body.messages as { role: string; content: string }[]).filter((m) => m.role === 'user').at(-1)!.content;
    assert.match(toModel, /^Use the skill "release-notes" for this\.[\s\S]*Group the changes under Added and Fixed\.[\s\S]*The task: for v2\.1$/);
    await untilAnswerDone(chat, answersBefore);

    // Asked in plain words, the agent sees the skill listed and loads it itself; the row says which skill.
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'load_skill', arguments: { name: 'release-notes' } }] }, { kind: 'text', text: 'Following the release-notes skill.' });
    before = fixture.requests.length;
    answersBefore = await chatAnswers(chat).count();
    await composer.pressSequentially('Write the release notes');
    await composer.press('Enter');
    const asked = await fixture.waitFor((r) => r.id > before && r.path === '/api/chat' && r.body !== undefined, 30_000);
    assert.ok((asked.body.tools as { function: { name: string } }[]).some((t) => t.function.name === 'load_skill'));
    const answer = await untilAnswerDone(chat, answersBefore);
    const row = answer.locator('[data-testid="tool-row"]', { has: chat.locator('[data-testid="tool-name"]', { hasText: 'load_skill' }) });
    assert.equal(await row.locator('[data-testid="tool-result-summary"]').innerText(), 'skill release-notes');
    await vscode.wb.page.screenshot({ path: path.join(RESULTS, 'skill-loaded.png') });
  });
});
