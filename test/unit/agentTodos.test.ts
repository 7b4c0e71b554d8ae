/**
 * The agent's visible plan against the scripted Ollama: update_todos is the
 * core's own tool (it never reaches the executor), each call replaces the
 * plan and is reported as a `todos` event, and the plan so far — perhaps the
 * user's edit — is in the system prompt of the next turn.
 */
import assert from 'node:assert/strict';
import type { UserInput } from '../../protocol/chat';
import { createAgent } from '../../agent-host/index';
import { FakeToolExecutor } from '../fixtures/fakeToolExecutor';
import { startOllamaFixture, type OllamaFixture, type RecordedRequest } from '../fixtures/ollamaFixture';
import { collect } from '../fixtures/agentEvents';

const MODEL = 'qwen2.5-coder:7b';
const ask = (text: string): UserInput => ({ text, context: [] });
const chats = (fixture: OllamaFixture): RecordedRequest[] => fixture.requests.filter((r) => r.path === '/api/chat');

describe('agent plan (update_todos)', () => {
  let fixture: OllamaFixture;
  beforeEach(async () => (fixture = await startOllamaFixture()));
  afterEach(async () => fixture.close());

  it('reports each version of the plan as it changes, without running anything on the machine', async () => {
    fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'update_todos', arguments: { items: [{ text: 'Read the parser', status: 'inProgress' }, { text: '  Fix   the bug ', status: 'pending' }] } }] },
      { kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'parser.ts' } }] },
      { kind: 'toolCalls', calls: [{ name: 'update_todos', arguments: { items: [{ text: 'Read the parser', status: 'done' }, { text: 'Fix the bug', status: 'inProgress' }] } }] },
      { kind: 'text', text: 'Working on it.' },
    );
    const executor = new FakeToolExecutor(() => 'export function parse() {}');
    const events = await collect(createAgent({ host: fixture.url }).startTurn([], ask('fix the parser'), { model: MODEL, executor, todos: { current: [] } }, new AbortController().signal));
    const plans = events.flatMap((e) => (e.type === 'todos' ? [e.items] : []));
    assert.deepEqual(plans, [
      [{ text: 'Read the parser', status: 'inProgress' }, { text: 'Fix the bug', status: 'pending' }],
      [{ text: 'Read the parser', status: 'done' }, { text: 'Fix the bug', status: 'inProgress' }],
    ]);
    assert.deepEqual(executor.calls.map((c) => c.name), ['read_file'], 'the plan is the core\'s; only the read reached the machine');
    const results = events.flatMap((e) => (e.type === 'toolResult' && e.result.name === 'update_todos' ? [e.result.content] : []));
    assert.deepEqual(results, ['Plan updated: 0 of 2 steps done.', 'Plan updated: 1 of 2 steps done.']);
    // Later requests show the model the plan as it now stands.
    assert.match(chats(fixture).at(-1)!.body.messages[0].content, /\[x\] Read the parser\n- \[>\] Fix the bug/);
  });

  it('starts a turn from the plan it is given (the user\'s edit), and offers no tool when not asked', async () => {
    fixture.enqueue({ kind: 'text', text: 'ok' }, { kind: 'text', text: 'ok' });
    const agent = createAgent({ host: fixture.url });
    const current = [{ text: 'Write the migration', status: 'done' as const }, { text: 'Ask before dropping the table', status: 'pending' as const }];
    await collect(agent.startTurn([], ask('go on'), { model: MODEL, executor: new FakeToolExecutor(() => ''), todos: { current } }, new AbortController().signal));
    await collect(agent.startTurn([], ask('go on'), { model: MODEL, executor: new FakeToolExecutor(() => '') }, new AbortController().signal));
    const [withPlan, without] = chats(fixture);
    assert.match(withPlan.body.messages[0].content, /follow their version\):\n- \[x\] Write the migration\n- \[ \] Ask before dropping the table/);
    assert.ok(withPlan.body.tools.some((t: { function: { name: string } }) => t.function.name === 'update_todos'));
    assert.ok(!without.body.tools.some((t: { function: { name: string } }) => t.function.name === 'update_todos'));
    assert.doesNotMatch(without.body.messages[0].content, /update_todos/);
  });

  it('a malformed plan is refused back to the model and changes nothing', async () => {
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'update_todos', arguments: { items: [{ text: 'x', status: 'maybe' }] } }] }, { kind: 'text', text: 'ok' });
    const events = await collect(createAgent({ host: fixture.url }).startTurn([], ask('x'), { model: MODEL, executor: new FakeToolExecutor(() => ''), todos: { current: [] } }, new AbortController().signal));
    assert.equal(events.filter((e) => e.type === 'todos').length, 0);
    const result = events.find((e) => e.type === 'toolResult');
    assert.ok(result?.type === 'toolResult' && result.result.isError);
    assert.match(result.result.content, /must be one of "pending", "inProgress", "done"/);
  });
});
