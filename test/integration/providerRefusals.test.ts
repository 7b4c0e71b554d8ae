import * as assert from 'node:assert/strict';
import { startOpenAiRefusals, type OpenAiRefusals } from '../fixtures/openAiRefusals';
import type { LspTestClient } from './lspTestClient';
import { useLanguageServerWorkspace } from './languageServerWorkspace';
import { ChatRetryRequest, ChatSendRequest, ProviderApiKeyRequest, SessionGetRequest } from '../../protocol/lspMethods';
import type { HearthError } from '../../protocol/chat';

const MODEL = 'coder';
const KEY = 'sk-team-4d1f7e2a9b';

/** A provider that refuses a chat for a missing key or a rate limit: the user is told what to do, keeps the message, and Retry answers once that is done. */
describe('a provider that refuses a chat (integration)', function () {
  this.timeout(30_000);
  const lsp = useLanguageServerWorkspace('provider-refusal');
  let server: OpenAiRefusals | undefined;
  let client: LspTestClient | undefined;

  const start = async (rateLimited: number, retryAfter = '20') => {
    server = lsp.closeAfter(await startOpenAiRefusals({ model: MODEL, apiKey: KEY, rateLimited, retryAfter }));
    client = await lsp.startWithProvider({ name: 'team', baseUrl: server.url, model: MODEL });
  };
  const handOverKey = () => client!.connection.sendRequest(ProviderApiKeyRequest.type, { provider: 'team', baseUrl: server!.url, apiKey: KEY });

  const finished = (entryId: string) => client!.waitForEvent((e) => e.entryId === entryId && e.event.type === 'done', 15_000);
  const errorOf = async (entryId: string): Promise<HearthError | undefined> => {
    await finished(entryId);
    const error = client!.events.find((e) => e.entryId === entryId && e.event.type === 'error')?.event;
    return error?.type === 'error' ? error.error : undefined;
  };
  const textOf = (entryId: string) => client!.events.filter((e) => e.entryId === entryId).map((e) => (e.event.type === 'text' ? e.event.delta : '')).join('');

  it('a missing key (401) says to set the provider key, keeps the message, and Retry answers once the key is set', async () => {
    await start(0);
    const started = await client!.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Explain it', context: [] } });
    const error = await errorOf(started.assistantEntryId);
    assert.match(error?.message ?? '', new RegExp(`^The OpenAI-compatible provider "team" at ${server!.url.replace(/\./g, '\\.')} refused team::${MODEL} \\(HTTP 401\\): Invalid API Key\\.`));
    assert.match(error?.message ?? '', /Hearth: Set Provider API Key/);
    assert.equal(error?.retryable, true, 'Retry is offered: it succeeds once the key is set');
    const session = await client!.connection.sendRequest(SessionGetRequest.type, { sessionId: started.sessionId });
    assert.ok(session.entries.some((e) => e.kind === 'user' && e.text === 'Explain it'), 'the message is kept');

    await handOverKey();
    const retried = await client!.connection.sendRequest(ChatRetryRequest.type, { sessionId: started.sessionId });
    await finished(retried.assistantEntryId);
    assert.equal(textOf(retried.assistantEntryId), 'All good.');
  });

  for (const [form, retryAfter, wait] of [
    ['in seconds', () => '20', '20 seconds'],
    ['as an HTTP date', () => new Date(Date.now() + 3 * 60_000).toUTCString(), '3 minutes'],
  ] as const) {
    it(`a rate limit (429, Retry-After ${form}) says how long to wait, with the server's text, and Retry answers`, async () => {
      await start(1, retryAfter());
      await handOverKey();
      const started = await client!.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Explain it', context: [] } });
      const error = await errorOf(started.assistantEntryId);
      assert.match(error?.message ?? '', /^The OpenAI-compatible provider "team" at .* is limiting requests \(HTTP 429\): Rate limit reached for coder on requests per min/);
      assert.match(error?.message ?? '', new RegExp(`[Ww]ait ${wait}`));
      assert.equal(error?.retryable, true);
      const retried = await client!.connection.sendRequest(ChatRetryRequest.type, { sessionId: started.sessionId });
      await finished(retried.assistantEntryId);
      assert.equal(textOf(retried.assistantEntryId), 'All good.');
      assert.equal(server!.chats, 2);
    });
  }
});
