/**
 * A team server whose model backend is down must say so. A backend that
 * cannot be reached lists no models, and the server used to answer "model
 * not installed: ollama pull it", which sends the developer to fix a
 * machine they cannot reach. Real server over TLS, the real client.
 */
import assert from 'node:assert/strict';
import { RemoteAgent } from '../../language-server/remote/remoteAgent';
import type { AgentEvent } from '../../protocol/chat';
import type { TeamServer } from '../../agent-host/server/teamServer';
import { closedPortUrl } from '../fixtures/closedPort';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { collect, makePki, remoteConfig, startTestServer, teamConnection, type TestPki } from './teamServerHarness';

/** A model the fixture Ollama does not have. */
const MODEL = 'only-on-the-big-gpu:70b';

describe('team server: a model backend that is down is reported as down, not as a missing model', function () {
  this.timeout(30_000);
  let pki: TestPki;
  let fixture: OllamaFixture;
  const servers: TeamServer[] = [];
  const closers: (() => void)[] = [];

  async function turnOn(backends: { name: string; url: string }[]): Promise<AgentEvent[]> {
    const { server } = await startTestServer(remoteConfig(pki, fixture.url, (c) => (c.backends = backends.map((b) => ({ ...b, type: 'ollama', maxConcurrency: 1 })))));
    servers.push(server);
    const connection = teamConnection(server.port, pki);
    closers.push(() => connection.close());
    const agent = new RemoteAgent(connection, { attempts: 1, baseMs: 50, maxMs: 200 });
    return collect(agent.startTurn([], { text: 'Hello?', context: [] }, { model: MODEL }, new AbortController().signal));
  }

  function errorOf(events: AgentEvent[]): { code: string; message: string } {
    const error = events.find((e) => e.type === 'error');
    assert.ok(error && error.type === 'error', `an error event: ${JSON.stringify(events)}`);
    return error.error;
  }

  before(async () => {
    pki = makePki();
    fixture = await startOllamaFixture();
  });

  after(async () => {
    for (const close of closers) close();
    await Promise.all(servers.map((s) => s.shutdown(200)));
    await fixture?.close();
    pki?.cleanup();
  });

  it('its only backend down: the turn says the server cannot reach it, names it, and suggests no ollama pull', async () => {
    const error = errorOf(await turnOn([{ name: 'gpu0', url: await closedPortUrl() }]));
    assert.notEqual(error.code, 'modelNotFound');
    assert.match(error.message, /The team server cannot reach its model backend \(gpu0: [^)]+\)\. This is on the server's side: tell the team server's admin/);
    assert.doesNotMatch(error.message, /ollama pull|not installed/);
  });

  it('one of two backends down and the other without the model: the one that is down may have it, and is named', async () => {
    const error = errorOf(await turnOn([{ name: 'small', url: fixture.url }, { name: 'big', url: await closedPortUrl() }]));
    assert.notEqual(error.code, 'modelNotFound');
    assert.match(error.message, new RegExp(`cannot reach a model backend that may have "${MODEL.replace(/[.:]/g, '\\$&')}" \\(big: `));
  });

  it('every backend up and none has the model: still "not installed"', async () => {
    assert.equal(errorOf(await turnOn([{ name: 'small', url: fixture.url }])).code, 'modelNotFound');
  });
});
