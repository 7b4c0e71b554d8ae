/**
 * Compaction through the real language server: a long chat on a small-context
 * model is summarised once it passes the threshold; the summary is stored
 * with the reply and the messages stay in the session; the turn is sent with
 * the summary in place of the old exchanges; Undo compaction sends the full
 * history again and the chat no longer compacts. `/compact` summarises at
 * once, whatever the threshold, and a retry of it does the same.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startOllamaFixture, type OllamaFixture, type RecordedRequest } from '../fixtures/ollamaFixture';
import { startLspTestClient, type LspTestClient } from './lspTestClient';
import { ChatCommandRequest, ChatRetryRequest, ChatSendRequest, ChatUndoCompactionRequest, SessionGetRequest, type ChatTurnStarted } from '../../protocol/lspMethods';

const MODEL = 'small-context:1b';
const LONG = 'the parser keeps a table of tokens and positions '.repeat(20);

describe('chat compaction through the language server (integration)', function () {
  this.timeout(60_000);
  let fixture: OllamaFixture;
  let storage: string;
  let client: LspTestClient | undefined;

  beforeEach(async () => {
    fixture = await startOllamaFixture({ models: [{ name: MODEL, contextLength: 2048 }] });
    fixture.setResponder((r: RecordedRequest) => (r.body.stream === false ? { kind: 'text', text: 'SUMMARY: lexer and positions discussed.' } : { kind: 'text', text: 'Answer.' }));
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-compaction-ls-'));
    client = await startLspTestClient({ storagePath: storage, settings: { ollama: { host: fixture.url }, chat: { model: MODEL, compactionThreshold: 0.5 } } });
  });

  afterEach(async () => {
    await client?.stop();
    client = undefined;
    await fixture.close();
    fs.rmSync(storage, { recursive: true, force: true });
  });

  async function turn(text: string, sessionId?: string): Promise<ChatTurnStarted> {
    const started = await client!.connection.sendRequest(ChatSendRequest.type, { sessionId, input: { text: `${text} ${LONG}`, context: [] } });
    await client!.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
    return started;
  }
  const summaries = () => fixture.requests.filter((r) => r.path === '/api/chat' && r.body.stream === false);
  const lastTurnRequest = () => fixture.requests.filter((r) => r.path === '/api/chat' && r.body.stream !== false).at(-1)!;

  it('summarises past the threshold, keeps every message, sends the summary instead, and can be undone', async () => {
    const first = await turn('first question');
    const sessionId = first.sessionId;
    let compactedAt: ChatTurnStarted | undefined;
    for (const text of ['second question', 'third question', 'fourth question']) {
      const started = await turn(text, sessionId);
      if (summaries().length > 0) {
        compactedAt = started;
        break;
      }
    }
    assert.ok(compactedAt, 'a compaction happened');
    const summariesBeforeUndo = summaries().length;

    const session = await client!.connection.sendRequest(SessionGetRequest.type, { sessionId });
    const asked = session.entries.filter((e) => e.kind === 'user').length;
    assert.ok(asked >= 3, 'every message is still in the session');
    assert.equal(session.entries.filter((e) => e.kind === 'assistant').length, asked);
    const reply = session.entries.find((e) => e.id === compactedAt.assistantEntryId);
    assert.ok(reply?.kind === 'assistant' && reply.compaction);
    assert.equal(reply.compaction.summary, 'SUMMARY: lexer and positions discussed.');
    assert.ok(reply.context && reply.context.numCtx === 2048, 'the reply records the context fill for the meter');
    const kept = session.entries.find((e) => e.id === reply.compaction!.keptFrom);
    assert.ok(kept?.kind === 'user', 'the compaction names the first message it kept');

    // The compacting turn was sent with the summary in place of the old exchanges.
    const after = lastTurnRequest().body.messages as { role: string; content: string }[];
    assert.match(after[1].content, /^Summary of the earlier part[\s\S]*SUMMARY: lexer and positions discussed\./);
    assert.ok(!after.some((m) => m.content.startsWith('first question')));

    await client!.connection.sendRequest(ChatUndoCompactionRequest.type, { sessionId, entryId: compactedAt.assistantEntryId });
    await turn('fifth question', sessionId);
    assert.equal(summaries().length, summariesBeforeUndo, 'an undone chat does not compact again');
    const full = lastTurnRequest().body.messages as { role: string; content: string }[];
    assert.ok(!full.some((m) => m.content.startsWith('Summary of the earlier part')), 'the summary is gone');
    const stored = await client!.connection.sendRequest(SessionGetRequest.type, { sessionId });
    const undone = stored.entries.find((e) => e.id === compactedAt!.assistantEntryId);
    assert.ok(undone?.kind === 'assistant' && undone.compaction?.undone);
  });

  for (const example of [
    ['nothing', '', 'small-context:1b returned an empty summary'],
    // Long words: about 1,400 tokens by the estimate, yet only 150 of the fixture's word tokens, well within num_predict.
    ['a note longer than the messages it would replace', `SUMMARY: ${'everydetailagainatlengthandmore '.repeat(150)}`, 'the summary small-context:1b wrote \\(about \\d+ tokens\\) is longer than the messages it would replace'],
  ] as const) {
    const [what, summary, why] = example;
    it(`a summariser that returns ${what} is not taken: the user is told, and the turn is sent with the full history`, async () => {
      fixture.setResponder((r: RecordedRequest) => (r.body.stream === false ? { kind: 'text', text: summary } : { kind: 'text', text: 'Answer.' }));
      const first = await turn('first question');
      let tried: ChatTurnStarted | undefined;
      for (const text of ['second question', 'third question', 'fourth question']) {
        const started = await turn(text, first.sessionId);
        if (summaries().length > 0) {
          tried = started;
          break;
        }
      }
      assert.ok(tried, 'a compaction was tried');
      const events = client!.events.filter((e) => e.entryId === tried.assistantEntryId).map((e) => e.event);
      assert.ok(!events.some((e) => e.type === 'compacted'));
      assert.ok(events.some((e) => e.type === 'status' && e.level === 'warning' && new RegExp(`could not be summarised \\(${why}`).test(e.message)), 'the user is told why');
      assert.ok(events.some((e) => e.type === 'text' && e.delta === 'Answer.'), 'the turn is answered');
      const sent = lastTurnRequest().body.messages as { role: string; content: string }[];
      assert.ok(!sent.some((m) => m.content.startsWith('Summary of the earlier part')), 'no note stands in for the old exchanges');
      assert.ok(sent.some((m) => m.content.startsWith('first question')), 'the first message is still sent');
      const session = await client!.connection.sendRequest(SessionGetRequest.type, { sessionId: first.sessionId });
      assert.ok(!session.entries.some((e) => e.kind === 'assistant' && e.compaction), 'no compaction is stored for later turns');
    });
  }

  it('a summariser that writes on without end is stopped at the room kept for the summary, and the user is told', async () => {
    // A model caught in a loop: Ollama alone would let it write up to ten windows (llm/llama_server.go boundedNumPredict).
    fixture.setResponder((r: RecordedRequest) => (r.body.stream === false ? { kind: 'text', text: `SUMMARY: ${'and then the lexer again, '.repeat(8000)}` } : { kind: 'text', text: 'Answer.' }));
    const first = await turn('first question');
    let tried: ChatTurnStarted | undefined;
    for (const text of ['second question', 'third question', 'fourth question']) {
      const started = await turn(text, first.sessionId);
      if (summaries().length > 0) {
        tried = started;
        break;
      }
    }
    assert.ok(tried, 'a compaction was tried');
    const [summary] = summaries();
    assert.ok(summary.body.options.num_predict > 0 && summary.body.options.num_predict <= 512, `num_predict ${summary.body.options.num_predict}: at most the quarter of 2048 kept for it`);
    assert.ok(summary.tokensSent <= summary.body.options.num_predict, `the model wrote ${summary.tokensSent} tokens`);
    const events = client!.events.filter((e) => e.entryId === tried.assistantEntryId).map((e) => e.event);
    assert.ok(!events.some((e) => e.type === 'compacted'));
    assert.ok(events.some((e) => e.type === 'status' && /could not be summarised \(the summary small-context:1b wrote ran past the 512 tokens kept for it\)/.test(e.message)), 'the user is told');
    assert.ok(events.some((e) => e.type === 'text' && e.delta === 'Answer.'), 'the turn is answered');
  });

  it('/compact summarises the earlier messages now, far below the threshold, and says so when there is nothing to compact', async () => {
    await client!.stop();
    // A threshold that would never compact on its own.
    client = await startLspTestClient({ storagePath: storage, settings: { ollama: { host: fixture.url }, chat: { model: MODEL, compactionThreshold: 1 } } });
    const send = async (text: string, sessionId?: string) => {
      const started = await client!.connection.sendRequest(ChatSendRequest.type, { sessionId, input: { text, context: [] } });
      await client!.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
      return started;
    };
    const first = await send('What does the lexer do?');
    await assert.rejects(
      client!.connection.sendRequest(ChatCommandRequest.type, { input: { text: '/compact', context: [] }, command: { name: 'compact', args: '' } }),
      (err: { data?: { message?: string } }) => /nothing to compact yet/.test(err.data?.message ?? ''),
    );
    await assert.rejects(
      client!.connection.sendRequest(ChatCommandRequest.type, { sessionId: first.sessionId, input: { text: '/compact', context: [] }, command: { name: 'compact', args: '' } }),
      (err: { data?: { message?: string } }) => /nothing to compact yet.*newest exchange is always kept whole/.test(err.data?.message ?? ''),
      'one exchange: the newest is kept whole, so there is nothing to summarise',
    );
    await send('And the parser?', first.sessionId);
    const result = await client!.connection.sendRequest(ChatCommandRequest.type, { sessionId: first.sessionId, input: { text: '/compact', context: [] }, command: { name: 'compact', args: '' } });
    await client!.waitForEvent((e) => e.entryId === result.started!.assistantEntryId && e.event.type === 'done', 20_000);
    assert.equal(summaries().length, 1, 'one summary, though the chat is nowhere near full');
    const sent = lastTurnRequest().body.messages as { role: string; content: string }[];
    assert.match(sent[1].content, /^Summary of the earlier part[\s\S]*SUMMARY: lexer and positions discussed\./);
    assert.ok(!sent.some((m) => m.content.startsWith('What does the lexer do?')), 'the first exchange went into the summary');
    assert.match(sent.at(-1)!.content, /^The user typed \/compact/);
    const session = await client!.connection.sendRequest(SessionGetRequest.type, { sessionId: first.sessionId });
    const reply = session.entries.find((e) => e.id === result.started!.assistantEntryId);
    assert.ok(reply?.kind === 'assistant' && reply.compaction?.summary === 'SUMMARY: lexer and positions discussed.');
    assert.equal(session.entries.filter((e) => e.kind === 'user').at(-1)?.text, '/compact', 'the chat shows what the user typed');

    // A retry of /compact compacts again rather than sending the note to an uncompacted chat.
    const retried = await client!.connection.sendRequest(ChatRetryRequest.type, { sessionId: first.sessionId });
    await client!.waitForEvent((e) => e.entryId === retried.assistantEntryId && e.event.type === 'done', 20_000);
    assert.equal(summaries().length, 2);
    assert.doesNotMatch(summaries()[1].body.messages[0].content, /focus on/);

    // Text after /compact says what the summary keeps in full detail; it is stored with the message, so a retry keeps it too.
    await send('What about errors?', first.sessionId);
    const focused = await client!.connection.sendRequest(ChatCommandRequest.type, { sessionId: first.sessionId, input: { text: '/compact the lexer\'s error positions', context: [] }, command: { name: 'compact', args: "the lexer's error positions" } });
    await client!.waitForEvent((e) => e.entryId === focused.started!.assistantEntryId && e.event.type === 'done', 20_000);
    const again = await client!.connection.sendRequest(ChatRetryRequest.type, { sessionId: first.sessionId });
    await client!.waitForEvent((e) => e.entryId === again.assistantEntryId && e.event.type === 'done', 20_000);
    assert.equal(summaries().length, 4);
    for (const request of summaries().slice(2)) assert.match(request.body.messages[0].content, /focus on: the lexer's error positions\n/);
    const stored = await client!.connection.sendRequest(SessionGetRequest.type, { sessionId: first.sessionId });
    assert.equal(stored.entries.filter((e) => e.kind === 'user').at(-1)?.text, "/compact the lexer's error positions");
    await assert.rejects(
      client!.connection.sendRequest(ChatCommandRequest.type, { sessionId: first.sessionId, input: { text: '/compact …', context: [] }, command: { name: 'compact', args: 'x'.repeat(2001) } }),
      (err: { data?: { message?: string } }) => /2001 characters long; say it in at most 2000/.test(err.data?.message ?? ''),
    );
  });
});
