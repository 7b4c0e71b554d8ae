import * as assert from 'node:assert/strict';
import { classifyFailure } from '../../agent-host/core/errorMapping';
import { viaProxies } from '../../agent-host/providers/proxyRoute';
import { OutgoingProxies } from '../../language-server/net/outgoingProxies';

describe('OutgoingProxies: which model servers go through the proxy', () => {
  let reads = 0;
  let http: Record<string, unknown> = {};
  const proxies = (env: NodeJS.ProcessEnv = {}) => new OutgoingProxies(async () => (reads++, http), env);
  beforeEach(() => {
    reads = 0;
    http = { proxy: 'http://proxy.corp:3128' };
  });

  it('never routes a server on this machine through a proxy, and does not even read the settings for one', async () => {
    const p = proxies({ HTTPS_PROXY: 'http://proxy.corp:3128' });
    for (const url of ['http://127.0.0.1:11434', 'http://localhost:1234/v1', 'http://[::1]:8080']) assert.equal(await p.route(new URL(url)), undefined, url);
    assert.equal(reads, 0);
  });

  it('routes a remote server through http.proxy, reading the settings once until they change', async () => {
    const p = proxies();
    const first = await p.route(new URL('http://gpu-box:11434/api/chat'));
    const second = await p.route(new URL('https://llm.corp.example/v1/chat/completions'));
    assert.equal(typeof first, 'function');
    assert.equal(first, second, 'one proxy, one connection pool');
    assert.equal(reads, 1);
    http = {};
    p.invalidate();
    assert.equal(await p.route(new URL('http://gpu-box:11434/api/chat')), undefined, 'the proxy setting was removed');
    assert.equal(reads, 2);
    p.dispose();
  });

  it('goes direct for hosts in http.noProxy or NO_PROXY', async () => {
    http = { proxy: 'http://proxy.corp:3128', noProxy: ['gpu-box'] };
    const p = proxies({ NO_PROXY: '.lan' });
    assert.equal(await p.route(new URL('http://gpu-box:11434')), undefined);
    assert.equal(await p.route(new URL('http://ollama.lan:11434')), undefined);
    assert.equal(typeof (await p.route(new URL('http://elsewhere:11434'))), 'function');
    p.dispose();
  });

  it('a proxy Hearth cannot use fails the request as an unreachable server, saying why', async () => {
    http = { proxy: 'socks5://127.0.0.1:1080' };
    const through = await proxies().route(new URL('http://gpu-box:11434'));
    assert.ok(through);
    const failure = await through('http://gpu-box:11434/api/tags').then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.deepEqual(classifyFailure(failure), { kind: 'unreachable', detail: 'the proxy in http.proxy is a socks5 proxy; only http and https proxies are supported' });
  });

  it('viaProxies leaves requests to servers without a proxy to the direct transport', async () => {
    const seen: string[] = [];
    const direct = (async (input: string | URL | Request) => (seen.push(`direct ${String(input)}`), new Response('d'))) as typeof fetch;
    const proxied = (async (input: string | URL | Request) => (seen.push(`proxy ${String(input)}`), new Response('p'))) as typeof fetch;
    const send = viaProxies(direct, async (url) => (url.hostname === 'far' ? proxied : undefined));
    await send('http://far:1/a');
    await send('http://127.0.0.1:2/b');
    assert.deepEqual(seen, ['proxy http://far:1/a', 'direct http://127.0.0.1:2/b']);
    assert.equal(viaProxies(direct, undefined), direct, 'no route: the transport itself, with nothing added');
  });
});
