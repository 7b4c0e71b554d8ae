/**
 * What the admin page shows about the past: per-user usage, suggestion
 * acceptance per language, and time-to-first-token and tokens/s over time,
 * kept in memory as fixed-size aggregates (a ring of time buckets), so the
 * cost stays the same however long the server runs and however busy it is.
 * The services feed it at the points where they already see each request's
 * first token and usage; it never sees prompts or replies.
 */

export type RequestKind = 'chat' | 'completion';

export interface RequestUsage {
  promptTokens?: number;
  completionTokens?: number;
  /** The backend's own generation time, when it reports one (Ollama's eval_duration). */
  evalDurationMs?: number;
}

/** Follows one chat turn or one completion from the moment the server accepted it. */
export interface RequestObserver {
  /** A token (answer or reasoning) was produced; the first one sets the time to first token. */
  token(): void;
  /** The request's usage so far (a chat turn reports a running total after each model call). */
  usage(usage: RequestUsage): void;
  /** The request ended, however it ended. Calling it twice counts once. */
  end(): void;
}

export interface UserUsage {
  user: string;
  turns: number;
  completions: number;
  promptTokens: number;
  completionTokens: number;
  suggestionsShown: number;
  suggestionsAccepted: number;
  /** Epoch milliseconds of the user's last request or report. */
  lastSeenMs: number;
}

export interface LanguageAcceptance {
  language: string;
  shown: number;
  accepted: number;
  /** accepted / shown (at most 1), or null before anything was shown. */
  rate: number | null;
}

/** One time bucket; null where nothing was measured in it. */
export interface SeriesPoint {
  /** Epoch milliseconds of the bucket's start. */
  t: number;
  ttftChatMs: number | null;
  ttftCompletionMs: number | null;
  tokensPerSecond: number | null;
}

export interface ActivitySnapshot {
  runningTurns: number;
  users: UserUsage[];
  languages: LanguageAcceptance[];
  series: { bucketMs: number; points: SeriesPoint[] };
}

export interface ActivityRecorderOptions {
  /** Width of one time bucket. */
  bucketMs?: number;
  /** Buckets kept (the plots' time span is bucketMs × buckets). */
  buckets?: number;
  now?: () => number;
}

/** One time bucket's sums, which add up across replicas (averages would not). */
export interface ActivityBucket {
  index: number;
  ttft: Record<RequestKind, { count: number; sumMs: number }>;
  tokens: number;
  evalMs: number;
}
type Bucket = ActivityBucket;

/**
 * A recorder's figures as sums, before any average is taken: what a replica
 * publishes so that the admin page of any replica can add up the team's
 * (`snapshotOf`).
 */
export interface ActivityRaw {
  bucketMs: number;
  runningTurns: number;
  users: UserUsage[];
  languages: { language: string; shown: number; accepted: number }[];
  /** The buckets of the plotted span that hold a measurement. */
  buckets: ActivityBucket[];
}

const DEFAULT_BUCKETS = 360;

/** Language ids come from clients: their length and number are bounded so a client cannot grow the server's memory. */
export const MAX_LANGUAGES = 200;
/**
 * The languages one team member's reports may add to the table. A developer
 * who works in many languages reports a few dozen at most; without a share
 * of its own, one member's client (any valid key) could fill all
 * MAX_LANGUAGES with made-up ids, and everyone's real languages would then
 * show as "other".
 */
export const MAX_LANGUAGES_PER_USER = 32;
const MAX_LANGUAGE_LENGTH = 64;
const OTHER_LANGUAGE = 'other';
/** User names come from the API key configuration, but a bound keeps the table safe all the same. */
export const MAX_USERS = 10_000;

/** A bucket with nothing measured yet. */
export function emptyBucket(index: number): Bucket {
  return { index, ttft: { chat: { count: 0, sumMs: 0 }, completion: { count: 0, sumMs: 0 } }, tokens: 0, evalMs: 0 };
}

/** A user with nothing counted yet. */
export function emptyUser(user: string): UserUsage {
  return { user, turns: 0, completions: 0, promptTokens: 0, completionTokens: 0, suggestionsShown: 0, suggestionsAccepted: 0, lastSeenMs: 0 };
}

