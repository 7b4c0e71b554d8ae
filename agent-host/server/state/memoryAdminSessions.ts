/**
 * The admin page's sessions in this process's memory (one team server). The
 * same rules as in Redis: sessions are named by their hash, end after their
 * TTL, and at most `max` are alive, the oldest ending first.
 */
import type { AdminSessionStore } from './sharedState';

export class MemoryAdminSessions implements AdminSessionStore {
  /** Session hash -> when it expires. A Map keeps insertion order, which is start order. */
  private readonly sessions = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async start(hash: string, ttlMs: number, max: number): Promise<void> {
    const now = this.now();
    for (const [h, expires] of this.sessions) if (expires <= now) this.sessions.delete(h);
    for (const h of this.sessions.keys()) {
      if (this.sessions.size < max) break;
      this.sessions.delete(h);
    }
    this.sessions.set(hash, now + ttlMs);
  }

  async isAlive(hash: string): Promise<boolean> {
    return (this.sessions.get(hash) ?? 0) > this.now();
  }

  async end(hash: string): Promise<void> {
    this.sessions.delete(hash);
  }
}
