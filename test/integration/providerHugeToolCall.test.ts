import * as assert from 'node:assert/strict';
import { startOpenAiHugeToolCall } from '../fixtures/openAiHugeToolCall';
import { useLanguageServerWorkspace } from './languageServerWorkspace';
import { ChatSendRequest } from '../../protocol/lspMethods';

const MODEL = 'coder';

/** A provider streaming one tool call without end, in short well-formed lines: the call is bounded as a whole, as Ollama's one-line calls are. */
describe('a provider streaming a tool call larger than any real one (integration)', function () {
  this.timeout(60_000);
  const lsp = useLanguageServerWorkspace('provider-huge', { files: { 'a.txt': 'first file\n' } });

  it('stops reading at the bound, hangs up, runs nothing, and says why', async () => {
    // 24 MiB of arguments: past the 16 MiB bound, and small enough that a build without the bound only wastes memory.
    const server = lsp.closeAfter(await startOpenAiHugeToolCall(MODEL, 24 * 1024 * 1024));
    const client = await lsp.startWithProvider({ name: 'box', baseUrl: server.url, model: MODEL });
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Read a.txt', context: [] } });
    const done = await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 45_000);
    const events = client.events.filter((e) => e.entryId === started.assistantEntryId).map((e) => e.event);
    assert.deepEqual(done.event, { type: 'done', reason: 'error' });
    const error = events.find((e) => e.type === 'error');
    assert.match(error?.type === 'error' ? error.error.message : '', /provider "box" .*sent tool call arguments longer than 16 MiB; Hearth stopped reading them/);
    assert.ok(!events.some((e) => e.type === 'toolCall' || e.type === 'toolResult'), 'no tool ran');
    await server.hungUp;
  });
});
