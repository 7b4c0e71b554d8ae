/**
 * Remote mode, through the real language server signed in to a real team
 * server over TLS: a tool of the developer's own MCP server that the user
 * turned off (`hearth.mcp.disabledTools`) is not among the tools the client
 * sends the team server, so the team's model is not offered it, and a call
 * the model makes to it anyway never runs on the developer's machine and is
 * refused as turned off (the client names the tools that are off), not as
 * a tool the team server was never given.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { chatRequests, offeredTools } from '../fixtures/ollamaFixture';
import { toolMessages } from './mcpHarness';
import { useSignedInHearth } from './signedInHearthSuite';

const MANY_TOOLS = fileURLToPath(new URL('../fixtures/mcpManyToolsServer.main.mjs', import.meta.url));

describe('MCP tools the user turned off, in remote mode (integration)', function () {
  this.timeout(60_000);
  const suite = useSignedInHearth({
    name: 'mcp-off-remote',
    mcp: { servers: { tracker: { command: process.execPath, args: [MANY_TOOLS, '3', '60'] } }, disabledTools: ['tracker.tool_0002'] },
    ready: (hearth) => hearth.waitForServer('tracker', (s) => s.state === 'running' && s.tools.length === 3, 'running with its 3 tools'),
  });

  it("does not send the team server a tool that is off, and a call to it does not run on the developer's machine", async () => {
    suite.fixture.enqueue(
      {
        kind: 'toolCalls',
        calls: [
          { name: 'tracker.tool_0002', arguments: { text: 'open bugs' } },
          { name: 'tracker.tool_0001', arguments: { text: 'open bugs' } },
        ],
      },
      { kind: 'text', text: 'Done.' },
    );
    const { results, doneReason } = await suite.hearth.turn('What is open in the tracker?');
    assert.equal(doneReason, 'stop');
    const offered = offeredTools(chatRequests(suite.fixture)[0]);
    assert.deepEqual(
      offered.filter((n) => n.startsWith('tracker.')),
      ['tracker.tool_0001', 'tracker.tool_0003'],
      `the team's model is offered the tools that are on: ${offered.join(', ')}`,
    );
    const byName = new Map(results.map((r) => [r.name, r]));
    assert.equal(byName.get('tracker.tool_0002')?.isError, true, JSON.stringify(results));
    // The team server was told the tool is off (not offered), so its agent core refuses the call with why, as the local one does.
    assert.match(byName.get('tracker.tool_0002')!.content, /^The user turned the tool tracker\.tool_0002 off, so Hearth does not run it\. Do not call it again/);
    const toolMessage = toolMessages(suite.fixture.requests).find((m) => m.tool_name === 'tracker.tool_0002');
    assert.match(toolMessage?.content ?? '', /The user turned the tool tracker\.tool_0002 off/, 'the team\'s model read why');
    assert.equal(byName.get('tracker.tool_0001')?.content, 'tool_0001: open bugs', 'a tool that is on runs on the client');
    assert.deepEqual(
      suite.hearth.approvals.map((a) => a.toolName),
      ['tracker.tool_0001'],
      'only the tool that is on reached the approval',
    );
  });
});
