/**
 * CompletionService.Report: a client's counts of inline suggestions shown
 * and accepted since its last report, per language. The user is the one the
 * call's token names; a report cannot speak for anyone else. The counts feed
 * the admin page's acceptance rate and nothing else.
 */
import type { SuggestionReport__Output } from '../../../protocol/generated/hearth/v1/SuggestionReport';
import type { SuggestionReportAck } from '../../../protocol/generated/hearth/v1/SuggestionReportAck';
import { check, count, text } from '../../../protocol/grpc/protocolViolation';
import type { ActivityRecorder } from '../admin/activityRecorder';

/** A client batches a few seconds of typing; no honest report comes near these. */
const MAX_LANGUAGES_PER_REPORT = 64;
const MAX_COUNT_PER_REPORT = 100_000;

export function reportSuggestions(req: SuggestionReport__Output, user: string, activity: ActivityRecorder): SuggestionReportAck {
  const entries = count(req.languages, 'languages', MAX_LANGUAGES_PER_REPORT).map((entry, i) => {
    const language = text(entry.language, `languages[${i}].language`, 64, { nonEmpty: true });
    check(entry.shown <= MAX_COUNT_PER_REPORT, `languages[${i}].shown`, `must be at most ${MAX_COUNT_PER_REPORT}`);
    // A suggestion shown just before one report may be accepted in the next, so accepted may exceed shown here.
    check(entry.accepted <= MAX_COUNT_PER_REPORT, `languages[${i}].accepted`, `must be at most ${MAX_COUNT_PER_REPORT}`);
    return { language, shown: entry.shown, accepted: entry.accepted };
  });
  // Checked as a whole first, so a report with one bad entry counts nothing.
  for (const e of entries) activity.suggestions(user, e.language, e.shown, e.accepted);
  return {};
}
