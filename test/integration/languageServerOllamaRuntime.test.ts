/**
 * The real language server (dist/language-server.js over stdio LSP) against
 * the scripted Ollama, on the behaviours of today's Ollama that a user
 * notices: thinking models that reason before they answer, a model reload
 * whenever requests disagree on num_ctx, and cold loads that take long
 * before the first byte (see test/fixtures/ollama/thinkGate.ts and
 * runnerTable.ts for how the fixture models Ollama's source).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ChatContinueRequest, ChatSendRequest, CommitMessageRequest, SessionGetRequest, type ChatEventParams } from '../../protocol/lspMethods';
import { DEFAULT_MODELS, GPT_OSS, GPT_OSS_CLOUD, OLLAMA_QUEUE_FULL, QWEN3, startOllamaFixture, type OllamaFixture, type RecordedRequest } from '../fixtures/ollamaFixture';
import { until } from '../fixtures/until';
import { CompletionTestEditor } from './completionTestEditor';
import { startLspTestClient, type LspTestClient } from './lspTestClient';

const CODER = 'qwen2.5-coder:7b';
const SOURCE = ['export function area(width: number, height: number): number {', '  return ', '}', ''].join('\n');

const isChat = (r: RecordedRequest) => r.path === '/api/chat';
const isGenerate = (r: RecordedRequest) => r.path === '/api/generate';

function deltas(events: ChatEventParams[], entryId: string, type: 'text' | 'thinking'): string {
  return events
    .filter((e) => e.entryId === entryId && e.event.type === type)
    .map((e) => (e.event.type === type ? e.event.delta : ''))
    .join('');
}

describe('language server against Ollama as it behaves today (integration)', function () {
  this.timeout(30_000);
  let fixture: OllamaFixture;
  let storage: string;
  let workspace: string;
  let client: LspTestClient | undefined;

  afterEach(async () => {
    await client?.stop();
    client = undefined;
    await fixture.close();
    fs.rmSync(storage, { recursive: true, force: true });
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  async function start(options: { chatModel: string; chat?: Record<string, unknown>; fixture?: Parameters<typeof startOllamaFixture>[0] }): Promise<LspTestClient> {
    fixture = await startOllamaFixture({ models: [...DEFAULT_MODELS, QWEN3, GPT_OSS], ...options.fixture });
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-ls-'));
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-ws-'));
    client = await startLspTestClient({
      storagePath: storage,
      workspace,
      settings: { ollama: { host: fixture.url }, chat: { model: options.chatModel, ...options.chat }, completion: { model: CODER, debounceMs: 5 } },
    });
    return client;
  }

  async function send(text: string, sessionId?: string) {
    const started = await client!.connection.sendRequest(ChatSendRequest.type, { sessionId, input: { text, context: [] } });
    const done = await client!.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done');
    assert.equal(done.event.type === 'done' && done.event.reason, 'stop', `the turn "${text}" ended normally`);
    return started;
  }

  async function openEditor(): Promise<CompletionTestEditor> {
    const editor = new CompletionTestEditor(client!.connection, pathToFileURL(path.join(workspace, 'area.ts')).toString(), 'typescript', SOURCE);
    await editor.open();
    editor.moveTo('  return ');
    return editor;
  }

  it('streams a thinking model’s reasoning as its own events, stores it, and never sends it back as content', async () => {
    await start({ chatModel: QWEN3.name });
    fixture.enqueue({ kind: 'text', thinking: 'The user wants a haiku about rain. Five, seven, five.', text: 'Soft rain on the roof.' }, { kind: 'text', text: 'Second answer.' });
    const first = await send('Write a haiku about rain');

    const events = client!.events.filter((e) => e.entryId === first.assistantEntryId).map((e) => e.event.type);
    assert.ok(events.indexOf('thinking') >= 0 && events.indexOf('thinking') < events.indexOf('text'), `reasoning streams before the answer: ${events.join(',')}`);
    assert.equal(deltas(client!.events, first.assistantEntryId, 'thinking'), 'The user wants a haiku about rain. Five, seven, five.');
    assert.equal(deltas(client!.events, first.assistantEntryId, 'text'), 'Soft rain on the roof.');
    // hearth.chat.think defaults to Ollama's own default: `think` is left out and the model thinks.
    assert.equal(fixture.requests.find(isChat)!.body.think, undefined);

    const session = await client!.connection.sendRequest(SessionGetRequest.type, { sessionId: first.sessionId });
    const reply = session.entries.find((e) => e.id === first.assistantEntryId);
    assert.ok(reply?.kind === 'assistant');
    // The first turn also loaded the model, which its first part says.
    assert.deepEqual(
      reply.parts.map((p) => p.kind),
      ['status', 'thinking', 'text'],
    );
    assert.equal(reply.parts[1].kind === 'thinking' && reply.parts[1].text, 'The user wants a haiku about rain. Five, seven, five.');

    await send('Another one', first.sessionId);
    const second = fixture.requests.filter(isChat)[1];
    const history = second.body.messages as { role: string; content: string; thinking?: string }[];
    assert.ok(history.some((m) => m.role === 'assistant' && m.content === 'Soft rain on the roof.'), 'the earlier answer is in the history');
    assert.ok(!JSON.stringify(history).includes('Five, seven, five'), 'the earlier reasoning is not sent back');
  });

  it('shows a reasoning block written into the answer (Ollama before 0.9) as reasoning, not as the answer', async () => {
    // Ollama 0.6–0.8 had no thinking parser: deepseek-r1 and qwen3 wrote `<think>…</think>` into message.content.
    await start({ chatModel: CODER });
    fixture.enqueue({ kind: 'text', text: '<think>\nThe user wants a haiku. Five, seven, five.\n</think>\n\nSoft rain on the roof.' }, { kind: 'text', text: 'Second answer.' });
    const first = await send('Write a haiku about rain');
    assert.equal(deltas(client!.events, first.assistantEntryId, 'thinking').trim(), 'The user wants a haiku. Five, seven, five.');
    assert.equal(deltas(client!.events, first.assistantEntryId, 'text'), 'Soft rain on the roof.');
    const session = await client!.connection.sendRequest(SessionGetRequest.type, { sessionId: first.sessionId });
    const reply = session.entries.find((e) => e.id === first.assistantEntryId);
    assert.ok(reply?.kind === 'assistant');
    assert.ok(!JSON.stringify(reply.parts.filter((p) => p.kind === 'text')).includes('think'), 'the stored answer holds no reasoning tags');

    await send('Another one', first.sessionId);
    const history = fixture.requests.filter(isChat)[1].body.messages as { role: string; content: string }[];
    assert.ok(history.some((m) => m.role === 'assistant' && m.content === 'Soft rain on the roof.'), 'the earlier answer goes back without its reasoning');
  });

  it('follows hearth.chat.think per model, and never asks a model without the capability to think', async () => {
    await start({ chatModel: QWEN3.name, chat: { think: 'off', thinkByModel: { [GPT_OSS.name]: 'high' } } });
    fixture.enqueue({ kind: 'text', thinking: 'Hidden reasoning.', text: 'Plain answer.' });
    const off = await send('Quick question');
    assert.equal(fixture.requests.filter(isChat)[0].body.think, false);
    assert.equal(deltas(client!.events, off.assistantEntryId, 'thinking'), '', 'think off: no reasoning streams');

    client!.setSettings({ ollama: { host: fixture.url }, chat: { model: GPT_OSS.name, think: 'on', thinkByModel: { [GPT_OSS.name]: 'high' } } });
    fixture.enqueue({ kind: 'text', thinking: 'Deep reasoning.', text: 'Careful answer.' });
    const high = await send('Hard question');
    assert.equal(fixture.requests.filter(isChat)[1].body.think, 'high');
    assert.equal(fixture.requests.filter(isChat)[1].thinkLevel, 'high');
    assert.equal(deltas(client!.events, high.assistantEntryId, 'thinking'), 'Deep reasoning.');

    // "on" for a model without the thinking capability would be Ollama's 400; Hearth leaves `think` out instead.
    client!.setSettings({ ollama: { host: fixture.url }, chat: { model: CODER, think: 'on' } });
    fixture.enqueue({ kind: 'text', text: 'Coder answer.' });
    const coder = await send('Code question');
    assert.equal(fixture.requests.filter(isChat)[2].body.think, undefined);
    assert.equal(deltas(client!.events, coder.assistantEntryId, 'text'), 'Coder answer.');
  });

  it('sends think:false for inline suggestions and commit messages, and a suggestion never shows <think> text', async () => {
    await start({ chatModel: QWEN3.name });
    const editor = await openEditor();
    // A reasoning block that reaches the text anyway (a raw prompt bypasses Ollama's thinking parser) is not ghost text.
    fixture.enqueue({ kind: 'text', text: '<think>The user multiplies.</think>\nwidth * height;' });
    const answer = await editor.request();
    assert.equal(answer.text, 'width * height;');
    assert.equal(fixture.requests.find(isGenerate)!.body.think, false);

    fixture.enqueue({ kind: 'text', thinking: 'This would take 15 seconds.', text: 'Fix the area calculation' });
    const result = await client!.connection.sendRequest(CommitMessageRequest.type, { diff: 'diff --git a/a.ts b/a.ts\n-    return w * hh;\n+    return w * h;\n' });
    assert.equal(result.message, 'Fix the area calculation');
    const commit = fixture.requests.filter(isChat).at(-1)!;
    assert.equal(commit.body.think, false);
    assert.equal(commit.thinkingSent, undefined, 'the thinking model did not reason for the commit message');
  });

  it('alternating chat and inline suggestions on one model causes no reload', async () => {
    // Ollama's default context on a machine with under 24 GiB of VRAM is 4096: a request without num_ctx differs from a chat's.
    await start({ chatModel: CODER, fixture: { defaultNumCtx: 4096 } });
    const editor = await openEditor();
    let sessionId: string | undefined;
    for (let round = 0; round < 3; round++) {
      fixture.enqueue({ kind: 'text', text: `Chat answer ${round}.` });
      sessionId = (await send(`Chat ${round}`, sessionId)).sessionId;
      // A change elsewhere in the file, so the suggestion is not served from the cache.
      await editor.edit(editor.text.length, 0, `// edit ${round}\n`);
      fixture.enqueue({ kind: 'text', text: 'width * height;' });
      assert.equal((await editor.request()).text, 'width * height;');
    }
    const model = fixture.requests.filter((r) => isChat(r) || isGenerate(r));
    assert.equal(model.filter(isChat).length, 3);
    assert.equal(model.filter(isGenerate).length, 3);
    assert.equal(fixture.reloadCount, 0, `no reloads; loads: ${JSON.stringify(fixture.loads)}`);
    assert.equal(fixture.loads.length, 1, 'the model was loaded once');
    const numCtx = new Set(model.map((r) => r.body.options?.num_ctx));
    assert.equal(numCtx.size, 1, `one num_ctx on every path, got ${[...numCtx].join(', ')}`);
    assert.ok(typeof [...numCtx][0] === 'number');
  });

  it('adopts the context of a model that is already loaded instead of reloading it', async () => {
    await start({ chatModel: CODER });
    fixture.preload(CODER, 8192);
    const editor = await openEditor();
    fixture.enqueue({ kind: 'text', text: 'width * height;' });
    await editor.request();
    fixture.enqueue({ kind: 'text', text: 'Chat answer.' });
    await send('Hello');
    assert.deepEqual(fixture.loads, [], 'nothing was loaded or reloaded');
    assert.deepEqual(
      fixture.requests.filter((r) => isChat(r) || isGenerate(r)).map((r) => r.body.options?.num_ctx),
      [8192, 8192],
    );
  });

  it('a model name set in another case than the installed one still adopts the loaded context and announces no load', async () => {
    // Ollama matches names whatever their case (routes.go getExistingName: strings.EqualFold), and /api/ps lists the installed name.
    const typed = 'Qwen2.5-Coder:7B';
    await start({ chatModel: typed });
    fixture.preload(CODER, 8192);
    fixture.enqueue({ kind: 'text', text: 'Chat answer.' });
    const started = await send('Hello');
    const chat = fixture.requests.find(isChat)!;
    assert.equal(chat.body.model, typed);
    assert.equal(chat.body.options?.num_ctx, 8192, 'the loaded runner\'s context');
    assert.deepEqual(fixture.loads, [], 'nothing was loaded or reloaded');
    assert.ok(!client!.events.some((e) => e.entryId === started.assistantEntryId && e.event.type === 'status'), 'no loading notice for a loaded model');
  });

  it('says "Loading <model>…" in the chat and the status bar during a cold load, and not when the model is warm', async () => {
    await start({ chatModel: CODER, fixture: { loadDelayMs: 600 } });
    fixture.enqueue({ kind: 'text', text: 'Loaded answer.' }, { kind: 'text', text: 'Warm answer.' });
    const started = await client!.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Hello', context: [] } });
    const loading = await client!.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'status');
    assert.ok(loading.event.type === 'status' && loading.event.message.startsWith(`Loading ${CODER}…`), JSON.stringify(loading.event));
    await until(() => client!.statuses.some((s) => s.state === 'loading'), 'a loading status for the status bar');
    const status = client!.statuses.find((s) => s.state === 'loading')!;
    assert.equal(status.model, CODER);
    assert.match(status.message ?? '', new RegExp(`Loading ${CODER.replace(/[.]/g, '\\.')}…`));
    // The notice came while the model was still loading, before its first byte.
    const chat = await fixture.waitFor((r) => isChat(r) && r.outcome === 'completed', 10_000);
    assert.equal(chat.load, 'cold');
    await client!.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done');
    const events = client!.events.filter((e) => e.entryId === started.assistantEntryId).map((e) => e.event);
    assert.ok(events.findIndex((e) => e.type === 'status') < events.findIndex((e) => e.type === 'text'));
    // Once the answer comes, the note says how long the load took instead of still saying it is loading.
    const loaded = events.find((e) => e.type === 'status' && e.message.startsWith('Loaded'));
    assert.ok(loaded?.type === 'status' && loading.event.type === 'status' && loaded.id === loading.event.id, JSON.stringify(events));
    // The scripted load takes 600 ms.
    assert.match(loaded.message, new RegExp(`^Loaded ${CODER.replace(/[.]/g, '\\.')} in 0\\.[6-9] s\\.$`));
    const shown = await client!.connection.sendRequest(SessionGetRequest.type, { sessionId: started.sessionId });
    const reply = shown.entries.find((e) => e.id === started.assistantEntryId);
    assert.deepEqual(
      reply?.kind === 'assistant' && reply.parts.filter((p) => p.kind === 'status').map((p) => p.kind === 'status' && p.message),
      [loaded.message],
    );
    await until(() => client!.statuses.at(-1)?.state === 'idle', 'the status bar back to idle after the answer');

    const warm = await send('Again', started.sessionId);
    assert.equal(fixture.requests.filter(isChat)[1].load, 'warm');
    assert.ok(!client!.events.some((e) => e.entryId === warm.assistantEntryId && e.event.type === 'status'), 'no loading notice for a warm model');
  });

  it('a cloud model on an Ollama not signed in to ollama.com: says to run `ollama signin`, announces no load, and keeps the message', async () => {
    await start({ chatModel: GPT_OSS_CLOUD.name, fixture: { models: [...DEFAULT_MODELS, GPT_OSS_CLOUD] } });
    const started = await client!.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Explain the build script', context: [] } });
    const done = await client!.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done');
    assert.deepEqual(done.event, { type: 'done', reason: 'error' });
    const events = client!.events.filter((e) => e.entryId === started.assistantEntryId).map((e) => e.event);
    const error = events.find((e) => e.type === 'error');
    assert.ok(error?.type === 'error', JSON.stringify(events));
    assert.equal(
      error.error.message,
      `${GPT_OSS_CLOUD.name} is an Ollama cloud model: it runs on ollama.com, and the Ollama at ${fixture.url} is not signed in there. ` +
        'Run `ollama signin` on the machine Ollama runs on (it opens the sign-in page), then send your message again, or pick a local model.',
    );
    assert.equal(error.error.retryable, true);
    // Ollama never loads a cloud model itself (/api/ps never lists it): "Loading…" would be untrue, at every message.
    assert.ok(!events.some((e) => e.type === 'status' && /Loading/.test(e.message)), JSON.stringify(events));
    const session = await client!.connection.sendRequest(SessionGetRequest.type, { sessionId: started.sessionId });
    assert.ok(session.entries.some((e) => e.kind === 'user' && e.text === 'Explain the build script'), 'the message is kept for sending again');
  });

  describe('what already worked keeps working with a thinking model', () => {
    it('a thinking model’s native tool call (with Ollama’s id and function.index) runs, and the follow-up request carries the call but not the reasoning', async () => {
      await start({ chatModel: QWEN3.name });
      fs.writeFileSync(path.join(workspace, 'notes.txt'), 'remember the milk\n');
      fixture.enqueue(
        { kind: 'toolCalls', thinking: 'I should read notes.txt first.', calls: [{ name: 'read_file', arguments: { path: 'notes.txt' } }] },
        { kind: 'text', thinking: 'The note says milk.', text: 'Your note says: remember the milk.' },
      );
      const turn = await send('What does my note say?');
      const types = client!.events.filter((e) => e.entryId === turn.assistantEntryId).map((e) => e.event.type);
      // Reasoning, then the call and its result, then the second step's reasoning, then the answer.
      assert.ok(types.indexOf('thinking') < types.indexOf('toolCall') && types.indexOf('toolResult') < types.lastIndexOf('thinking'), `order: ${types.join(',')}`);
      assert.ok(types.lastIndexOf('thinking') < types.indexOf('text'), `order: ${types.join(',')}`);
      const call = client!.events.find((e) => e.entryId === turn.assistantEntryId && e.event.type === 'toolCall')!;
      assert.ok(call.event.type === 'toolCall' && call.event.call.id !== '' && call.event.call.name === 'read_file');
      assert.equal(deltas(client!.events, turn.assistantEntryId, 'text'), 'Your note says: remember the milk.');
      const followUp = fixture.requests.filter(isChat)[1];
      const messages = followUp.body.messages as { role: string; content: string; tool_calls?: unknown[] }[];
      assert.ok(messages.some((m) => m.role === 'assistant' && m.tool_calls?.length === 1), 'the tool call is in the follow-up');
      assert.ok(messages.some((m) => m.role === 'tool' && m.content.includes('remember the milk')), 'the tool result is in the follow-up');
      assert.ok(!JSON.stringify(messages).includes('I should read notes.txt'), 'the reasoning is not sent back');
    });

    it('Continue resumes an answer cut at done_reason length in place: the model continues its own last message, the same reply grows, and later turns see one answer', async () => {
      await start({ chatModel: CODER });
      fixture.enqueue({ kind: 'text', text: 'Step one, step two, and', doneReason: 'length' });
      const started = await client!.connection.sendRequest(ChatSendRequest.type, { input: { text: 'List the steps', context: [] } });
      const cut = await client!.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done');
      assert.equal(cut.event.type === 'done' && cut.event.reason, 'length');

      fixture.enqueue({ kind: 'text', text: ' step three.' });
      const resumed = await client!.connection.sendRequest(ChatContinueRequest.type, { sessionId: started.sessionId });
      assert.equal(resumed.userEntryId, started.userEntryId, 'a continuation answers the same message');
      assert.equal(resumed.assistantEntryId, started.assistantEntryId, 'the cut reply itself continues');
      assert.equal(resumed.continued, true);
      await until(() => client!.events.filter((e) => e.entryId === started.assistantEntryId && e.event.type === 'done').length === 2, 'the continuation to finish');
      assert.equal(deltas(client!.events, resumed.assistantEntryId, 'text'), 'Step one, step two, and step three.');
      const stored = await client!.connection.sendRequest(SessionGetRequest.type, { sessionId: started.sessionId });
      const answers = stored.entries.filter((e) => e.kind === 'assistant');
      assert.equal(answers.length, 1, 'one reply');
      assert.deepEqual(answers[0].kind === 'assistant' && [answers[0].parts.filter((p) => p.kind === 'text'), answers[0].doneReason], [[{ kind: 'text', text: 'Step one, step two, and step three.' }], 'stop']);
      const request = fixture.requests.filter(isChat)[1];
      const messages = (request.body.messages as { role: string; content: string }[]).filter((m) => m.role !== 'system');
      assert.deepEqual(messages.at(-1), { role: 'assistant', content: 'Step one, step two, and' }, 'the cut answer is the last message, for Ollama to continue');
      assert.equal(messages.filter((m) => m.role === 'user').length, 1, 'no new user message');

      fixture.enqueue({ kind: 'text', text: 'Done.' });
      await send('Thanks', started.sessionId);
      const later = (fixture.requests.filter(isChat)[2].body.messages as { role: string; content: string }[]).filter((m) => m.role !== 'system');
      assert.deepEqual(later.map((m) => m.role), ['user', 'assistant', 'user']);
      assert.equal(later[1].content, 'Step one, step two, and step three.');
      await assert.rejects(client!.connection.sendRequest(ChatContinueRequest.type, { sessionId: started.sessionId }), /length limit can be continued/);
    });

    it('an {"error"} line mid-stream (HTTP 200) keeps the partial answer, and a 503 queue-full says to retry', async () => {
      await start({ chatModel: QWEN3.name });
      fixture.enqueue({ kind: 'streamError', text: 'Partial answer that the runner cut', afterTokens: 3, error: 'llama runner process has terminated: signal: killed' });
      const started = await client!.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Crash please', context: [] } });
      const error = await client!.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'error');
      assert.ok(error.event.type === 'error');
      assert.match(error.event.error.message, /llama runner process has terminated/);
      assert.equal(deltas(client!.events, started.assistantEntryId, 'text'), 'Partial answer that');

      fixture.enqueue({ kind: 'error', status: 503, error: OLLAMA_QUEUE_FULL });
      const busy = await client!.connection.sendRequest(ChatSendRequest.type, { sessionId: started.sessionId, input: { text: 'Again', context: [] } });
      const queueFull = await client!.waitForEvent((e) => e.entryId === busy.assistantEntryId && e.event.type === 'error');
      assert.ok(queueFull.event.type === 'error');
      assert.match(queueFull.event.error.message, /server busy/);
      assert.equal(queueFull.event.error.retryable, true);
    });
  });
});