/** A count from anywhere (a backend, a client, another replica): a positive finite number, else 0. */
export function count(n: unknown): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0;
}

export class ActivityRecorder {
  readonly bucketMs: number;
  private readonly ring: (Bucket | undefined)[];
  private readonly now: () => number;
  private readonly users = new Map<string, UserUsage>();
  private readonly languages = new Map<string, { shown: number; accepted: number }>();
  /** How many of the table's languages each member's reports added (MAX_LANGUAGES_PER_USER). */
  private readonly languagesAdded = new Map<string, number>();
  private running = 0;

  constructor(options: ActivityRecorderOptions = {}) {
    this.bucketMs = options.bucketMs ?? 10_000;
    this.ring = new Array<Bucket | undefined>(options.buckets ?? DEFAULT_BUCKETS).fill(undefined);
    this.now = options.now ?? Date.now;
  }

  /** A chat turn was admitted: counted for its user, running until `end`. */
  observeTurn(user: string): RequestObserver {
    this.userFor(user).turns++;
    this.running++;
    return this.observe(user, 'chat', () => this.running--);
  }

  /** A completion request was admitted: counted for its user. */
  observeCompletion(user: string): RequestObserver {
    this.userFor(user).completions++;
    return this.observe(user, 'completion', () => undefined);
  }

  /** A client's counts of suggestions shown and accepted since its last report. */
  suggestions(user: string, language: string, shown: number, accepted: number): void {
    const s = count(shown);
    // A suggestion shown just before one report can be accepted in the next, so one report may accept more than it shows.
    const a = count(accepted);
    if (s === 0 && a === 0) return;
    const u = this.userFor(user);
    u.suggestionsShown += s;
    u.suggestionsAccepted += a;
    const key = this.languageKey(user, language);
    const entry = this.languages.get(key) ?? { shown: 0, accepted: 0 };
    entry.shown += s;
    entry.accepted += a;
    this.languages.set(key, entry);
  }

  get runningTurns(): number {
    return this.running;
  }

  /** How many buckets the plots span. */
  get bucketCount(): number {
    return this.ring.length;
  }

  snapshot(): ActivitySnapshot {
    return snapshotOf([this.raw()], this.now(), this.ring.length);
  }

  /** The figures as sums (see ActivityRaw); copies, so the caller may keep them. */
  raw(): ActivityRaw {
    const current = Math.floor(this.now() / this.bucketMs);
    const buckets: ActivityBucket[] = [];
    for (let index = current - this.ring.length + 1; index <= current; index++) {
      const b = this.bucketAt(index);
      if (b) buckets.push({ index, ttft: { chat: { ...b.ttft.chat }, completion: { ...b.ttft.completion } }, tokens: b.tokens, evalMs: b.evalMs });
    }
    return {
      bucketMs: this.bucketMs,
      runningTurns: this.running,
      users: [...this.users.values()].map((u) => ({ ...u })),
      languages: [...this.languages.entries()].map(([language, { shown, accepted }]) => ({ language, shown, accepted })),
      buckets,
    };
  }

  private observe(user: string, kind: RequestKind, onEnd: () => void): RequestObserver {
    const started = this.now();
    let firstTokenAt: number | undefined;
    let last: RequestUsage = {};
    let ended = false;
    return {
      token: () => {
        if (firstTokenAt !== undefined || ended) return;
        firstTokenAt = this.now();
        const t = this.bucketFor(firstTokenAt).ttft[kind];
        t.count++;
        t.sumMs += firstTokenAt - started;
      },
      usage: (usage) => {
        last = usage;
      },
      end: () => {
        if (ended) return;
        ended = true;
        onEnd();
        const now = this.now();
        const u = this.userFor(user);
        u.promptTokens += count(last.promptTokens);
        u.completionTokens += count(last.completionTokens);
        const tokens = count(last.completionTokens);
        // Without the backend's own timing, the time since the first token is the closest honest measure of generation.
        const evalMs = count(last.evalDurationMs) || (firstTokenAt !== undefined ? now - firstTokenAt : 0);
        if (tokens > 0 && evalMs > 0) {
          const b = this.bucketFor(now);
          b.tokens += tokens;
          b.evalMs += evalMs;
        }
      },
    };
  }

