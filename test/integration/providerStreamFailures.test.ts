import * as assert from 'node:assert/strict';
import { startOpenAiFailingStream, type FailingStreamOptions, type OpenAiFailingStream, type StreamFailure } from '../fixtures/openAiFailingStream';
import type { LspTestClient } from './lspTestClient';
import { useLanguageServerWorkspace } from './languageServerWorkspace';
import { ChatRetryRequest, ChatSendRequest, ModelListRequest, SessionGetRequest } from '../../protocol/lspMethods';
import type { ChatEventParams } from '../../protocol/lspMethods';

const MODEL = 'local-model';

/** An OpenAI-compatible provider whose stream breaks: the user is told, keeps what arrived, and can retry. */
describe('a provider stream that breaks (integration)', function () {
  this.timeout(30_000);
  const lsp = useLanguageServerWorkspace('provider-stream', { files: { 'notes.txt': 'remember the milk\n' } });
  let server: OpenAiFailingStream | undefined;
  let client: LspTestClient | undefined;

  const start = async (failures: StreamFailure[], options: FailingStreamOptions = {}) => {
    server = lsp.closeAfter(await startOpenAiFailingStream(MODEL, failures, options));
    client = await lsp.startWithProvider({ name: 'lm', baseUrl: `${server.url}/v1`, model: MODEL });
  };

  const eventsOf = (entryId: string) => client!.events.filter((e) => e.entryId === entryId).map((e) => e.event);
  const textOf = (entryId: string) => eventsOf(entryId).map((e) => (e.type === 'text' ? e.delta : '')).join('');
  const finished = (entryId: string) => client!.waitForEvent((e) => e.entryId === entryId && e.event.type === 'done', 15_000);
  const errorOf = (done: ChatEventParams) => {
    const error = eventsOf(done.entryId).find((e) => e.type === 'error');
    return error?.type === 'error' ? error.error : undefined;
  };

  for (const failure of [
    { kind: 'errorData', text: 'The answer starts', error: 'CUDA error: out of memory' },
    { kind: 'errorEvent', text: 'The answer starts', error: 'upstream overloaded' },
    { kind: 'errorField', text: 'The answer starts', error: 'the request exceeds the available context size, try increasing it' },
  ] as const) {
    it(`an error inside the stream (${failure.kind}) shows the server's text and keeps the partial answer; Retry answers`, async () => {
      await start([failure]);
      const started = await client!.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Explain it', context: [] } });
      const done = await finished(started.assistantEntryId);
      assert.equal(done.event.type === 'done' && done.event.reason, 'error');
      const error = errorOf(done);
      assert.equal(error?.code, 'modelError');
      assert.match(error?.message ?? '', new RegExp(`provider "lm" at .* reported an error for lm::${MODEL}: ${failure.error}`));
      assert.equal(textOf(started.assistantEntryId), failure.text);

      const retried = await client!.connection.sendRequest(ChatRetryRequest.type, { sessionId: started.sessionId });
      assert.equal((await finished(retried.assistantEntryId)).event.type === 'done' && textOf(retried.assistantEntryId), 'All good.');
    });
  }

  for (const failure of [
    { kind: 'earlyDone', text: 'The answer starts' },
    { kind: 'closed', text: 'The answer starts' },
    { kind: 'ollamaDroppedError', text: 'The answer starts' },
  ] as const) {
    it(`a stream that stops without a finish_reason (${failure.kind}) is a cut answer, not a finished one`, async () => {
      await start([failure]);
      const started = await client!.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Explain it', context: [] } });
      const done = await finished(started.assistantEntryId);
      assert.equal(done.event.type === 'done' && done.event.reason, 'error');
      const error = errorOf(done);
      assert.equal(error?.code, 'connectionDropped');
      assert.match(error?.message ?? '', /provider "lm" .* closed before .* finished answering \(the stream ended early\)\. The partial answer is kept/);
      const session = await client!.connection.sendRequest(SessionGetRequest.type, { sessionId: started.sessionId });
      const reply = session.entries.find((e) => e.id === started.assistantEntryId);
      assert.ok(reply?.kind === 'assistant');
      assert.deepEqual([reply.parts.filter((p) => p.kind === 'text'), reply.doneReason], [[{ kind: 'text', text: failure.text }], 'error']);
    });
  }

  it('a stream line that never ends stops the answer with a clear error instead of filling memory, and keeps the partial answer', async () => {
    await start([{ kind: 'endlessLine', text: 'The answer starts' }]);
    const started = await client!.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Explain it', context: [] } });
    const done = await finished(started.assistantEntryId);
    assert.equal(done.event.type === 'done' && done.event.reason, 'error');
    assert.match(errorOf(done)?.message ?? '', /sent a stream line longer than 16 MiB; Hearth stopped reading it/);
    assert.equal(textOf(started.assistantEntryId), 'The answer starts');
  });

  it('an event that is not JSON ends the answer with an error naming it, and keeps what came before', async () => {
    await start([{ kind: 'garbledEvent', text: 'The answer starts', garbled: '{"choices":[{"index":0,"delta":{"content":" and th' }]);
    const started = await client!.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Explain it', context: [] } });
    const done = await finished(started.assistantEntryId);
    assert.equal(done.event.type === 'done' && done.event.reason, 'error');
    const error = errorOf(done);
    assert.equal(error?.code, 'modelError');
    assert.match(error?.message ?? '', /provider "lm" at .* reported an error for lm::local-model: the server sent a stream event that is not JSON: \{"choices":\[\{"index":0,"delta":\{"content":" and th$/);
    assert.equal(textOf(started.assistantEntryId), 'The answer starts');
  });

  it("a provider whose model list is too large to read is named in the picker's errors, and Ollama's models are still listed", async () => {
    await start([], { modelListBytes: 17 * 1024 * 1024 });
    const list = await client!.connection.sendRequest(ModelListRequest.type, {});
    assert.ok(list.models.some((m) => m.name === 'qwen2.5-coder:7b'), list.models.map((m) => m.name).join(', '));
    assert.equal(list.models.some((m) => m.provider === 'lm'), false);
    assert.equal(list.providerErrors?.length, 1, JSON.stringify(list.providerErrors));
    assert.match(list.providerErrors![0].message, /"lm"[\s\S]*the model list of .*\/v1\/models is larger than 16 MiB; Hearth stopped reading it/);
  });

  it('a tool call cut half way through its arguments runs nothing, and the next message sends no call without its result', async () => {
    await start([{ kind: 'toolCallCut', name: 'read_file', partialArguments: '{"path": "no' }]);
    const started = await client!.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Read my notes', context: [] } });
    const done = await finished(started.assistantEntryId);
    assert.equal(errorOf(done)?.code, 'connectionDropped');
    assert.ok(!eventsOf(started.assistantEntryId).some((e) => e.type === 'toolCall' || e.type === 'toolResult'), 'no tool ran on cut arguments');

    const next = await client!.connection.sendRequest(ChatSendRequest.type, { sessionId: started.sessionId, input: { text: 'Try again', context: [] } });
    await finished(next.assistantEntryId);
    assert.equal(textOf(next.assistantEntryId), 'All good.');
    const messages = server!.chats.at(-1)!.messages.filter((m) => m.role !== 'system');
    assert.deepEqual(messages.map((m) => m.role), ['user', 'user']);
  });
});
