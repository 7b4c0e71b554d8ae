/** The shared-state settings: memory by default, Redis from the file, the environment or flags, secrets masked. */
import assert from 'node:assert/strict';
import { stringify as toYaml } from 'yaml';
import { ConfigError, loadServerConfig, parseArgs } from '../../agent-host/server/config/loadServerConfig';
import { maskSecrets } from '../../agent-host/server/config/maskSecrets';

function load(argv: string[], env: NodeJS.ProcessEnv = {}, yaml = '') {
  return loadServerConfig({ args: parseArgs(yaml ? ['--config', 'c.yaml', ...argv] : argv), env, readFile: () => yaml });
}

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  assert.fail('expected a ConfigError');
}

describe('team server config: shared state', () => {
  it('keeps state in memory by default, so a single server needs nothing else', () => {
    const { config } = load([]);
    assert.equal(config.state.store, 'memory');
    assert.equal(config.auth.refreshReuseWindowMs, 10_000);
  });

  it('reads Redis from the file, the password from HEARTH_REDIS_PASSWORD, and lets env and flags override', () => {
    const yaml = 'state:\n  store: redis\n  redis_url: redis://redis:6379/0\n  key_prefix: "team-a:"\n  slot_lease_ttl: 20s\nauth:\n  refresh_reuse_window: 5s\n';
    const { config } = load([], { HEARTH_REDIS_PASSWORD: 'from-a-secret' }, yaml);
    assert.deepEqual(config.state, { store: 'redis', redisUrl: 'redis://redis:6379/0', redisPassword: 'from-a-secret', keyPrefix: 'team-a:', slotLeaseTtlMs: 20_000 });
    assert.equal(config.auth.refreshReuseWindowMs, 5000);
    const overridden = load(['--redis-url', 'rediss://valkey:6380/1'], { HEARTH_STATE_STORE: 'redis', HEARTH_REDIS_URL: 'redis://other:6379' }).config.state;
    assert.equal(overridden.store, 'redis');
    assert.equal(overridden.redisUrl, 'rediss://valkey:6380/1');
  });

  it('names the setting to fix when Redis is chosen without a URL, or the store is unknown', () => {
    assert.ok(problems(() => load(['--state-store', 'redis'])).some((p) => /state\.redis_url: .*redis:\/\/ or rediss:\/\//.test(p)));
    assert.ok(problems(() => load(['--state-store', 'etcd'])).some((p) => /state\.store: "etcd" must be memory or redis/.test(p)));
    assert.ok(problems(() => load(['--refresh-reuse-window', '5m'])).some((p) => /auth\.refresh_reuse_window/.test(p)));
    assert.ok(problems(() => load(['--slot-lease-ttl', '1s'])).some((p) => /state\.slot_lease_ttl/.test(p)));
  });

  it('--print-config masks the Redis password, in the URL and on its own', () => {
    const { config } = load(['--state-store', 'redis', '--redis-url', 'redis://hearth:url-secret@redis:6379/0'], { HEARTH_REDIS_PASSWORD: 'env-secret' });
    const shown = toYaml(maskSecrets(config));
    assert.ok(!shown.includes('url-secret') && !shown.includes('env-secret'), shown);
    assert.match(shown, /redisUrl: redis:\/\/hearth:\*+@redis:6379\/0/);
    assert.match(shown, /redisPassword: "?\*+"?/);
  });
});
