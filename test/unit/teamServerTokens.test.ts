/** Token issue, verification and rotation, with a controllable clock. */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { ApiKeyStore, generateApiKey, scryptHash, sha256Hash } from '../../agent-host/server/auth/apiKeys';
import { AuthFailure } from '../../agent-host/server/auth/authFailure';
import { RefreshFamilies } from '../../agent-host/server/auth/refreshFamilies';
import { loadSigningKeys } from '../../agent-host/server/auth/signingKeys';
import { TokenService } from '../../agent-host/server/auth/tokenService';

const SECRET = 'a-secret-that-is-at-least-32-bytes-long!!';
const SETTINGS = { issuer: 'iss', audience: 'aud', accessTtlMs: 60_000, refreshTtlMs: 3_600_000, activeKid: 'k1' };

function service(now: () => number, keys = loadSigningKeys([{ kid: 'k1', algorithm: 'HS256', secret: SECRET }], () => '')) {
  return new TokenService(keys, SETTINGS, new RefreshFamilies(now), now);
}

async function failure(fn: () => unknown): Promise<AuthFailure> {
  try {
    await fn();
  } catch (err) {
    assert.ok(err instanceof AuthFailure, String(err));
    return err;
  }
  assert.fail('expected an AuthFailure');
}

describe('team server tokens', () => {
  it('access tokens are short-lived and name their key', async () => {
    let now = Date.now();
    const tokens = await service(() => now).issueForSignIn('alice');
    const header = jwt.decode(tokens.accessToken, { complete: true })!.header;
    assert.equal(header.kid, 'k1');
    assert.equal(header.alg, 'HS256');
    const s = service(() => now);
    assert.equal((await s.verifyAccess((await s.issueForSignIn('alice')).accessToken)).user, 'alice');
    const issued = await s.issueForSignIn('bob');
    now += 60_000 + 6_000;
    assert.equal((await failure(() => s.verifyAccess(issued.accessToken))).reason, 'expired');
  });

  it('rotates refresh tokens on every use; a reused one revokes the family and its access tokens', async () => {
    let now = Date.now();
    const s = service(() => now);
    const t0 = await s.issueForSignIn('alice');
    const t1 = await s.refresh(t0.refreshToken);
    const t2 = await s.refresh(t1.refreshToken);
    assert.equal((await s.verifyAccess(t2.accessToken)).user, 'alice');
    // Past the reuse window, an older token is a copy: the family goes.
    now += 11_000;
    assert.equal((await failure(() => s.refresh(t1.refreshToken))).reason, 'refresh_reused');
    assert.equal((await failure(() => s.refresh(t2.refreshToken))).reason, 'family_revoked');
    assert.equal((await failure(() => s.verifyAccess(t2.accessToken))).reason, 'family_revoked');
    const other = await s.issueForSignIn('alice');
    assert.equal((await s.verifyAccess(other.accessToken)).user, 'alice', 'another sign-in is unaffected');
  });

  it('a refresh token from before a restart is refused with a sign-in hint', async () => {
    const now = Date.now();
    const before = await service(() => now).issueForSignIn('alice');
    assert.equal((await failure(() => service(() => now).refresh(before.refreshToken))).reason, 'refresh_unknown');
  });

  it('key rotation: tokens from the old key verify, new tokens use the active key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    const files: Record<string, string> = { priv: privateKey, pub: publicKey };
    const keys = loadSigningKeys(
      [
        { kid: 'k1', algorithm: 'HS256', secret: SECRET },
        { kid: 'k2', algorithm: 'RS256', privateKeyFile: 'priv' },
      ],
      (p) => files[p],
    );
    const now = () => Date.now();
    const old = await service(now).issueForSignIn('alice');
    const rotated = new TokenService(keys, { ...SETTINGS, activeKid: 'k2' }, new RefreshFamilies(now), now);
    assert.equal((await rotated.verifyAccess(old.accessToken)).user, 'alice');
    const fresh = await rotated.issueForSignIn('bob');
    assert.equal(jwt.decode(fresh.accessToken, { complete: true })!.header.alg, 'RS256');
    assert.throws(() => loadSigningKeys([{ kid: 'x', algorithm: 'ES256', privateKeyFile: 'priv' }], (p) => files[p]), /ES256 needs an ec key/);
    assert.throws(() => loadSigningKeys([{ kid: 'x', algorithm: 'HS256', secret: 'short' }], () => ''), /at least 32 bytes/);
  });

  it('a refresh retried within the reuse window keeps the sign-in; the two copies share one successor', async () => {
    let now = Date.now();
    const s = service(() => now);
    const t0 = await s.issueForSignIn('alice');
    // Two refreshes with the same token, as when a client retries after losing the reply.
    const [a, b] = await Promise.all([s.refresh(t0.refreshToken), s.refresh(t0.refreshToken)]);
    assert.equal((await s.verifyAccess(a.accessToken)).user, 'alice');
    assert.equal((await s.verifyAccess(b.accessToken)).user, 'alice');
    assert.equal(jwt.decode(a.refreshToken, { json: true })!.jti, jwt.decode(b.refreshToken, { json: true })!.jti, 'siblings: the same refresh token id');
    now += 9_000;
    assert.equal((await s.refresh(t0.refreshToken)).user, 'alice', 'still inside the 10 s window');
    // Either copy moves the family on once; the other copy is then the token rotated last.
    const next = await s.refresh(b.refreshToken);
    now += 11_000;
    assert.equal((await failure(() => s.refresh(a.refreshToken))).reason, 'refresh_reused', 'after the window a copy revokes the family');
    assert.equal((await failure(() => s.verifyAccess(next.accessToken))).reason, 'family_revoked');
  });

  it('only the token rotated last has a reuse window, and a window of 0 turns it off', async () => {
    const now = Date.now();
    const s = service(() => now);
    const t0 = await s.issueForSignIn('alice');
    const t1 = await s.refresh(t0.refreshToken);
    await s.refresh(t1.refreshToken);
    assert.equal((await failure(() => s.refresh(t0.refreshToken))).reason, 'refresh_reused', 'two rotations back is a copy even within the window');
    const strict = new TokenService(loadSigningKeys([{ kid: 'k1', algorithm: 'HS256', secret: SECRET }], () => ''), { ...SETTINGS, refreshReuseWindowMs: 0 }, new RefreshFamilies(() => now), () => now);
    const u0 = await strict.issueForSignIn('bob');
    await strict.refresh(u0.refreshToken);
    assert.equal((await failure(() => strict.refresh(u0.refreshToken))).reason, 'refresh_reused');
  });
});

describe('team server API keys', () => {
  it('maps hashed keys to users; an empty key never matches', async () => {
    const key = generateApiKey();
    const store = new ApiKeyStore([
      { user: 'alice', hash: sha256Hash(key) },
      { user: 'bob', hash: await scryptHash('bobs chosen passphrase', 1024) },
      { user: 'eve', hash: sha256Hash('') },
    ]);
    assert.equal(await store.verify(key), 'alice');
    assert.equal(await store.verify('bobs chosen passphrase'), 'bob');
    assert.equal(await store.verify(`${key}x`), undefined);
    assert.equal(await store.verify(''), undefined, 'even with a hash of the empty string configured');
    assert.equal(await store.verify('   '), undefined);
    assert.ok(store.hasUser('bob'));
  });
});
