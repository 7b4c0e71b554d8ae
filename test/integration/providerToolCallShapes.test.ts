import * as assert from 'node:assert/strict';
import { startOpenAiToolCallShapes, type ToolCallShape } from '../fixtures/openAiToolCallShapes';
import { useLanguageServerWorkspace } from './languageServerWorkspace';
import { ChatSendRequest } from '../../protocol/lspMethods';

const MODEL = 'gpt-oss:20b';

/** Tool calls streamed in the shapes servers other than OpenAI use run as the calls the model made. */
describe('tool calls streamed in other servers’ shapes (integration)', function () {
  this.timeout(30_000);
  const lsp = useLanguageServerWorkspace('provider-shapes', { files: { 'a.txt': 'first file\n', 'b.txt': 'second file\n' } });

  const run = async (shape: ToolCallShape, paths: string[]) => {
    const server = lsp.closeAfter(await startOpenAiToolCallShapes(MODEL, shape, paths));
    const client = await lsp.startWithProvider({ name: 'box', baseUrl: `${server.url}/v1`, model: MODEL });
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Read the files', context: [] } });
    const done = await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
    const events = client.events.filter((e) => e.entryId === started.assistantEntryId).map((e) => e.event);
    assert.deepEqual(done.event, { type: 'done', reason: 'stop' }, JSON.stringify(events.filter((e) => e.type === 'error')));
    assert.equal(events.map((e) => (e.type === 'text' ? e.delta : '')).join(''), 'Done.');
    return { results: events.flatMap((e) => (e.type === 'toolResult' ? [e.result] : [])), sent: server.chats.at(-1)!.messages };
  };

  it('parallel calls that all say index 0 (Ollama’s /v1, Gemini) run as separate calls', async () => {
    const { results, sent } = await run('sharedIndex', ['a.txt', 'b.txt']);
    assert.deepEqual(results.map((r) => [r.isError, r.content.includes('first file'), r.content.includes('second file')]), [[false, true, false], [false, false, true]]);
    const assistant = sent.find((m) => m.role === 'assistant' && m.tool_calls?.length);
    assert.deepEqual(assistant?.tool_calls?.map((c) => JSON.parse(c.function.arguments)), [{ path: 'a.txt' }, { path: 'b.txt' }]);
  });

  it('a call whose id and name are repeated in every chunk (Fireworks, NVIDIA NIM) runs under its own name', async () => {
    const { results, sent } = await run('repeatedName', ['a.txt']);
    assert.deepEqual(results.map((r) => [r.isError, r.content.includes('first file')]), [[false, true]], JSON.stringify(results));
    const assistant = sent.find((m) => m.role === 'assistant' && m.tool_calls?.length);
    assert.deepEqual(assistant?.tool_calls?.map((c) => c.function.name), ['read_file']);
  });
});
