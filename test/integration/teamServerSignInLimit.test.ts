/**
 * Every sign-in starts a refresh-token family the server keeps until its
 * refresh token expires (a day by default). One developer signing in in a
 * loop with their own valid key must not grow that store without bound, so
 * successful sign-ins are limited per user. Real server over TLS, raw gRPC.
 */
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { DEFAULT_CONFIG } from '../../agent-host/server/config/serverConfig';
import { hearthPackage } from '../../protocol/grpc/loadProtos';
import type { AuthServiceClient } from '../../protocol/generated/hearth/v1/AuthService';
import type { AuthTokens__Output } from '../../protocol/generated/hearth/v1/AuthTokens';
import { ALICE_KEY, BOB_KEY, useScriptedTeamServer } from './teamServerHarness';

/** The default of limits.sign_ins_per_minute, which the harness's server keeps. */
const MAX_SIGNINS_PER_MINUTE = DEFAULT_CONFIG.limits.signInsPerMinute;

describe('team server: sign-ins per user are limited', function () {
  this.timeout(30_000);
  const suite = useScriptedTeamServer();
  let auth: AuthServiceClient;

  function authenticate(apiKey: string): Promise<AuthTokens__Output> {
    return new Promise((resolve, reject) => auth.Authenticate({ api_key: apiKey }, (err, res) => (err ? reject(err) : resolve(res!))));
  }

  before(() => {
    auth = new (hearthPackage().grpc.hearth.v1.AuthService)(`localhost:${suite.server.port}`, grpc.credentials.createSsl(suite.pki.caPem));
  });

  after(() => auth?.close());

  it(`refuses a user's sign-in past ${MAX_SIGNINS_PER_MINUTE} a minute, with when to retry, and only that user's`, async () => {
    for (let i = 0; i < MAX_SIGNINS_PER_MINUTE; i++) await authenticate(ALICE_KEY);
    await assert.rejects(authenticate(ALICE_KEY), (err: grpc.ServiceError) => {
      assert.equal(grpc.status[err.code], grpc.status[grpc.status.RESOURCE_EXHAUSTED], `status for: ${err.details}`);
      assert.match(err.details, new RegExp(`"alice" has signed in more than ${MAX_SIGNINS_PER_MINUTE} times in the last minute`));
      assert.ok(Number(err.metadata.get('retry-after-ms')[0]) > 0, 'a retry-after-ms the client honours');
      return true;
    });
    // Another developer is not affected.
    assert.equal((await authenticate(BOB_KEY)).user, 'bob');
  });
});
