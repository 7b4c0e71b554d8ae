/**
 * Refresh-token families. Every sign-in starts a family; each refresh token
 * in it may be used once, and using it yields the next. Presenting an older
 * token means it was copied: the whole family is revoked, which also ends the
 * access tokens it issued. State is in memory (one entry per signed-in
 * client, not conversation state); after a restart clients sign in again with
 * their API key, which the client does automatically.
 */
export type RotateOutcome = { ok: true; user: string } | { ok: false; reason: 'unknown' | 'revoked' | 'reused' };

interface Family {
  user: string;
  currentJti: string;
  expiresAt: number;
  revoked: boolean;
}

export class RefreshFamilies {
  private readonly families = new Map<string, Family>();
  private lastSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  start(familyId: string, user: string, jti: string, expiresAt: number): void {
    this.sweep();
    this.families.set(familyId, { user, currentJti: jti, expiresAt, revoked: false });
  }

  /** Accepts `jti` once and moves the family on to `nextJti`. */
  rotate(familyId: string, jti: string, nextJti: string, expiresAt: number): RotateOutcome {
    const family = this.families.get(familyId);
    if (!family) return { ok: false, reason: 'unknown' };
    if (family.revoked) return { ok: false, reason: 'revoked' };
    if (family.currentJti !== jti) {
      family.revoked = true;
      return { ok: false, reason: 'reused' };
    }
    family.currentJti = nextJti;
    family.expiresAt = expiresAt;
    return { ok: true, user: family.user };
  }

  isRevoked(familyId: string): boolean {
    return this.families.get(familyId)?.revoked === true;
  }

  revokeUser(user: string): void {
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
