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

interface Bucket {
  index: number;
  ttft: Record<RequestKind, { count: number; sumMs: number }>;
  tokens: number;
  evalMs: number;
}

/** Language ids come from clients: their length and number are bounded so a client cannot grow the server's memory. */
const MAX_LANGUAGES = 200;
const MAX_LANGUAGE_LENGTH = 64;
const OTHER_LANGUAGE = 'other';
/** User names come from the API key configuration, but a bound keeps the table safe all the same. */
const MAX_USERS = 10_000;

function emptyBucket(index: number): Bucket {
  return { index, ttft: { chat: { count: 0, sumMs: 0 }, completion: { count: 0, sumMs: 0 } }, tokens: 0, evalMs: 0 };
}

function count(n: number | undefined): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0;
}

export class ActivityRecorder {
  readonly bucketMs: number;
  private readonly ring: (Bucket | undefined)[];
  private readonly now: () => number;
  private readonly users = new Map<string, UserUsage>();
  private readonly languages = new Map<string, { shown: number; accepted: number }>();
  private running = 0;

  constructor(options: ActivityRecorderOptions = {}) {
    this.bucketMs = options.bucketMs ?? 10_000;
    this.ring = new Array<Bucket | undefined>(options.buckets ?? 360).fill(undefined);
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
    const key = this.languageKey(language);
    const entry = this.languages.get(key) ?? { shown: 0, accepted: 0 };
    entry.shown += s;
    entry.accepted += a;
    this.languages.set(key, entry);
  }

  get runningTurns(): number {
    return this.running;
  }

  snapshot(): ActivitySnapshot {
    const current = Math.floor(this.now() / this.bucketMs);
    const points: SeriesPoint[] = [];
    // Oldest first; buckets before the first measurement are left out so a young server's plot is not mostly empty.
    let started = false;
    for (let index = current - this.ring.length + 1; index <= current; index++) {
      const b = this.bucketAt(index);
      if (!b && !started) continue;
      started = true;
      const avg = (k: RequestKind) => (b && b.ttft[k].count > 0 ? b.ttft[k].sumMs / b.ttft[k].count : null);
      points.push({ t: index * this.bucketMs, ttftChatMs: avg('chat'), ttftCompletionMs: avg('completion'), tokensPerSecond: b && b.evalMs > 0 ? (b.tokens * 1000) / b.evalMs : null });
    }
    return {
      runningTurns: this.running,
      users: [...this.users.values()].map((u) => ({ ...u })).sort((a, b) => b.lastSeenMs - a.lastSeenMs || a.user.localeCompare(b.user)),
      languages: [...this.languages.entries()]
        .map(([language, { shown, accepted }]) => ({ language, shown, accepted, rate: shown > 0 ? Math.min(accepted / shown, 1) : null }))
        .sort((a, b) => b.shown - a.shown || a.language.localeCompare(b.language)),
      series: { bucketMs: this.bucketMs, points },
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
      u = { user, turns: 0, completions: 0, promptTokens: 0, completionTokens: 0, suggestionsShown: 0, suggestionsAccepted: 0, lastSeenMs: 0 };
      this.users.set(user, u);
    }
    u.lastSeenMs = this.now();
    return u;
  }

  private languageKey(language: string): string {
    const name = language.trim().slice(0, MAX_LANGUAGE_LENGTH) || OTHER_LANGUAGE;
    return this.languages.has(name) || this.languages.size < MAX_LANGUAGES ? name : OTHER_LANGUAGE;
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
