/**
 * Turning an MCP tool off in a real VS Code: the user's own stdio server
 * (test/fixtures/mcpManyToolsServer.main.ts, three tools) runs; in "Hearth:
 * List MCP Servers" the test picks it, then "Choose its tools…", unticks one
 * tool's checkbox and confirms. The choice is written to the user's
 * settings.json, and the next chat request offers the model the other two
 * tools only, with no restart of anything.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useOllamaFixture } from './support/useOllamaFixture';
import { REPO_ROOT } from './support/codeServer';
import { openHearth, runCommand, sendChatMessage, until, untilAnswerDone, untilMcpServerRuns } from './support/workbench';
import { useHearthInVsCode } from './support/useHearthInVsCode';

const MANY_TOOLS = path.join(REPO_ROOT, 'out', 'test', 'fixtures', 'mcpManyToolsServer.main.mjs');

describe('Turning an MCP tool off from the server list in a real VS Code (e2e)', function () {
  this.timeout(180_000);
  const fixture = useOllamaFixture();
  const vscode = useHearthInVsCode({
    settings: () => ({
      'hearth.ollama.host': fixture.url,
      'hearth.chat.model': 'qwen2.5-coder:7b',
      'hearth.mcp.servers': { tracker: { command: process.execPath, args: [MANY_TOOLS, '3', '60'] } },
    }),
  });

  it('unticks a tool in "Choose its tools…", writes it to the user settings, and the model is no longer offered it', async () => {
    const page = vscode.wb.page;
    const chat = await openHearth(page);
    await untilMcpServerRuns(page, 'tracker');

    await runCommand(page, 'Hearth: List MCP Servers');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'tracker' }).first().click();
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Choose its tools' }).first().click();
    // The checkbox list: every tool is on, so every box is ticked; the test unticks one and confirms.
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'tracker.tool_0002' }).first();
    await row.waitFor({ timeout: 10_000 });
    // VS Code draws the quick pick's checkboxes as its own toggles, with role="checkbox" and aria-checked.
    const checkboxes = page.locator('.quick-input-list .monaco-list-row [role="checkbox"]');
    await until(async () => (await checkboxes.count()) === 3, 'a checkbox per tool');
    for (let i = 0; i < 3; i++) assert.equal(await checkboxes.nth(i).getAttribute('aria-checked'), 'true', 'the tools that are on are ticked');
    await row.locator('[role="checkbox"]').click();
    await until(async () => (await row.locator('[role="checkbox"]').getAttribute('aria-checked')) === 'false', 'the box to be unticked');
    await page.keyboard.press('Enter');

    const settingsFile = path.join(vscode.server.userDataDir, 'User', 'settings.json');
    const written = await until(async () => {
      const text = fs.readFileSync(settingsFile, 'utf8');
      return text.includes('hearth.mcp.disabledTools') ? text : undefined;
    }, 'the choice to reach the user settings');
    assert.deepEqual((JSON.parse(written) as Record<string, unknown>)['hearth.mcp.disabledTools'], ['tracker.tool_0002']);

    fixture.enqueue({ kind: 'text', text: 'Nothing open.' });
    const before = fixture.requests.length;
    await sendChatMessage(chat, 'What is open in the tracker?');
    const request = await fixture.waitFor((r) => r.id > before && r.path === '/api/chat' && r.body !== undefined, 30_000);
    const offered = (request.body.tools as { function: { name: string } }[]).map((t) => t.function.name).filter((n) => n.startsWith('tracker.'));
    assert.deepEqual(offered, ['tracker.tool_0001', 'tracker.tool_0003']);
    await untilAnswerDone(chat, 0);
  });
});
