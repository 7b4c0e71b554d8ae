/**
 * MCP in a real VS Code: a workspace whose .vscode/mcp.json names a real
 * third-party server (@modelcontextprotocol/server-everything). The server
 * starts only after the test trusts it in Hearth's prompt; the agent's call to
 * one of its tools runs only after the test allows it on its card in the chat.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useOllamaFixture } from './support/useOllamaFixture';
import { REPO_ROOT } from './support/codeServer';
import { openHearth, until, untilMcpServerRuns } from './support/workbench';
import { useHearthInVsCode } from './support/useHearthInVsCode';

const EVERYTHING = path.join(REPO_ROOT, 'node_modules', '@modelcontextprotocol', 'server-everything', 'dist', 'index.js');

describe('MCP servers from .vscode/mcp.json in a real VS Code (e2e)', function () {
  this.timeout(180_000);
  const fixture = useOllamaFixture();
  const vscode = useHearthInVsCode({
    settings: () => ({ 'hearth.ollama.host': fixture.url, 'hearth.chat.model': 'qwen2.5-coder:7b' }),
    prepareWorkspace: (workspace) => {
      fs.mkdirSync(path.join(workspace, '.vscode'));
      fs.writeFileSync(path.join(workspace, '.vscode', 'mcp.json'), JSON.stringify({ servers: { everything: { type: 'stdio', command: process.execPath, args: [EVERYTHING] } } }, null, 2));
    },
  });

  it('asks before starting the workspace’s MCP server, then the agent calls its tool after approval', async () => {
    const chat = await openHearth(vscode.wb.page);
    // Hearth's trust prompt names the server and its exact command line.
    const dialog = vscode.wb.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 60_000 });
    assert.match(await dialog.innerText(), /everything/);
    assert.ok((await dialog.innerText()).includes(EVERYTHING), 'the prompt shows the command line');
    await dialog.getByRole('button', { name: 'Start Server' }).click();

    // The server's tools appear in Hearth's MCP list once it is running.
    await untilMcpServerRuns(vscode.wb.page, 'everything');

    fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'everything.echo', arguments: { message: 'hello from the e2e test' } }] },
      { kind: 'text', text: 'The server echoed it.' },
    );
    const before = fixture.requests.length;
    const composer = chat.locator('[data-testid="composer"]');
    await composer.click();
    await composer.fill('Echo something with the MCP server');
    await composer.press('Enter');

    const offered = await fixture.waitFor((r) => r.id > before && r.path === '/api/chat' && r.body !== undefined, 30_000);
    assert.ok((offered.body.tools as { function: { name: string } }[]).some((t) => t.function.name === 'everything.echo'));
    // The approval is a card in the tool call's row in the chat, naming the server, the tool and the arguments.
    const card = chat.locator('[data-testid="approval-card"][data-kind="mcpTool"]');
    await card.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await card.locator('[data-testid="approval-mcp-tool"]').innerText(), 'everything.echo');
    assert.match(await card.locator('[data-testid="approval-arguments"]').innerText(), /"message": "hello from the e2e test"/);
    await card.locator('[data-testid="approval-allow"]').click();

    const answer = chat.locator('[data-testid="assistant-message"]').last();
    await until(async () => (await answer.getAttribute('data-state')) === 'done', 'the turn to finish', 60_000);
    assert.match(await answer.innerText(), /The server echoed it\./);
    assert.match(await answer.locator('[data-testid="tool-name"]').first().innerText(), /everything\.echo/);
    const followUp = fixture.requests.filter((r) => r.id > before && r.path === '/api/chat').at(-1)!;
    const toolMessage = (followUp.body.messages as { role: string; content: string }[]).find((m) => m.role === 'tool');
    assert.match(toolMessage?.content ?? '', /hello from the e2e test/);
  });
});
