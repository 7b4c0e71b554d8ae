import * as assert from 'node:assert/strict';
import { proxyLabel, httpProxyFor } from '../../language-server/net/httpProxy';

const page = (url: string) => new URL(url);

describe('httpProxyFor: which proxy a web page mention goes through', () => {
  it('prefers VS Code’s http.proxy, then HTTPS_PROXY or HTTP_PROXY by the page’s scheme', () => {
    const env = { HTTPS_PROXY: 'http://env-secure:3128', http_proxy: 'http://env-plain:3128' };
    assert.equal(httpProxyFor(page('https://docs.example.com/'), { proxy: 'http://setting:8080' }, env)?.url.host, 'setting:8080');
    assert.equal(httpProxyFor(page('https://docs.example.com/'), {}, env)?.source, 'HTTPS_PROXY');
    assert.equal(httpProxyFor(page('http://docs.example.com/'), {}, env)?.source, 'http_proxy');
    assert.equal(httpProxyFor(page('https://docs.example.com/'), {}, { HTTP_PROXY: 'http://only-plain:1' })?.url.host, 'only-plain:1', 'an https page falls back to HTTP_PROXY, as curl does');
    assert.equal(httpProxyFor(page('https://docs.example.com/'), {}, {}), undefined);
    assert.equal(httpProxyFor(page('https://docs.example.com/'), { proxy: '  ' }, {}), undefined);
  });

  it('reads a bare host:port as an http proxy and refuses other schemes with the setting’s name', () => {
    assert.equal(httpProxyFor(page('https://a.example/'), { proxy: 'proxy.corp:3128' }, {})?.url.href, 'http://proxy.corp:3128/');
    assert.throws(() => httpProxyFor(page('https://a.example/'), { proxy: 'socks5://proxy.corp:1080' }, {}), /the proxy in http\.proxy is a socks5 proxy; only http and https proxies are supported/);
    assert.throws(() => httpProxyFor(page('https://a.example/'), {}, { HTTPS_PROXY: 'http://[bad' }), /the proxy in HTTPS_PROXY is not a valid address/);
  });

  it('sends loopback pages and http.noProxy / NO_PROXY hosts direct', () => {
    const settings = { proxy: 'http://p:1', noProxy: ['*.internal.example', 'wiki.example:8443'] };
    for (const url of ['http://localhost:3000/', 'http://127.0.0.5/', 'http://[::1]:8080/', 'http://app.localhost/', 'http://localhost.:11434/', 'http://0.0.0.0:8000/v1', 'http://[::]:8080/']) assert.equal(httpProxyFor(page(url), settings, {}), undefined, url);
    assert.equal(httpProxyFor(page('https://docs.internal.example/'), settings, {}), undefined);
    assert.equal(httpProxyFor(page('https://internal.example/'), settings, {}), undefined, '*.domain covers the domain itself');
    assert.equal(httpProxyFor(page('https://wiki.example:8443/'), settings, {}), undefined);
    assert.ok(httpProxyFor(page('https://wiki.example/'), settings, {}), 'a port in the entry limits it to that port');
    assert.ok(httpProxyFor(page('https://notinternal.example/'), settings, {}), 'a suffix matches at a dot only');
    assert.equal(httpProxyFor(page('https://a.corp.example/'), {}, { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'foo, .corp.example' }), undefined);
    assert.equal(httpProxyFor(page('https://a.corp.example./'), {}, { HTTPS_PROXY: 'http://p:1', NO_PROXY: '.corp.example' }), undefined, 'a final root dot names the same host');
    assert.equal(httpProxyFor(page('https://anything.example/'), {}, { HTTPS_PROXY: 'http://p:1', no_proxy: '*' }), undefined);
    assert.equal(httpProxyFor(page('http://[2001:db8::1]/'), {}, { HTTP_PROXY: 'http://p:1', NO_PROXY: '2001:db8::1' }), undefined, 'a bare IPv6 entry has no port');
  });

  it('sends everything direct under http.proxySupport: off, whatever the setting or the environment names', () => {
    const env = { HTTPS_PROXY: 'http://env:3128' };
    assert.equal(httpProxyFor(page('https://a.example/'), { proxy: 'http://p:1', proxySupport: 'off' }, env), undefined);
    assert.equal(httpProxyFor(page('https://a.example/'), { proxySupport: 'off' }, env), undefined);
    assert.equal(httpProxyFor(page('https://a.example/'), { proxySupport: 'override' }, env)?.source, 'HTTPS_PROXY');
  });

  it('carries http.proxyAuthorization and http.proxyStrictSSL, and never shows credentials in its label', () => {
    const proxy = httpProxyFor(page('https://a.example/'), { proxy: 'http://dev:s3cret@proxy.corp:3128', proxyAuthorization: 'Basic abc', proxyStrictSSL: false }, {});
    assert.equal(proxy?.authorization, 'Basic abc');
    assert.equal(proxy?.strictSSL, false);
    assert.equal(proxy && proxyLabel(proxy), 'http://proxy.corp:3128');
    assert.equal(httpProxyFor(page('https://a.example/'), { proxy: 'http://p:1' }, {})?.strictSSL, true, 'certificates are checked unless the user turned it off');
  });
});
