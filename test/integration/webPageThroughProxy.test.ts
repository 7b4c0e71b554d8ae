/**
 * `@https://…` mentions behind a company proxy: the language server reads
 * VS Code's own `http.proxy` settings from the editor and fetches the page
 * through a real tunnelling proxy on a loopback port. The pages live at a
 * `.test` host name that only the proxy resolves, so a page that arrives came
 * through the proxy. Credentials, a dead proxy and a page whose certificate
 * is not trusted each give a sentence saying what to change; a public page
 * cannot redirect the request into the local network.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { readWebPage } from '../../language-server/chat/readWebPage';
import { httpProxyFor } from '../../language-server/net/httpProxy';
import { ChatSendRequest } from '../../protocol/lspMethods';
import { closedPortUrl } from '../fixtures/closedPort';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { startTunnelingProxy, type TunnelingProxy } from '../fixtures/tunnelingProxy';
import { startWebPageServer, type WebPageServer } from '../fixtures/webPageServer';
import { startLspTestClient, type LspTestClient } from './lspTestClient';
import { makePki, type TestPki } from './teamServerHarness';

const PAGE = '<html><head><title>Behind the proxy</title></head><body><main><h1>Internal handbook</h1><p>Deploys go out on Tuesdays.</p></main></body></html>';

describe('@https:// web page mentions through a proxy (integration)', function () {
  this.timeout(30_000);
  let site: WebPageServer;
  let proxy: TunnelingProxy;
  let pageUrl: string;
  before(async () => {
    site = await startWebPageServer({
      '/handbook': { body: PAGE },
      '/bounce': (_req, res) => res.writeHead(302, { location: `${site.url}/handbook` }).end(),
      // The same machine, by a name written with the DNS root's final dot, which the URL parser keeps.
      '/bounce-dot': (_req, res) => res.writeHead(302, { location: `http://localhost.:${new URL(site.url).port}/handbook` }).end(),
      // A host the user's http.noProxy names: the company network, which the proxy may reach too.
      '/to-intranet': (_req, res) => res.writeHead(302, { location: `http://wiki.intra.test:${new URL(site.url).port}/handbook` }).end(),
    });
    proxy = await startTunnelingProxy();
    pageUrl = `http://docs.hearth.test:${new URL(site.url).port}/handbook`;
  });
  after(async () => {
    await site.close();
    await proxy.close();
  });

  it('fetches the page through the http.proxy the editor reports, through the real language server', async () => {
    const fixture: OllamaFixture = await startOllamaFixture();
    const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-ls-'));
    let client: LspTestClient | undefined;
    try {
      client = await startLspTestClient({ storagePath: storage, settings: { ollama: { host: fixture.url }, chat: { model: 'qwen2.5-coder:7b' } }, httpSettings: { proxy: proxy.url } });
      const before = proxy.tunnels.length;
      const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: `When do deploys go out? @${pageUrl}`, context: [{ kind: 'mention', path: pageUrl }] } });
      await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done');
      const sent = fixture.requests.find((r) => r.path === '/api/chat')?.body.messages.at(-1).content as string;
      assert.match(sent, /"Behind the proxy" — http:\/\/docs\.hearth\.test:\d+\/handbook\n/);
      assert.match(sent, /# Internal handbook\n\nDeploys go out on Tuesdays\./);
      assert.deepEqual(proxy.tunnels.slice(before).map((t) => t.target), [`docs.hearth.test:${new URL(site.url).port}`]);
    } finally {
      await client?.stop();
      await fixture.close();
      fs.rmSync(storage, { recursive: true, force: true });
    }
  });

  it('goes direct for a loopback page and for hosts in http.noProxy', async () => {
    const before = proxy.tunnels.length;
    const local = `${site.url}/handbook`;
    assert.equal(httpProxyFor(new URL(local), { proxy: proxy.url }), undefined, 'loopback is never sent to the proxy');
    assert.match(await readWebPage(local, { proxy: httpProxyFor(new URL(local), { proxy: proxy.url }) }), /Deploys go out on Tuesdays/);
    assert.equal(httpProxyFor(new URL(pageUrl), { proxy: proxy.url, noProxy: ['hearth.test'] }), undefined);
    assert.equal(proxy.tunnels.length, before, 'no tunnel was opened');
  });

  it('sends the proxy’s credentials from its address or from http.proxyAuthorization, and says so when they are missing', async () => {
    const guarded = await startTunnelingProxy({ credentials: 'dev:s3cret' });
    try {
      const port = new URL(guarded.url).port;
      await assert.rejects(
        readWebPage(pageUrl, { proxy: httpProxyFor(new URL(pageUrl), { proxy: guarded.url }) }),
        new RegExp(`^Error: the proxy http://127\\.0\\.0\\.1:${port} \\(from http\\.proxy\\) asks for credentials \\(407\\): put them in the proxy address or in http\\.proxyAuthorization$`),
      );
      const withUser = await readWebPage(pageUrl, { proxy: httpProxyFor(new URL(pageUrl), { proxy: `http://dev:s3cret@127.0.0.1:${port}` }) });
      assert.match(withUser, /Deploys go out on Tuesdays/);
      const withHeader = await readWebPage(pageUrl, { proxy: httpProxyFor(new URL(pageUrl), { proxy: guarded.url, proxyAuthorization: `Basic ${Buffer.from('dev:s3cret').toString('base64')}` }) });
      assert.match(withHeader, /Deploys go out on Tuesdays/);
      assert.deepEqual(guarded.tunnels.map((t) => t.authorization === undefined), [true, false, false]);
    } finally {
      await guarded.close();
    }
  });

  it('does not follow a public page’s redirect into this machine or the local network', async () => {
    const bounce = `http://docs.hearth.test:${new URL(site.url).port}/bounce`;
    const before = site.requests.filter((r) => r.path === '/handbook').length;
    await assert.rejects(
      readWebPage(bounce, { proxy: httpProxyFor(new URL(bounce), { proxy: proxy.url }) }),
      new RegExp(`^Error: it redirects to ${site.url.replace(/\./g, '\\.')}/handbook, on this machine or the local network, which a public page may not send Hearth to$`),
    );
    assert.equal(site.requests.filter((r) => r.path === '/handbook').length, before, 'the local page was not requested');
  });

  it('does not follow a redirect to this machine by a name ending in the root dot (localhost.)', async () => {
    const bounce = `http://docs.hearth.test:${new URL(site.url).port}/bounce-dot`;
    const tunnels = proxy.tunnels.length;
    await assert.rejects(
      readWebPage(bounce, { proxy: httpProxyFor(new URL(bounce), { proxy: proxy.url }) }),
      new RegExp(`^Error: it redirects to http://localhost\\.:${new URL(site.url).port}/handbook, on this machine or the local network, which a public page may not send Hearth to$`),
    );
    assert.deepEqual(proxy.tunnels.slice(tunnels).map((t) => t.target), [`docs.hearth.test:${new URL(site.url).port}`], 'nothing was asked of localhost.');
  });

  it('routes a redirect as its own address: a host http.noProxy names goes direct, never through the proxy, through the real language server', async () => {
    const fixture: OllamaFixture = await startOllamaFixture();
    const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-ls-'));
    let client: LspTestClient | undefined;
    try {
      client = await startLspTestClient({
        storagePath: storage,
        settings: { ollama: { host: fixture.url }, chat: { model: 'qwen2.5-coder:7b' } },
        httpSettings: { proxy: proxy.url, noProxy: ['.intra.test'] },
      });
      const tunnels = proxy.tunnels.length;
      const page = `http://docs.hearth.test:${new URL(site.url).port}/to-intranet`;
      const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: `Summarise @${page}`, context: [{ kind: 'mention', path: page }] } });
      await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done');
      const sent = fixture.requests.find((r) => r.path === '/api/chat')?.body.messages.at(-1).content as string;
      // Direct, the intranet name is looked up on this machine, where no DNS knows it; a company's would give its address, which is judged.
      assert.match(sent, new RegExp(`\\(Hearth could not fetch ${page.replace(/\./g, '\\.')}: the server could not be reached \\(ENOTFOUND\\)\\)`), sent);
      assert.ok(!sent.includes('Deploys go out on Tuesdays'), 'the intranet page is not attached');
      assert.deepEqual(proxy.tunnels.slice(tunnels).map((t) => t.target), [`docs.hearth.test:${new URL(site.url).port}`], 'the proxy was not asked for the intranet host');
    } finally {
      await client?.stop();
      await fixture.close();
      fs.rmSync(storage, { recursive: true, force: true });
    }
  });

  it('refuses a redirect that goes direct to a name leading into the local network', async () => {
    const page = `http://docs.hearth.test:${new URL(site.url).port}/to-intranet`;
    const before = site.requests.filter((r) => r.path === '/handbook').length;
    await assert.rejects(
      readWebPage(page, {
        proxyFor: async (url) => httpProxyFor(url, { proxy: proxy.url, noProxy: ['.intra.test'] }),
        resolve: async () => ({ address: '10.20.30.40', family: 4 }),
      }),
      new RegExp(`^Error: it redirects to http://wiki\\.intra\\.test:${new URL(site.url).port}/handbook, whose name leads to 10\\.20\\.30\\.40, on this machine or the local network, which a public page may not send Hearth to$`),
    );
    assert.equal(site.requests.filter((r) => r.path === '/handbook').length, before, 'the intranet page was not requested');
  });

  it('names a dead proxy, never its credentials', async () => {
    const dead = new URL(await closedPortUrl());
    const error = await readWebPage(pageUrl, { proxy: httpProxyFor(new URL(pageUrl), {}, { HTTP_PROXY: `http://dev:s3cret@${dead.host}` }) }).then(
      () => assert.fail('a dead proxy cannot serve the page'),
      (err: Error) => err.message,
    );
    assert.equal(error, `the proxy http://${dead.host} (from HTTP_PROXY) could not be reached (ECONNREFUSED)`);
  });

  describe('an https page through the proxy', () => {
    let pki: TestPki;
    let server: https.Server;
    let securePage: string;
    before(async () => {
      // The certificate names localhost, not docs.hearth.test, and its authority is one Node does not know.
      pki = makePki();
      server = https.createServer({ cert: fs.readFileSync(pki.certFile), key: fs.readFileSync(pki.keyFile) }, (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      securePage = `https://docs.hearth.test:${(server.address() as AddressInfo).port}/handbook`;
    });
    after(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      pki.cleanup();
    });

    it('refuses a certificate it cannot verify, with what to do, and reads the page once http.proxyStrictSSL is off', async () => {
      await assert.rejects(
        readWebPage(securePage, { proxy: httpProxyFor(new URL(securePage), { proxy: proxy.url }) }),
        /^Error: the page's certificate was not accepted \([A-Z_]+\); if the proxy http:\/\/127\.0\.0\.1:\d+ \(from http\.proxy\) inspects HTTPS with its own certificate authority, give Node that authority in NODE_EXTRA_CA_CERTS, or turn off http\.proxyStrictSSL$/,
      );
      const page = await readWebPage(securePage, { proxy: httpProxyFor(new URL(securePage), { proxy: proxy.url, proxyStrictSSL: false }) });
      assert.match(page, /^"Behind the proxy" — https:\/\/docs\.hearth\.test:\d+\/handbook\n/);
    });
  });
});
