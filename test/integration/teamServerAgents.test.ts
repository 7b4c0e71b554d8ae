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
import { FakeToolExecutor } from '../fixtures/fakeToolExecutor';
import { startHostileTeamServer, type HostileTeamServer } from '../fixtures/hostileTeamServer';
import { chatRequests, offeredTools, type RecordedRequest } from '../fixtures/ollamaFixture';
import { collect, eventually, teamConnection, useScriptedTeamServer } from './teamServerHarness';

const MODEL = 'qwen2.5-coder:7b';
const DOCS_AGENT: TurnAgent = { name: 'docs', instructions: 'DOCS-AGENT: write JSDoc only.', tools: ['read_file', 'grep', 'edit_file', 'run_command'], source: 'workspace' };

describe('team server: a routed agent crosses gRPC (integration)', function () {
  this.timeout(30_000);
  const suite = useScriptedTeamServer();

  it('the agent\'s instructions reach the server\'s system prompt and its tools narrow the mode\'s (Ask mode: its read-only ones only)', async () => {
    const agent = new RemoteAgent(teamConnection(suite.server.port, suite.pki));
    const executor = new FakeToolExecutor(() => 'ok', BUILTIN_TOOL_LIST);
    suite.fixture.enqueue({ kind: 'text', text: 'agent mode' }, { kind: 'text', text: 'ask mode' });
    await collect(agent.startTurn([], { text: 'document it', context: [] }, { model: MODEL, executor, mode: 'agent', agent: DOCS_AGENT }, new AbortController().signal));
    await collect(agent.startTurn([], { text: 'document it', context: [] }, { model: MODEL, executor, mode: 'ask', agent: DOCS_AGENT }, new AbortController().signal));
    const [agentTurn, askTurn] = chatRequests(suite.fixture).slice(-2);
    assert.deepEqual(offeredTools(agentTurn), ['read_file', 'grep', 'edit_file', 'run_command']);
    assert.deepEqual(offeredTools(askTurn), ['read_file', 'grep']);
    const system: string = agentTurn.body.messages[0].content;
    assert.match(system, /defined in a file of the repository/);
    assert.match(system, /<agent name="docs">\nDOCS-AGENT: write JSDoc only\.\n<\/agent>/);
  });

  it('agents a sub-agent can run as cross gRPC: the server\'s core offers them by name and runs the named one read-only, with its instructions', async () => {
    const agent = new RemoteAgent(teamConnection(suite.server.port, suite.pki));
    const executor = new FakeToolExecutor(() => 'SELECT * FROM users WHERE name = \' + name', BUILTIN_TOOL_LIST);
    const security = { name: 'security', description: 'Finds injections', instructions: 'SECURITY-RULES: cite lines.', tools: ['read_file', 'grep', 'run_command'], source: 'user' as const };
    const isSub = (r: RecordedRequest): boolean => /researcher sub-agent/.test(r.body?.messages?.[0]?.content ?? '');
    const before = chatRequests(suite.fixture).length;
    suite.fixture.setResponder((r) => {
      const last = r.body.messages.at(-1);
      if (isSub(r)) return last.role === 'tool' ? { kind: 'text', text: 'Injection at line 1.' } : { kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'db.js' } }] };
      if (last.role === 'tool') return { kind: 'text', text: 'done' };
      return { kind: 'toolCalls', calls: [{ name: 'run_subagents', arguments: { agents: [{ agent: 'security', task: 'Review db.js' }] } }] };
    });
    try {
      await collect(agent.startTurn([], { text: 'is db.js safe?', context: [] }, { model: MODEL, executor, mode: 'agent', subagents: { agents: [security] } }, new AbortController().signal));
    } finally {
      suite.fixture.setResponder(undefined);
    }
    const requests = chatRequests(suite.fixture).slice(before);
    const tool = requests[0].body.tools.find((t: { function: { name: string } }) => t.function.name === 'run_subagents');
    assert.deepEqual(tool.function.parameters.properties.agents.items.properties.agent.enum, ['security']);
    const sub = requests.filter(isSub);
    assert.equal(sub.length, 2);
    assert.match(sub[0].body.messages[0].content, /<agent name="security">\nSECURITY-RULES: cite lines\.\n<\/agent>/);
    for (const r of sub) assert.deepEqual(offeredTools(r), ['read_file', 'grep']);
    assert.deepEqual(executor.calls.map((c) => c.name), ['read_file'], 'the sub-agent\'s read ran on the client');
    assert.match(requests.at(-1)!.body.messages.at(-1).content, /researcher as @security \(stop\)[\s\S]*Injection at line 1\./);
  });

  it("a named sub-agent's model crosses gRPC: the server's core runs it on that model, its card names the agent, a fallback's warning arrives, and a model no backend has is refused like the turn's own", async () => {
    const agent = new RemoteAgent(teamConnection(suite.server.port, suite.pki));
    const executor = new FakeToolExecutor(() => 'ok', BUILTIN_TOOL_LIST);
    const SMALL = 'llama3.2:3b';
    const agents = [
      { name: 'fast', description: 'Quick looks', instructions: 'FAST-RULES', source: 'user' as const, model: SMALL },
      { name: 'cloud', description: 'Deep thoughts', instructions: 'CLOUD-RULES', source: 'user' as const, modelNote: 'model "gpt-5" is not available here' },
      // A client may name any model; the server's router serves only what its backends have, as for the turn's model.
      { name: 'rogue', description: 'Wants a model the server lacks', instructions: 'ROGUE-RULES', source: 'user' as const, model: 'not-on-this-server:70b' },
    ];
    const subOf = (r: RecordedRequest): string | undefined => /(FAST|CLOUD|ROGUE)-RULES/.exec(r.body?.messages?.[0]?.content ?? '')?.[1];
    const before = chatRequests(suite.fixture).length;
    suite.fixture.setResponder((r) => {
      const sub = subOf(r);
      if (sub) return { kind: 'text', text: `${sub} report` };
      if (r.body.messages.at(-1).role === 'tool') return { kind: 'text', text: 'done' };
      return { kind: 'toolCalls', calls: [{ name: 'run_subagents', arguments: { agents: agents.map((a) => ({ agent: a.name, task: `task for ${a.name}` })) } }] };
    });
    let events: AgentEvent[];
    try {
      events = await collect(agent.startTurn([], { text: 'ask the agents', context: [] }, { model: MODEL, executor, mode: 'agent', subagents: { agents, maxParallel: 3 } }, new AbortController().signal));
    } finally {
      suite.fixture.setResponder(undefined);
    }
    const requests = chatRequests(suite.fixture).slice(before);
    assert.deepEqual(requests.filter((r) => subOf(r)).map((r) => [subOf(r), r.body.model]).sort(), [['CLOUD', MODEL], ['FAST', SMALL]], 'the rogue model never reached a backend');
    const spawned = events.filter((e): e is Extract<AgentEvent, { type: 'agentSpawn' }> => e.type === 'agentSpawn').map((e) => ({ agent: e.agent.agent, model: e.agent.model }));
    assert.deepEqual(spawned, [
      { agent: 'fast', model: SMALL },
      { agent: 'cloud', model: MODEL },
      { agent: 'rogue', model: 'not-on-this-server:70b' },
    ]);
    const warnings = events.filter((e) => e.type === 'agentEvent' && e.event.type === 'status').map((e) => (e.type === 'agentEvent' && e.event.type === 'status' ? e.event : undefined));
    assert.deepEqual(warnings, [{ type: 'status', level: 'warning', message: `@cloud: model "gpt-5" is not available here; this sub-agent uses ${MODEL}.` }]);
    // They run side by side, so their results arrive in any order: matched by id.
    const nameOf = new Map(events.flatMap((e) => (e.type === 'agentSpawn' ? [[e.agent.id, e.agent.agent]] : [])));
    const outcomes = new Map(events.flatMap((e) => (e.type === 'agentResult' ? [[nameOf.get(e.agentId), e.outcome]] : [])));
    assert.deepEqual([...outcomes].map(([name, o]) => [name, o.reason]).sort(), [['cloud', 'stop'], ['fast', 'stop'], ['rogue', 'error']]);
    assert.equal(outcomes.get('rogue')?.error?.code, 'modelNotFound');
    assert.match(outcomes.get('rogue')?.summary ?? '', /not-on-this-server:70b/);
  });

  it("a task longer than the client accepts on a sub-agent's card fails that sub-agent only: the turn goes on and the main agent reads why", async () => {
    const agent = new RemoteAgent(teamConnection(suite.server.port, suite.pki));
    const executor = new FakeToolExecutor(() => 'export function add(a, b) { return a + b; }', BUILTIN_TOOL_LIST);
    // "Give each task everything it needs to know": a model that pastes a whole file into the task.
    const pasted = `Review this file:\n${'export const line = 1;\n'.repeat(1500)}`;
    const isSub = (r: RecordedRequest): boolean => /sub-agent of Hearth/.test(r.body?.messages?.[0]?.content ?? '');
    const before = chatRequests(suite.fixture).length;
    suite.fixture.setResponder((r) => {
      const last = r.body.messages.at(-1);
      if (isSub(r)) return { kind: 'text', text: 'Looked.' };
      if (last.role === 'tool') return { kind: 'text', text: 'Reported back.' };
      return { kind: 'toolCalls', calls: [{ name: 'run_subagents', arguments: { agents: [{ role: 'researcher', task: pasted }, { role: 'explorer', task: 'find add' }] } }] };
    });
    let events: AgentEvent[];
    try {
      events = await collect(agent.startTurn([], { text: 'review it', context: [] }, { model: MODEL, executor, mode: 'agent', subagents: {} }, new AbortController().signal));
    } finally {
      suite.fixture.setResponder(undefined);
    }
    assert.deepEqual(events.filter((e) => e.type === 'error'), [], 'no error ends the turn');
    assert.deepEqual(events.at(-1), { type: 'done', reason: 'stop' });
    const outcomes = events.flatMap((e) => (e.type === 'agentResult' ? [[e.agentId, e.outcome.reason]] : []));
    assert.deepEqual(outcomes.map(([, reason]) => reason).sort(), ['error', 'stop']);
    const requests = chatRequests(suite.fixture).slice(before);
    assert.equal(requests.filter(isSub).length, 1, 'only the explorer asked the model');
    assert.match(requests.at(-1)!.body.messages.at(-1).content, /Sub-agent 1: researcher \(error\)[\s\S]*too long[\s\S]*Sub-agent 2: explorer \(stop\)/);
  });

  it("the admin page's usage counts the sub-agents' model calls with the main agent's", async () => {
    const agent = new RemoteAgent(teamConnection(suite.server.port, suite.pki));
    const executor = new FakeToolExecutor(() => 'export function add(a, b) { return a + b; }', BUILTIN_TOOL_LIST);
    const alice = () => suite.server.activity.snapshot().users.find((u) => u.user === 'alice');
    const before = alice() ?? { turns: 0, promptTokens: 0, completionTokens: 0 };
    suite.fixture.setResponder((r) => {
      const last = r.body.messages.at(-1);
      if (/explorer sub-agent/.test(r.body?.messages?.[0]?.content ?? '')) {
        return last.role === 'tool' ? { kind: 'text', text: 'add is in math.js, line 1, and it adds its two arguments.' } : { kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'math.js' } }] };
      }
      if (last.role === 'tool') return { kind: 'text', text: 'Found it.' };
      return { kind: 'toolCalls', calls: [{ name: 'run_subagents', arguments: { agents: [{ role: 'explorer', task: 'find add' }, { role: 'explorer', task: 'find its callers' }] } }] };
    });
    let events: AgentEvent[];
    try {
      events = await collect(agent.startTurn([], { text: 'where is add?', context: [] }, { model: MODEL, executor, mode: 'agent', subagents: {} }, new AbortController().signal));
    } finally {
      suite.fixture.setResponder(undefined);
    }
    const main = events.flatMap((e) => (e.type === 'usage' ? [e.usage] : [])).at(-1)!;
    const subs = events.flatMap((e) => (e.type === 'agentResult' && e.outcome.usage ? [e.outcome.usage] : []));
    assert.equal(subs.length, 2, 'each explorer reported its usage');
    const after = await eventually(() => {
      const u = alice();
      return u && u.turns > before.turns ? u : undefined;
    }, 5000, "the turn's end on the admin page");
    const expected = (key: 'promptTokens' | 'completionTokens') => main[key] + subs.reduce((n, u) => n + u[key], 0);
    assert.equal(after.promptTokens - before.promptTokens, expected('promptTokens'));
    assert.equal(after.completionTokens - before.completionTokens, expected('completionTokens'));
  });

  describe('a compromised team server', () => {
    let hostile: HostileTeamServer;
    before(async () => {
      hostile = await startHostileTeamServer(suite.pki);
    });
    after(async () => {
      await hostile?.close();
    });

    it('asking for a tool outside the agent\'s list gets the agent\'s refusal from the client, and nothing runs', async () => {
      const agent = new RemoteAgent(teamConnection(hostile.port, suite.pki));
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
