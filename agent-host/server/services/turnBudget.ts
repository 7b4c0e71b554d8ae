/**
 * What one developer's open chat turns may hold on the server, and what all
 * of them may hold together. A turn's start message carries its whole
 * history (up to server.max_message_bytes), and the server keeps several
 * times that in memory while the turn runs, so a developer opening many
 * large turns, or large turns whose replies they never read, could run a
 * replica out of memory and take everyone's turns with it. Counted here:
 * open turns per user, before the start message is read, and the start
 * messages' bytes per user and in total, before any work is done for them.
 */
export interface TurnBudgetLimits {
  /** Chat turns one user may have open at once. */
  turnsPerUser: number;
  /** Start-message bytes one user's open turns may hold (at least one message of the largest size accepted). */
  bytesPerUser: number;
  /** Start-message bytes all open turns may hold. */
  bytesTotal: number;
}

export interface TurnLease {
  /** Adds the start message's bytes; a refusal to give the developer, or undefined when they fit. */
  charge(bytes: number): string | undefined;
  /** Frees what the turn held; safe to call more than once. */
  release(): void;
}

export class TurnBudget {
  private readonly turns = new Map<string, number>();
  private readonly bytes = new Map<string, number>();
  private total = 0;

  constructor(private readonly limits: TurnBudgetLimits) {}

  /** Opens a turn for `user`: a lease, or a refusal when the user already has as many open as allowed. */
  open(user: string): TurnLease | string {
    const open = this.turns.get(user) ?? 0;
    if (open >= this.limits.turnsPerUser) {
      return `You already have ${open} chat turns running on this team server, the most one person may have at once. Wait for one to finish (or stop one), then send again.`;
    }
    this.turns.set(user, open + 1);
    let charged = 0;
    let released = false;
    return {
      charge: (size) => {
        const mine = this.bytes.get(user) ?? 0;
        if (mine + size > this.limits.bytesPerUser) {
          return `Your running chat turns already carry ${mb(mine)} of conversation; this one (${mb(size)}) would pass the ${mb(this.limits.bytesPerUser)} one person may have open at once. Wait for a turn to finish, or start a new conversation, then send again.`;
        }
        if (this.total + size > this.limits.bytesTotal) {
          return `The team server is holding as much conversation as it can right now (${mb(this.total)} of ${mb(this.limits.bytesTotal)}). Send again in a few seconds.`;
        }
        charged += size;
        this.bytes.set(user, mine + size);
        this.total += size;
        return undefined;
      },
      release: () => {
        if (released) return;
        released = true;
        this.total -= charged;
        const left = (this.bytes.get(user) ?? 0) - charged;
        if (left > 0) this.bytes.set(user, left);
        else this.bytes.delete(user);
        const turns = (this.turns.get(user) ?? 1) - 1;
        if (turns > 0) this.turns.set(user, turns);
        else this.turns.delete(user);
      },
    };
  }
}

function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
