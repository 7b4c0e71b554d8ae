/**
 * The admin page, as an admin uses it: a real team server over TLS with the
 * page on its metrics port, the real language server (dist/language-server.js)
 * signed in as alice running a chat turn and inline suggestions and accepting
 * one, a second client whose user name and language are hostile HTML, and the
 * page opened in Debian's Chromium through playwright-core. It checks what
 * the admin sees (numbers, plots, names shown as text), and that nothing is
 * shown to anyone without the admin key.
 */
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ExecuteCommandRequest, InlineCompletionRequest, InlineCompletionTriggerKind, type InlineCompletionList } from 'vscode-languageserver-protocol/node';
import { sha256Hash } from '../../agent-host/server/auth/apiKeys';
import type { AdminStats } from '../../agent-host/server/admin/adminStats';
import type { TeamServer } from '../../agent-host/server/teamServer';
import { RemoteAgent } from '../../language-server/remote/remoteAgent';
import { TeamConnection } from '../../language-server/remote/teamConnection';
import { parseTeamServerUrl } from '../../language-server/remote/teamServerUrl';
import { ChatSendRequest, SUGGESTION_ACCEPTED_COMMAND, TeamConnectRequest } from '../../protocol/lspMethods';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { CompletionTestEditor } from './completionTestEditor';
import { startLspTestClient, type LspTestClient } from './lspTestClient';
import { ALICE_KEY, makePki, remoteConfig, startTestServer, type TestPki } from './teamServerHarness';

const MODEL = 'qwen2.5-coder:7b';
const ADMIN_KEY = 'hearth_admin-key-for-the-test-0123456789abcdefghijkl';
const MALLORY_KEY = 'hearth_test-key-for-mallory-0123456789abcdefghijklmn';
/** A user name an admin typed into the key file, and a language id a client sent: both must show as text. */
const HOSTILE_USER = '<script>window.__pwned = "user"</script>';
const HOSTILE_LANGUAGE = '<img src=x onerror="window.__pwned=1">';
const SOURCE = 'export function area(width: number, height: number): number {\n  return \n}\n';