  private userFor(user: string): UserUsage {
    let u = this.users.get(user);
    if (!u) {
      if (this.users.size >= MAX_USERS) {
        // The least recently seen user makes room; a real team never comes near this.
        let oldest: UserUsage | undefined;
        for (const candidate of this.users.values()) if (!oldest || candidate.lastSeenMs < oldest.lastSeenMs) oldest = candidate;
        if (oldest) this.users.delete(oldest.user);
      }
      u = emptyUser(user);
      this.users.set(user, u);
    }
    u.lastSeenMs = this.now();
    return u;
  }

  /** The table's entry for `user`'s report of `language`: its own, or "other" once the table or the member's share is full. */
  private languageKey(user: string, language: string): string {
    const name = language.trim().slice(0, MAX_LANGUAGE_LENGTH) || OTHER_LANGUAGE;
    if (this.languages.has(name)) return name;
    const added = this.languagesAdded.get(user) ?? 0;
    if (this.languages.size >= MAX_LANGUAGES || added >= MAX_LANGUAGES_PER_USER) return OTHER_LANGUAGE;
    // Each count is a language added to the table, which never shrinks: this map holds at most MAX_LANGUAGES members.
    this.languagesAdded.set(user, added + 1);
    return name;
  }

  private bucketAt(index: number): Bucket | undefined {
    const b = this.ring[((index % this.ring.length) + this.ring.length) % this.ring.length];
    return b && b.index === index ? b : undefined;
  }

  private bucketFor(time: number): Bucket {
    const index = Math.floor(time / this.bucketMs);
    const slot = ((index % this.ring.length) + this.ring.length) % this.ring.length;
    let b = this.ring[slot];
    if (!b || b.index !== index) {
      b = emptyBucket(index);
      this.ring[slot] = b;
    }
    return b;
  }
}

/**
 * What `current` counted since `previous` (two `raw()` copies of one
 * recorder, `previous` the older): what a replica has not yet added to the
 * team's totals in the shared state. Nothing counts twice: a user or bucket
 * whose count went down (a user the recorder evicted and saw again) adds
 * what is new, never less than nothing. Empty when nothing changed.
 */
export function activityDelta(current: ActivityRaw, previous: ActivityRaw | undefined): ActivityRaw {
  const diff = (now: number, before: number | undefined) => Math.max(0, now - (before ?? 0));
  const oldUsers = new Map(previous?.users.map((u) => [u.user, u]));
  const users: UserUsage[] = [];
  for (const u of current.users) {
    const p = oldUsers.get(u.user);
    const d: UserUsage = {
      user: u.user,
      turns: diff(u.turns, p?.turns),
      completions: diff(u.completions, p?.completions),
      promptTokens: diff(u.promptTokens, p?.promptTokens),
      completionTokens: diff(u.completionTokens, p?.completionTokens),
      suggestionsShown: diff(u.suggestionsShown, p?.suggestionsShown),
      suggestionsAccepted: diff(u.suggestionsAccepted, p?.suggestionsAccepted),
      lastSeenMs: u.lastSeenMs,
    };
    if (d.turns || d.completions || d.promptTokens || d.completionTokens || d.suggestionsShown || d.suggestionsAccepted || u.lastSeenMs > (p?.lastSeenMs ?? 0)) users.push(d);
  }
  const oldLanguages = new Map(previous?.languages.map((l) => [l.language, l]));
  const languages = current.languages
    .map((l) => ({ language: l.language, shown: diff(l.shown, oldLanguages.get(l.language)?.shown), accepted: diff(l.accepted, oldLanguages.get(l.language)?.accepted) }))
    .filter((l) => l.shown > 0 || l.accepted > 0);
  const oldBuckets = new Map(previous?.buckets.map((b) => [b.index, b]));
  const buckets: ActivityBucket[] = [];
  for (const b of current.buckets) {
    const p = oldBuckets.get(b.index);
    const d: ActivityBucket = {
      index: b.index,
      ttft: {
        chat: { count: diff(b.ttft.chat.count, p?.ttft.chat.count), sumMs: diff(b.ttft.chat.sumMs, p?.ttft.chat.sumMs) },
        completion: { count: diff(b.ttft.completion.count, p?.ttft.completion.count), sumMs: diff(b.ttft.completion.sumMs, p?.ttft.completion.sumMs) },
      },
      tokens: diff(b.tokens, p?.tokens),
      evalMs: diff(b.evalMs, p?.evalMs),
    };
    if (d.ttft.chat.count || d.ttft.completion.count || d.tokens || d.evalMs) buckets.push(d);
  }
  return { bucketMs: current.bucketMs, runningTurns: 0, users, languages, buckets };
}

