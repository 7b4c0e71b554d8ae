import * as assert from 'node:assert/strict';
import { buildGenerateRequest } from '../../agent-host/completion/buildGenerateRequest';
import { detectFimSupport, modelfileStops } from '../../agent-host/completion/detectFimSupport';
import { FIM_TEMPLATES, familyFromName, familyFromTemplate } from '../../agent-host/completion/fimTemplates';
import type { FimFamily, FimReadyModel } from '../../agent-host/completion/fimTypes';
import { QWEN_CODER_TEMPLATE, LLAMA_TEMPLATE } from '../fixtures/ollama/defaultModels';

const PREFIX = 'def add(a, b):\n    return ';
const SUFFIX = '\n\nprint(add(1, 2))\n';

describe('fill-in-the-middle templates', () => {
  const expected: Record<FimFamily, string> = {
    'qwen2.5-coder': `<|fim_prefix|>${PREFIX}<|fim_suffix|>${SUFFIX}<|fim_middle|>`,
    codellama: `<PRE> ${PREFIX} <SUF>${SUFFIX} <MID>`,
    'deepseek-coder': `<｜fim▁begin｜>${PREFIX}<｜fim▁hole｜>${SUFFIX}<｜fim▁end｜>`,
    starcoder2: `<fim_prefix>${PREFIX}<fim_suffix>${SUFFIX}<fim_middle>`,
    codestral: `[SUFFIX]${SUFFIX}[PREFIX]${PREFIX}`,
    codegemma: `<|fim_prefix|>${PREFIX}<|fim_suffix|>${SUFFIX}<|fim_middle|>`,
    'granite-code': `<fim_prefix>${PREFIX}<fim_suffix>${SUFFIX}<fim_middle>`,
  };

  for (const [family, prompt] of Object.entries(expected) as [FimFamily, string][]) {
    it(`writes the ${family} prompt with its sentinels and stops on them`, () => {
      const template = FIM_TEMPLATES[family];
      assert.equal(template.build(PREFIX, SUFFIX), prompt);
      assert.ok(template.stop.length >= 3, 'each family stops on its own sentinels');
      for (const stop of template.stop) assert.ok(!PREFIX.includes(stop));
    });
  }

  it('recognises the families by the names in Ollama’s library', () => {
    const cases: [string, FimFamily | undefined][] = [
      ['qwen2.5-coder:1.5b', 'qwen2.5-coder'],
      ['qwen2.5-coder:7b-base-q4_K_M', 'qwen2.5-coder'],
      ['qwen3-coder:30b', 'qwen2.5-coder'],
      ['codellama:7b-code', 'codellama'],
      ['deepseek-coder:6.7b-base', 'deepseek-coder'],
      ['deepseek-coder-v2:16b', 'deepseek-coder'],
      ['starcoder2:3b', 'starcoder2'],
      ['codestral:22b', 'codestral'],
      ['codegemma:2b', 'codegemma'],
      ['granite-code:3b', 'granite-code'],
      ['myteam/granite-code:8b', 'granite-code'],
      ['llama3.2:3b', undefined],
      ['qwen2.5:7b', undefined],
      ['mistral:7b', undefined],
    ];
    for (const [name, family] of cases) assert.equal(familyFromName(name), family, name);
  });

  it('recognises a renamed model by the sentinels in its template', () => {
    assert.equal(familyFromTemplate(QWEN_CODER_TEMPLATE), 'qwen2.5-coder');
    assert.equal(familyFromTemplate('<fim_prefix>{{ .Prompt }}<fim_suffix>'), 'starcoder2');
    assert.equal(familyFromTemplate('<|fim_prefix|>x<|file_separator|>'), 'codegemma');
    assert.equal(familyFromTemplate(LLAMA_TEMPLATE), undefined);
  });
});

