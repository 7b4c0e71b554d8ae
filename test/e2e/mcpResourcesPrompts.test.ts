/**
 * MCP resources and prompts in a real VS Code, with the user's own MCP server
 * (@modelcontextprotocol/server-everything, from `hearth.mcp.servers`): the
 * composer's `@` popup offers the server's resources beside files, the
 * picked one becomes a chip, and its content reaches the scripted model when
 * the message is sent; a resource template's variable is filled in VS
 * Code's picker (typed value first, the server's suggestions after); typing `/` lists the server's prompts with their
 * arguments, and the prompt's messages (with the user's arguments) are what
 * the model reads while the chat shows what the user typed.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useOllamaFixture } from './support/useOllamaFixture';
import { REPO_ROOT } from './support/codeServer';
import { chatAnswers, openHearth, until, untilAnswerDone, untilMcpServerRuns } from './support/workbench';
import { useHearthInVsCode } from './support/useHearthInVsCode';

const EVERYTHING_DIR = path.join(REPO_ROOT, 'node_modules', '@modelcontextprotocol', 'server-everything', 'dist');
const EVERYTHING = path.join(EVERYTHING_DIR, 'index.js');
const MODEL = 'qwen2.5-coder:7b';
const RESULTS = path.join(REPO_ROOT, 'test-results');
const DOC = 'demo://resource/static/document/features.md';
const DOC_FIRST_LINE = fs.readFileSync(path.join(EVERYTHING_DIR, 'docs', 'features.md'), 'utf8').trim().split('\n')[0];

describe('MCP resources (@) and prompts (/) in a real VS Code (e2e)', function () {
  this.timeout(240_000);
  before(() => fs.mkdirSync(RESULTS, { recursive: true }));
  const fixture = useOllamaFixture();
  const vscode = useHearthInVsCode({
    settings: () => ({
      'hearth.ollama.host': fixture.url,
      'hearth.chat.model': MODEL,
      'hearth.mcp.servers': { everything: { command: process.execPath, args: [EVERYTHING, 'stdio'] } },
    }),
  });

  const userMessageToModel = (after: number) => {
    const sent = fixture.requests.filter((r) => r.id > after && r.path === '/api/chat' && r.body !== undefined).at(-1);
    return sent ? (sent.body.messages as { role: string; content: string }[]).filter((m) => m.role === 'user').at(-1)?.content : undefined;
  };

  it('attaches a resource from the @ popup, and its content reaches the model', async () => {
    const chat = await openHearth(vscode.wb.page);
    // The user's server starts without a prompt; it is listed once it runs.
    await untilMcpServerRuns(vscode.wb.page, 'everything');

    const composer = chat.locator('[data-testid="composer"]');
    await composer.click();
    await composer.pressSequentially('Summarise @features');
    const option = chat.locator(`[data-testid="mention-suggestion"][data-path="mcp:everything/${DOC}"]`);
    await option.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await option.innerText(), /features\.md/);
    assert.match(await option.innerText(), /MCP resource of everything/);
    await vscode.wb.page.screenshot({ path: path.join(RESULTS, 'mcp-resource-mention-popup.png') });
    await option.click();
    assert.equal(await composer.inputValue(), `Summarise @mcp:everything/${DOC} `);
    const chips = chat.locator('[data-testid="context-chips"]');
    await until(async () => (await chips.innerText()).includes('features.md'), 'the resource chip');

    fixture.enqueue({ kind: 'text', text: 'It lists the server\'s features.' });
    const before = fixture.requests.length;
    await composer.press('Enter');
    const toModel = await until(async () => userMessageToModel(before), 'the message to reach the model', 30_000);
    assert.ok(toModel.includes(`Resource ${DOC} from the MCP server "everything":`), toModel.slice(0, 300));
    assert.ok(toModel.includes(DOC_FIRST_LINE), 'the resource\'s content, read from the server when the message was sent');
    const answer = chat.locator('[data-testid="assistant-message"]').last();
    await until(async () => (await answer.getAttribute('data-state')) === 'done', 'the answer to finish', 60_000);
    await vscode.wb.page.screenshot({ path: path.join(RESULTS, 'mcp-resource-mention-sent.png') });
  });

  it('completes the server\'s prompt on /, and the prompt\'s message with the arguments reaches the model', async () => {
    // The view is open already; the icon would toggle it closed, the command always shows it.
    const chat = await openHearth(vscode.wb.page, 'command');
    const composer = chat.locator('[data-testid="composer"]');
    await composer.click();
    await composer.pressSequentially('/mcp.every');
    const popup = chat.locator('[data-testid="slash-popup"]');
    await popup.waitFor({ state: 'visible', timeout: 30_000 });
    const option = chat.locator('[data-testid="slash-suggestion"][data-command="mcp.everything.args-prompt"]');
    await option.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await option.innerText(), /<city> \[state\]/);
    assert.match(await option.innerText(), /MCP prompt of everything/);
    await vscode.wb.page.screenshot({ path: path.join(RESULTS, 'mcp-prompt-slash-popup.png') });
    await option.click();
    assert.equal(await composer.inputValue(), '/mcp.everything.args-prompt ');

    fixture.enqueue({ kind: 'text', text: 'Foggy, as usual.' });
    const before = fixture.requests.length;
    const answersBefore = await chatAnswers(chat).count();
    await composer.pressSequentially('"San Francisco" California');
    await composer.press('Enter');
    const toModel = await until(async () => userMessageToModel(before), 'the prompt to reach the model', 30_000);
    assert.equal(toModel, "What's weather in San Francisco, California?");
    const answer = await untilAnswerDone(chat, answersBefore);
    assert.equal(await chat.locator('[data-testid="user-message"]').last().innerText(), '/mcp.everything.args-prompt "San Francisco" California');
    assert.match(await answer.innerText(), /Foggy, as usual\./);
    await vscode.wb.page.screenshot({ path: path.join(RESULTS, 'mcp-prompt-slash-sent.png') });
  });

  it('fills a resource template\'s variable in the picker, where the typed value comes first, and attaches that resource', async () => {
    const chat = await openHearth(vscode.wb.page, 'command');
    const composer = chat.locator('[data-testid="composer"]');
    await composer.click();
    await composer.pressSequentially('Read @dynamic/text');
    const template = chat.locator('[data-testid="mention-suggestion"][data-path="mcp:everything/demo://resource/dynamic/text/{resourceId}"]');
    await template.waitFor({ state: 'visible', timeout: 30_000 });
    await template.click();
    // VS Code's quick pick, titled with the server; the server's suggestions (completion/complete) join the typed value.
    const title = vscode.wb.page.locator('.quick-input-widget .quick-input-title');
    await until(async () => /MCP server “everything” \(1\/1\)/.test(await title.innerText().catch(() => '')), 'the template picker', 30_000);
    await vscode.wb.page.keyboard.type('12');
    const first = vscode.wb.page.locator('.quick-input-list .monaco-list-row').first();
    await until(async () => /12/.test(await first.innerText().catch(() => '')) && /as typed/.test(await first.innerText().catch(() => '')), 'the typed value as the first row', 10_000);
    await vscode.wb.page.screenshot({ path: path.join(RESULTS, 'mcp-template-picker.png') });
    await vscode.wb.page.keyboard.press('Enter');
    await until(async () => (await composer.inputValue()).includes('@mcp:everything/demo://resource/dynamic/text/12 '), 'the expanded mention in the input', 10_000);
    const chips = chat.locator('[data-testid="context-chips"]');
    await until(async () => (await chips.innerText()).includes('12'), 'the resource chip');
  });
});
