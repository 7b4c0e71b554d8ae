/**
 * Downloading a missing model from the chat: the error of a model the local
 * Ollama lacks offers "Download <model>" on the last answer only (not for a
 * provider's model or a team server's, which Hearth cannot install), the
 * extension takes the request only with a model name, and the progress
 * notification reads as Ollama reports it.
 */
import assert from 'node:assert/strict';
import type { HearthError } from '../../protocol/chat';
import type { AssistantEntry, UserEntry } from '../../protocol/sessions';
import { parseFromWebview } from '../../protocol/webviewMessages';
import { pullProgressText } from '../../extension/pullProgressText';
import { click, createHarness, sessionView, type Harness } from './webviewTestHarness';

const user: UserEntry = { kind: 'user', id: 'u0', text: 'hi', context: [], at: 1 };
const failed = (error: HearthError, id = 'a1'): AssistantEntry => ({ kind: 'assistant', id, replyTo: 'u0', model: 'qwen2.5-coder:7b', parts: [], state: 'done', doneReason: 'error', at: 3, error });
const MISSING: HearthError = { code: 'modelNotFound', message: 'The model "qwen2.5-coder:7b" is not installed in Ollama at http://127.0.0.1:11434.', model: 'qwen2.5-coder:7b', installedModels: [], pullable: true, retryable: true };

describe('downloading a missing model', () => {
  let h: Harness;
  afterEach(() => h?.dispose());

  it('offers Download on the last answer when the local Ollama lacks the model, and asks the extension for it', () => {
    h = createHarness();
    h.send({ type: 'session', session: sessionView('s1', [user, failed(MISSING)]) });
    const download = h.$('download-model')!;
    assert.equal(download.textContent, 'Download qwen2.5-coder:7b');
    click(download);
    assert.deepEqual(h.api.of('downloadModel'), [{ type: 'downloadModel', sessionId: 's1', model: 'qwen2.5-coder:7b' }]);
  });

  it("offers nothing to download for a provider's or a team server's model, or on an earlier answer", () => {
    h = createHarness();
    const provider: HearthError = { ...MISSING, pullable: undefined, message: 'The model "gpt-x" is not available on LM Studio.' };
    h.send({ type: 'session', session: sessionView('s1', [user, failed(MISSING, 'a0'), user, failed(provider)]) });
    assert.equal(h.$$('download-model').length, 0);
  });

  it('the extension takes a download request only with a model name', () => {
    const good = { type: 'downloadModel', sessionId: 's1', model: 'hf.co/org/model:Q4_K_M' };
    assert.deepEqual(parseFromWebview(good), { ok: true, message: good });
    for (const model of ['../x', 'a b', '-rf', '', 'x'.repeat(300)]) assert.equal(parseFromWebview({ ...good, model }).ok, false, model);
  });

  it("reads a download's progress as Ollama reports it", () => {
    assert.deepEqual(pullProgressText({ model: 'm', status: 'pulling manifest' }), { text: 'pulling manifest' });
    assert.deepEqual(pullProgressText({ model: 'm', status: 'pulling 6a0746a1ec1a', total: 274_302_450, completed: 123_500_000 }), { text: 'pulling 6a0746a1ec1a: 45 % of 274 MB', percent: 45 });
    assert.deepEqual(pullProgressText({ model: 'm', status: 'pulling 6a0746a1ec1a', total: 4_683_087_332, completed: 4_683_087_332 }), { text: 'pulling 6a0746a1ec1a: 100 % of 4.7 GB', percent: 100 });
  });
});
