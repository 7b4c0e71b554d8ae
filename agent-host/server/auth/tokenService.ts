/**
 * Issues and checks JWTs. Access tokens are short-lived and stateless apart
 * from the family revocation check; refresh tokens rotate on every use
 * (RefreshFamilies). Verification pins everything: the key comes from `kid`,
 * the algorithm from that key, and `iss`, `aud`, `exp`, `nbf`, `iat` and the
 * token type are all required to match; a token may live no longer than this
 * server issues tokens for, so a signed token with a far `exp` is refused.
 *
 * An access token is accepted only while the store knows its family: a
 * store that lost its data (a restart) would otherwise accept the tokens of
 * sign-ins it had revoked, until they expire.
 *
 * A verified access token is remembered until it expires (every RPC carries
 * one, and a signature check costs far more than a map lookup). Each use of a
 * remembered token still checks its expiry and its family's revocation;
 * refused tokens are never remembered.
 */
import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { SigningKey } from './signingKeys';
import { RefreshFamilies } from './refreshFamilies';
import type { RefreshFamilyStore } from '../state/sharedState';
import { permissionDenied, unauthenticated } from './authFailure';

export interface TokenSettings {
  issuer: string;
  audience: string;
  accessTtlMs: number;
  refreshTtlMs: number;
  activeKid: string;
  /**
   * How long the refresh token rotated last is still accepted (a client
   * retrying a refresh whose reply it never got). Undefined means 10 s.
   */
  refreshReuseWindowMs?: number;
  /** Verified access tokens remembered at most (least recently used are dropped first). Default 10 000; 0 turns the cache off. */
  verifiedCacheSize?: number;
}

export interface IssuedTokens {
  accessToken: string;
  accessExpiresAtMs: number;
  refreshToken: string;
  refreshExpiresAtMs: number;
  user: string;
}

export interface Principal {
  user: string;
  family: string;
}

interface HearthClaims {
  sub: string;
  typ: 'access' | 'refresh';
  fam: string;
  jti: string;
  exp: number;
}

const CLOCK_TOLERANCE_S = 5;
/** How much longer than the configured TTL a token's `exp - iat` may be (this server rounds lifetimes down to whole seconds). */
const LIFETIME_LEEWAY_S = 5;
const DEFAULT_VERIFIED_CACHE_SIZE = 10_000;
/** What a token from a server's future means: it was signed with this deployment's key, so another replica's clock is ahead. */
const CLOCKS_DISAGREE = `another server of this team signed it with a clock more than ${CLOCK_TOLERANCE_S} s ahead. Ask the team server's admin to synchronise the servers' clocks (NTP); signing in again may work meanwhile.`;

interface Verified {
  principal: Principal;
  /** The first whole second (Unix time) at which the token counts as expired, as jsonwebtoken decides it: exp + clock tolerance. */
  expiredAtS: number;
}

export class TokenService {
  private readonly byKid: Map<string, SigningKey>;
  private readonly active: SigningKey;
  /** Access token -> what verifying it found; a Map in least-recently-used order. Signing keys are fixed for the life of this object. */
  private readonly verified = new Map<string, Verified>();
  private readonly verifiedCacheSize: number;

  constructor(
    keys: SigningKey[],
    private readonly settings: TokenSettings,
    readonly families: RefreshFamilyStore = new RefreshFamilies(),
    private readonly now: () => number = Date.now,
  ) {
    this.byKid = new Map(keys.map((k) => [k.kid, k]));
    const active = settings.activeKid ? this.byKid.get(settings.activeKid) : keys.find((k) => k.signKey);
    if (!active?.signKey) throw new Error(`No signing key can sign new tokens${settings.activeKid ? ` (active_kid ${settings.activeKid} has no private key)` : ''}.`);
    this.active = active;
    this.verifiedCacheSize = Math.max(0, settings.verifiedCacheSize ?? DEFAULT_VERIFIED_CACHE_SIZE);
  }

