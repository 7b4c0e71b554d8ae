/**
 * How the team's usage totals are laid out in Redis (redisState.ts,
 * `usage`): three hashes whose fields are `<metric>|<name>` (a metric never
 * holds '|', so a user or language name may), added to by the ADD_USAGE
 * script and read back as an ActivityRaw. What is read back is checked as
 * input: Redis is shared, so a stray or hostile field costs that field only.
 */
import { count, emptyBucket, emptyUser, MAX_LANGUAGES, MAX_USERS, type ActivityBucket, type ActivityRaw, type UserUsage } from '../admin/activityRecorder';

/** Which hash an entry goes to: the script's KEYS index. */
export const USERS_HASH = 1;
export const LANGUAGES_HASH = 2;
export const SERIES_HASH = 3;

/** [hash, field, amount, 'add' | 'max', overflow field ('' for none)] */
export type UsageEntry = [number, string, number, 'add' | 'max', string];

const USER_METRICS = ['turns', 'completions', 'promptTokens', 'completionTokens', 'suggestionsShown', 'suggestionsAccepted'] as const;
const USER_FIELDS = USER_METRICS.length + 1;
/** The users hash holds at most this many fields (every metric of MAX_USERS users); beyond it a new user is not counted. */
export const MAX_USER_FIELDS = MAX_USERS * USER_FIELDS;
/** Beyond MAX_LANGUAGES, a new language counts as "other", as in each replica's recorder. */
export const MAX_LANGUAGE_FIELDS = MAX_LANGUAGES * 2;
const OTHER_LANGUAGE = 'other';
/** More buckets than any plot spans; the script keeps fewer. */
const MAX_SERIES_BUCKETS = 2_000;

/** Each series metric and where it lives in a bucket: one table for writing and reading. */
const SERIES: [string, (b: ActivityBucket) => number, (b: ActivityBucket, n: number) => void][] = [
  ['chatCount', (b) => b.ttft.chat.count, (b, n) => (b.ttft.chat.count = n)],
  ['chatSumMs', (b) => b.ttft.chat.sumMs, (b, n) => (b.ttft.chat.sumMs = n)],
  ['completionCount', (b) => b.ttft.completion.count, (b, n) => (b.ttft.completion.count = n)],
  ['completionSumMs', (b) => b.ttft.completion.sumMs, (b, n) => (b.ttft.completion.sumMs = n)],
  ['tokens', (b) => b.tokens, (b, n) => (b.tokens = n)],
  ['evalMs', (b) => b.evalMs, (b, n) => (b.evalMs = n)],
];
const SERIES_SETTERS = new Map(SERIES.map(([metric, , set]) => [metric, set]));

/** The entries that add `delta` to the totals. */
export function usageEntries(delta: ActivityRaw): UsageEntry[] {
  const entries: UsageEntry[] = [];
  for (const u of delta.users) {
    for (const metric of USER_METRICS) if (u[metric] > 0) entries.push([USERS_HASH, `${metric}|${u.user}`, u[metric], 'add', '']);
    if (u.lastSeenMs > 0) entries.push([USERS_HASH, `lastSeenMs|${u.user}`, u.lastSeenMs, 'max', '']);
  }
  for (const l of delta.languages) {
    if (l.shown > 0) entries.push([LANGUAGES_HASH, `shown|${l.language}`, l.shown, 'add', `shown|${OTHER_LANGUAGE}`]);
    if (l.accepted > 0) entries.push([LANGUAGES_HASH, `accepted|${l.language}`, l.accepted, 'add', `accepted|${OTHER_LANGUAGE}`]);
  }
  for (const b of delta.buckets) {
    for (const [metric, get] of SERIES) if (get(b) > 0) entries.push([SERIES_HASH, `${metric}|${b.index}`, get(b), 'add', '']);
  }
  return entries;
}

/** Splits `<metric>|<name>` at the first '|'. */
function split(field: string): [string, string] | undefined {
  const bar = field.indexOf('|');
  return bar > 0 && bar < field.length - 1 ? [field.slice(0, bar), field.slice(bar + 1)] : undefined;
}

/** The totals in the three hashes, as an ActivityRaw with `bucketMs` (the replicas' own). */
export function usageFromHashes(users: Record<string, string>, languages: Record<string, string>, series: Record<string, string>, bucketMs: number): ActivityRaw {
  const byUser = new Map<string, UserUsage>();
  for (const [field, value] of Object.entries(users)) {
    const parts = split(field);
    if (!parts) continue;
    const [metric, user] = parts;
    if (metric !== 'lastSeenMs' && !(USER_METRICS as readonly string[]).includes(metric)) continue;
    let u = byUser.get(user);
    if (!u) {
      if (byUser.size >= MAX_USERS) continue;
      u = emptyUser(user);
      byUser.set(user, u);
    }
    u[metric as keyof Omit<UserUsage, 'user'>] = count(Number(value));
  }
  const byLanguage = new Map<string, { language: string; shown: number; accepted: number }>();
  for (const [field, value] of Object.entries(languages)) {
    const parts = split(field);
    if (!parts || (parts[0] !== 'shown' && parts[0] !== 'accepted')) continue;
    const [metric, language] = parts;
    let l = byLanguage.get(language);
    if (!l) {
      if (byLanguage.size >= MAX_LANGUAGES) continue;
      l = { language, shown: 0, accepted: 0 };
      byLanguage.set(language, l);
    }
    l[metric] = count(Number(value));
  }
  const byIndex = new Map<number, ActivityBucket>();
  for (const [field, value] of Object.entries(series)) {
    const parts = split(field);
    const index = parts ? Number(parts[1]) : NaN;
    if (!parts || !Number.isSafeInteger(index)) continue;
    let b = byIndex.get(index);
    if (!b) {
      if (byIndex.size >= MAX_SERIES_BUCKETS) continue;
      b = emptyBucket(index);
      byIndex.set(index, b);
    }
    SERIES_SETTERS.get(parts[0])?.(b, count(Number(value)));
  }
  return { bucketMs, runningTurns: 0, users: [...byUser.values()], languages: [...byLanguage.values()], buckets: [...byIndex.values()].sort((a, b) => a.index - b.index) };
}
