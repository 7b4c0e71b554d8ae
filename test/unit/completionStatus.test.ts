import * as assert from 'node:assert/strict';
import type { CompletionStatus } from '../../protocol/lspMethods';
import { CompletionStatusReporter } from '../../language-server/completion/completionStatusReporter';

const tick = () => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('inline-suggestion status', () => {
  let sent: CompletionStatus[];
  let logged: string[];
  let reporter: CompletionStatusReporter;

  beforeEach(() => {
    sent = [];
    logged = [];
    reporter = new CompletionStatusReporter((s) => sent.push(s), (m) => logged.push(m));
  });

  it('says nothing about requests that end quickly, so the spinner never flickers', async () => {
    reporter.thinking(1, 'qwen2.5-coder:1.5b');
    reporter.thinking(-1, 'qwen2.5-coder:1.5b');
    await sleep(100);
    assert.deepEqual(sent.map((s) => s.state), ['idle']);
  });

  it('shows thinking for a request that takes a while, then idle', async () => {
    reporter.thinking(1, 'qwen2.5-coder:1.5b');
    await sleep(100);
    reporter.thinking(-1, 'qwen2.5-coder:1.5b');
    await tick();
    assert.deepEqual(sent.map((s) => s.state), ['thinking', 'idle']);
  });

  it('says at once that a cold model is loading, then idle once the suggestion is back', async () => {
    reporter.thinking(1, 'qwen2.5-coder:7b', true);
    await tick();
    assert.equal(sent.at(-1)?.state, 'loading');
    assert.match(sent.at(-1)?.message ?? '', /Loading qwen2\.5-coder:7b/);
    reporter.thinking(-1, 'qwen2.5-coder:7b', true);
    reporter.healthy('qwen2.5-coder:7b');
    await tick();
    assert.deepEqual(sent.map((s) => s.state), ['loading', 'idle']);
  });

  it('keeps a missing model visible until a suggestion succeeds, and logs it once', async () => {
    const missing: CompletionStatus = { state: 'modelMissing', model: 'starcoder2:3b', message: 'Install it with `ollama pull starcoder2:3b`.', suggestedModel: 'starcoder2:3b' };
    reporter.trouble(missing);
    await tick();
    reporter.trouble(missing);
    await tick();
    assert.deepEqual(sent.map((s) => s.state), ['modelMissing']);
    assert.equal(logged.length, 1);
    reporter.healthy('starcoder2:3b');
    await tick();
    assert.equal(sent.at(-1)?.state, 'idle');
  });

  it('reports paused over everything else while paused', async () => {
    reporter.setPaused(true);
    reporter.trouble({ state: 'error', model: '', message: 'Ollama is down.' });
    await tick();
    assert.deepEqual(sent.map((s) => s.state), ['paused']);
    reporter.setPaused(false);
    await tick();
    assert.equal(sent.at(-1)?.state, 'error');
  });
});
