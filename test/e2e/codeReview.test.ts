/**
 * Review Uncommitted Changes in a real VS Code: the changes come from a real
 * git repository through VS Code's Git extension, the scripted model answers
 * as the reviewer, and its findings appear as comments on the lines they are
 * about. Apply Fix shows the fix in the diff review and Accept changes the
 * file, also after lines were added above it; Dismiss removes a comment.
 * Review Staged Changes reviews the staged lines only, numbered as the file
 * on disk has them after it was edited again. A repository whose config
 * names a diff program and forces colours still gives the review and the
 * commit message its plain patch, and the program never runs.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './support/codeServer';
import { useOllamaFixture } from './support/useOllamaFixture';
import { useHearthInVsCode } from './support/useHearthInVsCode';
import { runCommand, until } from './support/workbench';
import { fixtureGit as git } from '../fixtures/fixtureGit';

const MODEL = 'qwen2.5-coder:7b';
const RESULTS = path.join(REPO_ROOT, 'test-results');
const BEFORE = ['export function mean(xs) {', '  let sum = 0;', '  for (const x of xs) sum += x;', '  return sum / xs.length;', '}', ''].join('\n');
const AFTER = ['export function mean(xs) {', '  let sum = 0;', '  for (let i = 0; i <= xs.length; i++) sum += xs[i];', '  return sum / xs.length;', '}', ''].join('\n');
const FIXED = AFTER.replace('i <= xs.length', 'i < xs.length');

describe('code review in a real VS Code (e2e)', function () {
  this.timeout(300_000);
  before(() => fs.mkdirSync(RESULTS, { recursive: true }));
  const fixture = useOllamaFixture();
  const vscode = useHearthInVsCode({
    settings: () => ({ 'hearth.ollama.host': fixture.url, 'hearth.chat.model': MODEL, 'hearth.completion.enabled': false, 'git.enabled': true }),
    prepareWorkspace: (workspace) => {
      fs.writeFileSync(path.join(workspace, 'stats.js'), BEFORE);
      git(workspace, 'init', '-q', '-b', 'main');
      git(workspace, 'add', '-A');
      git(workspace, 'commit', '-q', '-m', 'init');
      fs.writeFileSync(path.join(workspace, 'stats.js'), AFTER);
    },
  });

  it('Review Uncommitted Changes puts the findings on their lines; Apply Fix goes through the diff; Dismiss removes one', async () => {
    const page = vscode.wb.page;
    fixture.setResponder((req) =>
      req.path === '/api/chat'
        ? {
            kind: 'text',
            text: JSON.stringify({
              findings: [
                { file: 'stats.js', line: 3, severity: 'bug', title: 'Off-by-one reads past the end', comment: '`i <= xs.length` reads `xs[xs.length]`, which is `undefined`.', fix: { startLine: 3, endLine: 3, code: '  for (let i = 0; i < xs.length; i++) sum += xs[i];' } },
                { file: 'stats.js', line: 4, severity: 'maintainability', title: 'An empty list divides by zero' },
              ],
            }),
          }
        : { kind: 'text', text: '' },
    );
    const bug = page.locator('.review-widget', { hasText: 'Off-by-one reads past the end' });
    const empty = page.locator('.review-widget', { hasText: 'An empty list divides by zero' });
    // The Git extension finds the repository a moment after the window opens: until then the command says there is none.
    await until(async () => {
      await runCommand(page, 'Hearth: Review Uncommitted Changes');
      return bug.waitFor({ state: 'visible', timeout: 15_000 }).then(() => true, () => undefined);
    }, 'the review comments on stats.js', 120_000);

    const chat = fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!;
    const prompt = (chat.body.messages as { role: string; content: string }[]).at(-1)!.content;
    assert.match(prompt, /^3 \+ {3}for \(let i = 0; i <= xs\.length; i\+\+\) sum \+= xs\[i\];$/m, 'the model read the change numbered as the file has it');

    await empty.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await bug.innerText(), /Bug/);
    assert.match(await bug.innerText(), /reads xs\[xs\.length\]|reads `?xs\[xs\.length\]`?/);
    assert.equal(await empty.getByRole('button', { name: 'Apply Fix' }).count(), 0, 'a finding without a fix offers none');
    await page.screenshot({ path: path.join(RESULTS, 'review-comments.png') });

    await empty.getByRole('button', { name: 'Dismiss' }).click();
    await empty.waitFor({ state: 'detached', timeout: 30_000 });

    // A line added above the finding since the review: the fix still finds the lines it replaces.
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.type('const unused = 1;\n');
    await bug.getByRole('button', { name: 'Apply Fix' }).click();
    const diffTab = page.locator('.tabs-container .tab', { hasText: 'Off-by-one reads past the end' });
    await diffTab.first().waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(fs.readFileSync(path.join(vscode.workspace, 'stats.js'), 'utf8'), AFTER, 'nothing changes before Accept');
    await page.locator('.monaco-diff-editor .view-lines').last().click();
    await page.getByRole('button', { name: 'Accept', exact: true }).click();
    await bug.waitFor({ state: 'detached', timeout: 30_000 });

    // Accept is a normal edit of the open document; saving writes it.
    await diffTab.first().waitFor({ state: 'detached', timeout: 30_000 });
    await page.locator('.tabs-container .tab', { hasText: 'stats.js' }).first().click();
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+S');
    await until(async () => fs.readFileSync(path.join(vscode.workspace, 'stats.js'), 'utf8') === `const unused = 1;\n${FIXED}`, 'the fixed line to be saved to stats.js');
    fixture.setResponder(undefined);
  });

  it('Review Staged Changes reviews only what is staged, numbered as the file on disk after later edits', async () => {
    const page = vscode.wb.page;
    const workspace = vscode.workspace;
    const base = ['export function total(xs) {', '  let sum = 0;', '  for (const x of xs) sum += x;', '  return sum;', '}', ''];
    fs.writeFileSync(path.join(workspace, 'total.js'), base.join('\n'));
    git(workspace, 'add', 'total.js');
    git(workspace, 'commit', '-q', '-m', 'total', '--', 'total.js');
    // Staged: a bug on line 3. Then, unstaged, two comment lines above it: on disk the staged line is line 5.
    const staged = base.map((l) => l.replace('sum += x', 'sum -= x'));
    fs.writeFileSync(path.join(workspace, 'total.js'), staged.join('\n'));
    git(workspace, 'add', 'total.js');
    fs.writeFileSync(path.join(workspace, 'total.js'), ['// Sums a list.', '// Used by the report.', ...staged].join('\n'));
    // An unstaged change elsewhere is not part of this review.
    fs.writeFileSync(path.join(workspace, 'stats.js'), `${fs.readFileSync(path.join(workspace, 'stats.js'), 'utf8')}// UNSTAGED-ONLY\n`);
    fixture.setResponder((req) =>
      req.path === '/api/chat'
        ? { kind: 'text', text: JSON.stringify({ findings: [{ file: 'total.js', line: 5, severity: 'bug', title: 'Subtracts instead of adding' }] }) }
        : { kind: 'text', text: '' },
    );
    const finding = page.locator('.review-widget', { hasText: 'Subtracts instead of adding' });
    // The Git extension sees the new index a moment after git wrote it.
    await until(async () => {
      await runCommand(page, 'Hearth: Review Staged Changes');
      return finding.waitFor({ state: 'visible', timeout: 15_000 }).then(() => true, () => undefined);
    }, 'the review comment on total.js', 120_000);
    const prompt = (fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!.body.messages as { role: string; content: string }[]).at(-1)!.content;
    assert.match(prompt, /^5 \+ {3}for \(const x of xs\) sum -= x;$/m, 'the staged line, numbered as on disk');
    assert.doesNotMatch(prompt, /Sums a list|UNSTAGED-ONLY|stats\.js/, 'unstaged changes are not reviewed');
    await page.screenshot({ path: path.join(RESULTS, 'review-staged.png') });
    fixture.setResponder(undefined);
  });

  it('a repository whose git config names a diff program gets reviewed and described from its plain patch, and the program never runs', async () => {
    const page = vscode.wb.page;
    const workspace = vscode.workspace;
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-diff-program-'));
    const ran = path.join(outside, 'ran');
    const program = path.join(outside, 'not-a-patch.sh');
    fs.writeFileSync(program, `#!/bin/sh\necho "$@" >> '${ran}'\necho NOT-A-PATCH\n`, { mode: 0o755 });
    // What a repository unpacked from an archive (or a user's difftastic set-up) can carry: a diff program, forced colours, no a/ b/ prefixes.
    git(workspace, 'config', 'diff.external', program);
    git(workspace, 'config', 'color.diff', 'always');
    git(workspace, 'config', 'diff.noprefix', 'true');
    const prompts = () => fixture.requests.filter((r) => r.path === '/api/chat').map((r) => (r.body.messages as { role: string; content: string }[]).at(-1)!.content);
    const before = prompts().length;
    fixture.setResponder((req) =>
      req.path === '/api/chat'
        ? { kind: 'text', text: JSON.stringify({ findings: [{ file: 'total.js', line: 5, severity: 'bug', title: 'Still subtracts' }] }) }
        : { kind: 'text', text: '' },
    );
    const finding = page.locator('.review-widget', { hasText: 'Still subtracts' });
    await until(async () => {
      await runCommand(page, 'Hearth: Review Uncommitted Changes');
      return finding.waitFor({ state: 'visible', timeout: 15_000 }).then(() => true, () => undefined);
    }, 'the review comment on total.js', 120_000);
    const review = prompts().slice(before).find((p) => p.includes('total.js'))!;
    assert.match(review, /^5 \+ {3}for \(const x of xs\) sum -= x;$/m, 'the review read the patch, numbered as on disk');
    assert.doesNotMatch(review, /NOT-A-PATCH/);
    assert.ok(!review.includes('\u001b'), 'the review read escape codes');

    fixture.setResponder((req) => (req.path === '/api/chat' ? { kind: 'text', text: 'Subtract the totals' } : { kind: 'text', text: '' }));
    const commitPrompt = () => prompts().slice(before).find((p) => p.startsWith('Write a commit message'));
    await until(async () => {
      await runCommand(page, 'Hearth: Generate Commit Message');
      return until(async () => commitPrompt() !== undefined, 'the commit message request', 15_000).then(() => true, () => undefined);
    }, 'the commit message request', 120_000);
    assert.match(commitPrompt()!, /^diff --git a\/total\.js b\/total\.js$/m);
    assert.match(commitPrompt()!, /^\+ {2}for \(const x of xs\) sum -= x;$/m, 'the staged patch, uncoloured');
    assert.doesNotMatch(commitPrompt()!, /NOT-A-PATCH/);
    assert.ok(!commitPrompt()!.includes('\u001b'), 'the commit message request carried escape codes');
    assert.equal(fs.existsSync(ran), false, 'the diff program ran');
    // The message lands in the Source Control view's commit box, which the command opens.
    await page.locator('.scm-editor .view-lines', { hasText: 'Subtract the totals' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    fixture.setResponder(undefined);
    fs.rmSync(outside, { recursive: true, force: true });
  });
});