describe('fill-in-the-middle model detection', () => {
  it('uses Ollama’s prompt + suffix when the template handles .Suffix', () => {
    const info = detectFimSupport('qwen2.5-coder:7b', { template: QWEN_CODER_TEMPLATE, model_info: { 'qwen2.context_length': 32768 }, parameters: 'stop "<|endoftext|>"' });
    assert.equal(info.status, 'ready');
    assert.ok(info.status === 'ready' && info.mode === 'native' && info.contextLength === 32768);
  });

  it('uses a raw prompt for a known code family without a suffix-aware template', () => {
    const info = detectFimSupport('starcoder2:3b', { template: '{{ .Prompt }}', model_info: { 'starcoder2.context_length': 16384 } });
    assert.ok(info.status === 'ready' && info.mode === 'raw' && info.family === 'starcoder2');
    assert.ok(info.status === 'ready' && info.stop.includes('<fim_prefix>'));
  });

  it('refuses a chat-only model with a message naming a code model to pull', () => {
    const info = detectFimSupport('llama3.2:3b', { template: LLAMA_TEMPLATE, capabilities: ['completion', 'tools'] });
    assert.ok(info.status === 'unsupported', info.status);
    assert.match(info.message, /llama3\.2:3b/);
    assert.match(info.message, /ollama pull qwen2\.5-coder:1\.5b/);
  });

  it('on a provider, recognises a code model by its name, and says why another is not used without telling to ollama pull it', () => {
    // What the provider route's /api/show reports for an OpenAI-compatible server's model (openAiShow): no template, no insert capability.
    const shown = { template: '{{ .Prompt }}', capabilities: ['completion', 'tools'] };
    const coder = detectFimSupport('vllm::Qwen/Qwen2.5-Coder-7B-Instruct', shown);
    assert.ok(coder.status === 'ready' && coder.mode === 'raw' && coder.family === 'qwen2.5-coder');
    const chat = detectFimSupport('lmstudio::llama-3.2-3b-instruct', shown);
    assert.ok(chat.status === 'unsupported', chat.status);
    assert.match(chat.message, /"lmstudio::llama-3\.2-3b-instruct" is not a code model .* recognises such models by name \(Qwen2\.5-Coder/);
    assert.doesNotMatch(chat.message, /ollama pull/);
  });

  it('keeps the Modelfile’s stop parameters, which a request’s stop list would otherwise replace', () => {
    assert.deepEqual(modelfileStops('stop                           "<|endoftext|>"\nstop "<|im_end|>"\ntemperature 0.2'), ['<|endoftext|>', '<|im_end|>']);
    const info = detectFimSupport('codellama:7b-code', { template: '{{ .Prompt }}', parameters: 'stop "<custom>"' });
    assert.ok(info.status === 'ready' && info.stop[0] === '<custom>' && info.stop.includes('<EOT>'));
  });
});

describe('the /api/generate body', () => {
  const native: FimReadyModel = { status: 'ready', model: 'qwen2.5-coder:7b', mode: 'native', contextLength: 32768, stop: ['<|endoftext|>'] };
  const raw: FimReadyModel = { status: 'ready', model: 'codellama:7b-code', mode: 'raw', family: 'codellama', contextLength: 16384, stop: FIM_TEMPLATES.codellama.stop };

  it('sends prompt and suffix for native models, with keep_alive and bounded num_predict', () => {
    const body = buildGenerateRequest(native, { prefix: PREFIX, suffix: SUFFIX, maxTokens: 64, stop: ['\n'] });
    assert.equal(body.prompt, PREFIX);
    assert.equal(body.suffix, SUFFIX);
    assert.equal(body.raw, undefined);
    assert.equal(body.stream, true);
    assert.equal(body.keep_alive, '30m');
    assert.equal(body.options?.num_predict, 64);
    assert.deepEqual(body.options?.stop, ['<|endoftext|>', '\n']);
  });

  it('keeps a native request in fill-in-the-middle form at the end of a file', () => {
    assert.equal(buildGenerateRequest(native, { prefix: PREFIX, suffix: '', maxTokens: 64 }).suffix, '\n');
  });

  it('sends the family prompt with raw: true for raw models', () => {
    const body = buildGenerateRequest(raw, { prefix: PREFIX, suffix: SUFFIX, maxTokens: 128 });
    assert.equal(body.raw, true);
    assert.equal(body.prompt, `<PRE> ${PREFIX} <SUF>${SUFFIX} <MID>`);
    assert.equal(body.suffix, undefined);
    assert.ok(body.options?.stop?.includes('<EOT>'));
  });
});