  /** How many verified access tokens are remembered now. */
  get verifiedCount(): number {
    return this.verified.size;
  }

  /** A new sign-in: a new family with its first refresh token. */
  async issueForSignIn(user: string): Promise<IssuedTokens> {
    const family = randomUUID();
    const tokens = this.sign(user, family);
    await this.families.start(family, user, tokens.refreshJti, tokens.issued.refreshExpiresAtMs);
    return tokens.issued;
  }

  /**
   * Trades a refresh token for a new pair; a reused token revokes its family,
   * unless it is the token rotated last and the reuse window is still open.
   */
  async refresh(refreshToken: string): Promise<IssuedTokens> {
    const claims = this.verify(refreshToken, 'refresh');
    const next = this.sign(claims.sub, claims.fam);
    const outcome = await this.families.rotate(claims.fam, claims.jti, next.refreshJti, next.issued.refreshExpiresAtMs, this.settings.refreshReuseWindowMs ?? 10_000);
    // The signed token names its user; a store (Redis) that says otherwise is not believed.
    if (outcome.ok && outcome.user !== claims.sub) throw permissionDenied('family_mismatch', 'This sign-in does not match its token. Sign in again with your API key.');
    // A retried refresh gets a sibling of the current token (same jti), so either copy may be used next, once.
    if (outcome.ok && 'replayOf' in outcome) return this.sign(claims.sub, claims.fam, outcome.replayOf).issued;
    if (!outcome.ok) {
      if (outcome.reason === 'reused') {
        throw permissionDenied('refresh_reused', 'This refresh token was already used, so this sign-in has been revoked to protect your account. Sign in again with your API key.');
      }
      if (outcome.reason === 'revoked') throw permissionDenied('family_revoked', 'This sign-in was revoked. Sign in again with your API key.');
      throw unauthenticated('refresh_unknown', 'The server no longer knows this sign-in (it may have restarted). Sign in again with your API key.');
    }
    return next.issued;
  }

  /** The user an access token belongs to; throws AuthFailure otherwise. */
  async verifyAccess(accessToken: string): Promise<Principal> {
    let entry = this.verified.get(accessToken);
    if (entry) {
      this.verified.delete(accessToken);
      // Expired since it was verified: the full check below refuses it with the usual message.
      if (Math.floor(this.now() / 1000) >= entry.expiredAtS) entry = undefined;
    }
    if (!entry) {
      const claims = this.verify(accessToken, 'access');
      entry = { principal: { user: claims.sub, family: claims.fam }, expiredAtS: claims.exp + CLOCK_TOLERANCE_S };
    }
    const standing = await this.families.standing(entry.principal.family);
    if (standing === 'revoked') throw permissionDenied('family_revoked', 'This sign-in was revoked (a refresh token was reused). Sign in again with your API key.');
    // A family outlives every access token it issued (refresh_ttl > access_ttl), so a missing one was lost with
    // the store's data (a restart), and with it any revocation: the token is refused, and the client signs in again.
    if (standing === 'unknown') throw unauthenticated('family_unknown', 'The server no longer knows this sign-in (it restarted, or its shared state was reset). Sign in again with your API key.');
    if (this.verifiedCacheSize > 0) {
      if (this.verified.size >= this.verifiedCacheSize) this.verified.delete(this.verified.keys().next().value as string);
      this.verified.set(accessToken, entry);
    }
    return { ...entry.principal };
  }

