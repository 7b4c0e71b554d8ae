/**
 * Every way a credential can be wrong, against the real server over TLS.
 * Each forged token is one an attacker could actually build: they know the
 * RS256 public key, the token format and the claims, but not the secrets.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import jwt from 'jsonwebtoken';
import { hearthPackage } from '../../protocol/grpc/loadProtos';
import type { AuthServiceClient } from '../../protocol/generated/hearth/v1/AuthService';
import type { AuthTokens__Output } from '../../protocol/generated/hearth/v1/AuthTokens';
import type { ModelServiceClient } from '../../protocol/generated/hearth/v1/ModelService';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import type { TeamServer } from '../../agent-host/server/teamServer';
import { ALICE_KEY, AUDIENCE, BOB_KEY, ISSUER, makePki, MemoryAudit, remoteConfig, startTestServer, type TestPki } from './teamServerHarness';

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  // The server's access tokens live 60 s (remoteConfig); a token may not claim to live longer.
  return { sub: 'alice', typ: 'access', fam: 'f-1', jti: 'j-1', iss: ISSUER, aud: AUDIENCE, iat: now, nbf: now, exp: now + 60, ...overrides };
}

describe('team server: authentication rejections', function () {
  this.timeout(30_000);
  let pki: TestPki;
  let fixture: OllamaFixture;
  let server: TeamServer;
  let audit: MemoryAudit;
  let auth: AuthServiceClient;
  let models: ModelServiceClient;

  function list(token?: string): Promise<unknown> {
    const md = new grpc.Metadata();
    if (token !== undefined) md.set('authorization', `Bearer ${token}`);
    return new Promise((resolve, reject) => models.List({}, md, (err, res) => (err ? reject(err) : resolve(res))));
  }

  function authenticate(apiKey: string): Promise<AuthTokens__Output> {
    return new Promise((resolve, reject) => auth.Authenticate({ api_key: apiKey }, (err, res) => (err ? reject(err) : resolve(res!))));
  }

  function refresh(token: string): Promise<AuthTokens__Output> {
    return new Promise((resolve, reject) => auth.Refresh({ refresh_token: token }, (err, res) => (err ? reject(err) : resolve(res!))));
  }

  async function rejects(promise: Promise<unknown>, code: grpc.status, message: RegExp): Promise<void> {
    await assert.rejects(promise, (err: grpc.ServiceError) => {
      assert.equal(grpc.status[err.code], grpc.status[code], `status for: ${err.details}`);
      assert.match(err.details, message);
      return true;
    });
  }

  before(async () => {
    pki = makePki();
    fixture = await startOllamaFixture();
    ({ server, audit } = await startTestServer(remoteConfig(pki, fixture.url)));
    const pkg = hearthPackage().grpc.hearth.v1;
    const creds = grpc.credentials.createSsl(pki.caPem);
    auth = new pkg.AuthService(`localhost:${server.port}`, creds);
    models = new pkg.ModelService(`localhost:${server.port}`, creds);
  });

  after(async () => {
    auth?.close();
    models?.close();
    await server?.shutdown(500);
    await fixture?.close();
    pki?.cleanup();
  });

  it('accepts a valid access token (the baseline the rejections differ from)', async () => {
    const tokens = await authenticate(ALICE_KEY);
    await list(tokens.access_token);
  });

  it('accepts a token signed with the previous key (kid rotation)', async () => {
    // A sign-in the server knows: it accepts access tokens only of those.
    const { fam } = jwt.decode((await authenticate(ALICE_KEY)).access_token) as jwt.JwtPayload;
    const token = jwt.sign(claims({ fam }), pki.hsSecret, { algorithm: 'HS256', keyid: 'hs-1' });
    await list(token);
  });

  it('rejects a call without a token', async () => {
    await rejects(list(), grpc.status.UNAUTHENTICATED, /no access token was sent/);
  });

  it('rejects a garbage token', async () => {
    await rejects(list('not-a-jwt'), grpc.status.UNAUTHENTICATED, /not a valid token/);
  });

  it('rejects an expired token', async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    const token = jwt.sign(claims({ iat: past - 60, nbf: past - 60, exp: past }), pki.hsSecret, { algorithm: 'HS256', keyid: 'hs-1' });
    await rejects(list(token), grpc.status.UNAUTHENTICATED, /expired/);
  });

  it('rejects a token with a wrong signature', async () => {
    const token = jwt.sign(claims(), randomBytes(48).toString('base64'), { algorithm: 'HS256', keyid: 'hs-1' });
    await rejects(list(token), grpc.status.UNAUTHENTICATED, /invalid signature/);
  });

  it('rejects alg: none', async () => {
    const token = `${b64url({ alg: 'none', typ: 'JWT', kid: 'hs-1' })}.${b64url(claims())}.`;
    await rejects(list(token), grpc.status.UNAUTHENTICATED, /rejected/);
    const noKid = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims())}.`;
    await rejects(list(noKid), grpc.status.UNAUTHENTICATED, /key this server does not know/);
  });

  it('rejects HS256 signed with the RS256 public key (algorithm confusion)', async () => {
    // jsonwebtoken refuses to sign HS256 with a PEM, which is exactly what an attacker would not bother with.
    const header = b64url({ alg: 'HS256', typ: 'JWT', kid: 'rs-2' });
    const body = b64url(claims());
    const { createHmac } = await import('node:crypto');
    const sig = createHmac('sha256', pki.rsaPublicPem).update(`${header}.${body}`).digest('base64url');
    await rejects(list(`${header}.${body}.${sig}`), grpc.status.UNAUTHENTICATED, /invalid algorithm/);
  });

  it('rejects a token for another audience or issuer', async () => {
    const wrongAud = jwt.sign(claims({ aud: 'some-other-service' }), pki.hsSecret, { algorithm: 'HS256', keyid: 'hs-1' });
    await rejects(list(wrongAud), grpc.status.UNAUTHENTICATED, /audience invalid/);
    const wrongIss = jwt.sign(claims({ iss: 'someone-else' }), pki.hsSecret, { algorithm: 'HS256', keyid: 'hs-1' });
    await rejects(list(wrongIss), grpc.status.UNAUTHENTICATED, /issuer invalid/);
  });

  it("rejects a token that is not valid yet, and says the team's servers' clocks disagree (not the developer's)", async () => {
    const future = Math.floor(Date.now() / 1000) + 3600;
    const token = jwt.sign(claims({ nbf: future, exp: future + 300 }), pki.hsSecret, { algorithm: 'HS256', keyid: 'hs-1' });
    await rejects(list(token), grpc.status.UNAUTHENTICATED, /not valid yet by this team server's clock: another server of this team signed it with a clock more than 5 s ahead\. Ask the team server's admin to synchronise/);
  });

  it('rejects a token signed with the real key that lives longer than the server issues tokens for', async () => {
    const { readFileSync } = await import('node:fs');
    const key = readFileSync(pki.rsaPrivateFile, 'utf8');
    const now = Math.floor(Date.now() / 1000);
    const century = jwt.sign(claims({ exp: now + 100 * 365 * 24 * 3600 }), key, { algorithm: 'RS256', keyid: 'rs-2' });
    await rejects(list(century), grpc.status.UNAUTHENTICATED, /valid for longer than this server issues tokens for \(60 s\)/);
    const { iat: _omitted, ...noIat } = claims();
    const withoutIat = jwt.sign(noIat, key, { algorithm: 'RS256', keyid: 'rs-2', noTimestamp: true });
    await rejects(list(withoutIat), grpc.status.UNAUTHENTICATED, /lacks exp, nbf or iat/);
    // Issued "in the future" with a short life that would only start counting then.
    const ahead = now + 50 * 365 * 24 * 3600;
    const future = jwt.sign(claims({ iat: ahead, exp: ahead + 60 }), key, { algorithm: 'RS256', keyid: 'rs-2' });
    await rejects(list(future), grpc.status.UNAUTHENTICATED, /issued in the future by this team server's clock: another server of this team/);
    // The same key and claims with the server's own lifetime are accepted.
    const { fam } = jwt.decode((await authenticate(ALICE_KEY)).access_token) as jwt.JwtPayload;
    await list(jwt.sign(claims({ fam }), key, { algorithm: 'RS256', keyid: 'rs-2' }));
  });

  it('rejects a refresh token used as an access token', async () => {
    const tokens = await authenticate(ALICE_KEY);
    await rejects(list(tokens.refresh_token), grpc.status.UNAUTHENTICATED, /refresh token was sent where an access token belongs/);
  });

  it('a reused refresh token revokes its whole family', async () => {
    const signIn = await authenticate(BOB_KEY);
    const rotated = await refresh(signIn.refresh_token);
    const newest = await refresh(rotated.refresh_token);
    await list(newest.access_token);
    // The first refresh token again, two rotations back (so not a retried refresh): someone copied it.
    await rejects(refresh(signIn.refresh_token), grpc.status.PERMISSION_DENIED, /already used.*revoked/);
    // Everything descended from that sign-in is dead now, the newest tokens included.
    await rejects(refresh(newest.refresh_token), grpc.status.PERMISSION_DENIED, /revoked/);
    await rejects(list(newest.access_token), grpc.status.PERMISSION_DENIED, /revoked/);
    // A fresh sign-in with the API key works.
    const again = await authenticate(BOB_KEY);
    await list(again.access_token);
    assert.ok(audit.events.some((e) => e.event === 'token.refresh_failure' && e.reason === 'refresh_reused'));
  });

  it('two concurrent refreshes with the same token both succeed: a client that retries a lost reply stays signed in', async () => {
    const reusedBefore = audit.events.filter((e) => e.event === 'token.refresh_failure').length;
    const signIn = await authenticate(BOB_KEY);
    const [first, retried] = await Promise.all([refresh(signIn.refresh_token), refresh(signIn.refresh_token)]);
    await list(first.access_token);
    await list(retried.access_token);
    // Either answer carries on the sign-in.
    const next = await refresh(retried.refresh_token);
    await list(next.access_token);
    assert.equal(audit.events.filter((e) => e.event === 'token.refresh_failure').length, reusedBefore, 'no refresh was refused');
  });

  it('rejects an empty API key and a wrong one', async () => {
    await rejects(authenticate(''), grpc.status.UNAUTHENTICATED, /No API key was given/);
    await rejects(authenticate('   '), grpc.status.UNAUTHENTICATED, /No API key was given/);
    await rejects(authenticate(`${ALICE_KEY}x`), grpc.status.UNAUTHENTICATED, /not accepted/);
    assert.ok(audit.events.some((e) => e.event === 'auth.failure' && e.reason === 'empty_key'));
    assert.ok(!audit.lines.some((l) => l.includes(`${ALICE_KEY}x`)), 'the wrong key is not logged');
  });

  it('counts refused credentials in the metrics', async () => {
    const text = await (await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`)).text();
    assert.match(text, /hearth_auth_failures_total\{reason="expired"\} [1-9]/);
    assert.match(text, /hearth_auth_failures_total\{reason="missing"\} [1-9]/);
  });

  it('counts one failed sign-in once in hearth_auth_failures_total', async () => {
    const count = async (): Promise<number> => {
      const text = await (await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`)).text();
      return Number(/^hearth_auth_failures_total\{reason="bad_key"\} (\d+)$/m.exec(text)?.[1] ?? 0);
    };
    const before = await count();
    await rejects(authenticate('hearth_not-a-key-of-this-server'), grpc.status.UNAUTHENTICATED, /not accepted/);
    assert.equal(await count(), before + 1);
  });

  it('refuses plaintext gRPC on the TLS port', async () => {
    const plain = new (hearthPackage().grpc.hearth.v1.AuthService)(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
    try {
      await assert.rejects(
        new Promise((resolve, reject) => plain.Authenticate({ api_key: ALICE_KEY }, { deadline: Date.now() + 5000 }, (err, res) => (err ? reject(err) : resolve(res)))),
        (err: grpc.ServiceError) => err.code === grpc.status.UNAVAILABLE || err.code === grpc.status.DEADLINE_EXCEEDED,
      );
      // The TLS port still serves TLS clients after the plaintext attempt.
      assert.equal((await authenticate(ALICE_KEY)).user, 'alice');
    } finally {
      plain.close();
    }
  });
});
