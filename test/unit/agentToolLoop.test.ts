/**
 * The tool loop against the scripted Ollama: what the model asked for, what
 * reached the tool executor, what the model was told back, and how the loop
 * stops itself when a model misbehaves.
 */
import assert from 'node:assert/strict';
import type { AgentEvent, UserInput } from '../../protocol/chat';
import { createAgent } from '../../agent-host/index';
import { FakeToolExecutor } from '../fixtures/fakeToolExecutor';
import { HangingToolExecutor } from '../fixtures/fakeToolExecutorHanging';
import { startOllamaFixture, type OllamaFixture, type RecordedRequest } from '../fixtures/ollamaFixture';
import { collect, only } from '../fixtures/agentEvents';

function textOf(events: AgentEvent[]): string {
  return only(events, 'text').map((e) => e.delta).join('');
}

const ask = (text: string): UserInput => ({ text, context: [] });
const chats = (fixture: OllamaFixture): RecordedRequest[] => fixture.requests.filter((r) => r.path === '/api/chat');
const fileReader = () => new FakeToolExecutor((call) => `1: // contents of ${String(call.arguments.path)}\n2: export const add = (a: number, b: number) => a + b;`);

describe('agent tool loop', () => {
  let fixture: OllamaFixture;

  beforeEach(async () => {
    fixture = await startOllamaFixture();
  });

  afterEach(async () => {
    await fixture.close();
  });

  it('reads a file, gives the result to the model, and streams its answer', async () => {
    fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'src/math.ts' } }] },
      { kind: 'text', text: 'src/math.ts exports add, which sums two numbers.' },
    );
    const executor = fileReader();
    const events = await collect(createAgent({ host: fixture.url }).startTurn([], ask('what is in src/math.ts?'), { model: 'qwen2.5-coder:7b', executor }, new AbortController().signal));

    assert.deepEqual(events.map((e) => e.type).filter((t) => t !== 'text' && t !== 'usage'), ['context', 'context', 'toolCall', 'toolResult', 'context', 'context', 'done'], 'two context readings per model request: the estimate before it, Ollama\'s count after');
    const [call] = only(events, 'toolCall');
    assert.equal(call.call.name, 'read_file');
    assert.deepEqual(call.call.arguments, { path: 'src/math.ts' });
    const [result] = only(events, 'toolResult');
    assert.equal(result.result.callId, call.call.id);
    assert.equal(result.result.isError, false);
    assert.equal(textOf(events), 'src/math.ts exports add, which sums two numbers.');
    assert.deepEqual(only(events, 'done'), [{ type: 'done', reason: 'stop' }]);
    assert.deepEqual(executor.calls.map((c) => c.arguments), [{ path: 'src/math.ts' }]);

    const [first, second] = chats(fixture);
    assert.deepEqual(first.body.tools.map((t: { function: { name: string } }) => t.function.name), ['read_file', 'grep', 'list_dir']);
    assert.equal(first.body.tools[0].type, 'function');
    assert.deepEqual(first.body.tools[0].function.parameters.required, ['path']);
    const replay = second.body.messages.slice(-2);
    assert.equal(replay[0].role, 'assistant');
    assert.deepEqual(replay[0].tool_calls, [{ function: { name: 'read_file', arguments: { path: 'src/math.ts' } } }]);
    assert.equal(replay[1].role, 'tool');
    assert.equal(replay[1].tool_name, 'read_file');
    assert.match(replay[1].content, /export const add/);
    assert.equal(only(events, 'usage').at(-1)?.usage.completionTokens, 1 + 7, 'usage sums both model calls (one tool-call chunk, seven words)');
  });

  it('turns invalid arguments into an error result the model can correct', async () => {
    fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { startLine: 'first' } }] },
      { kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'README.md', startLine: '2' } }] },
      { kind: 'text', text: 'The README starts with the project name.' },
    );
    const executor = fileReader();
    const events = await collect(createAgent({ host: fixture.url }).startTurn([], ask('summarise the readme'), { model: 'qwen2.5-coder:7b', executor }, new AbortController().signal));

    const results = only(events, 'toolResult').map((e) => e.result);
    assert.equal(results.length, 2);
    assert.equal(results[0].isError, true);
    assert.match(results[0].content, /"path" is required/);
    assert.match(results[0].content, /"startLine" must be an integer, got "first"/);
    assert.equal(results[1].isError, false);
    // Only the corrected call ran, with the quoted number coerced.
    assert.deepEqual(executor.calls.map((c) => c.arguments), [{ path: 'README.md', startLine: 2 }]);
    const toldModel = chats(fixture)[1].body.messages.at(-1);
    assert.equal(toldModel.role, 'tool');
    assert.match(toldModel.content, /"path" is required/);
    assert.deepEqual(only(events, 'done'), [{ type: 'done', reason: 'stop' }]);
  });

  it('answers a call to an unknown tool with the list of real ones', async () => {
    fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'delete_repository', arguments: {} }] },
      { kind: 'text', text: 'I cannot do that.' },
    );
    const executor = fileReader();
    const events = await collect(createAgent({ host: fixture.url }).startTurn([], ask('x'), { model: 'qwen2.5-coder:7b', executor }, new AbortController().signal));
    const [result] = only(events, 'toolResult');
    assert.equal(result.result.isError, true);
    assert.match(result.result.content, /no tool named "delete_repository"/);
    assert.match(result.result.content, /read_file, grep, list_dir/);
    assert.equal(executor.calls.length, 0);
    assert.equal(textOf(events), 'I cannot do that.');
  });

  it('runs several calls from one reply in order', async () => {
    fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'a.ts' } }, { name: 'read_file', arguments: { path: 'b.ts' } }] },
      { kind: 'text', text: 'Both read.' },
    );
    const executor = fileReader();
    const events = await collect(createAgent({ host: fixture.url }).startTurn([], ask('x'), { model: 'qwen2.5-coder:7b', executor }, new AbortController().signal));
    assert.deepEqual(executor.calls.map((c) => c.arguments.path), ['a.ts', 'b.ts']);
    assert.deepEqual(events.map((e) => e.type).filter((t) => t === 'toolCall' || t === 'toolResult'), ['toolCall', 'toolResult', 'toolCall', 'toolResult']);
    const toolMessages = chats(fixture)[1].body.messages.filter((m: { role: string }) => m.role === 'tool');
    assert.equal(toolMessages.length, 2);
  });

  it('stops a model that repeats the same call three times', async () => {
    fixture.setResponder(() => ({ kind: 'toolCalls', calls: [{ name: 'grep', arguments: { pattern: 'TODO' } }] }));
    const executor = new FakeToolExecutor(() => 'no matches');
    const events = await collect(createAgent({ host: fixture.url }).startTurn([], ask('find todos'), { model: 'qwen2.5-coder:7b', executor }, new AbortController().signal));
    assert.equal(executor.calls.length, 2, 'the third identical call is not run');
    assert.equal(chats(fixture).length, 3);
    const [error] = only(events, 'error');
    assert.equal(error.error.code, 'limitReached');
    assert.match(error.error.message, /same grep call with the same arguments 3 times/);
    assert.deepEqual(events.at(-1), { type: 'done', reason: 'limit' });
  });

  it('ends the turn at maxSteps model calls', async () => {
    let n = 0;
    fixture.setResponder(() => ({ kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: `file${n++}.ts` } }] }));
    const executor = fileReader();
    const events = await collect(createAgent({ host: fixture.url }).startTurn([], ask('read everything'), { model: 'qwen2.5-coder:7b', executor, maxSteps: 3 }, new AbortController().signal));
    assert.equal(chats(fixture).length, 3);
    assert.equal(executor.calls.length, 2, 'calls from the last allowed step are not run, since the model could not see their results');
    const [error] = only(events, 'error');
    assert.equal(error.error.code, 'limitReached');
    assert.match(error.error.message, /after 3 model calls/);
    assert.deepEqual(only(events, 'done'), [{ type: 'done', reason: 'limit' }]);
  });

  it('falls back to the text protocol for a model without the tools capability', async () => {
    fixture.setModels([{ name: 'gemma:2b', capabilities: ['completion'] }]);
    fixture.enqueue(
      { kind: 'text', text: 'Let me look at it.\n\n```tool_call\n{"name": "read_file", "arguments": {"path": "src/math.ts",},}\n```' },
      { kind: 'text', text: 'It adds two numbers.' },
    );
    const executor = fileReader();
    const events = await collect(createAgent({ host: fixture.url }).startTurn([], ask('what does math.ts do?'), { model: 'gemma:2b', executor }, new AbortController().signal));

    const [first, second] = chats(fixture);
    assert.equal(first.body.tools, undefined, 'no native tools are sent');
    assert.match(first.body.messages[0].content, /```tool_call/);
    assert.match(first.body.messages[0].content, /- read_file: /);
    assert.deepEqual(executor.calls.map((c) => c.arguments), [{ path: 'src/math.ts' }]);
    // The block is for the agent, not the reader.
    assert.equal(textOf(events), 'Let me look at it.\n\nIt adds two numbers.');
    const resultMessage = second.body.messages.at(-1);
    assert.equal(resultMessage.role, 'user');
    assert.match(resultMessage.content, /^Tool result for read_file:/);
    assert.match(resultMessage.content, /export const add/);
    assert.ok(second.body.messages.every((m: { role: string }) => m.role !== 'tool'), 'no tool-role messages for a model whose template ignores them');
    assert.deepEqual(only(events, 'done'), [{ type: 'done', reason: 'stop' }]);
  });

  it('runs a call a text-protocol model writes in its own template\'s form (Ollama leaves it as text when no tools were offered)', async () => {
    // Scripted as tool calls: with no tools in the request Ollama has no parser for them (routes.go ChatHandler),
    // so they reach Hearth as the <tool_call> text the model wrote, and only the text protocol can run them.
    fixture.setModels([{ name: 'gemma:2b', capabilities: ['completion'] }]);
    fixture.enqueue(
      { kind: 'toolCalls', text: 'Let me check. ', calls: [{ name: 'read_file', arguments: { path: 'src/math.ts' } }] },
      { kind: 'text', text: 'It adds two numbers.' },
    );
    const executor = fileReader();
    const events = await collect(createAgent({ host: fixture.url }).startTurn([], ask('what does math.ts do?'), { model: 'gemma:2b', executor }, new AbortController().signal));

    const [first, second] = chats(fixture);
    assert.equal(first.body.tools, undefined, 'no native tools are sent');
    assert.deepEqual(executor.calls.map((c) => c.arguments), [{ path: 'src/math.ts' }]);
    assert.match(second.body.messages.at(-1).content, /^Tool result for read_file:[\s\S]*export const add/);
    assert.equal(textOf(events), 'Let me check. It adds two numbers.', 'the call itself is not shown to the reader');
    assert.deepEqual(only(events, 'done'), [{ type: 'done', reason: 'stop' }]);
  });

  it('tells a text-protocol model when its tool_call block is not valid JSON', async () => {
    fixture.setModels([{ name: 'gemma:2b', capabilities: ['completion'] }]);
    fixture.enqueue(
      { kind: 'text', text: '```tool_call\n{"name": "read_file", "arguments": {path: src/math.ts}}\n```' },
      { kind: 'text', text: '```tool_call\n{"name": "read_file", "arguments": {"path": "src/math.ts"}}\n```' },
      { kind: 'text', text: 'Done.' },
    );
    const executor = fileReader();
    const events = await collect(createAgent({ host: fixture.url }).startTurn([], ask('x'), { model: 'gemma:2b', executor }, new AbortController().signal));
    const results = only(events, 'toolResult').map((e) => e.result);
    assert.equal(results[0].isError, true);
    assert.match(results[0].content, /not valid JSON/);
    assert.equal(results[1].isError, false);
    assert.equal(executor.calls.length, 1);
    assert.match(chats(fixture)[1].body.messages.at(-1).content, /not valid JSON/);
  });

  it('switches to the text protocol when Ollama answers 400 "does not support tools", and remembers it', async () => {
    fixture.setModels([{ name: 'mistral:7b', capabilities: ['completion', 'tools'] }]);
    fixture.enqueue(
      { kind: 'error', status: 400, error: 'registry.ollama.ai/library/mistral:7b does not support tools' },
      { kind: 'text', text: '```tool_call\n{"name": "list_dir", "arguments": {"path": "."}}\n```' },
      { kind: 'text', text: 'There is a src folder.' },
    );
    const executor = new FakeToolExecutor(() => 'src/\npackage.json');
    const agent = createAgent({ host: fixture.url });
    const events = await collect(agent.startTurn([], ask('what is here?'), { model: 'mistral:7b', executor }, new AbortController().signal));

    const [refused, retried] = chats(fixture);
    assert.equal(refused.outcome, 'error');
    assert.ok(Array.isArray(refused.body.tools));
    assert.equal(retried.body.tools, undefined);
    assert.match(retried.body.messages[0].content, /```tool_call/);
    assert.equal(only(events, 'error').length, 0, 'the fallback is not an error');
    assert.match(only(events, 'status')[0].message, /does not support native tool calls/);
    assert.deepEqual(executor.calls.map((c) => c.name), ['list_dir']);
    assert.equal(textOf(events), 'There is a src folder.');

    await collect(agent.startTurn([], ask('again'), { model: 'mistral:7b', executor }, new AbortController().signal));
    assert.equal(chats(fixture)[3].body.tools, undefined, 'the next turn goes straight to the text protocol');
  });

  it('accepts a tool_call block written in the content by a model with native tools', async () => {
    fixture.enqueue(
      { kind: 'text', text: '<tool_call>\n{"name": "read_file", "arguments": {"path": "a.ts"}}\n</tool_call>' },
      { kind: 'text', text: 'Read it.' },
    );
    const executor = fileReader();
    const events = await collect(createAgent({ host: fixture.url }).startTurn([], ask('x'), { model: 'qwen2.5-coder:7b', executor }, new AbortController().signal));
    assert.deepEqual(executor.calls.map((c) => c.arguments), [{ path: 'a.ts' }]);
    assert.equal(textOf(events), 'Read it.');
  });

  it('stops a running tool and the turn on cancel', async () => {
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'big.log' } }] });
    const executor = new HangingToolExecutor();
    const controller = new AbortController();
    const turn = collect(createAgent({ host: fixture.url }).startTurn([], ask('x'), { model: 'qwen2.5-coder:7b', executor }, controller.signal));
    while (executor.started.length === 0) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    const events = await turn;
    assert.equal(executor.abortedAt.length, 1, 'the executor was told to stop');
    assert.deepEqual(
      only(events, 'toolResult').map((e) => e.result.content),
      ['stopped'],
      'what the tool said as it stopped is shown (a cancelled command keeps its output)',
    );
    assert.deepEqual(events.at(-1), { type: 'done', reason: 'cancelled' });
    assert.equal(chats(fixture).length, 1, 'the model is not asked again');
  });

  it('gives up on a tool that exceeds its timeout and lets the model carry on', async () => {
    fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'slow.txt' } }] },
      { kind: 'text', text: 'The read timed out.' },
    );
    const executor = new HangingToolExecutor();
    const events = await collect(createAgent({ host: fixture.url }).startTurn([], ask('x'), { model: 'qwen2.5-coder:7b', executor, toolTimeoutMs: 50 }, new AbortController().signal));
    const [result] = only(events, 'toolResult');
    assert.equal(result.result.isError, true);
    assert.match(result.result.content, /did not finish within/);
    assert.equal(executor.abortedAt.length, 1);
    assert.equal(textOf(events), 'The read timed out.');
  });
});
