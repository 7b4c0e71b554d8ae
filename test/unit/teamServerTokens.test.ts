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
    // One store of sign-ins, as a server that restarts with a new active key keeps (or its replicas share).
    const families = new RefreshFamilies(now);
    const old = await new TokenService(keys, SETTINGS, families, now).issueForSignIn('alice');
    const rotated = new TokenService(keys, { ...SETTINGS, activeKid: 'k2' }, families, now);
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

describe('team server token lifetime and the verified-token cache', async () => {
  function signed(claims: Record<string, unknown>, options: jwt.SignOptions = {}): string {
    return jwt.sign({ sub: 'alice', typ: 'access', fam: 'f', jti: 'j', iss: 'iss', aud: 'aud', ...claims }, SECRET, { algorithm: 'HS256', keyid: 'k1', ...options });
  }

  it('refuses a token signed with the real key that lives longer than the server issues tokens for', async () => {
    const now = Date.now();
    const s = service(() => now);
    const t = Math.floor(now / 1000);
    await s.families.start('f', 'alice', 'j', now + 3_600_000);
    assert.equal((await failure(() => s.verifyAccess(signed({ iat: t, nbf: t, exp: t + 100 * 365 * 24 * 3600 })))).reason, 'lifetime');
    assert.equal((await failure(() => s.verifyAccess(signed({ nbf: t, exp: t + 30 }, { noTimestamp: true })))).reason, 'invalid', 'no iat');
    assert.equal((await failure(() => s.verifyAccess(signed({ iat: t + 3600, nbf: t, exp: t + 3660 })))).reason, 'invalid', 'issued in the future');
    assert.equal((await s.verifyAccess(signed({ iat: t, nbf: t, exp: t + 60 }))).user, 'alice', 'the configured lifetime (60 s) is accepted');
    // Refresh tokens are held to the refresh lifetime.
    assert.equal((await failure(() => s.refresh(signed({ typ: 'refresh', iat: t, nbf: t, exp: t + 2 * 3600 })))).reason, 'lifetime');
  });

  it('a remembered token expires exactly when an unremembered one does', async () => {
    let now = Date.UTC(2030, 0, 1, 12, 0, 0, 250);
    const cached = service(() => now);
    const uncached = new TokenService(loadSigningKeys([{ kid: 'k1', algorithm: 'HS256', secret: SECRET }], () => ''), { ...SETTINGS, verifiedCacheSize: 0 }, cached.families, () => now);
    const token = (await cached.issueForSignIn('alice')).accessToken;
    assert.equal((await cached.verifyAccess(token)).user, 'alice');
    assert.equal(cached.verifiedCount, 1, 'the verified token is remembered');
    const exp = (jwt.decode(token) as jwt.JwtPayload).exp!;
    // jsonwebtoken accepts a token until its exp plus the 5 s clock tolerance.
    now = (exp + 5) * 1000 - 1;
    assert.equal((await cached.verifyAccess(token)).user, 'alice');
    assert.equal((await uncached.verifyAccess(token)).user, 'alice');
    now = (exp + 5) * 1000;
    assert.equal((await failure(() => cached.verifyAccess(token))).reason, 'expired');
    assert.equal((await failure(() => uncached.verifyAccess(token))).reason, 'expired');
    assert.equal(cached.verifiedCount, 0, 'an expired token is forgotten');
  });

  it('refuses an access token whose sign-in the store no longer knows (its data was lost), so a revocation lost with it grants nothing', async () => {
    const now = Date.now();
    const keys = loadSigningKeys([{ kid: 'k1', algorithm: 'HS256', secret: SECRET }], () => '');
    const before = new TokenService(keys, SETTINGS, new RefreshFamilies(() => now), () => now);
    const t0 = await before.issueForSignIn('alice');
    const t1 = await before.refresh(t0.refreshToken);
    await before.refresh(t1.refreshToken);
    assert.equal((await failure(() => before.refresh(t0.refreshToken))).reason, 'refresh_reused');
    // The same keys over a store that starts empty: a restart of the server, or of a Redis without persistence.
    const after = new TokenService(keys, SETTINGS, new RefreshFamilies(() => now), () => now);
    const refused = await failure(() => after.verifyAccess(t0.accessToken));
    assert.equal(refused.reason, 'family_unknown');
    assert.match(refused.message, /no longer knows this sign-in.*Sign in again/);
    assert.equal((await after.verifyAccess((await after.issueForSignIn('alice')).accessToken)).user, 'alice', 'signing in again works');
  });

  it('a remembered token of a revoked sign-in is refused at its next use', async () => {
    const now = Date.now();
    const s = service(() => now);
    const t0 = await s.issueForSignIn('alice');
    assert.equal((await s.verifyAccess(t0.accessToken)).user, 'alice');
    const t1 = await s.refresh(t0.refreshToken);
    await s.refresh(t1.refreshToken);
    // Two rotations back: a copy, whatever the reuse window.
    assert.equal((await failure(() => s.refresh(t0.refreshToken))).reason, 'refresh_reused');
    assert.equal((await failure(() => s.verifyAccess(t0.accessToken))).reason, 'family_revoked');
  });

  it('remembers at most the configured number of tokens, dropping the least recently used', async () => {
    const now = Date.now();
    const s = new TokenService(loadSigningKeys([{ kid: 'k1', algorithm: 'HS256', secret: SECRET }], () => ''), { ...SETTINGS, verifiedCacheSize: 2 }, new RefreshFamilies(() => now), () => now);
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map(async (u) => (await s.issueForSignIn(u)).accessToken));
    await s.verifyAccess(a);
    await s.verifyAccess(b);
    await s.verifyAccess(a);
    await s.verifyAccess(c);
    assert.equal(s.verifiedCount, 2);
    // b was dropped; verifying it again still works (and drops a, now the least recently used).
    assert.equal((await s.verifyAccess(b)).user, 'b');
    assert.equal(s.verifiedCount, 2);
  });

  it('refuses a tampered token even right after the genuine one was remembered', async () => {
    const now = Date.now();
    const s = service(() => now);
    const token = (await s.issueForSignIn('alice')).accessToken;
    await s.verifyAccess(token);
    const [h, p, sig] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...(jwt.decode(token) as object), sub: 'mallory' })).toString('base64url')}.${sig}`;
    assert.equal((await failure(() => s.verifyAccess(forged))).reason, 'invalid');
    assert.equal((await failure(() => s.verifyAccess(`${h}.${p}.${sig.slice(0, -2)}xx`))).reason, 'invalid');
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
