/** backends[].request_priority: read per backend, off unless asked for (a vLLM without priority scheduling refuses the field). */
import assert from 'node:assert/strict';
import { loadServerConfig, parseArgs } from '../../agent-host/server/config/loadServerConfig';

describe('team server config: backend priority', () => {
  it('is sent only to backends that ask for it', () => {
    const yaml = 'backends:\n  - name: vllm\n    type: openai\n    url: http://vllm:8000\n    request_priority: true\n  - name: plain\n    type: openai\n    url: http://llama:8080\n';
    const { config } = loadServerConfig({ args: parseArgs(['--config', 'c.yaml']), env: {}, readFile: () => yaml });
    assert.deepEqual(
      config.backends.map((b) => [b.name, b.requestPriority === true]),
      [
        ['vllm', true],
        ['plain', false],
      ],
    );
  });
});
