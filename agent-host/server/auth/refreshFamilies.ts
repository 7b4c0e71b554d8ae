/**
 * Refresh-token families in this process's memory (the single-server
 * default; `state/redisState.ts` keeps the same records in Redis for
 * replicas). Every sign-in starts a family; each refresh token in it may be
 * used once, and using it yields the next. Presenting an older token means it
 * was copied: the whole family is revoked, which also ends the access tokens
 * it issued. The one exception is the token rotated last, presented again
 * within the reuse window: that is a client retrying a refresh whose reply
 * was lost, and it gets a sibling of the current token instead.
 *
 * State is one entry per signed-in client, not conversation state; after a
 * restart clients sign in again with their API key, which the client does
 * automatically.
 */
import type { FamilyStanding, RefreshFamilyStore, RotateOutcome } from '../state/sharedState';

export type { RotateOutcome } from '../state/sharedState';

interface Family {
  user: string;
  currentJti: string;
  previousJti?: string;
  rotatedAt: number;
  expiresAt: number;
  revoked: boolean;
}

export class RefreshFamilies implements RefreshFamilyStore {
  private readonly families = new Map<string, Family>();
  private lastSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async start(familyId: string, user: string, jti: string, expiresAt: number): Promise<void> {
    this.sweep();
    this.families.set(familyId, { user, currentJti: jti, rotatedAt: 0, expiresAt, revoked: false });
  }

  async rotate(familyId: string, jti: string, nextJti: string, expiresAt: number, reuseWindowMs: number): Promise<RotateOutcome> {
    const family = this.families.get(familyId);
    if (!family) return { ok: false, reason: 'unknown' };
    if (family.revoked) return { ok: false, reason: 'revoked' };
    if (family.currentJti === jti) {
      family.previousJti = jti;
      family.rotatedAt = this.now();
      family.currentJti = nextJti;
      family.expiresAt = expiresAt;
      return { ok: true, user: family.user };
    }
    if (family.previousJti === jti && this.now() - family.rotatedAt < reuseWindowMs) return { ok: true, user: family.user, replayOf: family.currentJti };
    family.revoked = true;
    return { ok: false, reason: 'reused' };
  }

  async isRevoked(familyId: string): Promise<boolean> {
    return this.families.get(familyId)?.revoked === true;
  }

  async standing(familyId: string): Promise<FamilyStanding> {
    const family = this.families.get(familyId);
    return family ? (family.revoked ? 'revoked' : 'current') : 'unknown';
  }

  async revokeUser(user: string): Promise<void> {
    for (const f of this.families.values()) if (f.user === user) f.revoked = true;
  }

  get size(): number {
    return this.families.size;
  }

  private sweep(): void {
    const now = this.now();
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [id, f] of this.families) if (f.expiresAt < now) this.families.delete(id);
  }
}
