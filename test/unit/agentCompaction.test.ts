/**
 * Compaction against the scripted Ollama: past the threshold, the oldest
 * exchanges are summarised by the model in a request the fixture sees, the
 * turn is sent with the summary in their place and the newest exchange
 * verbatim, and the context meter's events report the fill; under the
 * threshold nothing is summarised.
 */
import assert from 'node:assert/strict';
import type { ChatMessage, UserInput } from '../../protocol/chat';
import { createAgent } from '../../agent-host/index';
import { startOllamaFixture, type OllamaFixture, type RecordedRequest } from '../fixtures/ollamaFixture';
import { collect } from '../fixtures/agentEvents';
import { FakeToolExecutor } from '../fixtures/fakeToolExecutor';

const MODEL = 'small-context:1b';
const ask = (text: string): UserInput => ({ text, context: [] });
const chats = (fixture: OllamaFixture): RecordedRequest[] => fixture.requests.filter((r) => r.path === '/api/chat');

/** Three exchanges of about 300 tokens each. */
function history(): ChatMessage[] {
  const long = (tag: string) => `${tag}: ${'the parser keeps a table of tokens and positions '.repeat(25)}`;
  return [
    { role: 'user', content: long('first question about the lexer') },
    { role: 'assistant', content: long('first answer') },
    { role: 'user', content: long('second question about positions') },
    { role: 'assistant', content: long('second answer') },
    { role: 'user', content: 'third question: and the newest one?' },
    { role: 'assistant', content: 'the newest answer, kept verbatim' },
  ];
}

