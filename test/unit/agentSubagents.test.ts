/**
 * Sub-agents against the scripted Ollama: the main agent's run_subagents call
 * starts explorers side by side and an executor after them, each with its own
 * short context and tool set; their tool calls reach the same executor; their
 * reports come back to the main agent; Stop ends every model request of the
 * tree.
 */
import assert from 'node:assert/strict';
import type { AgentEvent, UserInput } from '../../protocol/chat';
import { BUILTIN_TOOLS, ToolName } from '../../protocol/tools';
import { createAgent } from '../../agent-host/index';
import { FakeToolExecutor, READ_TOOLS } from '../fixtures/fakeToolExecutor';
import { chatRequests, offeredTools, startOllamaFixture, type OllamaFixture, type RecordedRequest, type ScriptedReply } from '../fixtures/ollamaFixture';
import { collect, only } from '../fixtures/agentEvents';

const MODEL = 'qwen2.5-coder:7b';
const ask = (text: string): UserInput => ({ text, context: [] });
// Waiters see every request, /api/show included, so these read bodies without a `messages` list too.
const systemOf = (r: RecordedRequest): string => r.body?.messages?.[0]?.content ?? '';
const lastOf = (r: RecordedRequest): { role: string; content: string; tool_name?: string } => r.body.messages.at(-1);
const taskOf = (r: RecordedRequest): string => r.body?.messages?.find((m: { role: string }) => m.role === 'user')?.content ?? '';

const WRITE_TOOLS = [...READ_TOOLS, BUILTIN_TOOLS[ToolName.WriteFile]];

/**
 * The model as a function of what it is asked: the main agent delegates, then
 * answers from the reports; an explorer reads the file its task names, then
 * reports; an executor writes a file, then reports.
 */
function scriptedTeam(delegation: { role: string; task: string }[], tokenDelayMs = 0): (r: RecordedRequest) => ScriptedReply {
  return (r) => {
    const system = systemOf(r);
    const last = lastOf(r);
    if (/explorer sub-agent/.test(system)) {
      const file = /file (\S+)/.exec(taskOf(r))?.[1] ?? 'unknown';
      return last.role === 'tool'
        ? { kind: 'text', text: `${file} defines ${file.replace('.ts', '')}Thing.`, tokenDelayMs }
        : { kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: file } }], tokenDelayMs };
    }
    if (/executor sub-agent/.test(system)) {
      return last.role === 'tool'
        ? { kind: 'text', text: 'Wrote notes.md.' }
        : { kind: 'toolCalls', calls: [{ name: 'write_file', arguments: { path: 'notes.md', content: 'notes' } }] };
    }
    if (last.role === 'tool' && last.tool_name === 'run_subagents') return { kind: 'text', text: 'The team reported back.' };
    return { kind: 'toolCalls', calls: [{ name: 'run_subagents', arguments: { agents: delegation } }] };
  };
}

