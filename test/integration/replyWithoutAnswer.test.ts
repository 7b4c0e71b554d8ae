/**
 * A model reply that ends normally with nothing to read (empty, only
 * whitespace, only reasoning), against the real language server over LSP:
 * the user is told so and can retry, instead of seeing a blank answer.
 */
import * as assert from 'node:assert/strict';
import type { AgentEvent } from '../../protocol/chat';
import { ChatRetryRequest, ChatSendRequest, SessionGetRequest } from '../../protocol/lspMethods';
import type { LspTestClient } from './lspTestClient';
import { useLanguageServerWorkspace } from './languageServerWorkspace';

const MODEL = 'qwen2.5-coder:7b';

describe('a model reply with nothing to read (integration)', function () {
  this.timeout(30_000);
  const lsp = useLanguageServerWorkspace('reply-without-answer');

  const turn = async (client: LspTestClient, send: () => Promise<{ sessionId: string; assistantEntryId: string }>) => {
    const started = await send();
    const done = await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 15_000);
    const events: AgentEvent[] = client.events.filter((e) => e.entryId === started.assistantEntryId).map((e) => e.event);
    const error = events.find((e) => e.type === 'error');
    return { started, reason: done.event.type === 'done' ? done.event.reason : undefined, error: error?.type === 'error' ? error.error : undefined, events };
  };

  for (const [what, reply, expected] of [
    ['only whitespace', '  \n\n  ', /^qwen2\.5-coder:7b finished without writing an answer: its reply was empty\. Press Retry/],
    ['only reasoning', '<think>The user wants a summary of the project.</think>\n\n', /^qwen2\.5-coder:7b finished reasoning without writing an answer \(its reasoning is kept above\)\. Press Retry/],
  ] as const) {
    it(`a reply of ${what} ends with an error saying so, keeps the message, and Retry answers`, async () => {
      lsp.ollama.enqueue({ kind: 'text', text: reply }, { kind: 'text', text: 'The project is a calculator.' });
      const client = await lsp.start(MODEL);
      const first = await turn(client, () => client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Summarise the project', context: [] } }));
      assert.equal(first.reason, 'error');
      assert.match(first.error?.message ?? '', expected);
      assert.equal(first.error?.retryable, true);
      const session = await client.connection.sendRequest(SessionGetRequest.type, { sessionId: first.started.sessionId });
      assert.ok(session.entries.some((e) => e.kind === 'user' && e.text === 'Summarise the project'), 'the message is kept');

      const retried = await turn(client, () => client.connection.sendRequest(ChatRetryRequest.type, { sessionId: first.started.sessionId }));
      assert.equal(retried.reason, 'stop');
      assert.equal(retried.events.map((e) => (e.type === 'text' ? e.delta : '')).join(''), 'The project is a calculator.');
    });
  }
});
