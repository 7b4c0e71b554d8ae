/**
 * Remote mode, through the real language server signed in to a real team
 * server over TLS: the developer's own MCP server (server-everything) runs on
 * the developer's machine, and what it asks of Hearth is answered there. A
 * form reaches the user and the answer reaches the server as in local mode;
 * a sampling request is refused with the reason (sampling is local-mode
 * only) and is never shown to the user or sent to a model.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TeamConnectRequest } from '../../protocol/lspMethods';
import type { TeamServer } from '../../agent-host/server/teamServer';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { EVERYTHING_SERVER, killLeftovers, MODEL, startMcpTestServer, type McpTestServer } from './mcpHarness';
import { ALICE_KEY, makePki, remoteConfig, startTestServer, type TestPki } from './teamServerHarness';

describe('MCP sampling and elicitation in remote mode (integration)', function () {
  this.timeout(60_000);
  let pki: TestPki;
  let fixture: OllamaFixture;
  let server: TeamServer;
  let storage: string;
  let workspace: string;
  let hearth: McpTestServer | undefined;

  before(async () => {
    pki = makePki();
    fixture = await startOllamaFixture();
    ({ server } = await startTestServer(remoteConfig(pki, fixture.url)));
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-mcp-remote-ls-'));
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-mcp-remote-ws-'));
    const url = `grpcs://localhost:${server.port}`;
    hearth = await startMcpTestServer({
      storagePath: storage,
      workspace,
      settings: {
        server: { mode: 'remote', url, caFile: path.join(pki.dir, 'ca.crt') },
        chat: { model: MODEL },
        mcp: { servers: { everything: { command: process.execPath, args: [EVERYTHING_SERVER, 'stdio'] } } },
      },
    });
    const status = await hearth.client.connection.sendRequest(TeamConnectRequest.type, { url, apiKey: ALICE_KEY });
    assert.equal(status.state, 'connected', JSON.stringify(status));
    await hearth.waitForServer('everything', (s) => s.state === 'running' && s.tools.some((t) => t.name === 'everything.trigger-elicitation-request'), 'running with its elicitation tool');
  });

  after(async () => {
    const pids = hearth?.pids ?? new Set<number>();
    try {
      await hearth?.stop();
    } finally {
      killLeftovers(pids);
      await server?.shutdown(200);
      await fixture?.close();
      pki?.cleanup();
      for (const dir of [storage, workspace]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows the developer\'s server\'s form and returns the answer to it, with the turn on the team server', async () => {
    hearth!.answerElicitation = () => ({ action: 'accept', content: { name: 'Remote Ada' } });
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'everything.trigger-elicitation-request', arguments: {} }] }, { kind: 'text', text: 'Thanks.' });
    const { results, assistantEntryId, doneReason } = await hearth!.turn('Ask me');
    assert.equal(doneReason, 'stop');
    assert.equal(hearth!.elicitationRequests.length, 1);
    assert.equal(hearth!.elicitationRequests[0].entryId, assistantEntryId, 'in the row of the call the team server\'s agent made');
    assert.match(results[0].content, /- Name: Remote Ada/);
    const messages = fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!.body.messages as { role: string; content: string }[];
    assert.ok(messages.some((m) => m.role === 'tool' && m.content.includes('Remote Ada')), 'the result reached the model on the team server');
  });

  it('refuses sampling with the reason, without showing it or sending it to any model', async () => {
    let shown = 0;
    hearth!.answerSampling = () => {
      shown++;
      return 'accept';
    };
    const before = fixture.requests.filter((r) => r.path === '/api/chat').length;
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'everything.trigger-sampling-request', arguments: { prompt: 'hello', maxTokens: 10 } }] }, { kind: 'text', text: 'No sampling here.' });
    const { results } = await hearth!.turn('Try sampling');
    assert.equal(results[0].isError, true);
    assert.match(results[0].content, /sampling runs in local mode only/);
    assert.equal(shown, 0);
    assert.equal(fixture.requests.filter((r) => r.path === '/api/chat').length - before, 2, 'the turn\'s two steps and nothing else');
  });
});
