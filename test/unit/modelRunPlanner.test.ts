/**
 * The one owner of num_ctx and think per request (language-server/model/
 * modelRunPlanner.ts), and the filter that keeps a reasoning block out of
 * ghost text (agent-host/core/leadingThinkSplitter.ts).
 */
import assert from 'node:assert/strict';
import type { Agent, LoadedModel, ModelDetails } from '../../agent-host';
import { LeadingThinkSplitter } from '../../agent-host/core/leadingThinkSplitter';
import { CONTEXT_CAP, ModelRunPlanner } from '../../language-server/model/modelRunPlanner';

function fakeAgent(details: Record<string, ModelDetails>, loaded: () => LoadedModel[], host = 'http://127.0.0.1:11434'): Agent & { psCalls: number } {
  const agent = {
    host,
    psCalls: 0,
    startTurn: () => (async function* () {})(),
    listModels: async () => [],
    modelDetails: async (model: string) => details[model] ?? {},
    loadedModels: async () => {
      agent.psCalls++;
      return loaded();
    },
  };
  return agent;
}

describe('ModelRunPlanner', () => {
  const details = { 'qwen3:8b': { contextLength: 40960, capabilities: ['completion', 'tools', 'thinking'] }, 'coder:1b': { contextLength: 16384, capabilities: ['completion', 'insert'] } };

  it('chooses one num_ctx per model for every path: the loaded context, else one capped choice kept across paths', async () => {
    let loaded: LoadedModel[] = [];
    let now = 0;
    const planner = new ModelRunPlanner(() => now);
    const agent = fakeAgent(details, () => loaded);
    const chat = await planner.plan(agent, 'qwen3:8b', 'chat', undefined);
    assert.deepEqual({ numCtx: chat.numCtx, cold: chat.cold }, { numCtx: Math.min(40960, CONTEXT_CAP), cold: true });
    const suggestion = await planner.plan(agent, 'qwen3:8b', 'completion', undefined);
    assert.equal(suggestion.numCtx, chat.numCtx, 'the same num_ctx before /api/ps shows the model');
    // Another client loaded the model with 8192: adopting it avoids a reload.
    loaded = [{ name: 'qwen3:8b', contextLength: 8192 }];
    now += 10_000;
    const adopted = await planner.plan(agent, 'qwen3:8b', 'utility', undefined);
    assert.deepEqual({ numCtx: adopted.numCtx, cold: adopted.cold }, { numCtx: 8192, cold: false });
    assert.equal((await planner.plan(agent, 'coder:1b', 'completion', undefined)).numCtx, 16384, 'a short model keeps its own length');
  });

  it('asks /api/ps at most once per few seconds while the model is loaded (typing must not add a round trip per keystroke)', async () => {
    const planner = new ModelRunPlanner(() => 0);
    const agent = fakeAgent(details, () => [{ name: 'coder:1b', contextLength: 16384 }]);
    for (let i = 0; i < 20; i++) await planner.plan(agent, 'coder:1b', 'completion', undefined);
    assert.equal(agent.psCalls, 1);
  });

  it('decides think per path: chat follows the setting (per model first), utility and suggestions never think, no capability means no think', async () => {
    const planner = new ModelRunPlanner();
    const agent = fakeAgent(details, () => []);
    const chat = (settings: Parameters<ModelRunPlanner['plan']>[3], model = 'qwen3:8b') => planner.plan(agent, model, 'chat', settings).then((p) => p.think);
    assert.equal(await chat(undefined), undefined, 'auto leaves Ollama’s default');
    assert.equal(await chat({ model: '', think: 'on' }), true);
    assert.equal(await chat({ model: '', think: 'off' }), false);
    assert.equal(await chat({ model: '', think: 'on', thinkByModel: { 'qwen3:8b': 'high' } }), 'high');
    assert.equal(await chat({ model: '', think: 'on' }, 'coder:1b'), undefined, 'never think:true to a model without the capability (a 400)');
    assert.equal(await chat({ model: '', think: 'off' }, 'coder:1b'), false, 'false is accepted by every model');
    assert.equal((await planner.plan(agent, 'qwen3:8b', 'utility', { model: '', think: 'high' })).think, false);
    assert.equal((await planner.plan(agent, 'qwen3:8b', 'completion', { model: '', think: 'on' })).think, false);
  });

  it('without /api/ps (an old Ollama, a proxy) still sends one num_ctx, announces no load, and does not retry it per keystroke', async () => {
    const planner = new ModelRunPlanner(() => 0);
    const agent = fakeAgent(details, () => {
      throw new Error('404 page not found');
    });
    const plans = [];
    for (let i = 0; i < 5; i++) plans.push(await planner.plan(agent, 'coder:1b', 'completion', undefined));
    assert.deepEqual(new Set(plans.map((p) => p.numCtx)), new Set([16384]));
    assert.ok(plans.every((p) => !p.cold));
    assert.equal(agent.psCalls, 1);
  });

  it('leaves num_ctx to a team server, which has no /api/ps for the client', async () => {
    const planner = new ModelRunPlanner();
    const remote: Agent = { host: 'team:443', startTurn: () => (async function* () {})(), listModels: async () => [] };
    assert.deepEqual(await planner.plan(remote, 'qwen3:8b', 'chat', { model: '', think: 'low' }), { think: 'low', cold: false });
    assert.deepEqual(await planner.plan(remote, 'qwen3:8b', 'completion', undefined), { think: false, cold: false });
  });
});

describe('LeadingThinkSplitter', () => {
  const split = (chunks: string[]) => {
    const splitter = new LeadingThinkSplitter();
    const parts = [...chunks.map((c) => splitter.push(c)), splitter.flush()];
    return { thinking: parts.map((p) => p.thinking).join(''), text: parts.map((p) => p.text).join('') };
  };
  const run = (chunks: string[]) => split(chunks).text;

  it('drops a leading reasoning block, even split across chunks, and the whitespace after it', () => {
    assert.equal(run(['<think>a * b?', ' no</think>\n', 'width * height;']), 'width * height;');
    assert.equal(run(['  <thi', 'nk>x</th', 'ink>  ret', 'urn 1;']), 'return 1;');
  });

  it('leaves ordinary code alone, including <think> that is not at the start', () => {
    assert.equal(run(['width', ' * height;']), 'width * height;');
    assert.equal(run(['const s = "<think>";']), 'const s = "<think>";');
    assert.equal(run(['<th']), '<th', 'a partial tag at the end of a stream is text');
  });

  it('yields nothing for a reply that was only reasoning (cut by num_predict)', () => {
    assert.equal(run(['<think>still reasoning when the token limit hit']), '');
  });

  it('hands the reasoning over as it arrives, whole, however the tags are split', () => {
    assert.deepEqual(split(['<think>a * b?', ' no</think>\n', 'width * height;']), { thinking: 'a * b? no', text: 'width * height;' });
    assert.deepEqual(split(['  <thi', 'nk>x</th', 'ink>  ret', 'urn 1;']), { thinking: 'x', text: 'return 1;' });
    assert.deepEqual(split(['<think>cut mid-tag </thi']), { thinking: 'cut mid-tag </thi', text: '' });
    const splitter = new LeadingThinkSplitter();
    assert.equal(splitter.push('<think>first thoughts, then more').thinking, 'first thoughts, th', 'reasoning shows before its block ends, less a possible tag');
  });
});
