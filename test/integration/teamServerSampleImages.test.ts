/**
 * AgentService.Sample takes text only. Nothing on the server reads a sampling
 * message's images, but a request that carries them may be as large as
 * server.max_message_bytes and is held while it waits for a GPU slot, outside
 * the chat turns' memory budget: one developer sending many could run the
 * replica out of memory for everyone. Real server over TLS, raw gRPC client.
 */
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { encodeSampleRequest } from '../../protocol/grpc/sampleMessages';
import { hearthPackage } from '../../protocol/grpc/loadProtos';
import type { AgentServiceClient } from '../../protocol/generated/hearth/v1/AgentService';
import type { AuthServiceClient } from '../../protocol/generated/hearth/v1/AuthService';
import type { AuthTokens__Output } from '../../protocol/generated/hearth/v1/AuthTokens';
import type { SampleRequest } from '../../protocol/generated/hearth/v1/SampleRequest';
import type { SampleResponse__Output } from '../../protocol/generated/hearth/v1/SampleResponse';
import { ALICE_KEY, useScriptedTeamServer } from './teamServerHarness';

const MODEL = 'qwen2.5-coder:7b';

describe('team server: a sampling request carries no images', function () {
  this.timeout(30_000);
  const suite = useScriptedTeamServer();
  let auth: AuthServiceClient;
  let agent: AgentServiceClient;
  let tokens: AuthTokens__Output;

  function sample(req: SampleRequest): Promise<SampleResponse__Output> {
    const md = new grpc.Metadata();
    md.set('authorization', `Bearer ${tokens.access_token}`);
    return new Promise((resolve, reject) => agent.Sample(req, md, (err, res) => (err ? reject(err) : resolve(res!))));
  }

  const chats = () => suite.fixture.requests.filter((r) => r.path === '/api/chat').length;

  before(async () => {
    const pkg = hearthPackage().grpc.hearth.v1;
    const creds = grpc.credentials.createSsl(suite.pki.caPem);
    auth = new pkg.AuthService(`localhost:${suite.server.port}`, creds);
    agent = new pkg.AgentService(`localhost:${suite.server.port}`, creds);
    tokens = await new Promise((resolve, reject) => auth.Authenticate({ api_key: ALICE_KEY }, (err, res) => (err ? reject(err) : resolve(res!))));
  });

  after(() => {
    auth?.close();
    agent?.close();
  });

  it('answers a text-only request (the baseline)', async () => {
    suite.fixture.enqueue({ kind: 'text', text: 'Teal' });
    const answer = await sample(encodeSampleRequest({ model: MODEL, messages: [{ role: 'user', text: 'Name a colour' }], maxTokens: 16, mcpServer: 'everything' }));
    assert.equal(answer.text, 'Teal');
  });

  it('refuses a request whose message carries images, before it waits for a GPU slot or reaches a model', async () => {
    const req = encodeSampleRequest({ model: MODEL, messages: [{ role: 'user', text: 'Name a colour' }], maxTokens: 16, mcpServer: 'everything' });
    // 24 MB of "image": under max_message_bytes (32 MiB), far over anything a sampling request needs.
    const image = { mime_type: 'image/png', name: 'padding.png', data: Buffer.alloc(8 * 1024 * 1024, 1) };
    req.messages = req.messages!.map((m) => ({ ...m, images: [image, image, image] }));
    const before = chats();
    await assert.rejects(sample(req), (err: grpc.ServiceError) => {
      assert.equal(grpc.status[err.code], grpc.status[grpc.status.INVALID_ARGUMENT], `status for: ${err.details}`);
      assert.match(err.details, /messages\[0\]: a sampling message carries text only/);
      return true;
    });
    assert.equal(chats(), before, 'no model request');
  });
});