/** Whether a delta holds nothing to add. */
export function isEmptyActivity(a: ActivityRaw): boolean {
  return a.users.length === 0 && a.languages.length === 0 && a.buckets.length === 0;
}

/**
 * The admin page's view of one or more recorders' figures (one per
 * replica): counts add up, and each plotted point is the team's average,
 * weighted by what each replica measured in that bucket. Parts with another
 * bucket width than the first are left out of the plot (replicas of one
 * version share it).
 */
export function snapshotOf(parts: ActivityRaw[], now: number, bucketCount = DEFAULT_BUCKETS): ActivitySnapshot {
  const bucketMs = parts[0]?.bucketMs ?? 10_000;
  const current = Math.floor(now / bucketMs);
  const oldest = current - bucketCount + 1;
  const buckets = new Map<number, ActivityBucket>();
  const users = new Map<string, UserUsage>();
  const languages = new Map<string, { shown: number; accepted: number }>();
  let runningTurns = 0;
  for (const part of parts) {
    runningTurns += count(part.runningTurns);
    for (const u of part.users) {
      const sum = users.get(u.user) ?? emptyUser(u.user);
      sum.turns += count(u.turns);
      sum.completions += count(u.completions);
      sum.promptTokens += count(u.promptTokens);
      sum.completionTokens += count(u.completionTokens);
      sum.suggestionsShown += count(u.suggestionsShown);
      sum.suggestionsAccepted += count(u.suggestionsAccepted);
      sum.lastSeenMs = Math.max(sum.lastSeenMs, count(u.lastSeenMs));
      users.set(u.user, sum);
    }
    for (const l of part.languages) {
      const sum = languages.get(l.language) ?? { shown: 0, accepted: 0 };
      sum.shown += count(l.shown);
      sum.accepted += count(l.accepted);
      languages.set(l.language, sum);
    }
    if (part.bucketMs !== bucketMs) continue;
    for (const b of part.buckets) {
      if (b.index < oldest || b.index > current) continue;
      const sum = buckets.get(b.index) ?? emptyBucket(b.index);
      for (const kind of ['chat', 'completion'] as const) {
        sum.ttft[kind].count += count(b.ttft[kind].count);
        sum.ttft[kind].sumMs += count(b.ttft[kind].sumMs);
      }
      sum.tokens += count(b.tokens);
      sum.evalMs += count(b.evalMs);
      buckets.set(b.index, sum);
    }
  }
  const points: SeriesPoint[] = [];
  // Oldest first; buckets before the first measurement are left out so a young server's plot is not mostly empty.
  const first = Math.min(...buckets.keys());
  for (let index = Math.max(first, oldest); index <= current; index++) {
    const b = buckets.get(index);
    const avg = (k: RequestKind) => (b && b.ttft[k].count > 0 ? b.ttft[k].sumMs / b.ttft[k].count : null);
    points.push({ t: index * bucketMs, ttftChatMs: avg('chat'), ttftCompletionMs: avg('completion'), tokensPerSecond: b && b.evalMs > 0 ? (b.tokens * 1000) / b.evalMs : null });
  }
  return {
    runningTurns,
    users: [...users.values()].sort((a, b) => b.lastSeenMs - a.lastSeenMs || a.user.localeCompare(b.user)),
    languages: [...languages.entries()]
      .map(([language, { shown, accepted }]) => ({ language, shown, accepted, rate: shown > 0 ? Math.min(accepted / shown, 1) : null }))
      .sort((a, b) => b.shown - a.shown || a.language.localeCompare(b.language)),
    series: { bucketMs, points },
  };
}
