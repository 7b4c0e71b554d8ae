/**
 * CompletionService.Report: a client's counts of inline suggestions shown
 * and accepted since its last report, per language. The user is the one the
 * call's token names; a report cannot speak for anyone else. The counts feed
 * the admin page's acceptance rate and nothing else.
 *
 * A client could still send its own counts as fast as it likes; each report
 * is therefore bounded (languages and the suggestions it counts) and so is
 * how often a user may report, so no client can inflate the page's figures
 * faster than MAX_REPORTS_PER_MINUTE × MAX_SUGGESTIONS_PER_REPORT a minute.
 */
import type { SuggestionReport__Output } from '../../../protocol/generated/hearth/v1/SuggestionReport';
import type { SuggestionReportAck } from '../../../protocol/generated/hearth/v1/SuggestionReportAck';
import { check, count, text } from '../../../protocol/grpc/protocolViolation';
import { SUGGESTION_REPORT_LIMITS } from '../../../protocol/suggestionReportLimits';
import type { ActivityRecorder } from '../admin/activityRecorder';
import type { ServerMetrics } from '../ops/serverMetrics';
import type { RateLimit } from '../scheduler/rateLimiter';
import { retryHint } from '../scheduler/schedulerErrors';
import { exhausted } from './serviceFailure';

/** A client batches a few seconds of typing; no honest report comes near these (protocol/suggestionReportLimits.ts). */
const { languages: MAX_LANGUAGES_PER_REPORT, languageChars: MAX_LANGUAGE_CHARS, suggestions: MAX_SUGGESTIONS_PER_REPORT } = SUGGESTION_REPORT_LIMITS;
/**
 * Reports per user and minute. Hearth's client reports at most every 5 s per
 * editor window (12 a minute), so this leaves room for several windows.
 */
export const MAX_REPORTS_PER_MINUTE = 60;

export interface ReportDeps {
  activity: ActivityRecorder;
  /** Per user, MAX_REPORTS_PER_MINUTE (shared by the replicas through the state store). */
  limiter: RateLimit;
  metrics: ServerMetrics;
}

export async function reportSuggestions(req: SuggestionReport__Output, user: string, deps: ReportDeps): Promise<SuggestionReportAck> {
  const entries = count(req.languages, 'languages', MAX_LANGUAGES_PER_REPORT).map((entry, i) => {
    const language = text(entry.language, `languages[${i}].language`, MAX_LANGUAGE_CHARS, { nonEmpty: true });
    return { language, shown: entry.shown, accepted: entry.accepted };
  });
  const shown = entries.reduce((sum, e) => sum + e.shown, 0);
  // A suggestion shown just before one report may be accepted in the next, so accepted may exceed shown here.
  const accepted = entries.reduce((sum, e) => sum + e.accepted, 0);
  check(shown <= MAX_SUGGESTIONS_PER_REPORT, 'languages[].shown', `must add up to at most ${MAX_SUGGESTIONS_PER_REPORT} in one report (got ${shown})`);
  check(accepted <= MAX_SUGGESTIONS_PER_REPORT, 'languages[].accepted', `must add up to at most ${MAX_SUGGESTIONS_PER_REPORT} in one report (got ${accepted})`);
  const wait = await deps.limiter.take(user);
  if (wait > 0) {
    deps.metrics.rejected.inc({ kind: 'suggestion_report', reason: 'rate_limit' });
    throw exhausted(`Suggestion counts are reported at most ${MAX_REPORTS_PER_MINUTE} times a minute per user, and this report was not counted; ${retryHint(wait)}.`, wait);
  }
  // Checked as a whole first, so a report with one bad entry counts nothing.
  for (const e of entries) deps.activity.suggestions(user, e.language, e.shown, e.accepted);
  return {};
}
