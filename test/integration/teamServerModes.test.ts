/**
 * Chat modes and rules files across the team server: the client sends every
 * tool with the mode, the server's agent core offers the model only what the
 * mode allows (seen at the scripted Ollama behind it), the rules text read on
 * the developer's machine reaches the model's system prompt, and a
 * compromised team server that requests write_file in Ask mode gets the
 * mode's refusal from the client: nothing runs.
 */
import assert from 'node:assert/strict';
import type { AgentEvent } from '../../protocol/chat';
import { BUILTIN_TOOL_LIST } from '../../protocol/tools';
import { RemoteAgent } from '../../language-server/remote/remoteAgent';
import { FakeToolExecutor } from '../fixtures/fakeToolExecutor';
import { startHostileTeamServer, type HostileTeamServer } from '../fixtures/hostileTeamServer';
import { chatRequests, offeredTools } from '../fixtures/ollamaFixture';
import { collect, teamConnection, useScriptedTeamServer } from './teamServerHarness';

const MODEL = 'qwen2.5-coder:7b';

describe('team server: chat modes and rules files cross gRPC (integration)', function () {
  this.timeout(30_000);
  const suite = useScriptedTeamServer();

  it('Ask mode: the team server offers the model only the read-only tools, and Agent mode all of them', async () => {
    const agent = new RemoteAgent(teamConnection(suite.server.port, suite.pki));
    const executor = new FakeToolExecutor(() => 'ok', BUILTIN_TOOL_LIST);
    suite.fixture.enqueue({ kind: 'text', text: 'read-only answer' }, { kind: 'text', text: 'agent answer' });
    await collect(agent.startTurn([], { text: 'explain', context: [] }, { model: MODEL, executor, mode: 'ask' }, new AbortController().signal));
    await collect(agent.startTurn([], { text: 'do it', context: [] }, { model: MODEL, executor, mode: 'agent' }, new AbortController().signal));
    const [askTurn, agentTurn] = chatRequests(suite.fixture).slice(-2);
    assert.deepEqual(offeredTools(askTurn), ['read_file', 'list_dir', 'glob', 'grep', 'get_problems', 'find_symbol', 'codebase_search', 'fetch_web_page', 'load_skill']);
    assert.deepEqual(offeredTools(agentTurn), BUILTIN_TOOL_LIST.map((t) => t.name));
  });

  it('Plan mode and the rules files reach the system prompt on the team server', async () => {
    const agent = new RemoteAgent(teamConnection(suite.server.port, suite.pki));
    suite.fixture.enqueue({ kind: 'text', text: '1. Do it.' });
    await collect(
      agent.startTurn(
        [],
        { text: 'plan', context: [] },
        { model: MODEL, executor: new FakeToolExecutor(() => 'ok', BUILTIN_TOOL_LIST), mode: 'plan', rules: [{ path: 'AGENTS.md', text: 'TEAM-RULE: keep functions small.', truncated: false }] },
        new AbortController().signal,
      ),
    );
    const system: string = chatRequests(suite.fixture).at(-1)!.body.messages[0].content;
    assert.match(system, /Plan mode/);
    assert.match(system, /<rules file="AGENTS.md">\nTEAM-RULE: keep functions small\./);
    assert.deepEqual(offeredTools(chatRequests(suite.fixture).at(-1)!), ['read_file', 'list_dir', 'glob', 'grep', 'get_problems', 'find_symbol', 'codebase_search', 'fetch_web_page', 'load_skill']);
  });

  describe('a compromised team server', () => {
    let hostile: HostileTeamServer;
    before(async () => {
      hostile = await startHostileTeamServer(suite.pki);
    });
    after(async () => {
      await hostile?.close();
    });

    it('asking for write_file in Ask mode gets the mode’s refusal from the client, and nothing runs', async () => {
      const agent = new RemoteAgent(teamConnection(hostile.port, suite.pki));
      const executor = new FakeToolExecutor(() => 'written', BUILTIN_TOOL_LIST);
      hostile.script([
        { name: 'write_file', arguments: { path: 'a.txt', content: 'pwned' } },
        { name: 'read_file', arguments: { path: 'a.txt' } },
      ]);
      const events: AgentEvent[] = await collect(agent.startTurn([], { text: 'explain', context: [] }, { model: MODEL, executor, mode: 'ask' }, new AbortController().signal));
      assert.deepEqual(executor.calls.map((c) => c.name), ['read_file'], 'only the read-only call ran');
      assert.equal(hostile.results[0].isError, true);
      assert.match(hostile.results[0].content, /write_file is not available in Ask mode/);
      assert.equal(events.at(-1)?.type, 'done');
    });
  });
});
