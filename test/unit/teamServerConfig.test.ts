/** The team server's configuration: YAML, ${ENV} expansion, flags and env, mode rules, masking. */
import assert from 'node:assert/strict';
import { expandEnv } from '../../agent-host/server/config/expandEnv';
import { ConfigError, loadServerConfig, parseArgs } from '../../agent-host/server/config/loadServerConfig';
import { maskSecrets } from '../../agent-host/server/config/maskSecrets';
import { parseDuration } from '../../agent-host/server/config/parseDuration';
import { readBackends } from '../../agent-host/server/config/readBackends';
import { readMcpServers } from '../../agent-host/server/config/readMcpServers';
import { sha256Hash } from '../../agent-host/server/auth/apiKeys';
import { unknownConfigKeys } from '../../agent-host/server/config/unknownConfigKeys';
import { parse as parseYaml } from 'yaml';
import fs from 'node:fs';

const SECRET = 'this-is-a-long-enough-secret-for-hs256-0123456789';
const HASH = sha256Hash('hearth_key');

function load(argv: string[], env: NodeJS.ProcessEnv = {}, files: Record<string, string> = {}) {
  return loadServerConfig({
    args: parseArgs(argv),
    env,
    readFile: (p) => {
      if (!(p in files)) throw new Error(`ENOENT: ${p}`);
      return files[p];
    },
  });
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

const REMOTE_YAML = `
server:
  mode: remote
  host: 0.0.0.0
  port: 6000
tls:
  cert_file: /etc/hearth/cert.pem
  key_file: /etc/hearth/key.pem
auth:
  access_ttl: 10m
  signing_keys:
    - kid: k1
      algorithm: HS256
      secret: \${JWT_SECRET}
  api_keys:
    - user: alice
      hash: ${HASH}
backends:
  - name: gpu0
    url: \${OLLAMA_URL:-http://gpu0:11434}
    max_concurrency: 4
  - name: vllm
    type: openai
    url: http://vllm:8000
    api_key: \${VLLM_KEY}
`;

describe('team server config', () => {
  it('expands ${ENV} and ${ENV:-default}, escapes $${, and names a missing variable', () => {
    assert.deepEqual(expandEnv({ a: '${X}', b: ['x${Y:-dflt}y'], c: '$${X}', n: 5 }, { X: 'ex' }), { a: 'ex', b: ['xdflty'], c: '${X}', n: 5 });
    assert.throws(() => expandEnv({ auth: { secret: '${NOPE}' } }, {}), /auth\.secret: the environment variable NOPE is not set/);
  });

  it('reads the admin\'s http MCP servers with an optional HTTP+SSE transport, and names a bad one', () => {
    const found: string[] = [];
    const specs = readMcpServers(
      {
        servers: {
          probe: { type: 'http', url: 'https://search.internal/mcp' },
          legacy: { type: 'http', url: 'https://old.internal/sse', transport: 'sse' },
          vscode: { type: 'sse', url: 'https://old.internal/sse', headers: { Authorization: 'Bearer x' } },
          wrong: { type: 'http', url: 'https://old.internal/sse', transport: 'websocket' },
          contradiction: { type: 'sse', url: 'https://old.internal/sse', transport: 'streamable-http' },
        },
      },
      found,
    );
    assert.deepEqual(specs, [
      { name: 'probe', config: { type: 'http', url: 'https://search.internal/mcp' } },
      { name: 'legacy', config: { type: 'http', url: 'https://old.internal/sse', transport: 'sse' } },
      { name: 'vscode', config: { type: 'http', url: 'https://old.internal/sse', headers: { Authorization: 'Bearer x' }, transport: 'sse' } },
    ]);
    assert.deepEqual(found, ['mcp.servers.wrong.transport: must be streamable-http or sse', 'mcp.servers.contradiction.transport: type sse contradicts transport streamable-http']);
  });

  it('parses durations', () => {
    assert.equal(parseDuration('15m', 'x'), 900_000);
    assert.equal(parseDuration('250ms', 'x'), 250);
    assert.equal(parseDuration(30, 'x'), 30_000);
    assert.throws(() => parseDuration('soon', 'auth.access_ttl'), /auth\.access_ttl: "soon" is not a duration/);
  });

  it('reads a remote config file with env expansion', () => {
    const { config, warnings } = load(['--config', 'c.yaml'], { JWT_SECRET: SECRET, VLLM_KEY: 'vk' }, { 'c.yaml': REMOTE_YAML });
    assert.deepEqual(warnings, []);
    assert.equal(config.server.mode, 'remote');
    assert.equal(config.server.port, 6000);
    assert.equal(config.auth.enabled, true, 'remote mode means auth');
    assert.equal(config.auth.accessTtlMs, 600_000);
    assert.equal(config.auth.signingKeys[0].secret, SECRET);
    assert.deepEqual(config.backends.map((b) => [b.name, b.type, b.url, b.maxConcurrency]), [
      ['gpu0', 'ollama', 'http://gpu0:11434', 4],
      ['vllm', 'openai', 'http://vllm:8000', 1],
    ]);
  });

  it('flags beat environment variables, which beat the file', () => {
    const env = { JWT_SECRET: SECRET, VLLM_KEY: 'vk', HEARTH_PORT: '7000', HEARTH_MAX_QUEUE: '9' };
    const { config } = load(['--config', 'c.yaml', '--port', '8000', '--log-level=debug'], env, { 'c.yaml': REMOTE_YAML });
    assert.equal(config.server.port, 8000);
    assert.equal(config.scheduler.maxQueue, 9);
    assert.equal(config.logging.level, 'debug');
  });

  it('every setting works without a file: flags, HEARTH_* and HEARTH_JWT_SECRET', () => {
    const { config } = load(['--backend', 'http://a:11434#2', '--backend', 'openai=http://b:8000'], { HEARTH_MODE: 'standalone', HEARTH_CHAT_TURNS_PER_MINUTE: '12' });
    assert.equal(config.server.host, '127.0.0.1');
    assert.equal(config.limits.chatTurnsPerMinute, 12);
    assert.deepEqual(config.backends.map((b) => [b.type, b.url, b.maxConcurrency]), [
      ['ollama', 'http://a:11434', 2],
      ['openai', 'http://b:8000', 1],
    ]);
  });

  it('bounds what one person can hold open, and refuses a total too small for one turn of the largest size', () => {
    const { limits, server } = load([]).config;
    assert.deepEqual([limits.chatTurnsPerUserAtOnce, limits.chatBytesInFlight, server.maxMessageBytes], [4, 96 * 1024 * 1024, 32 * 1024 * 1024]);
    assert.equal(load(['--chat-turns-per-user-at-once', '2']).config.limits.chatTurnsPerUserAtOnce, 2);
    assert.ok(problems(() => load(['--chat-bytes-in-flight', '1000000'])).some((p) => /limits\.chat_bytes_in_flight: must be at least server\.max_message_bytes/.test(p)));
    assert.ok(problems(() => load(['--chat-turns-per-user-at-once', '0'])).some((p) => /limits\.chat_turns_per_user_at_once: must be at least 1/.test(p)));
  });

  it('takes server.max_message_bytes from the file, HEARTH_MAX_MESSAGE_BYTES or --max-message-bytes, within bounds gRPC and one image allow', () => {
    const file = { 'c.yaml': 'server:\n  max_message_bytes: 8388608\nlimits:\n  chat_bytes_in_flight: 16777216\n' };
    assert.equal(load(['--config', 'c.yaml'], {}, file).config.server.maxMessageBytes, 8 * 1024 * 1024);
    assert.equal(load([], { HEARTH_MAX_MESSAGE_BYTES: '6291456' }).config.server.maxMessageBytes, 6 * 1024 * 1024);
    assert.equal(load(['--max-message-bytes', '67108864', '--chat-bytes-in-flight', '134217728']).config.server.maxMessageBytes, 64 * 1024 * 1024);
    assert.ok(problems(() => load(['--max-message-bytes', '1000'])).some((p) => /server\.max_message_bytes: must be between 1 MiB/.test(p)));
    assert.ok(problems(() => load(['--max-message-bytes', String(4 * 1024 ** 3)])).some((p) => /server\.max_message_bytes: must be between 1 MiB/.test(p)));
    assert.ok(problems(() => load(['--max-message-bytes', '2097152'])).some((p) => /server\.max_message_bytes: must be larger than limits\.max_image_bytes \(5242880\)/.test(p)));
    assert.ok(problems(() => load(['--max-message-bytes', '134217728'])).some((p) => /limits\.chat_bytes_in_flight: must be at least server\.max_message_bytes \(134217728\)/.test(p)));
  });

  it('warns of each key nothing reads, with the setting it probably meant, and reads every key of the example config', () => {
    const file = 'server:\n  port: 50051\n  max_mesage_bytes: 1\nlimits:\n  chat_turns_per_minut: 5\nbackends:\n  - url: http://gpu:11434\n    max_concurency: 4\nschedular:\n  policy: fcfs\nmcp:\n  server:\n    x: {}\n  servers:\n    docs: { command: /usr/bin/docs-mcp, headers: { A: b } }\n    search: { type: http, url: https://search.internal/mcp, hedaers: { A: b } }\n';
    const { config, warnings } = load(['--config', 'c.yaml'], {}, { 'c.yaml': file });
    assert.equal(config.limits.chatTurnsPerMinute, 0, 'the misspelt key set nothing');
    assert.deepEqual(warnings, [
      'server.max_mesage_bytes is not a setting Hearth reads, so it has no effect (did you mean server.max_message_bytes?)',
      'limits.chat_turns_per_minut is not a setting Hearth reads, so it has no effect (did you mean limits.chat_turns_per_minute?)',
      'schedular is not a setting Hearth reads, so it has no effect (did you mean scheduler?)',
      'backends[0].max_concurency is not a setting Hearth reads, so it has no effect (did you mean backends[0].max_concurrency?)',
      'mcp.server is not a setting Hearth reads, so it has no effect (did you mean mcp.servers?)',
      'mcp.servers.docs.headers is not a setting Hearth reads, so it has no effect',
      'mcp.servers.search.hedaers is not a setting Hearth reads, so it has no effect (did you mean mcp.servers.search.headers?)',
    ]);
    const example = parseYaml(fs.readFileSync(new URL('../../../agent-host/config.example.yaml', import.meta.url), 'utf8')) as Record<string, unknown>;
    const exampleWarnings = unknownConfigKeys(example);
    readBackends(example.backends, [], exampleWarnings);
    readMcpServers(example.mcp, [], exampleWarnings);
    assert.deepEqual(exampleWarnings.filter((w) => /is not a setting/.test(w)), []);
  });

  it('gives a reply its client stopped reading 30 s by default, set as a duration, never under a second', () => {
    assert.equal(load([]).config.limits.unreadReplyTimeoutMs, 30_000);
    assert.equal(load(['--unread-reply-timeout', '2m']).config.limits.unreadReplyTimeoutMs, 120_000);
    assert.ok(problems(() => load(['--unread-reply-timeout', '200ms'])).some((p) => /limits\.unread_reply_timeout: must be at least 1s/.test(p)));
  });

  it('refuses at start what would fail only at the first turn: two backends of one name, no time to wait or run a tool, negative limits', () => {
    const twoNamedAlike = REMOTE_YAML.replace('name: vllm', 'name: gpu0');
    assert.ok(problems(() => load(['--config', 'c.yaml'], { JWT_SECRET: SECRET, VLLM_KEY: 'v' }, { 'c.yaml': twoNamedAlike })).some((p) => /backends\[gpu0\]\.name: two backends are named "gpu0"/.test(p)));
    assert.ok(problems(() => load(['--max-wait', '0s'])).some((p) => /scheduler\.max_wait: must be at least 1s/.test(p)));
    assert.ok(problems(() => load(['--tool-timeout', '0s'])).some((p) => /scheduler\.tool_timeout: must be at least 1s/.test(p)));
    const negative = problems(() => load(['--chat-turns-per-minute', '-5', '--sign-ins-per-minute', '-1']));
    assert.ok(negative.some((p) => /limits\.chat_turns_per_minute: must be 0 \(unlimited\) or more/.test(p)));
    assert.ok(negative.some((p) => /limits\.sign_ins_per_minute: must be 0 \(unlimited\) or more/.test(p)));
    // The defaults and the example config stay valid.
    assert.equal(load([]).config.scheduler.maxWaitMs, 120_000);
  });

  it('standalone mode binds loopback only and never uses auth', () => {
    assert.match(problems(() => load(['--host', '0.0.0.0']))[0], /standalone mode binds 127\.0\.0\.1 only/);
    assert.equal(load([]).config.auth.enabled, false);
  });

  it('remote mode refuses a non-loopback address without TLS, and auth turned off, unless --insecure', () => {
    const base = ['--mode', 'remote', '--host', '0.0.0.0'];
    const env = { HEARTH_JWT_SECRET: SECRET };
    const files = { 'k.yaml': '' };
    const noTls = problems(() => load([...base, '--api-keys-file', 'k.yaml'], env, files));
    assert.ok(noTls.some((p) => /needs tls\.cert_file and tls\.key_file/.test(p)));
    const noAuth = problems(() => load([...base, '--tls-cert', 'c', '--tls-key', 'k', '--no-auth'], env));
    assert.ok(noAuth.some((p) => /remote mode requires authentication/.test(p)));
    const { warnings, config } = load([...base, '--insecure', '--no-auth'], env);
    assert.equal(config.auth.enabled, false);
    assert.ok(warnings.some((w) => /WITHOUT TLS/.test(w)));
    assert.ok(warnings.some((w) => /authentication is DISABLED/.test(w)));
  });

  it('rejects weak or impossible auth settings', () => {
    const yaml = REMOTE_YAML.replace('algorithm: HS256', 'algorithm: EdDSA');
    assert.ok(problems(() => load(['--config', 'c.yaml'], { JWT_SECRET: SECRET, VLLM_KEY: 'v' }, { 'c.yaml': yaml })).some((p) => /EdDSA is not supported/.test(p)));
    const short = problems(() => load(['--config', 'c.yaml'], { JWT_SECRET: 'short', VLLM_KEY: 'v' }, { 'c.yaml': REMOTE_YAML }));
    assert.ok(short.some((p) => /at least 32 bytes/.test(p)));
    const plainKey = REMOTE_YAML.replace(`hash: ${HASH}`, 'hash: hunter2');
    assert.ok(problems(() => load(['--config', 'c.yaml'], { JWT_SECRET: SECRET, VLLM_KEY: 'v' }, { 'c.yaml': plainKey })).some((p) => /hash: must be sha256/.test(p)));
    assert.ok(problems(() => load(['--frobnicate'])).some((p) => /unknown argument "--frobnicate"/.test(p)));
  });

  it('--print-config masks every secret', () => {
    const { config } = load(['--config', 'c.yaml'], { JWT_SECRET: SECRET, VLLM_KEY: 'vllm-secret-key' }, { 'c.yaml': REMOTE_YAML });
    const printed = JSON.stringify(maskSecrets(config));
    assert.ok(!printed.includes(SECRET));
    assert.ok(!printed.includes('vllm-secret-key'));
    assert.ok(!printed.includes(HASH.slice(7)));
    assert.match(printed, /"secret":"\*\*\*\*\*\*\*\*"/);
    assert.equal(config.auth.signingKeys[0].secret, SECRET, 'masking does not change the config itself');
  });
});
