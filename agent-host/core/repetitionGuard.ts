/** JSON with sorted keys, so {"a":1,"b":2} and {"b":2,"a":1} count as the same arguments. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Small models sometimes loop, asking for the same tool call again and again.
 * The guard counts identical calls (same tool, same arguments) within a turn
 * so the loop can stop at the limit instead of burning all its steps.
 */
export class RepetitionGuard {
  private readonly counts = new Map<string, number>();

  constructor(readonly limit = 3) {}

  /** Records a call and returns how many times it has now been made in this turn. */
  record(name: string, args: unknown): number {
    const key = `${name} ${canonical(args)}`;
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    return count;
  }
}
