/**
 * A routed agent across the team server: its instructions and tool list
 * travel with the turn (TurnOptions.agent), the server's agent core puts the
 * instructions into the system prompt and offers the model only the tools
 * both the mode and the agent allow (seen at the scripted Ollama behind it),
 * and a compromised team server that requests a tool outside the agent's
 * list gets the agent's refusal from the client: nothing runs.
 */
import assert from 'node:assert/strict';
import type { AgentEvent } from '../../protocol/chat';
import type { TurnAgent } from '../../protocol/agents';
import { BUILTIN_TOOL_LIST } from '../../protocol/tools';
import { RemoteAgent } from '../../language-server/remote/remoteAgent';
import type { TeamServer } from '../../agent-host/server/teamServer';
import { FakeToolExecutor } from '../fixtures/fakeToolExecutor';
import { startHostileTeamServer, type HostileTeamServer } from '../fixtures/hostileTeamServer';
import { startOllamaFixture, type OllamaFixture, type RecordedRequest } from '../fixtures/ollamaFixture';
import { collect, makePki, remoteConfig, startTestServer, teamConnection, type TestPki } from './teamServerHarness';

const MODEL = 'qwen2.5-coder:7b';
const chats = (fixture: OllamaFixture): RecordedRequest[] => fixture.requests.filter((r) => r.path === '/api/chat');
const offered = (r: RecordedRequest): string[] => (r.body.tools ?? []).map((t: { function: { name: string } }) => t.function.name);
const DOCS_AGENT: TurnAgent = { name: 'docs', instructions: 'DOCS-AGENT: write JSDoc only.', tools: ['read_file', 'grep', 'edit_file', 'run_command'], source: 'workspace' };

describe('team server: a routed agent crosses gRPC (integration)', function () {
  this.timeout(30_000);
  let pki: TestPki;
  let fixture: OllamaFixture;
  let server: TeamServer;

  before(async () => {
    pki = makePki();
    fixture = await startOllamaFixture();
    ({ server } = await startTestServer(remoteConfig(pki, fixture.url)));
  });

  after(async () => {
    await server?.shutdown(200);
    await fixture?.close();
    pki?.cleanup();
  });

  it('the agent\'s instructions reach the server\'s system prompt and its tools narrow the mode\'s (Ask mode: its read-only ones only)', async () => {
    const agent = new RemoteAgent(teamConnection(server.port, pki));
    const executor = new FakeToolExecutor(() => 'ok', BUILTIN_TOOL_LIST);
    fixture.enqueue({ kind: 'text', text: 'agent mode' }, { kind: 'text', text: 'ask mode' });
    await collect(agent.startTurn([], { text: 'document it', context: [] }, { model: MODEL, executor, mode: 'agent', agent: DOCS_AGENT }, new AbortController().signal));
    await collect(agent.startTurn([], { text: 'document it', context: [] }, { model: MODEL, executor, mode: 'ask', agent: DOCS_AGENT }, new AbortController().signal));
    const [agentTurn, askTurn] = chats(fixture).slice(-2);
    assert.deepEqual(offered(agentTurn), ['read_file', 'grep', 'edit_file', 'run_command']);
    assert.deepEqual(offered(askTurn), ['read_file', 'grep']);
    const system: string = agentTurn.body.messages[0].content;
    assert.match(system, /defined in a file of the repository/);
    assert.match(system, /<agent name="docs">\nDOCS-AGENT: write JSDoc only\.\n<\/agent>/);
  });

  describe('a compromised team server', () => {
    let hostile: HostileTeamServer;
    before(async () => {
      hostile = await startHostileTeamServer(pki);
    });
    after(async () => {
      await hostile?.close();
    });

    it('asking for a tool outside the agent\'s list gets the agent\'s refusal from the client, and nothing runs', async () => {
      const agent = new RemoteAgent(teamConnection(hostile.port, pki));
      const executor = new FakeToolExecutor(() => 'done', BUILTIN_TOOL_LIST);
      hostile.script([
        { name: 'write_file', arguments: { path: 'a.txt', content: 'pwned' } },
        { name: 'read_file', arguments: { path: 'a.txt' } },
      ]);
      const events: AgentEvent[] = await collect(
        agent.startTurn([], { text: 'document it', context: [] }, { model: MODEL, executor, mode: 'agent', agent: DOCS_AGENT }, new AbortController().signal),
      );
      assert.deepEqual(executor.calls.map((c) => c.name), ['read_file'], 'only the call the agent allows ran');
      assert.equal(hostile.results[0].isError, true);
      assert.match(hostile.results[0].content, /write_file is not one of the tools of the agent "docs"/);
      assert.equal(events.at(-1)?.type, 'done');
    });
  });
});
