/**
 * How a model string names its provider, and the check of `hearth.providers`.
 * Plain names (every valid Ollama name) must stay Ollama's.
 */
import * as assert from 'node:assert/strict';
import { checkProviders, formatModelRef, normalizeBaseUrl, parseModelRef } from '../../agent-host';
import { ProviderRegistry } from '../../agent-host/providers/providerRegistry';

describe('model references', () => {
  it('keeps every shape of Ollama name plain: tags, namespaces, registries with ports', () => {
    for (const name of ['qwen2.5-coder:7b', 'llama3', 'library/mistral:latest', 'hf.co/bartowski/Qwen2.5-Coder-7B-Instruct-GGUF:Q4_K_M', 'registry.example.com/team/coder:1.5b']) {
      assert.deepEqual(parseModelRef(name), { model: name });
    }
  });

  it('names a provider before "::", with any model id after it (slashes, colons, dots)', () => {
    assert.deepEqual(parseModelRef('lmstudio::qwen2.5-coder-7b-instruct'), { provider: 'lmstudio', model: 'qwen2.5-coder-7b-instruct' });
    assert.deepEqual(parseModelRef('vllm::Qwen/Qwen2.5-Coder-7B-Instruct'), { provider: 'vllm', model: 'Qwen/Qwen2.5-Coder-7B-Instruct' });
    assert.deepEqual(parseModelRef('llamacpp::model:q4'), { provider: 'llamacpp', model: 'model:q4' });
  });

  it('reads "ollama::name" as the default Ollama, and formats back to the shortest string', () => {
    assert.deepEqual(parseModelRef('ollama::qwen2.5-coder:7b'), { model: 'qwen2.5-coder:7b' });
    assert.equal(formatModelRef(undefined, 'qwen2.5-coder:7b'), 'qwen2.5-coder:7b');
    assert.equal(formatModelRef('ollama', 'qwen2.5-coder:7b'), 'qwen2.5-coder:7b');
    assert.equal(formatModelRef('lmstudio', 'qwen'), 'lmstudio::qwen');
    assert.deepEqual(parseModelRef(formatModelRef('vllm', 'a/b')), { provider: 'vllm', model: 'a/b' });
  });
});

describe('hearth.providers', () => {
  it('accepts the three servers of the README, dropping a trailing /v1 and slashes', () => {
    const { providers, problems } = checkProviders([
      { name: 'lmstudio', kind: 'openai', baseUrl: 'http://127.0.0.1:1234/v1' },
      { name: 'llamacpp', kind: 'openai', baseUrl: 'http://127.0.0.1:8080/' },
      { name: 'gpu', kind: 'ollama', baseUrl: 'https://gpu-box.example:11434' },
    ]);
    assert.deepEqual(problems, []);
    assert.deepEqual(providers.map((p) => p.baseUrl), ['http://127.0.0.1:1234', 'http://127.0.0.1:8080', 'https://gpu-box.example:11434']);
    assert.equal(normalizeBaseUrl(' http://x:1/v1// '), 'http://x:1');
  });

  it('reports each bad entry in a sentence and keeps the good ones', () => {
    const { providers, problems } = checkProviders([
      { name: 'Bad Name', kind: 'openai', baseUrl: 'http://a' },
      { name: 'ollama', kind: 'openai', baseUrl: 'http://a' },
      { name: 'ok', kind: 'openai', baseUrl: 'http://a' },
      { name: 'ok', kind: 'openai', baseUrl: 'http://b' },
      { name: 'nokind', baseUrl: 'http://a' },
      { name: 'ftp', kind: 'openai', baseUrl: 'ftp://a' },
      { name: 'creds', kind: 'openai', baseUrl: 'http://user:secret@a' },
      { name: 'nourl', kind: 'openai', baseUrl: 'not a url' },
      'lmstudio',
    ]);
    assert.deepEqual(providers.map((p) => p.name), ['ok']);
    assert.equal(problems.length, 8);
    assert.match(problems[0], /Entry 1 .*lowercase/);
    assert.match(problems[1], /"ollama" is the name of the default provider/);
    assert.match(problems[2], /"ok" is used twice/);
    assert.match(problems[5], /credentials .*Hearth: Set Provider API Key/);
    assert.ok(!problems.join(' ').includes('secret'), 'a password in a URL is not repeated back');
    assert.deepEqual(checkProviders({ name: 'x' }).problems.length, 1, 'an object instead of a list is reported');
    assert.deepEqual(checkProviders(undefined), { providers: [], problems: [] });
  });

  it('resolves model strings to a provider, the default, or an unknown provider named in the error', () => {
    const registry = new ProviderRegistry([{ name: 'lmstudio', kind: 'openai', baseUrl: 'http://127.0.0.1:1234' }]);
    assert.deepEqual(registry.resolve('qwen2.5-coder:7b'), { kind: 'default', model: 'qwen2.5-coder:7b' });
    const found = registry.resolve('lmstudio::qwen');
    assert.equal(found.kind === 'provider' && found.provider.baseUrl, 'http://127.0.0.1:1234');
    assert.deepEqual(registry.resolve('vllm::x'), { kind: 'unknown', providerName: 'vllm', model: 'x' });
    assert.match(registry.unknownProviderMessage('vllm'), /No provider named "vllm" .*configured: lmstudio/);
  });

  it('uses a key only for the URL it was stored for', () => {
    const keys = new Map([['lmstudio\nhttp://127.0.0.1:1234', 'sk-local']]);
    const lookup = (name: string, url: string) => keys.get(`${name}\n${url}`);
    const same = new ProviderRegistry([{ name: 'lmstudio', kind: 'openai', baseUrl: 'http://127.0.0.1:1234' }], lookup);
    assert.equal(same.apiKey(same.providers[0]), 'sk-local');
    const moved = new ProviderRegistry([{ name: 'lmstudio', kind: 'openai', baseUrl: 'https://elsewhere.example' }], lookup);
    assert.equal(moved.apiKey(moved.providers[0]), undefined);
  });
});
