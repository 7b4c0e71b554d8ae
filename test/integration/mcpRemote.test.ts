/**
 * Remote mode: a developer's own stdio MCP server (server-everything, from
 * npm) stays on the developer's machine; its tools are offered to the team
 * server's agent as client tools and run through the same tool-request path
 * as file tools. This checks that namespaced names and simplified schemas
 * pass the team server's protocol validation, and that results come back.
 */
import assert from 'node:assert/strict';
import type { AgentEvent, ToolCall } from '../../protocol/chat';
import { withMcpTools } from '../../agent-host';
import { RemoteAgent } from '../../language-server/remote/remoteAgent';
import { EVERYTHING_SERVER, MODEL } from './mcpHarness';
import { useRemoteMcpSuite } from './remoteMcpSuite';

describe('MCP tools of the developer in remote mode (integration)', function () {
  this.timeout(60_000);
  const suite = useRemoteMcpSuite({
    mcp: { name: 'everything', command: process.execPath, args: [EVERYTHING_SERVER, 'stdio'] },
    ready: { until: (manager) => manager.tools().length > 0, what: 'server-everything to list its tools' },
  });

  it('offers the MCP tools to the team server\'s agent and runs them on the client, after the client\'s approval', async () => {
    const authorized: ToolCall[] = [];
    const { fixture, connection, manager } = suite;
    const executor = withMcpTools(undefined, manager, {
      authorize: async (_tool, call) => {
        authorized.push(call);
        return undefined;
      },
    });
    fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'everything.get-sum', arguments: { a: 40, b: 2 } }] },
      { kind: 'toolCalls', calls: [{ name: 'everything.echo', arguments: { message: 'through the team server' } }] },
      { kind: 'text', text: 'Done.' },
    );
    const events: AgentEvent[] = [];
    for await (const e of new RemoteAgent(connection).startTurn([], { text: 'Add and echo', context: [] }, { model: MODEL, executor }, new AbortController().signal)) events.push(e);

    assert.deepEqual(events.at(-1), { type: 'done', reason: 'stop' }, JSON.stringify(events.filter((e) => e.type === 'error')));
    const offered = (fixture.requests.find((r) => r.path === '/api/chat')!.body.tools as { function: { name: string } }[]).map((t) => t.function.name);
    assert.ok(offered.includes('everything.get-sum') && offered.includes('everything.trigger-long-running-operation'), offered.join(', '));
    assert.deepEqual(authorized.map((c) => c.name), ['everything.get-sum', 'everything.echo']);
    const results = events.filter((e): e is Extract<AgentEvent, { type: 'toolResult' }> => e.type === 'toolResult').map((e) => e.result.content);
    assert.deepEqual(results, ['The sum of 40 and 2 is 42.', 'Echo: through the team server']);
    const messages = fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!.body.messages as { role: string; content: string }[];
    assert.ok(messages.some((m) => m.role === 'tool' && m.content === 'Echo: through the team server'), 'the result reached the model on the team server');
  });
});
