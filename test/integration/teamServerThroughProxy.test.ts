/**
 * A team server behind a company proxy, through the real language server and
 * a real team server on TLS: the team server answers at `team.hearth.test`,
 * a name only the tunneling proxy resolves (test/fixtures/tunnelingProxy.ts),
 * so a sign-in that works came through the proxy; its certificate is checked
 * against that name through the tunnel. The proxy comes from VS Code's
 * `http.proxy`, as for model servers and web pages, and wins over grpc-js's
 * own reading of the lowercase `https_proxy` variable, which here names a
 * port where nothing listens. A proxy that wants credentials, `http.noProxy`
 * and a proxy the channel cannot use each give a sentence that says what
 * to change.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { HearthError } from '../../protocol/chat';
import { TeamConnectRequest, TeamDisconnectRequest } from '../../protocol/lspMethods';
import type { TeamServer } from '../../agent-host/server/teamServer';
import { closedPortUrl } from '../fixtures/closedPort';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { startTunnelingProxy, type TunnelingProxy } from '../fixtures/tunnelingProxy';
import { chatTurn } from './lspSuite';
import { startLspTestClient, type LspTestClient } from './lspTestClient';
import { ALICE_KEY, makePki, remoteConfig, startTestServer, type TestPki } from './teamServerHarness';

const MODEL = 'qwen2.5-coder:7b';
const BASIC_DEV = `Basic ${Buffer.from('dev:s3cret').toString('base64')}`;

describe('the team server behind a proxy (integration)', function () {
  this.timeout(30_000);
  let pki: TestPki;
  let fixture: OllamaFixture;
  let server: TeamServer;
  let proxy: TunnelingProxy;
  let guarded: TunnelingProxy;
  let storage: string;
  let workspace: string;
  let client: LspTestClient;
  let url: string;
  let target: string;

  const connect = () => client.connection.sendRequest(TeamConnectRequest.type, { url, apiKey: ALICE_KEY });
  /**
   * Whether a tunnel asked of the guarded proxy since `before` went to the
   * team server with the credentials. Not simply the last one: a channel
   * whose sign-in failed through this proxy may ask once more after it is
   * closed (grpc-js lets a subchannel that was told to reconnect during its
   * backoff finish that attempt), and that late request, refused with 407,
   * can come after the one that worked.
   */
  const carriedCredentials = (before: number) => guarded.tunnels.slice(before).some((t) => t.target === target && t.authorization === BASIC_DEV);
  const refused = async (): Promise<HearthError> => {
    try {
      const status = await connect();
      assert.fail(`connected anyway: ${JSON.stringify(status)}`);
    } catch (err) {
      return (err as { data: HearthError }).data;
    }
  };

  before(async () => {
    pki = makePki();
    fixture = await startOllamaFixture();
    ({ server } = await startTestServer(remoteConfig(pki, fixture.url)));
    proxy = await startTunnelingProxy();
    guarded = await startTunnelingProxy({ credentials: 'dev:s3cret' });
    target = `team.hearth.test:${server.port}`;
    url = `grpcs://${target}`;
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-proxy-team-ls-'));
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-proxy-team-ws-'));
    client = await startLspTestClient({
      storagePath: storage,
      workspace,
      settings: { server: { mode: 'remote', url, caFile: path.join(pki.dir, 'ca.crt') }, chat: { model: MODEL } },
      httpSettings: { proxy: proxy.url },
      env: { ...process.env, https_proxy: await closedPortUrl(), grpc_proxy: '', HTTPS_PROXY: '', HTTP_PROXY: '', http_proxy: '', NO_PROXY: '', no_proxy: '' },
    });
  });

  afterEach(async () => {
    await client.connection.sendRequest(TeamDisconnectRequest.type, {});
  });

  after(async () => {
    await client?.stop();
    await server?.shutdown(200);
    await Promise.all([fixture?.close(), proxy?.close(), guarded?.close()]);
    pki?.cleanup();
    for (const dir of [storage, workspace]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('signs in and chats through http.proxy, with the team server’s certificate checked through the tunnel', async () => {
    const before = proxy.tunnels.length;
    const status = await connect();
    assert.deepEqual([status.state, status.user], ['connected', 'alice'], JSON.stringify(status));
    fixture.enqueue({ kind: 'text', text: 'Answered behind the proxy.' });
    const turn = await chatTurn(client, 'hello');
    assert.equal(turn.done.event.type, 'done');
    const text = client.events.filter((e) => e.entryId === turn.started.assistantEntryId && e.event.type === 'text').map((e) => (e.event as { delta: string }).delta).join('');
    assert.equal(text, 'Answered behind the proxy.');
    assert.deepEqual(
      proxy.tunnels.slice(before).map((t) => t.target),
      [target],
      'one tunnel, to the team server, carried the sign-in and the turn',
    );
  });

  it('a proxy that wants credentials is named in the error; with http.proxyAuthorization the next connect works', async () => {
    client.setHttpSettings({ proxy: guarded.url });
    const error = await refused();
    assert.match(error.message, new RegExp(`team server at ${url.replace(/[.]/g, '\\.')}.*through the proxy http://127\\.0\\.0\\.1:\\d+ \\(from http\\.proxy\\).*credentials`, 's'));
    assert.equal(guarded.tunnels.at(-1)?.authorization, undefined);

    client.setHttpSettings({ proxy: guarded.url, proxyAuthorization: BASIC_DEV });
    const before = guarded.tunnels.length;
    const status = await connect();
    assert.equal(status.state, 'connected', JSON.stringify(status));
    assert.ok(carriedCredentials(before), JSON.stringify(guarded.tunnels.slice(before)));
  });

  it('credentials in the proxy’s address are sent too', async () => {
    const address = new URL(guarded.url);
    address.username = 'dev';
    address.password = 's3cret';
    client.setHttpSettings({ proxy: address.href });
    const before = guarded.tunnels.length;
    const status = await connect();
    assert.equal(status.state, 'connected', JSON.stringify(status));
    assert.ok(carriedCredentials(before), JSON.stringify(guarded.tunnels.slice(before)));
  });

  it('http.noProxy sends the team server direct: no tunnel is asked for', async () => {
    client.setHttpSettings({ proxy: proxy.url, noProxy: ['.hearth.test'] });
    const before = proxy.tunnels.length;
    const error = await refused();
    assert.match(error.message, /could not reach the team server/);
    assert.doesNotMatch(error.message, /through the proxy/);
    assert.equal(proxy.tunnels.length, before);
  });

  it('a proxy the channel cannot use is refused with the reason before anything is sent', async () => {
    client.setHttpSettings({ proxy: proxy.url.replace('http:', 'https:') });
    assert.match((await refused()).message, /through the proxy: the proxy https:\/\/127\.0\.0\.1:\d+ \(from http\.proxy\) is reached over TLS.*http:\/\/ proxy/);
    client.setHttpSettings({ proxy: proxy.url, proxyAuthorization: 'Negotiate YIIB' });
    const before = proxy.tunnels.length;
    assert.match((await refused()).message, /http\.proxyAuthorization uses the Negotiate scheme.*only Basic/);
    assert.equal(proxy.tunnels.length, before);
  });
});
