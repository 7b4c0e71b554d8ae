import * as assert from 'node:assert/strict';
import { SettingsReader, toSettings } from '../../language-server/settings/settingsReader';

describe('SettingsReader', () => {
  it('the symbol index is on unless turned off; project memory is off unless turned on', () => {
    assert.deepEqual([toSettings({}, {}).index, toSettings({}, {}).memory], [{ enabled: true }, { enabled: false }]);
    const set = toSettings({ index: { enabled: false }, memory: { enabled: true } }, {});
    assert.deepEqual([set.index, set.memory], [{ enabled: false }, { enabled: true }]);
    // Anything but a real true does not turn memory on.
    assert.deepEqual(toSettings({ memory: { enabled: 'yes' } }, {}).memory, { enabled: false });
  });

  it('reads the client once and keeps the answer until the client reports a change', async () => {
    let reads = 0;
    const reader = new SettingsReader(async () => {
      reads++;
      return { ollama: { host: `http://gpu-box:${11433 + reads}` } };
    }, {});
    assert.equal((await reader.get()).ollama.host, 'http://gpu-box:11434');
    assert.equal((await reader.get()).ollama.host, 'http://gpu-box:11434');
    assert.equal(reads, 1);
    reader.invalidate();
    assert.equal((await reader.get()).ollama.host, 'http://gpu-box:11435');
  });

  it('does not keep defaults from a read that failed: the next read asks the client again', async () => {
    const answers: (() => Promise<unknown>)[] = [
      () => Promise.reject(new Error('the client is not ready')),
      async () => null,
      async () => ({ ollama: { host: 'http://gpu-box:11434' } }),
    ];
    const reader = new SettingsReader(() => answers.shift()!(), {});
    assert.equal((await reader.get()).ollama.host, 'http://127.0.0.1:11434', 'defaults while the client cannot answer');
    assert.equal((await reader.get()).ollama.host, 'http://127.0.0.1:11434', 'no value is not a value either');
    assert.equal((await reader.get()).ollama.host, 'http://gpu-box:11434', 'the user’s host once the client answers');
    assert.equal((await reader.get()).ollama.host, 'http://gpu-box:11434', 'and that answer is kept');
    assert.equal(answers.length, 0);
  });

  it('fresh() asks the client again even when an answer is cached', async () => {
    let host = 'http://gpu-box:11434';
    const reader = new SettingsReader(async () => ({ ollama: { host } }), {});
    assert.equal((await reader.get()).ollama.host, 'http://gpu-box:11434');
    host = 'http://other-box:11434';
    assert.equal((await reader.get()).ollama.host, 'http://gpu-box:11434', 'get() keeps the cached answer');
    assert.equal((await reader.fresh()).ollama.host, 'http://other-box:11434');
    assert.equal((await reader.get()).ollama.host, 'http://other-box:11434', 'and the fresh answer is cached');
  });
});
