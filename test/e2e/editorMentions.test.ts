/**
 * `@problems`, `@changes`, `@folder/` and `@https://…` in a real VS Code (code-server with the packaged
 * .vsix): each is offered in the composer's `@` list with what it attaches,
 * shows as a chip, and the message that reaches the model carries the
 * workspace's real diagnostics (from VS Code's JSON language features on an
 * open, broken file) or its real uncommitted git changes (read through the
 * built-in Git extension), with untracked files by name only; in Agent mode
 * and in Ask mode alike; a folder comes with its files and their contents,
 * a web page (from a real server on a loopback port) as Markdown; and the
 * explorer's Add to Hearth Chat puts a folder into the composer.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { type OllamaFixture } from '../fixtures/ollamaFixture';
import { useOllamaFixture } from './support/useOllamaFixture';
import { startWebPageServer } from '../fixtures/webPageServer';
import { REPO_ROOT } from './support/codeServer';
import { chatAnswers, openHearth, runCommand, until, untilAnswerDone, webviewFrame } from './support/workbench';
import { useHearthInVsCode } from './support/useHearthInVsCode';
import { fixtureGit as git } from '../fixtures/fixtureGit';

const MODEL = 'qwen2.5-coder:7b';
const RESULTS = path.join(REPO_ROOT, 'test-results');

/** Picks `@word` from the composer's mention list, as a user does, and checks what the list says it attaches. */
async function mentionFromList(chat: Frame, word: string, detail: RegExp): Promise<void> {
  const composer = chat.locator('[data-testid="composer"]');
  await composer.pressSequentially(`@${word.slice(0, 4)}`);
  const suggestion = chat.locator(`[data-testid="mention-suggestion"][data-path="${word}"]`);
  await suggestion.waitFor({ state: 'visible', timeout: 30_000 });
  assert.match((await suggestion.textContent()) ?? '', detail);
  await suggestion.click();
}

/** The last user message of the next chat request the model gets after `send`. */
async function nextUserMessage(fixture: OllamaFixture, send: () => Promise<void>): Promise<string> {
  const before = fixture.requests.length;
  await send();
  const request = await fixture.waitFor((r) => r.id > before && r.path === '/api/chat', 60_000);
  const body = await until(async () => request.body ?? undefined, 'the chat request’s body');
  return [...body.messages].reverse().find((m: { role: string }) => m.role === 'user').content as string;
}

async function openFile(page: Page, name: string): Promise<void> {
  await runCommand(page, 'Go to File...');
  const input = page.locator('.quick-input-widget input');
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 30_000 });
  await input.press('Enter');
  await page.locator('.tab', { hasText: name }).first().waitFor({ timeout: 30_000 });
}

