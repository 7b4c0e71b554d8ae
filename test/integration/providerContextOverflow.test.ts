/**
 * A provider's own refusal of a prompt longer than its context window: the
 * agent core (in-process, as the language server runs it) fits the
 * conversation again with the server's count, as it does for Ollama's.
 */
import * as assert from 'node:assert/strict';
import type { ChatMessage } from '../../protocol/chat';
import { createAgent } from '../../agent-host/index';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { startVllmContextLimit, type VllmContextLimit } from '../fixtures/vllmContextLimit';
import { collect, only } from '../fixtures/agentEvents';

const MODEL = 'Qwen/Qwen2.5-Coder-1.5B-Instruct';
const lorem = (words: number, tag: string) => Array.from({ length: words }, (_, i) => `${tag}${i}`).join(' ');

describe('a provider that refuses a prompt longer than its context (integration)', function () {
  this.timeout(30_000);
  let ollama: OllamaFixture;
  let vllm: VllmContextLimit;

  beforeEach(async () => {
    ollama = await startOllamaFixture();
  });

  afterEach(async () => {
    await vllm?.close();
    await ollama.close();
  });

  it("vLLM's 'maximum context length' 400 is fitted again with its count, and the answer comes", async () => {
    // Two characters a token (numbers, hex, minified code) where Hearth estimates 3.5: the prompt overflows 2048 tokens.
    vllm = await startVllmContextLimit({ model: MODEL, maxModelLen: 2048, charsPerToken: 2, answer: 'The latest change renames a field.' });
    const history: ChatMessage[] = [];
    for (let i = 0; i < 6; i++) history.push({ role: 'user', content: lorem(80, `q${i}_`).slice(0, 400) }, { role: 'assistant', content: lorem(80, `a${i}_`).slice(0, 400) });
    const agent = createAgent({ host: ollama.url, providers: [{ name: 'vllm', kind: 'openai', baseUrl: vllm.url }] });
    const events = await collect(agent.startTurn(history, { text: 'and now?', context: [] }, { model: `vllm::${MODEL}`, systemPrompt: 'Be brief.' }, new AbortController().signal));

    assert.deepEqual(only(events, 'error'), []);
    assert.equal(only(events, 'text').map((e) => e.delta).join(''), 'The latest change renames a field.');
    const [refused, answered] = vllm.chats;
    assert.deepEqual([refused?.refused, answered?.refused], [true, false]);
    assert.equal(answered.messages.at(-1)?.content, 'and now?');
    assert.ok(answered.messages.length < refused.messages.length, 'the oldest messages were left out by Hearth');
    const statuses = only(events, 'status').map((e) => e.message);
    assert.ok(statuses.some((m) => /tokenizer counted \d+ tokens where Hearth estimated \d+, more than its context window \(2048 tokens\) holds/.test(m)), statuses.join('\n'));
    assert.deepEqual(events.at(-1), { type: 'done', reason: 'stop' });
  });
});
