/**
 * A developer whose access ends while one of their turns runs: removed from
 * the API keys file (SIGHUP), or their sign-in revoked because a refresh
 * token was reused. Their token was checked when the Chat call opened; the
 * turn must not go on calling the model and tools for them. Real server,
 * real TLS, a raw gRPC client that keeps answering as a hostile one would.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { sha256Hash } from '../../agent-host/server/auth/apiKeys';
import type { TeamServer } from '../../agent-host/server/teamServer';
import { encodeChatStart } from '../../protocol/grpc/encodeChat';
import { hearthPackage } from '../../protocol/grpc/loadProtos';
import type { AgentServiceClient } from '../../protocol/generated/hearth/v1/AgentService';
import type { AuthServiceClient } from '../../protocol/generated/hearth/v1/AuthService';
import type { AuthTokens__Output } from '../../protocol/generated/hearth/v1/AuthTokens';
import type { ChatServerMessage__Output } from '../../protocol/generated/hearth/v1/ChatServerMessage';
import type { ModelServiceClient } from '../../protocol/generated/hearth/v1/ModelService';
import { BUILTIN_TOOLS, ToolName } from '../../protocol/tools';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { ALICE_KEY, BOB_KEY, makePki, MemoryAudit, remoteConfig, startTestServer, type TestPki } from './teamServerHarness';

const MODEL = 'qwen2.5-coder:7b';
const SECRET_ANSWER = 'the team index says the deploy key lives in vault/prod';

/** What a turn's stream showed its client: the text, and how the call ended. */
interface TurnOutcome {
  text: string;
  status: grpc.status;
  details: string;
}