describe('@problems, @changes, @folder/ and web pages in a real VS Code (e2e)', function () {
  this.timeout(300_000);
  let chat: Frame;
  before(() => fs.mkdirSync(RESULTS, { recursive: true }));
  const fixture = useOllamaFixture();
  const vscode = useHearthInVsCode({
    // The test settings turn the Git extension off; @changes reads through it, as a user's VS Code does.
    settings: () => ({ 'hearth.ollama.host': fixture.url, 'hearth.chat.model': MODEL, 'git.enabled': true }),
    prepareWorkspace: (workspace) => {
      fs.mkdirSync(path.join(workspace, 'src'));
      fs.writeFileSync(path.join(workspace, 'src', 'app.ts'), 'export const answer = 41;\n');
      fs.writeFileSync(path.join(workspace, 'broken.json'), '{\n  "name": "demo",\n  "version": \n}\n');
      // A tracked secrets file (the default hearth.completion.disabledFiles names *.env), changed like the code.
      fs.writeFileSync(path.join(workspace, 'src', 'secrets.env'), 'DB_PASSWORD=old\n');
      git(workspace, 'init', '-q', '-b', 'main');
      git(workspace, 'add', '-A');
      git(workspace, 'commit', '-q', '-m', 'init');
      fs.writeFileSync(path.join(workspace, 'src', 'app.ts'), 'export const answer = 42;\n');
      fs.writeFileSync(path.join(workspace, 'src', 'secrets.env'), 'DB_PASSWORD=heliotrope\n');
      fs.writeFileSync(path.join(workspace, 'notes.md'), 'UNTRACKED NOTE BODY\n');
    },
  });

  it('@problems attaches the errors VS Code shows, with file, line, column and the offending line', async () => {
    const page = vscode.wb.page;
    await openFile(page, 'broken.json');
    // The status bar's problem count says the JSON service has reported the file.
    await until(async () => {
      const text = (await page.locator('[id="status.problems"]').first().innerText().catch(() => '')) ?? '';
      return Number(/\d+/.exec(text)?.[0] ?? '0') > 0;
    }, 'VS Code to report the broken JSON', 60_000);
    chat = await openHearth(page);
    const composer = chat.locator('[data-testid="composer"]');
    await composer.click();
    await mentionFromList(chat, 'problems', /errors and warnings in the workspace/);
    assert.deepEqual(await chat.locator('[data-testid="context-chip"]').allInnerTexts(), ['@problems']);
    await composer.pressSequentially('what is wrong?');
    fixture.enqueue({ kind: 'text', text: 'The version has no value.' });
    const answersBefore = await chatAnswers(chat).count();
    const user = await nextUserMessage(fixture, () => composer.press('Enter'));
    assert.match(user, /Problems VS Code reports in the workspace \(@problems\):/);
    assert.match(user, /^\d+ errors? and \d+ warnings? in the workspace/m);
    assert.match(user, /^broken\.json:\d+:\d+ error \[json[^\]]*\] Value expected\.?\n {4}\S/m, `the diagnostic with its place and source:\n${user}`);
    assert.match(user, /what is wrong\?$/);
    await untilAnswerDone(chat, answersBefore);
    assert.ok((await chat.locator('[data-testid="user-context"]').allInnerTexts()).includes('@problems'), 'the sent message shows its @problems chip');
    await page.screenshot({ path: path.join(RESULTS, 'problems-mention.png') });
  });

  it('@changes (here in Ask mode) attaches the uncommitted diff and the untracked file names, never their content', async () => {
    // The mention is context, not a tool: Ask mode, whose tools only read, attaches it the same way.
    await chat.locator('[data-testid="mode-ask"]').click();
    await until(async () => (await chat.locator('[data-testid="mode-ask"]').getAttribute('aria-pressed')) === 'true', 'Ask mode to show as chosen');
    const composer = chat.locator('[data-testid="composer"]');
    await composer.click();
    await mentionFromList(chat, 'changes', /uncommitted git changes/);
    await composer.pressSequentially('write a commit message');
    fixture.enqueue({ kind: 'text', text: 'Bump the answer to 42.' });
    const answersBefore = await chatAnswers(chat).count();
    const user = await nextUserMessage(fixture, () => composer.press('Enter'));
    assert.match(user, /Uncommitted git changes in the workspace \(@changes\):\n```diff\n/);
    assert.match(user, new RegExp(`Uncommitted changes in ${path.basename(vscode.workspace)} \\(branch main\\):`), "the repository is named by its workspace folder");
    assert.match(user, /Not staged:\ndiff --git a\/src\/app\.ts b\/src\/app\.ts[\s\S]*-export const answer = 41;\n\+export const answer = 42;/, `the diff:\n${user}`);
    assert.match(user, /Untracked files \(names only, not their content\):\nnotes\.md/);
    assert.ok(!user.includes('UNTRACKED NOTE BODY'), 'an untracked file’s content is not sent');
    assert.match(user, /\(src\/secrets\.env: changed; its diff is left out because it is a secrets file \(hearth\.completion\.disabledFiles names it\)\.\)/);
    assert.ok(!user.includes('DB_PASSWORD'), 'no line of the secrets file’s diff is sent');
    await untilAnswerDone(chat, answersBefore);
    await vscode.wb.page.screenshot({ path: path.join(RESULTS, 'changes-mention.png') });
  });

  it('@src/ (a folder, from the same list as files) attaches its files and their contents', async () => {
    const composer = chat.locator('[data-testid="composer"]');
    await composer.click();
    await mentionFromList(chat, 'src/', /folder: its files and their contents/);
    assert.deepEqual(await chat.locator('[data-testid="context-chip"]').allInnerTexts(), ['@src/']);
    await composer.pressSequentially('what is in here?');
    fixture.enqueue({ kind: 'text', text: 'One constant.' });
    const answersBefore = await chatAnswers(chat).count();
    const user = await nextUserMessage(fixture, () => composer.press('Enter'));
    // The folder's secrets file (the default hearth.completion.disabledFiles names *.env) is named, never read.
    assert.match(
      user,
      /^Mentioned folder src\/ \(its files, then the contents of those that fit\):\n```\nsrc\/ holds 2 files; the contents of 1 follow the list\. .*\n\napp\.ts \(26 B\)\nsecrets\.env \(23 B, a secrets file \(hearth\.completion\.disabledFiles\), not included\)\n/,
    );
    assert.ok(!user.includes('heliotrope'), `the secret stays out:\n${user}`);
    assert.match(user, /=== src\/app\.ts ===\nexport const answer = 42;/, `the file's current content:\n${user}`);
    await untilAnswerDone(chat, answersBefore);
  });

  it('Add to Hearth Chat in the explorer’s context menu puts the folder into the composer as @src/', async () => {
    const page = vscode.wb.page;
    await runCommand(page, 'View: Show Explorer');
    const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: /^src$/ }).first();
    await row.waitFor({ timeout: 30_000 });
    await row.click({ button: 'right' });
    // Chosen with the keyboard, as the menu's overlay takes pointer clicks in a headless browser: down to the item, Enter.
    await page.locator('.context-view .action-item', { hasText: 'Add to Hearth Chat' }).first().waitFor({ timeout: 30_000 });
    await until(async () => {
      await page.keyboard.press('ArrowDown');
      return /Add to Hearth Chat/.test((await page.locator('.context-view .action-item.focused').first().innerText().catch(() => '')) ?? '');
    }, 'the menu item to be focused', 15_000, 50);
    await page.keyboard.press('Enter');
    // The command shows the chat with the mention typed in and its chip.
    chat = await webviewFrame(page, '[data-testid="composer"]');
    await until(async () => (await chat.locator('[data-testid="context-chip"]').allInnerTexts()).includes('@src/'), 'the @src/ chip');
    assert.equal(await chat.locator('[data-testid="composer"]').inputValue(), '@src/ ');
    await chat.locator('[data-testid="context-chip-remove"]').first().click();
    await chat.locator('[data-testid="composer"]').fill('');
  });

  it('@http://… (a web address typed after @) is fetched when the message is sent and attached as Markdown', async () => {
    const site = await startWebPageServer({ '/guide': { body: '<html><head><title>Guide</title></head><body><nav>MENU</nav><main><h1>Setup</h1><p>Run <code>make</code>.</p></main></body></html>' } });
    try {
      const url = `${site.url}/guide`;
      const composer = chat.locator('[data-testid="composer"]');
      await composer.click();
      await composer.pressSequentially(`@${url}`);
      const suggestion = chat.locator(`[data-testid="mention-suggestion"][data-path="${url}"]`);
      await suggestion.waitFor({ state: 'visible', timeout: 30_000 });
      assert.match((await suggestion.textContent()) ?? '', /web page: fetched when you send/);
      await suggestion.click();
      await composer.pressSequentially('how do I set up?');
      fixture.enqueue({ kind: 'text', text: 'Run make.' });
      const answersBefore = await chatAnswers(chat).count();
      const user = await nextUserMessage(fixture, () => composer.press('Enter'));
      assert.ok(user.startsWith(['Web page ' + url + ' (fetched when the message was sent):', '```markdown', `"Guide" — ${url}`].join('\n')), `the page is labelled and fenced:\n${user}`);
      assert.match(user, /# Setup\n\nRun `make`\./);
      assert.ok(!user.includes('MENU'), 'the navigation is left out');
      await untilAnswerDone(chat, answersBefore);
    } finally {
      await site.close();
    }
  });
});