describe('team server admin page in Chromium (integration)', function () {
  this.timeout(120_000);
  let pki: TestPki;
  let fixture: OllamaFixture;
  let server: TeamServer;
  let client: LspTestClient;
  let mallory: TeamConnection;
  let browser: Browser;
  let storage: string;
  let workspace: string;
  let adminUrl: string;
  const consoleLog: string[] = [];

  /** The stats JSON as a script would fetch it, with the admin key in the header. */
  async function stats(): Promise<AdminStats> {
    const res = await fetch(`${adminUrl}api/stats`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    assert.equal(res.status, 200);
    return (await res.json()) as AdminStats;
  }

  async function newPage(): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    page.on('console', (m) => consoleLog.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => consoleLog.push(`uncaught: ${e.message}`));
    return page;
  }

  before(async () => {
    pki = makePki();
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-admin-ls-'));
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-admin-ws-'));
    fixture = await startOllamaFixture();
    fixture.setResponder((req) => (req.path === '/api/generate' ? { kind: 'text', text: 'width * height;', tokenDelayMs: 2 } : { kind: 'text', text: 'Hello from the team server.', tokenDelayMs: 2 }));
    ({ server } = await startTestServer(
      remoteConfig(pki, fixture.url, (c) => {
        c.auth.apiKeys.push({ user: HOSTILE_USER, hash: sha256Hash(MALLORY_KEY) });
        c.admin = { enabled: true, keyHash: sha256Hash(ADMIN_KEY), hosts: 'admin.example.test', trustedProxies: '127.0.0.1' };
      }),
    ));
    adminUrl = `http://127.0.0.1:${server.metricsPort}/admin/`;
    const url = `grpcs://localhost:${server.port}`;

    // alice: the real language server in team mode.
    client = await startLspTestClient({
      storagePath: storage,
      workspace,
      settings: { server: { mode: 'remote', url, caFile: path.join(pki.dir, 'ca.crt') }, chat: { model: MODEL }, completion: { model: MODEL, debounceMs: 5 } },
    });
    const status = await client.connection.sendRequest(TeamConnectRequest.type, { url, apiKey: ALICE_KEY });
    assert.equal(status.state, 'connected', JSON.stringify(status));
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Say hello', context: [] }, model: MODEL });
    await client.waitForEvent((e) => e.sessionId === started.sessionId && e.event.type === 'done', 30_000);

    // Two suggestions shown in TypeScript, one accepted: as VS Code does, by running the item's command.
    const editor = new CompletionTestEditor(client.connection, pathToFileURL(path.join(workspace, 'area.ts')).toString(), 'typescript', SOURCE);
    await editor.open();
    editor.moveTo('return ');
    const ask = () =>
      client.connection.sendRequest(InlineCompletionRequest.type, {
        textDocument: { uri: editor.uri },
        position: editor.position,
        context: { triggerKind: InlineCompletionTriggerKind.Invoked },
      }) as Promise<InlineCompletionList | null>;
    const first = await ask();
    assert.equal(first?.items[0]?.insertText, 'width * height;', `a suggestion from the team server; log:\n${client.logs.join('')}`);
    const command = first.items[0].command;
    assert.deepEqual(command && { command: command.command, arguments: command.arguments }, { command: SUGGESTION_ACCEPTED_COMMAND, arguments: ['typescript'] });
    // Typing through the suggestion shows the rest of the same suggestion: not counted as another one.
    await editor.insert('w');
    assert.equal((await ask())?.items[0]?.insertText, 'idth * height;');
    await client.connection.sendRequest(ExecuteCommandRequest.type, { command: command!.command, arguments: command!.arguments });
    // A change elsewhere asks the model again: a second suggestion shown, not accepted.
    await editor.edit(0, 0, '// area\n');
    const second = await ask();
    assert.ok(second?.items.length, 'a second suggestion');

    // mallory: another client, with a hostile user name, a completion and a hostile language id in a report.
    mallory = new TeamConnection({ address: parseTeamServerUrl(url), apiKey: MALLORY_KEY, tls: { caPem: pki.caPem } });
    const agent = new RemoteAgent(mallory);
    await agent.complete({ model: MODEL, prompt: 'let x = ', suffix: '' });
    await agent.reportSuggestions([{ language: HOSTILE_LANGUAGE, shown: 4, accepted: 1 }]);

    // The language server reports its counts a few seconds after the suggestions were shown.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const s = await stats();
      const ts = s.languages.find((l) => l.language === 'typescript');
      if (ts && ts.shown + ts.accepted >= 3) break;
      if (Date.now() > deadline) throw new Error(`The language server's report did not arrive: ${JSON.stringify(s.languages)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    browser = await chromium.launch({
      executablePath: process.env.HEARTH_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
    });
  });

  after(async () => {
    await browser?.close();
    mallory?.close();
    await client?.stop();
    await server?.shutdown(200);
    await fixture?.close();
    pki?.cleanup();
    for (const dir of [storage, workspace]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the JSON endpoint refuses without the admin key, with a developer key and with a wrong key, and shows no data', async () => {
    const attempts: [string, Record<string, string>][] = [
      ['no key', {}],
      ['a developer API key', { authorization: `Bearer ${ALICE_KEY}` }],
      ['a wrong key', { authorization: 'Bearer hearth_not-the-admin-key' }],
      ['the key in the wrong scheme', { authorization: `Basic ${Buffer.from(`admin:${ADMIN_KEY}`).toString('base64')}` }],
    ];
    for (const [what, headers] of attempts) {
      const res = await fetch(`${adminUrl}api/stats`, { headers });
      const body = await res.text();
      assert.equal(res.status, 401, what);
      assert.ok(!body.includes('alice') && !body.includes('typescript'), `${what}: no data in ${body}`);
    }
    // The key in the URL is not a way in either.
    const inUrl = await fetch(`${adminUrl}api/stats?key=${ADMIN_KEY}`);
    assert.equal(inUrl.status, 401);
  });

  it('the page refuses a developer API key and a wrong key at sign-in, and shows no data', async () => {
    const page = await newPage();
    const res = await page.goto(adminUrl);
    assert.equal(res?.status(), 401);
    const csp = res!.headers()['content-security-policy'];
    assert.match(csp, /script-src 'nonce-[^']+'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    for (const key of [ALICE_KEY, 'hearth_guess']) {
      await page.fill('#key', key);
      const [answer] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/admin/login')), page.click('button[type=submit]')]);
      assert.equal(answer.status(), 401);
      await page.waitForSelector('#login:not([hidden])');
      const text = await page.textContent('body');
      assert.match(text!, /not the admin key/);
      assert.ok(!text!.includes('alice'), 'no user is named on a refused page');
    }
    assert.deepEqual(await page.context().cookies(), [], 'no session cookie after refused sign-ins');
    await page.context().close();
  });

  it('signed in with the admin key, shows connections, users, plots and acceptance, with hostile names as text', async () => {
    const page = await newPage();
    await page.goto(adminUrl);
    await page.fill('#key', ADMIN_KEY);
    await Promise.all([page.waitForURL(adminUrl), page.click('button[type=submit]')]);
    await page.waitForSelector('#dashboard:not([hidden])');

    // The session lives in an HttpOnly, SameSite=Strict cookie that scripts cannot read.
    const [cookie] = await page.context().cookies();
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.equal(cookie.path, '/admin');
    assert.equal(await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie), '');

    const alice = page.locator('#users tbody tr', { has: page.locator('th', { hasText: /^alice$/ }) });
    await alice.waitFor({ timeout: 15_000 });
    const cells = await alice.locator('td').allTextContents();
    assert.equal(cells[0], '1', 'one chat turn');
    assert.ok(Number(cells[1]) >= 1, `completions counted (${cells[1]})`);
    assert.ok(Number(cells[2].replace(/,/g, '')) > 0, 'prompt tokens counted');
    assert.ok(Number(cells[3].replace(/,/g, '')) > 0, 'completion tokens counted');
    assert.equal(cells[4], '1 of 2', 'suggestions accepted of shown');

    const connections = Number(await page.textContent('#connections'));
    assert.ok(connections >= 2, `the language server and the second client are connected (${connections})`);
    assert.equal(await page.textContent('#running-turns'), '0');
    assert.equal(await page.textContent('#replicas'), '1', 'one server without shared state is the whole team');
    assert.match((await page.textContent('#usage-note')) ?? '', /^Usage and acceptance are counted since \d\d:\d\d:\d\d, when this server started; they start again at its next start\.$/);
    assert.equal(await page.textContent('#queue-chat'), '0');
    const backend = await page.locator('#backends tbody tr').first().locator('td').allTextContents();
    assert.deepEqual(backend, ['fixture', '0', '4']);

    // Plots: a line (or a point) for chat and for completions, and one for tokens/s.
    for (const [plot, series] of [['ttft', 'ttftChatMs'], ['ttft', 'ttftCompletionMs'], ['tokens-per-second', 'tokensPerSecond']]) {
      const d = await page.getAttribute(`svg[data-plot="${plot}"] path[data-series="${series}"]`, 'd');
      assert.match(d ?? '', /^M [\d.]+ [\d.]+/, `${plot}/${series} has a path`);
    }

    const typescript = page.locator('#languages tbody tr', { has: page.locator('th', { hasText: /^typescript$/ }) });
    assert.deepEqual(await typescript.locator('td').allTextContents(), ['2', '1', '50%'], 'shown, accepted, rate');

    // Hostile strings are shown exactly, as text, and nothing they contain ran or became an element.
    const headers = await page.locator('#users tbody th, #languages tbody th').allTextContents();
    assert.ok(headers.includes(HOSTILE_USER), `the hostile user name is shown as text: ${JSON.stringify(headers)}`);
    assert.ok(headers.includes(HOSTILE_LANGUAGE), 'the hostile language id is shown as text');
    const mallory = await page.locator('#languages tbody tr', { has: page.locator('th', { hasText: HOSTILE_LANGUAGE }) }).locator('td').allTextContents();
    assert.deepEqual(mallory, ['4', '1', '25%']);
    assert.equal(await page.locator('#users script, #languages img').count(), 0);
    assert.equal(await page.evaluate(() => (globalThis as unknown as { __pwned?: unknown }).__pwned), undefined);
    assert.deepEqual(consoleLog.filter((l) => /Content Security Policy|uncaught/i.test(l)), [], 'no CSP violation or error in the page');

    // HEARTH_ADMIN_SCREENSHOT=<file.png> keeps a picture of the page for a human to look at.
    if (process.env.HEARTH_ADMIN_SCREENSHOT) await page.screenshot({ path: process.env.HEARTH_ADMIN_SCREENSHOT, fullPage: true });

    // Signing out ends the session: the JSON is refused with the old cookie.
    await Promise.all([page.waitForURL(adminUrl), page.click('form[action="/admin/logout"] button')]);
    await page.waitForSelector('#login:not([hidden])');
    const refused = await page.evaluate(async () => (await fetch('/admin/api/stats')).status);
    assert.equal(refused, 401);
    await page.context().close();
  });

  it('refuses sign-in forms posted from another site, and answers nothing outside its routes', async () => {
    const res = await fetch(`${adminUrl}login`, { method: 'POST', headers: { origin: 'http://evil.example' }, body: new URLSearchParams({ key: ADMIN_KEY }), redirect: 'manual' });
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('set-cookie'), null);
    const fromSite = await fetch(`${adminUrl}login`, { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' }, body: new URLSearchParams({ key: ADMIN_KEY }), redirect: 'manual' });
    assert.equal(fromSite.status, 403);
    assert.equal((await fetch(`${adminUrl}api/other`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).status, 404);
    // /metrics is still served next to the page.
    assert.match(await (await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`)).text(), /hearth_rpcs_total/);
  });

  it('answers only to its own address or a configured name, so a page that rebinds its DNS name to this server gets nothing', async () => {
    const withHost = (host: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: server.metricsPort, path: '/admin/api/stats', headers: { host, authorization: `Bearer ${ADMIN_KEY}` } }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
    const rebound = await withHost(`rebind.attacker.example:${server.metricsPort}`);
    assert.equal(rebound.status, 421);
    assert.match(rebound.body, /answers only to this server's address \(an IP address or localhost\) or a name in admin\.hosts/);
    assert.doesNotMatch(rebound.body, /connections|users/);
    for (const host of [`localhost:${server.metricsPort}`, `127.0.0.1:${server.metricsPort}`, `[::1]:${server.metricsPort}`, 'ADMIN.example.test']) {
      assert.equal((await withHost(host)).status, 200, host);
    }
  });

  it('behind a trusted proxy, blocks the client that guessed, not the admin behind the same proxy', async () => {
    // 127.0.0.1 is this server's trusted proxy here (admin.trusted_proxies), as a TLS proxy on the same machine would be.
    const login = (key: string, client: string) =>
      fetch(`${adminUrl}login`, { method: 'POST', headers: { 'x-forwarded-for': client }, body: new URLSearchParams({ key }), redirect: 'manual' });
    let status = 0;
    for (let i = 0; i < 10 && status !== 429; i++) status = (await login(`wrong-${i}`, '203.0.113.66')).status;
    assert.equal(status, 429, 'the guesser is blocked');
    assert.equal((await login(ADMIN_KEY, '203.0.113.66')).status, 429, 'even with the right key');
    const admin = await login(ADMIN_KEY, '198.51.100.10');
    assert.equal(admin.status, 303, 'the admin, through the same proxy, signs in');
    assert.match(admin.headers.get('set-cookie') ?? '', /hearth_admin=/);
  });

  it('counts an IPv6 guesser by its /64, so a fresh address per guess does not escape the block', async () => {
    const login = (key: string, client: string) =>
      fetch(`${adminUrl}login`, { method: 'POST', headers: { 'x-forwarded-for': client }, body: new URLSearchParams({ key }), redirect: 'manual' });
    let status = 0;
    for (let i = 1; i <= 10 && status !== 429; i++) status = (await login(`wrong-${i}`, `2001:db8:66:1::${i}`)).status;
    assert.equal(status, 429, 'the guesser is blocked within its /64');
    assert.equal((await login(ADMIN_KEY, '2001:db8:66:1:abcd::99')).status, 429, 'another address of that /64 is blocked too');
    assert.equal((await login(ADMIN_KEY, '2001:db8:66:2::1')).status, 303, 'the next /64 is someone else');
  });

  it('limits failed sign-ins from one address', async () => {
    let status = 0;
    for (let i = 0; i < 10 && status !== 429; i++) {
      const res = await fetch(`${adminUrl}login`, { method: 'POST', body: new URLSearchParams({ key: `wrong-${i}` }), redirect: 'manual' });
      status = res.status;
      const body = await res.text();
      assert.ok(!body.includes('alice'));
    }
    assert.equal(status, 429);
    // Blocked, even the admin key waits: a guess made while blocked is never checked.
    const res = await fetch(`${adminUrl}login`, { method: 'POST', body: new URLSearchParams({ key: ADMIN_KEY }), redirect: 'manual' });
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers.get('retry-after')) > 0);
  });
});
