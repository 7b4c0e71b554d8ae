/**
 * Remote mode with an OAuth-protected MCP server of the developer: the
 * sign-in and the tokens stay on the developer's machine (the language
 * server's MCP manager, here in-process with an editor that follows the
 * browser step itself); the team server's agent is offered the tool, the
 * call runs on the client with the bearer token, and only the result, never
 * a token, reaches the team server's model.
 */
import assert from 'node:assert/strict';
import type { AgentEvent } from '../../protocol/chat';
import { McpManager, withMcpTools, type McpOAuthHost } from '../../agent-host';
import type { TeamServer } from '../../agent-host/server/teamServer';
import { RemoteAgent } from '../../language-server/remote/remoteAgent';
import { TeamConnection } from '../../language-server/remote/teamConnection';
import { startAuthorizationServer, type AuthorizationServerFixture } from '../fixtures/oauthAuthorizationServer';
import { startProtectedMcpServer, type ProtectedMcpServer } from '../fixtures/oauthProtectedMcpServer';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { until } from '../fixtures/until';
import { MODEL } from './mcpHarness';
import { teamConnection, makePki, remoteConfig, startTestServer, type TestPki } from './teamServerHarness';

describe('an OAuth-protected MCP server of the developer in remote mode (integration)', function () {
  this.timeout(60_000);
  let pki: TestPki;
  let fixture: OllamaFixture;
  let server: TeamServer;
  let connection: TeamConnection;
  let auth: AuthorizationServerFixture;
  let mcp: ProtectedMcpServer;
  let manager: McpManager;
  const secrets = new Map<string, string>();

  before(async () => {
    pki = makePki();
    fixture = await startOllamaFixture();
    ({ server } = await startTestServer(remoteConfig(pki, fixture.url)));
    connection = teamConnection(server.port, pki);
    auth = await startAuthorizationServer();
    mcp = await startProtectedMcpServer(auth);
    const host: McpOAuthHost = {
      load: async (url) => secrets.get(url),
      save: async (url, value) => void secrets.set(url, value),
      remove: async (url) => void secrets.delete(url),
      // The editor's browser: the fixture approves at once and the redirect goes to Hearth's loopback listener.
      askSignIn: async ({ authorizationUrl }) => {
        void (async () => {
          const approved = await fetch(authorizationUrl, { redirect: 'manual' });
          await fetch(approved.headers.get('location')!);
        })();
        return true;
      },
    };
    manager = new McpManager({ log: () => undefined, oauth: host });
    await manager.configure([{ name: 'secure', config: { type: 'http', url: mcp.url } }]);
    await until(() => manager.tools().length > 0, 'the protected server to be signed in to and list its tools', 20_000);
  });

  after(async () => {
    await manager?.dispose();
    connection?.close();
    await server?.shutdown(500);
    await mcp?.close();
    await auth?.close();
    await fixture?.close();
    pki?.cleanup();
  });

  it('runs the tool on the developer\'s machine with the bearer token; the team server sees the result and no token', async () => {
    const executor = withMcpTools(undefined, manager, { authorize: async () => undefined });
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'secure.whoami', arguments: {} }] }, { kind: 'text', text: 'Done.' });
    const events: AgentEvent[] = [];
    for await (const e of new RemoteAgent(connection).startTurn([], { text: 'Who am I?', context: [] }, { model: MODEL, executor }, new AbortController().signal)) events.push(e);

    assert.deepEqual(events.at(-1), { type: 'done', reason: 'stop' }, JSON.stringify(events.filter((e) => e.type === 'error')));
    const results = events.filter((e): e is Extract<AgentEvent, { type: 'toolResult' }> => e.type === 'toolResult').map((e) => e.result.content);
    assert.equal(results.length, 1);
    assert.match(results[0], /^You are client-/);
    assert.ok(mcp.acceptedTokens.length > 0, 'the MCP server accepted the bearer token');
    const seenByTeamServer = JSON.stringify(fixture.requests);
    assert.ok(seenByTeamServer.includes(results[0]), 'the result reached the team server\'s model');
    for (const issued of auth.issuedTokens()) assert.ok(!seenByTeamServer.includes(issued), 'a token reached the team server');
  });
});
