/**
 * A renewed TLS certificate is taken up without a restart (SIGHUP, or the
 * server's own look every minute): new connections get it, while a turn
 * streaming on a connection opened before keeps streaming. A renewal caught
 * half-done (a certificate whose key is not the one beside it) is refused and
 * the previous certificate stays in force. The real CLI process over TLS.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { stringify as toYaml } from 'yaml';
import type { AgentEvent } from '../../protocol/chat';
import { sha256Hash } from '../../agent-host/server/auth/apiKeys';
import { RemoteAgent } from '../../language-server/remote/remoteAgent';
import { TeamConnection } from '../../language-server/remote/teamConnection';
import { parseTeamServerUrl } from '../../language-server/remote/teamServerUrl';
import { startAgentHostProcess, type AgentHostProcess } from '../fixtures/agentHostProcess';
import { freePort } from '../fixtures/freePort';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { until, untilValue } from '../fixtures/until';
import { ALICE_KEY, AUDIENCE, ISSUER, issueServerCertificate, makePki, type TestPki } from './teamServerHarness';

const MODEL = 'qwen2.5-coder:7b';

function fingerprintOf(certFile: string): string {
  return new X509Certificate(readFileSync(certFile)).fingerprint256;
}

describe('team server: a renewed TLS certificate is used without a restart', function () {
  this.timeout(60_000);
  let pki: TestPki;
  let fixture: OllamaFixture;
  let dir: string;
  let server: AgentHostProcess;
  let port: number;
  const connections: TeamConnection[] = [];

  function agent(): RemoteAgent {
    const connection = new TeamConnection({ address: parseTeamServerUrl(`grpcs://localhost:${port}`), apiKey: ALICE_KEY, tls: { caPem: pki.caPem } });
    connections.push(connection);
    return new RemoteAgent(connection, { attempts: 1, baseMs: 50, maxMs: 200 });
  }

  /** The certificate a new TLS connection to the server is shown, checked against the test CA. */
  function presented(): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.caPem, ALPNProtocols: ['h2'] }, () => {
        resolve(socket.getPeerCertificate().fingerprint256);
        socket.destroy();
      });
      socket.once('error', reject);
    });
  }

  /** Puts a certificate and key where the server's config says they are, as a renewal (cert-manager, certbot) does. */
  function install(files: { certFile: string; keyFile: string }): void {
    copyFileSync(files.keyFile, join(dir, 'tls.key'));
    copyFileSync(files.certFile, join(dir, 'tls.crt'));
  }

  before(async () => {
    pki = makePki();
    fixture = await startOllamaFixture();
    dir = mkdtempSync(join(tmpdir(), 'hearth-cert-renewal-'));
    install({ certFile: pki.certFile, keyFile: pki.keyFile });
    port = await freePort();
    writeFileSync(
      join(dir, 'config.yaml'),
      toYaml({
        server: { mode: 'remote', host: '127.0.0.1', port, shutdown_grace: '1s' },
        tls: { cert_file: join(dir, 'tls.crt'), key_file: join(dir, 'tls.key') },
        auth: { issuer: ISSUER, audience: AUDIENCE, signing_keys: [{ kid: 'hs-1', algorithm: 'HS256', secret: pki.hsSecret }], api_keys: [{ user: 'alice', hash: sha256Hash(ALICE_KEY) }] },
        backends: [{ name: 'gpu', type: 'ollama', url: fixture.url, max_concurrency: 2 }],
        metrics: { port: -1 },
      }),
    );
    server = await startAgentHostProcess(join(dir, 'config.yaml'));
  });

  after(async () => {
    for (const c of connections) c.close();
    await server?.stop();
    await fixture?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    pki?.cleanup();
  });

  it('SIGHUP: new connections get the renewed certificate while a running turn keeps streaming on its connection', async () => {
    assert.equal(await presented(), fingerprintOf(pki.certFile));
    const renewed = issueServerCertificate(pki, 'renewed');
    fixture.enqueue({ kind: 'endlessTokens', token: 'tick ' });
    const abort = new AbortController();
    const events: AgentEvent[] = [];
    let textsAtRenewal = -1;
    const texts = () => events.filter((e) => e.type === 'text').length;
    for await (const e of agent().startTurn([], { text: 'Keep going.', context: [] }, { model: MODEL }, abort.signal)) {
      events.push(e);
      if (textsAtRenewal < 0 && texts() === 3) {
        install(renewed);
        process.kill(server.pid, 'SIGHUP');
        await untilValue(async () => ((await presented()) === fingerprintOf(renewed.certFile) ? true : undefined), 'a new connection shown the renewed certificate', 10_000, 50);
        textsAtRenewal = texts();
      }
      // The turn opened before the renewal still streams after it.
      if (textsAtRenewal >= 0 && texts() >= textsAtRenewal + 5) abort.abort();
    }
    assert.ok(textsAtRenewal >= 0, 'the renewal happened mid-turn');
    assert.ok(texts() >= textsAtRenewal + 5, 'text kept coming on the old connection after the renewal');
    assert.deepEqual(events.filter((e) => e.type === 'error'), []);
    assert.match(server.stderr, /TLS certificate reloaded/);
    // A new client signs in over the renewed certificate.
    assert.ok((await agent().listModels(new AbortController().signal)).length > 0);
  });

  it('a certificate whose key is not the one beside it is refused, and the previous certificate stays in force', async () => {
    const before = await presented();
    const other = issueServerCertificate(pki, 'half-renewed');
    // The new certificate is in place, its key not yet: the state a renewal leaves for a moment.
    copyFileSync(other.certFile, join(dir, 'tls.crt'));
    const logFrom = server.stderr.length;
    process.kill(server.pid, 'SIGHUP');
    await until(() => server.stderr.slice(logFrom).includes('TLS certificate not reloaded'), 'the refusal is logged', 10_000);
    assert.equal(await presented(), before, 'new connections still get the previous certificate');
    assert.ok((await agent().listModels(new AbortController().signal)).length > 0, 'and can sign in and work');
  });
});
