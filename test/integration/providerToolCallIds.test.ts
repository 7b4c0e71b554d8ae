import * as assert from 'node:assert/strict';
import { startMistralToolCallIds } from '../fixtures/mistralToolCallIds';
import { useLanguageServerWorkspace } from './languageServerWorkspace';
import { ChatSendRequest } from '../../protocol/lspMethods';

const MODEL = 'mistralai/Devstral-Small-2507';

/** The ids of tool calls sent back to an OpenAI-compatible provider are ones every such server accepts, Mistral's strict rule included. */
describe('tool call ids sent to a provider (integration)', function () {
  this.timeout(30_000);
  const lsp = useLanguageServerWorkspace('provider-ids', { files: { 'notes.txt': 'remember the milk\n' } });

  it('a Mistral model on vLLM gets its tool result back and answers, in this turn and the next', async () => {
    const server = lsp.closeAfter(await startMistralToolCallIds(MODEL, 'notes.txt'));
    const client = await lsp.startWithProvider({ name: 'vllm', baseUrl: server.url, model: MODEL });
    let sessionId: string | undefined;
    for (const text of ['Read my notes', 'Read them again']) {
      const started = await client.connection.sendRequest(ChatSendRequest.type, { ...(sessionId ? { sessionId } : {}), input: { text, context: [] } });
      const done = await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
      const events = client.events.filter((e) => e.entryId === started.assistantEntryId).map((e) => e.event);
      assert.deepEqual(done.event, { type: 'done', reason: 'stop' }, JSON.stringify(events.filter((e) => e.type === 'error')));
      assert.ok(events.some((e) => e.type === 'toolResult' && e.result.content.includes('remember the milk')));
      assert.equal(events.map((e) => (e.type === 'text' ? e.delta : '')).join(''), 'Done.');
      sessionId = started.sessionId;
    }
    // The second turn sent the first turn's call and result back too, and every id in it passed.
    const last = server.chats.at(-1)!.messages;
    assert.equal(last.filter((m) => m.role === 'tool').length, 2);
    const ids = last.flatMap((m) => [...(m.tool_calls ?? []).map((c) => c.id), ...(m.tool_call_id ? [m.tool_call_id] : [])]);
    assert.equal(new Set(ids).size, 2, `each call and its result share one id, distinct from the other turn's: ${ids.join(', ')}`);
  });
});