describe('team server: a developer whose access ends mid-turn', function () {
  this.timeout(30_000);
  let pki: TestPki;
  let fixture: OllamaFixture;
  let server: TeamServer;
  let audit: MemoryAudit;
  let keysFile: string;
  let auth: AuthServiceClient;
  let agent: AgentServiceClient;
  let models: ModelServiceClient;

  function writeKeys(users: Record<string, string>): void {
    const lines = Object.entries(users).map(([user, key]) => `  - { user: ${user}, hash: "${sha256Hash(key)}" }`);
    writeFileSync(keysFile, `api_keys:\n${lines.join('\n')}\n`);
  }

  function authenticate(apiKey: string): Promise<AuthTokens__Output> {
    return new Promise((resolve, reject) => auth.Authenticate({ api_key: apiKey }, (err, res) => (err ? reject(err) : resolve(res!))));
  }

  function refresh(token: string): Promise<AuthTokens__Output> {
    return new Promise((resolve, reject) => auth.Refresh({ refresh_token: token }, (err, res) => (err ? reject(err) : resolve(res!))));
  }

  function list(token: string): Promise<unknown> {
    const md = new grpc.Metadata();
    md.set('authorization', `Bearer ${token}`);
    return new Promise((resolve, reject) => models.List({}, md, (err, res) => (err ? reject(err) : resolve(res))));
  }

  function chatRequests(): number {
    return fixture.requests.filter((r) => r.path === '/api/chat').length;
  }

  /**
   * Starts a turn whose model asks for one tool, and at its tool request runs
   * `whileToolWaits` (the admin or the attacker acting); then, when `answer`,
   * answers the request anyway, as a client that ignores everything would.
   */
  async function turnWithRevocation(accessToken: string, whileToolWaits: () => Promise<void>, answer: boolean): Promise<TurnOutcome> {
    const md = new grpc.Metadata();
    md.set('authorization', `Bearer ${accessToken}`);
    const call = agent.Chat(md);
    let text = '';
    return new Promise<TurnOutcome>((resolve, reject) => {
      call.on('data', (m: ChatServerMessage__Output) => {
        if (m.text) text += m.text.delta;
        if (!m.tool_request) return;
        const { request_id: requestId, call: toolCall } = m.tool_request;
        whileToolWaits().then(
          () => answer && call.write({ tool_result: { request_id: requestId, result: { call_id: toolCall!.id, name: toolCall!.name, content: 'export const a = 1;', is_error: false, summary: '' } } }),
          reject,
        );
      });
      call.on('status', (s: grpc.StatusObject) => resolve({ text, status: s.code, details: s.details }));
      // The status event carries the outcome; an error event repeats it.
      call.on('error', () => undefined);
      call.write({ start: encodeChatStart({ history: [], input: { text: 'read a.ts', context: [] }, model: MODEL, tools: [BUILTIN_TOOLS[ToolName.ReadFile]] }) });
    });
  }

  before(async () => {
    pki = makePki();
    keysFile = join(pki.dir, 'api-keys.yaml');
    writeKeys({ alice: ALICE_KEY, bob: BOB_KEY });
    fixture = await startOllamaFixture({ tokenDelayMs: 1 });
    // Each turn's model asks for one tool, then answers once it has the tool's output (a scripted queue would keep an unused answer for the next test).
    fixture.setResponder((r) => {
      const messages = (r.body.messages ?? []) as { role: string }[];
      return messages.at(-1)?.role === 'tool' ? { kind: 'text', text: SECRET_ANSWER } : { kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'a.ts' } }] };
    });
    ({ server, audit } = await startTestServer(
      remoteConfig(pki, fixture.url, (c) => {
        c.auth.apiKeys = [];
        c.auth.apiKeysFile = keysFile;
      }),
    ));
    const pkg = hearthPackage().grpc.hearth.v1;
    const creds = grpc.credentials.createSsl(pki.caPem);
    auth = new pkg.AuthService(`localhost:${server.port}`, creds);
    agent = new pkg.AgentService(`localhost:${server.port}`, creds);
    models = new pkg.ModelService(`localhost:${server.port}`, creds);
  });

  beforeEach(() => writeKeys({ alice: ALICE_KEY, bob: BOB_KEY }));

  after(async () => {
    auth?.close();
    agent?.close();
    models?.close();
    await server?.shutdown(500);
    await fixture?.close();
    pki?.cleanup();
  });

  it('removing a developer from the API keys ends their running turn at the reload, while it waits for a tool: no more model calls or answers for them', async () => {
    const alice = await authenticate(ALICE_KEY);
    const bob = await authenticate(BOB_KEY);
    const before = chatRequests();
    const outcome = await turnWithRevocation(alice.access_token, async () => {
      writeKeys({ bob: BOB_KEY });
      server.reloadApiKeys();
    }, false);
    assert.equal(grpc.status[outcome.status], grpc.status[grpc.status.PERMISSION_DENIED], `status for: ${outcome.details}`);
    assert.match(outcome.details, /"alice" no longer has access/);
    assert.ok(!outcome.text.includes(SECRET_ANSWER), 'the removed developer got no answer');
    assert.equal(chatRequests() - before, 1, 'the model was not called again for the removed developer');
    assert.ok(audit.events.some((e) => e.event === 'turn.end' && e.user === 'alice' && e.reason === 'revoked'), 'the turn end is audited as revoked');
    // Only alice lost access.
    await list(bob.access_token);
  });

  it('a sign-in revoked by a reused refresh token stops its running turn at its next tool call', async () => {
    const signIn = await authenticate(BOB_KEY);
    const before = chatRequests();
    const outcome = await turnWithRevocation(signIn.access_token, async () => {
      // Two rotations, then the first refresh token again: someone copied it, and the whole sign-in is revoked.
      const rotated = await refresh(signIn.refresh_token);
      await refresh(rotated.refresh_token);
      await assert.rejects(refresh(signIn.refresh_token), (err: grpc.ServiceError) => err.code === grpc.status.PERMISSION_DENIED);
    }, true);
    assert.equal(grpc.status[outcome.status], grpc.status[grpc.status.PERMISSION_DENIED], `status for: ${outcome.details}`);
    assert.match(outcome.details, /revoked/);
    assert.ok(!outcome.text.includes(SECRET_ANSWER), 'the revoked sign-in got no answer');
    assert.equal(chatRequests() - before, 1, 'the model was not called again for the revoked sign-in');
  });
});