describe('agent compaction', () => {
  let fixture: OllamaFixture;
  beforeEach(async () => {
    fixture = await startOllamaFixture({ models: [{ name: MODEL, contextLength: 2048 }] });
  });
  afterEach(async () => fixture.close());

  it('summarises the older exchanges in a request of its own, then sends the summary in their place', async () => {
    fixture.setResponder((r) =>
      r.body.stream === false ? { kind: 'text', text: 'The user asked about the lexer and positions; the parser keeps a token table.' } : { kind: 'text', text: 'Answer.' },
    );
    const events = await collect(createAgent({ host: fixture.url }).startTurn(history(), ask('and now?'), { model: MODEL, compactAt: 0.5 }, new AbortController().signal));
    const [summaryRequest, turnRequest] = chats(fixture);
    assert.equal(summaryRequest.body.stream, false);
    assert.match(summaryRequest.body.messages[0].content, /summarise a conversation/);
    // The old exchanges are more than the summary request's own window holds: it keeps their newest part.
    assert.match(summaryRequest.body.messages[1].content, /^\[…\][\s\S]*\[user\]\nsecond question about positions[\s\S]*\[assistant\]\nsecond answer/);
    assert.doesNotMatch(summaryRequest.body.messages[1].content, /newest/, 'the newest exchange is not summarised');

    const sent = turnRequest.body.messages.map((m: { role: string; content: string }) => m.content);
    assert.match(sent[1], /^Summary of the earlier part of this conversation[\s\S]*token table\.$/);
    assert.equal(sent[3], 'third question: and the newest one?');
    assert.equal(sent[4], 'the newest answer, kept verbatim');
    assert.ok(!sent.some((c: string) => c.startsWith('first question')), 'the summarised messages are not sent');

    const compacted = events.find((e) => e.type === 'compacted');
    assert.deepEqual(compacted, { type: 'compacted', summary: 'The user asked about the lexer and positions; the parser keeps a token table.', summarizedExchanges: 2 });
    // The estimate before the request, then Ollama's own count after the reply.
    const meter = events.filter((e) => e.type === 'context');
    assert.equal(meter.length, 2);
    assert.ok(meter[1].type === 'context' && meter[1].promptTokens === events.filter((e) => e.type === 'usage').at(-1)?.usage.promptTokens, 'the meter ends on what Ollama counted');
    assert.ok(meter[0].type === 'context' && meter[0].numCtx === 2048 && meter[0].promptTokens < 0.5 * meter[0].budgetTokens, 'the meter reports the compacted prompt');
    assert.equal(events.filter((e) => e.type === 'text').map((e) => (e as { delta: string }).delta).join(''), 'Answer.');
  });

  it('a transcript longer than the window by the model\'s own count is cut by Hearth and summarised, not cut by Ollama past its instructions', async () => {
    // One character a token: the transcript Hearth cuts by its estimate still overflows 2048 tokens. Ollama's context
    // shift would keep its end but not the instructions before it, and the model would carry on the transcript.
    fixture.setModels([{ name: MODEL, contextLength: 2048, charsPerToken: 1 }]);
    fixture.setResponder((r) => (r.body.stream === false ? { kind: 'text', text: 'Summary of the lexer talk.' } : { kind: 'text', text: 'Answer.' }));
    const events = await collect(createAgent({ host: fixture.url }).startTurn(history(), ask('and now?'), { model: MODEL, compactAt: 0.5 }, new AbortController().signal));

    const summaries = chats(fixture).filter((r) => r.body.stream === false);
    assert.ok(summaries.every((r) => r.body.truncate === false), 'Ollama is asked not to truncate');
    assert.deepEqual(summaries.map((r) => r.promptCut), summaries.map(() => undefined), 'Ollama never cut the summary request itself');
    assert.deepEqual(summaries.map((r) => r.outcome), ['error', 'completed']);
    assert.ok(summaries[1].body.messages[1].content.length < summaries[0].body.messages[1].content.length, 'the retry sends less of the transcript');
    assert.match(summaries[1].body.messages[0].content, /summarise a conversation/);
    assert.deepEqual(events.find((e) => e.type === 'compacted'), { type: 'compacted', summary: 'Summary of the lexer talk.', summarizedExchanges: 2 });
    assert.equal(events.filter((e) => e.type === 'text').map((e) => (e as { delta: string }).delta).join(''), 'Answer.');
  });

  it('/compact summarises once per turn, also when the first request is sent again (Ollama refused its tools)', async () => {
    // compactAt 0 (/compact) holds for the compacted prompt too: only the once-per-turn rule keeps the retry from
    // summarising the summary and the exchange /compact keeps verbatim.
    fixture.setResponder((r) => {
      if (r.body.stream === false) return { kind: 'text', text: 'Summary.' };
      if (Array.isArray(r.body.tools)) return { kind: 'error', status: 400, error: `registry.ollama.ai/library/${MODEL} does not support tools` };
      return { kind: 'text', text: 'Answer.' };
    });
    const executor = new FakeToolExecutor(() => '');
    const events = await collect(createAgent({ host: fixture.url }).startTurn(history(), ask('and now?'), { model: MODEL, compactAt: 0, executor }, new AbortController().signal));
    assert.equal(chats(fixture).filter((r) => r.body.stream === false).length, 1, 'one summary request');
    assert.equal(events.filter((e) => e.type === 'compacted').length, 1);
    const answered = chats(fixture).at(-1)!;
    assert.equal(answered.body.tools, undefined, 'the retry went to the text protocol');
    assert.match(answered.body.messages[1].content, /^Summary of the earlier part of this conversation[\s\S]*Summary\.$/);
    assert.ok(answered.body.messages.some((m: { content: string }) => m.content === 'the newest answer, kept verbatim'), 'the newest exchange stays verbatim');
    assert.equal(answered.body.messages.at(-1).content.startsWith('and now?'), true);
    assert.equal(events.filter((e) => e.type === 'text').map((e) => (e as { delta: string }).delta).join(''), 'Answer.');
  });

  it('a focus (/compact <focus>) tells the summariser what to keep in full detail; without one it is not mentioned', async () => {
    fixture.setResponder((r) => (r.body.stream === false ? { kind: 'text', text: 'Summary.' } : { kind: 'text', text: 'Answer.' }));
    const agent = createAgent({ host: fixture.url });
    await collect(agent.startTurn(history(), ask('/compact'), { model: MODEL, compactAt: 0, compactFocus: 'the positions table' }, new AbortController().signal));
    await collect(agent.startTurn(history(), ask('/compact'), { model: MODEL, compactAt: 0 }, new AbortController().signal));
    const [focused, plain] = chats(fixture).filter((r) => r.body.stream === false);
    assert.match(focused.body.messages[0].content, /summarise a conversation[\s\S]*focus on: the positions table\nKeep everything about that in full detail/);
    assert.doesNotMatch(plain.body.messages[0].content, /focus/);
  });

  it('the summary request of a thinking model asks it not to think, whatever the turn thinks', async () => {
    // A thinking model reasons unless told not to (routes.go ChatHandler defaults think to true), before a summary nobody sees stream.
    fixture.setModels([{ name: MODEL, contextLength: 2048, capabilities: ['completion', 'tools', 'thinking'] }]);
    fixture.setResponder((r) => (r.body.stream === false ? { kind: 'text', text: 'Summary.' } : { kind: 'text', text: 'Answer.' }));
    await collect(createAgent({ host: fixture.url }).startTurn(history(), ask('and now?'), { model: MODEL, compactAt: 0, think: true }, new AbortController().signal));
    const [summaryRequest, turnRequest] = chats(fixture);
    assert.equal(summaryRequest.body.stream, false);
    assert.equal(summaryRequest.body.think, false);
    assert.equal(summaryRequest.thinks, false, 'the model did not reason before the summary');
    assert.equal(summaryRequest.thinkingSent, undefined);
    assert.equal(turnRequest.thinks, true, "the turn itself thinks as asked");
  });

  it("a large file the model wrote does not push the earlier exchanges out of the summary's transcript", async () => {
    fixture.setResponder((r) => (r.body.stream === false ? { kind: 'text', text: 'The lexer was discussed; config.json was written.' } : { kind: 'text', text: 'Answer.' }));
    const call = { id: 'w1', name: 'write_file', arguments: { path: 'config.json', content: `{"data": "${'0123456789abcdef'.repeat(1500)}"}` } };
    const withWrite: ChatMessage[] = [
      { role: 'user', content: 'first question about the lexer' },
      { role: 'assistant', content: 'The lexer splits the text into tokens.' },
      { role: 'user', content: 'write config.json' },
      { role: 'assistant', content: '', toolCalls: [call] },
      { role: 'tool', content: 'Wrote config.json.', toolCallId: 'w1', toolName: 'write_file' },
      { role: 'assistant', content: 'Done.' },
      { role: 'user', content: 'and the newest one?' },
      { role: 'assistant', content: 'the newest answer, kept verbatim' },
    ];
    await collect(createAgent({ host: fixture.url }).startTurn(withWrite, ask('next'), { model: MODEL, compactAt: 0 }, new AbortController().signal));
    const transcript: string = chats(fixture)[0].body.messages[1].content;
    assert.match(transcript, /first question about the lexer/, 'the first exchange reaches the summariser');
    assert.match(transcript, /\[called write_file \{"path":"config\.json","content":"\{\\"data\\": \\"0123456789abcdef/, 'the call is shown, with the start of its arguments');
    assert.ok(transcript.length < 4000, `the transcript is ${transcript.length} characters`);
  });

  it('does nothing under the threshold, and nothing without one', async () => {
    fixture.setResponder(() => ({ kind: 'text', text: 'Answer.' }));
    const agent = createAgent({ host: fixture.url });
    const short: ChatMessage[] = [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }, { role: 'user', content: 'more' }, { role: 'assistant', content: 'sure' }];
    const under = await collect(agent.startTurn(short, ask('x'), { model: MODEL, compactAt: 0.7 }, new AbortController().signal));
    const never = await collect(agent.startTurn(history(), ask('x'), { model: MODEL }, new AbortController().signal));
    assert.equal(chats(fixture).filter((r) => r.body.stream === false).length, 0);
    assert.ok(!under.concat(never).some((e) => e.type === 'compacted'));
  });

  it('a failed summary loses nothing: the turn goes on with a notice', async () => {
    fixture.setResponder((r) => (r.body.stream === false ? { kind: 'error', status: 500, error: 'runner crashed' } : { kind: 'text', text: 'Answer.' }));
    const events = await collect(createAgent({ host: fixture.url }).startTurn(history(), ask('x'), { model: MODEL, compactAt: 0.5 }, new AbortController().signal));
    assert.ok(events.some((e) => e.type === 'status' && /could not be summarised/.test(e.message)));
    assert.deepEqual(events.at(-1), { type: 'done', reason: 'stop' });
  });
});
