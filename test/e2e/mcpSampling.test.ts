/**
 * MCP sampling in a real VS Code: the user's own MCP server
 * (@modelcontextprotocol/server-everything, from `hearth.mcp.servers`) asks
 * the user's model for a completion during one of its tools. The request is a
 * card in that tool call's row showing the exact prompt and the model; the
 * scripted Ollama gets it only after the test clicks Allow once.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { useOllamaFixture } from './support/useOllamaFixture';
import { REPO_ROOT } from './support/codeServer';
import { openHearth, until, untilMcpServerRuns } from './support/workbench';
import { useHearthInVsCode } from './support/useHearthInVsCode';

const EVERYTHING = path.join(REPO_ROOT, 'node_modules', '@modelcontextprotocol', 'server-everything', 'dist', 'index.js');
const MODEL = 'qwen2.5-coder:7b';

describe('MCP sampling approval in a real VS Code (e2e)', function () {
  this.timeout(180_000);
  const fixture = useOllamaFixture();
  const vscode = useHearthInVsCode({
    settings: () => ({
      'hearth.ollama.host': fixture.url,
      'hearth.chat.model': MODEL,
      'hearth.mcp.servers': { everything: { command: process.execPath, args: [EVERYTHING, 'stdio'] } },
    }),
  });

  it('shows the server\'s sampling request on a card and sends it to the model only after Allow once', async () => {
    const chat = await openHearth(vscode.wb.page);
    fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'everything.trigger-sampling-request', arguments: { prompt: 'Name a colour', maxTokens: 32 } }] },
      { kind: 'text', text: 'Teal.' },
      { kind: 'text', text: 'The server got its answer.' },
    );
    // The user's server starts without a prompt; its tools appear in Hearth's MCP list once it runs.
    await untilMcpServerRuns(vscode.wb.page, 'everything');
    const composer = chat.locator('[data-testid="composer"]');
    await composer.click();
    await composer.fill('Ask the server to sample');
    await composer.press('Enter');

    // First the tool call itself asks, as every MCP tool call does.
    const toolCard = chat.locator('[data-testid="approval-card"][data-kind="mcpTool"]');
    await toolCard.waitFor({ state: 'visible', timeout: 30_000 });
    await toolCard.locator('[data-testid="approval-allow"]').click();

    const card = chat.locator('[data-testid="tool-row"] [data-testid="approval-card"][data-kind="mcpSampling"]');
    await card.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await card.locator('[data-testid="approval-mcp-server"]').innerText(), /everything/);
    assert.equal(await card.locator('[data-testid="approval-sampling-system"]').innerText(), 'You are a helpful test server.');
    assert.match(await card.locator('[data-testid="approval-sampling-messages"]').innerText(), /Resource trigger-sampling-request context: Name a colour/);
    assert.match(await card.locator('[data-testid="approval-sampling-model"]').innerText(), new RegExp(`${MODEL.replace(/[.]/g, '\\.')}, at most 32 tokens`));
    assert.equal(await card.locator('[data-testid="approval-always-allow"]').count(), 0, 'no "always allow" for sampling');
    const sampledBefore = fixture.requests.filter((r) => r.path === '/api/chat' && JSON.stringify(r.body).includes('Name a colour') && !(r.body.tools as unknown[] | undefined)?.length);
    assert.equal(sampledBefore.length, 0, 'nothing was sent to the model before the user answered');
    await card.locator('[data-testid="approval-allow"]').click();

    const answer = chat.locator('[data-testid="assistant-message"]').last();
    await until(async () => (await answer.getAttribute('data-state')) === 'done', 'the turn to finish', 60_000);
    assert.match(await answer.innerText(), /The server got its answer\./);
    assert.match(await card.locator('[data-testid="approval-outcome"]').innerText(), /Allowed once/);
    const sampled = fixture.requests.filter((r) => r.path === '/api/chat' && (r.body.messages as { role: string; content: string }[]).some((m) => m.role === 'system' && m.content === 'You are a helpful test server.'));
    assert.equal(sampled.length, 1);
    assert.equal((sampled[0].body.options as { num_predict?: number }).num_predict, 32);
  });
});