describe('agent sub-agents', () => {
  let fixture: OllamaFixture;

  beforeEach(async () => {
    fixture = await startOllamaFixture();
  });

  afterEach(async () => {
    await fixture.close();
  });

  it('runs two explorers side by side and an executor after them, and gives their reports to the main agent', async () => {
    fixture.setResponder(
      scriptedTeam(
        [
          { role: 'explorer', task: 'Find the file a.ts and say what it defines.' },
          { role: 'executor', task: 'Write notes.md.' },
          { role: 'explorer', task: 'Find the file b.ts and say what it defines.' },
        ],
        20,
      ),
    );
    const executor = new FakeToolExecutor((call) => `contents of ${String(call.arguments.path)}`, WRITE_TOOLS);
    const events = await collect(
      createAgent({ host: fixture.url }).startTurn([], ask('map the code and write notes'), { model: MODEL, executor, subagents: { maxParallel: 2 } }, new AbortController().signal),
    );

    assert.deepEqual(only(events, 'done'), [{ type: 'done', reason: 'stop' }]);
    const spawned = only(events, 'agentSpawn').map((e) => e.agent);
    assert.deepEqual(spawned.map((a) => a.role), ['explorer', 'explorer', 'executor'], 'read-only sub-agents start first');
    const [parentCall] = only(events, 'toolCall');
    assert.equal(parentCall.call.name, 'run_subagents');
    assert.ok(spawned.every((a) => a.parentCallId === parentCall.call.id && a.model === MODEL));

    // Each sub-agent's tool calls went through the turn's executor, with ids of their own.
    assert.deepEqual(executor.calls.map((c) => c.name).sort(), ['read_file', 'read_file', 'write_file']);
    for (const call of executor.calls) assert.ok(spawned.some((a) => call.id.startsWith(`${a.id}.`)), `call id ${call.id} names its sub-agent`);
    const activity = only(events, 'agentEvent');
    assert.ok(activity.every((e) => e.event.type !== 'toolCall' || e.event.call.id.startsWith(`${e.agentId}.`)));

    // The explorers overlapped: each asked the model before the other had finished its work.
    const explorerRequests = chatRequests(fixture).filter((r) => /explorer sub-agent/.test(systemOf(r)));
    const firstRound = explorerRequests.filter((r) => lastOf(r).role === 'user');
    assert.equal(firstRound.length, 2);
    const span = (file: string) => {
      const mine = explorerRequests.filter((r) => taskOf(r).includes(file));
      return { start: Math.min(...mine.map((r) => r.receivedAt)), end: Math.max(...mine.map((r) => r.finishedAt ?? Infinity)) };
    };
    const [a, b] = [span('a.ts'), span('b.ts')];
    assert.ok(a.start < b.end && b.start < a.end, `both explorers were at work at once (a ${JSON.stringify(a)}, b ${JSON.stringify(b)})`);
    const lastExplorerDone = Math.max(a.end, b.end);
    // The executor started only after both explorers were done.
    const executorFirst = chatRequests(fixture).find((r) => /executor sub-agent/.test(systemOf(r)))!;
    assert.ok(executorFirst.receivedAt >= lastExplorerDone, 'the executor ran after the explorers');

    // Each sub-agent had a short context of its own: its role prompt and its task, not the user's conversation.
    assert.ok(firstRound.every((r) => r.body.messages.length === 2 && !JSON.stringify(r.body.messages).includes('map the code')));
    assert.deepEqual(offeredTools(firstRound[0]).sort(), ['grep', 'list_dir', 'read_file'], 'explorers get the read-only tools only, and cannot nest');
    assert.deepEqual(offeredTools(executorFirst).sort(), ['grep', 'list_dir', 'read_file', 'write_file']);

    // The main agent read every report, in the order it asked for them.
    const results = only(events, 'agentResult');
    assert.equal(results.length, 3);
    assert.ok(results.every((r) => r.outcome.reason === 'stop'));
    const final = chatRequests(fixture).at(-1)!;
    const report = lastOf(final);
    assert.equal(report.tool_name, 'run_subagents');
    assert.match(report.content, /Sub-agent 1: explorer[\s\S]*a\.ts defines aThing[\s\S]*Sub-agent 2: executor[\s\S]*Wrote notes\.md[\s\S]*Sub-agent 3: explorer[\s\S]*b\.ts defines bThing/);
    assert.equal(only(events, 'text').map((e) => e.delta).join(''), 'The team reported back.');
  });

  it('refuses a write from a read-only sub-agent even when its model asks for one', async () => {
    fixture.setResponder((r) => {
      if (/explorer sub-agent/.test(systemOf(r))) {
        return lastOf(r).role === 'tool' ? { kind: 'text', text: 'I could not write.' } : { kind: 'toolCalls', calls: [{ name: 'write_file', arguments: { path: 'x.md', content: 'x' } }] };
      }
      if (lastOf(r).role === 'tool') return { kind: 'text', text: 'ok' };
      return { kind: 'toolCalls', calls: [{ name: 'run_subagents', arguments: { agents: [{ role: 'explorer', task: 'look around' }] } }] };
    });
    const executor = new FakeToolExecutor(() => 'written', WRITE_TOOLS);
    const events = await collect(createAgent({ host: fixture.url }).startTurn([], ask('x'), { model: MODEL, executor, subagents: {} }, new AbortController().signal));
    assert.equal(executor.calls.length, 0, 'nothing reached the machine');
    const refused = only(events, 'agentEvent').find((e) => e.event.type === 'toolResult');
    assert.ok(refused && refused.event.type === 'toolResult' && refused.event.result.isError);
    assert.match((refused.event as Extract<AgentEvent, { type: 'toolResult' }>).result.content, /no tool named "write_file"/);
  });

  it('offers no executor role when the turn has only read-only tools, and no tool at all unless asked', async () => {
    fixture.enqueue({ kind: 'text', text: 'a' }, { kind: 'text', text: 'b' });
    const agent = createAgent({ host: fixture.url });
    await collect(agent.startTurn([], ask('x'), { model: MODEL, executor: new FakeToolExecutor(() => ''), subagents: {} }, new AbortController().signal));
    await collect(agent.startTurn([], ask('x'), { model: MODEL, executor: new FakeToolExecutor(() => '') }, new AbortController().signal));
    const [withSubagents, without] = chatRequests(fixture);
    const tool = withSubagents.body.tools.find((t: { function: { name: string } }) => t.function.name === 'run_subagents');
    assert.deepEqual(tool.function.parameters.properties.agents.items.properties.role.enum, ['explorer', 'researcher']);
    assert.ok(!offeredTools(without).includes('run_subagents'));
  });

  it('uses the model the caller chose for a role', async () => {
    fixture.setModels([{ name: MODEL }, { name: 'qwen2.5-coder:1.5b' }]);
    fixture.setResponder(scriptedTeam([{ role: 'explorer', task: 'Find the file a.ts.' }]));
    const events = await collect(
      createAgent({ host: fixture.url }).startTurn(
        [],
        ask('x'),
        { model: MODEL, executor: new FakeToolExecutor(() => 'x'), subagents: { models: { explorer: 'qwen2.5-coder:1.5b' } } },
        new AbortController().signal,
      ),
    );
    assert.equal(only(events, 'agentSpawn')[0].agent.model, 'qwen2.5-coder:1.5b');
    assert.ok(chatRequests(fixture).filter((r) => /explorer sub-agent/.test(systemOf(r))).every((r) => r.body.model === 'qwen2.5-coder:1.5b'));
  });

  it("a sub-agent on another model sends that model's num_ctx and think, not the turn's, so Ollama does not reload it", async () => {
    // The turn's model has a small window (8192); the explorer's model is already loaded with 32768 (as the
    // inline suggestions left it). The turn's 8192 on that model would make Ollama reload it (sched.go needsReload).
    const EXPLORER = 'qwen2.5-coder:1.5b';
    fixture.setModels([{ name: 'gemma2:9b', contextLength: 8192 }, { name: EXPLORER, contextLength: 32768, capabilities: ['completion', 'tools', 'thinking'] }]);
    fixture.preload(EXPLORER, 32768);
    fixture.setResponder(scriptedTeam([{ role: 'explorer', task: 'Find the file a.ts.' }]));
    const planned: string[] = [];
    const plan = async (model: string) => {
      planned.push(model);
      return { numCtx: 32768, think: false as const };
    };
    const run = (subagents: object) =>
      collect(createAgent({ host: fixture.url }).startTurn([], ask('x'), { model: 'gemma2:9b', numCtx: 8192, think: undefined, executor: new FakeToolExecutor(() => 'x'), subagents }, new AbortController().signal));
    await run({ models: { explorer: EXPLORER }, plan });
    assert.deepEqual(planned, [EXPLORER]);
    const explorerRequests = () => chatRequests(fixture).filter((r) => /explorer sub-agent/.test(systemOf(r)));
    assert.ok(explorerRequests().length >= 2);
    assert.ok(explorerRequests().every((r) => r.body.options.num_ctx === 32768 && r.body.think === false), 'the explorer used its own model\'s plan');
    assert.equal(fixture.reloadCount, 0, `no model was reloaded: ${JSON.stringify(fixture.loads)}`);
    assert.ok(chatRequests(fixture).filter((r) => !/explorer sub-agent/.test(systemOf(r))).every((r) => r.body.options.num_ctx === 8192), "the turn kept its own model's num_ctx");

    // Without a plan from the caller, the core chooses from the explorer's own model (its context, capped), never the turn's.
    fixture.forgetRequests();
    await run({ models: { explorer: EXPLORER } });
    assert.ok(explorerRequests().length >= 2 && explorerRequests().every((r) => r.body.options.num_ctx === 32768));
    assert.equal(fixture.reloadCount, 0);
  });

  it('Stop ends the whole tree: every model request of every sub-agent is aborted and the turn ends cancelled', async () => {
    fixture.setResponder((r) => (/explorer sub-agent/.test(systemOf(r)) ? { kind: 'hang' } : scriptedTeam([{ role: 'explorer', task: 'task one' }, { role: 'explorer', task: 'task two' }])(r)));
    const controller = new AbortController();
    const events: AgentEvent[] = [];
    const running = (async () => {
      for await (const e of createAgent({ host: fixture.url }).startTurn([], ask('x'), { model: MODEL, executor: new FakeToolExecutor(() => 'x'), subagents: {} }, controller.signal)) events.push(e);
    })();
    await fixture.waitFor((r) => /explorer sub-agent/.test(systemOf(r)) && taskOf(r).includes('task two'), 5000);
    await fixture.waitFor((r) => /explorer sub-agent/.test(systemOf(r)) && taskOf(r).includes('task one'), 5000);
    controller.abort();
    await running;
    assert.deepEqual(events.at(-1), { type: 'done', reason: 'cancelled' });
    const explorers = chatRequests(fixture).filter((r) => /explorer sub-agent/.test(systemOf(r)));
    assert.equal(explorers.length, 2);
    for (const r of explorers) await fixture.waitFor((x) => x.id === r.id && x.outcome === 'aborted', 2000);
    assert.ok(only(events, 'agentResult').every((e) => e.outcome.reason === 'cancelled'));
  });

  it('a sub-agent whose model is missing reports the failure, and the main agent carries on', async () => {
    fixture.setResponder(scriptedTeam([{ role: 'explorer', task: 'Find the file a.ts.' }]));
    const events = await collect(
      createAgent({ host: fixture.url }).startTurn(
        [],
        ask('x'),
        { model: MODEL, executor: new FakeToolExecutor(() => 'x'), subagents: { models: { explorer: 'not-installed:1b' } } },
        new AbortController().signal,
      ),
    );
    const [result] = only(events, 'agentResult');
    assert.equal(result.outcome.reason, 'error');
    assert.match(result.outcome.summary, /not-installed:1b/);
    const parentResult = only(events, 'toolResult').find((e) => e.result.name === 'run_subagents')!;
    assert.equal(parentResult.result.isError, true, 'every sub-agent failed');
    assert.deepEqual(events.at(-1), { type: 'done', reason: 'stop' });
  });

  it('a named agent\'s sub-agent: its instructions, and only tools the turn\'s agent, its own list and read-only all allow; an unknown name is refused', async () => {
    const agents = [
      { name: 'security', description: 'Finds injections', instructions: 'SECURITY-RULES', tools: ['read_file', 'grep', 'write_file', 'run_command'], source: 'user' as const },
      { name: 'Bad Name', description: 'not an agent name', instructions: 'x', source: 'workspace' as const },
    ];
    const delegating = (entries: Record<string, string>[]) => (r: RecordedRequest): ScriptedReply => {
      if (/researcher sub-agent/.test(systemOf(r))) {
        return lastOf(r).role === 'tool' ? { kind: 'text', text: 'No injection.' } : { kind: 'toolCalls', calls: [{ name: 'write_file', arguments: { path: 'x.md', content: 'x' } }] };
      }
      if (lastOf(r).role === 'tool') return { kind: 'text', text: 'ok' };
      return { kind: 'toolCalls', calls: [{ name: 'run_subagents', arguments: { agents: entries } }] };
    };
    const executor = new FakeToolExecutor(() => 'written', WRITE_TOOLS);
    // The turn's own agent may read and write but not grep: the named agent's grep must not come back.
    const turnAgent = { name: 'coder', instructions: 'code', tools: ['read_file', 'list_dir', 'write_file', 'run_subagents'], source: 'builtin' as const };
    const run = () => collect(createAgent({ host: fixture.url }).startTurn([], ask('x'), { model: MODEL, executor, agent: turnAgent, subagents: { agents } }, new AbortController().signal));

    fixture.setResponder(delegating([{ agent: 'nobody', task: 'x' }]));
    await run();
    const tool = chatRequests(fixture)[0].body.tools.find((t: { function: { name: string } }) => t.function.name === 'run_subagents');
    // The bad name is never offered; the enum rejects "nobody" at the schema, before any sub-agent starts.
    assert.deepEqual(tool.function.parameters.properties.agents.items.properties.agent.enum, ['security']);
    assert.equal(chatRequests(fixture).filter((r) => /researcher sub-agent/.test(systemOf(r))).length, 0);
    assert.match(lastOf(chatRequests(fixture)[1]).content, /must be one of "security"/);
    // With agents offered, `role` may be left out, but an entry needs one or the other; it fails alone, with no model call.
    fixture.setResponder(delegating([{ task: 'look around' }]));
    const unnamed = await run();
    assert.match(only(unnamed, 'agentResult')[0].outcome.summary, /could not start: each sub-agent needs a role or an agent/);
    assert.equal(chatRequests(fixture).filter((r) => /sub-agent of Hearth/.test(systemOf(r))).length, 0);

    fixture.setResponder(delegating([{ role: 'executor', agent: 'security', task: 'check db.ts' }]));
    const before = chatRequests(fixture).length;
    const events = await run();
    const sub = chatRequests(fixture).slice(before).filter((r) => /researcher sub-agent/.test(systemOf(r)));
    assert.equal(sub.length, 2, 'an executor role with an agent runs as a read-only researcher');
    assert.deepEqual(only(events, 'agentSpawn').map((e) => e.agent.role), ['researcher']);
    assert.match(systemOf(sub[0]), /the agent "security", defined in the user's own agent file[\s\S]*SECURITY-RULES/);
    for (const r of sub) assert.deepEqual(offeredTools(r), ['read_file'], 'read-only, the turn agent\'s list and the named agent\'s list, intersected');
    assert.equal(executor.calls.length, 0, 'its write never reached the machine');
    assert.match(lastOf(chatRequests(fixture).at(-1)!).content, /Sub-agent 1: researcher as @security \(stop\)[\s\S]*No injection\./);
  });

  it("a named agent's sub-agent uses the model chosen for that agent over its role's; one whose file's model could not be used falls back with a warning on its card; no agent model keeps the role's", async () => {
    fixture.setModels([{ name: MODEL }, { name: 'small:1b' }, { name: 'explorer:1b' }]);
    const agents = [
      { name: 'reviewer', description: 'Reviews code', instructions: 'REVIEW', source: 'user' as const, model: 'small:1b' },
      { name: 'docs', description: 'Reads docs', instructions: 'DOCS', source: 'user' as const, modelNote: 'model "gpt-5" is not available here' },
    ];
    const delegation = [
      { agent: 'reviewer', role: 'explorer', task: 'review-task' },
      { agent: 'docs', task: 'docs-task' },
      { role: 'explorer', task: 'plain-task' },
    ];
    fixture.setResponder((r) => {
      if (/sub-agent of Hearth/.test(systemOf(r))) return { kind: 'text', text: `report for ${taskOf(r)}` };
      if (lastOf(r).role === 'tool') return { kind: 'text', text: 'ok' };
      return { kind: 'toolCalls', calls: [{ name: 'run_subagents', arguments: { agents: delegation } }] };
    });
    const events = await collect(
      createAgent({ host: fixture.url }).startTurn(
        [],
        ask('x'),
        { model: MODEL, executor: new FakeToolExecutor(() => 'x'), subagents: { agents, models: { explorer: 'explorer:1b' } } },
        new AbortController().signal,
      ),
    );
    assert.deepEqual(
      only(events, 'agentSpawn').map((e) => ({ agent: e.agent.agent, role: e.agent.role, model: e.agent.model })),
      [
        { agent: 'reviewer', role: 'explorer', model: 'small:1b' },
        { agent: 'docs', role: 'researcher', model: MODEL },
        { agent: undefined, role: 'explorer', model: 'explorer:1b' },
      ],
    );
    const modelFor = (task: string) => chatRequests(fixture).filter((r) => /sub-agent of Hearth/.test(systemOf(r)) && taskOf(r) === task).map((r) => r.body.model);
    assert.deepEqual(modelFor('review-task'), ['small:1b'], "the agent's model reaches Ollama, not the explorer role's");
    assert.deepEqual(modelFor('docs-task'), [MODEL]);
    assert.deepEqual(modelFor('plain-task'), ['explorer:1b']);
    const docsId = only(events, 'agentSpawn')[1].agent.id;
    const warnings = only(events, 'agentEvent').filter((e) => e.event.type === 'status');
    assert.deepEqual(warnings, [
      { type: 'agentEvent', agentId: docsId, event: { type: 'status', level: 'warning', message: `@docs: model "gpt-5" is not available here; this sub-agent uses ${MODEL}.` } },
    ]);
    assert.deepEqual(only(events, 'agentResult').map((e) => e.outcome.reason), ['stop', 'stop', 'stop']);
  });
});