  private sign(user: string, family: string, refreshJti?: string): { issued: IssuedTokens; refreshJti: string } {
    const nowMs = this.now();
    const iat = Math.floor(nowMs / 1000);
    const key = this.active;
    const make = (typ: 'access' | 'refresh', ttlMs: number, givenJti?: string) => {
      const jti = givenJti ?? randomUUID();
      const exp = iat + Math.max(1, Math.floor(ttlMs / 1000));
      const token = jwt.sign({ typ, fam: family, iat, nbf: iat, exp }, key.signKey!, {
        algorithm: key.algorithm,
        keyid: key.kid,
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        subject: user,
        jwtid: jti,
      });
      return { token, jti, expMs: exp * 1000 };
    };
    const access = make('access', this.settings.accessTtlMs);
    const refresh = make('refresh', this.settings.refreshTtlMs, refreshJti);
    return {
      issued: { accessToken: access.token, accessExpiresAtMs: access.expMs, refreshToken: refresh.token, refreshExpiresAtMs: refresh.expMs, user },
      refreshJti: refresh.jti,
    };
  }

  private verify(token: string, typ: 'access' | 'refresh'): HearthClaims {
    const label = typ === 'access' ? 'access token' : 'refresh token';
    if (typeof token !== 'string' || token === '' || token.length > 8192) throw unauthenticated('malformed', `The ${label} is missing. Sign in with your API key.`);
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload === 'string') throw unauthenticated('malformed', `The ${label} is not a valid token. Sign in again with your API key.`);
    const kid = decoded.header.kid;
    const key = kid ? this.byKid.get(kid) : undefined;
    if (!key) throw unauthenticated('unknown_kid', `The ${label} was signed with a key this server does not know${kid ? '' : ' (no kid)'}. Sign in again with your API key.`);
    let payload: jwt.JwtPayload;
    try {
      payload = jwt.verify(token, key.verifyKey, {
        algorithms: [key.algorithm],
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        clockTolerance: CLOCK_TOLERANCE_S,
        clockTimestamp: Math.floor(this.now() / 1000),
      }) as jwt.JwtPayload;
    } catch (err) {
      if (err instanceof jwt.TokenExpiredError) throw unauthenticated('expired', `The ${label} has expired. ${typ === 'access' ? 'Refresh it or sign in again.' : 'Sign in again with your API key.'}`);
      // Only a server holding this deployment's signing keys can have made it, and it was made for "now" by that server's
      // clock: a replica whose clock runs ahead of this one's. The developer's own clock plays no part.
      if (err instanceof jwt.NotBeforeError) throw unauthenticated('not_yet_valid', `The ${label} is not valid yet by this team server's clock: ${CLOCKS_DISAGREE}`);
      throw unauthenticated('invalid', `The ${label} was rejected (${(err as Error).message}). Sign in again with your API key.`);
    }
    if (typeof payload.exp !== 'number' || typeof payload.nbf !== 'number' || typeof payload.iat !== 'number') throw unauthenticated('invalid', `The ${label} lacks exp, nbf or iat. Sign in again.`);
    if (payload.typ !== typ) throw unauthenticated('wrong_type', `A ${payload.typ === 'refresh' ? 'refresh' : 'different kind of'} token was sent where an ${label} belongs.`);
    // A token lives no longer than this server issues them for, however far its (signed) exp is.
    const maxLifetimeS = Math.floor((typ === 'access' ? this.settings.accessTtlMs : this.settings.refreshTtlMs) / 1000) + LIFETIME_LEEWAY_S;
    if (payload.iat > Math.floor(this.now() / 1000) + CLOCK_TOLERANCE_S) throw unauthenticated('invalid', `The ${label} claims to be issued in the future by this team server's clock: ${CLOCKS_DISAGREE}`);
    if (payload.exp - payload.iat > maxLifetimeS) {
      throw unauthenticated('lifetime', `The ${label} is valid for longer than this server issues tokens for (${maxLifetimeS - LIFETIME_LEEWAY_S} s). Sign in again with your API key.`);
    }
    if (typeof payload.sub !== 'string' || typeof payload.fam !== 'string' || typeof payload.jti !== 'string') throw unauthenticated('invalid', `The ${label} lacks its claims. Sign in again.`);
    return { sub: payload.sub, typ, fam: payload.fam, jti: payload.jti, exp: payload.exp };
  }
}
