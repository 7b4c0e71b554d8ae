/**
 * A model that takes longer than five minutes to load (a large model from a
 * slow disk, or a long prompt evaluated on a CPU): Ollama sends no response
 * headers until its first token (routes.go ChatHandler schedules the runner,
 * then streams), and Node's fetch gives up on a response without headers
 * after 300 s by default. The answer must still arrive, as it does in
 * Ollama's own CLI: the user's Stop is the only deadline of a load.
 */
import * as assert from 'node:assert/strict';
import { ChatSendRequest } from '../../protocol/lspMethods';
import { useLspSuite } from './lspSuite';
import { startLspTestClient } from './lspTestClient';

const MODEL = 'qwen2.5-coder:7b';
/** Past Node's default 300 s headers timeout, by a margin a loaded machine cannot close. */
const LOAD_MS = 310_000;

describe('a model load longer than five minutes (integration)', function () {
  this.timeout(LOAD_MS + 120_000);
  const suite = useLspSuite('slow-load', { fixture: { loadDelayMs: LOAD_MS } });

  it('still answers, with no error, once the model has loaded', async () => {
    suite.fixture.enqueue({ kind: 'text', text: 'Loaded at last.' });
    suite.client = await startLspTestClient({ storagePath: suite.storage, settings: { ollama: { host: suite.fixture.url }, chat: { model: MODEL } } });
    const started = await suite.client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Hello', context: [] } });
    const done = await suite.client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', LOAD_MS + 60_000);
    const errors = suite.client.events.filter((e) => e.entryId === started.assistantEntryId && e.event.type === 'error');
    assert.deepEqual(errors.map((e) => (e.event.type === 'error' ? e.event.error.message : '')), []);
    assert.equal(done.event.type === 'done' && done.event.reason, 'stop');
    const text = suite.client.events
      .filter((e) => e.entryId === started.assistantEntryId && e.event.type === 'text')
      .map((e) => (e.event.type === 'text' ? e.event.delta : ''))
      .join('');
    assert.equal(text, 'Loaded at last.');
  });
});
