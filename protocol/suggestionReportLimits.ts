/**
 * The bounds of one suggestion usage report (CompletionService.Report), in
 * one place for both sides: the team server refuses a report past them, and
 * the language server's reporter splits what it kept over several reports so
 * none is refused for its size.
 */
export const SUGGESTION_REPORT_LIMITS: Readonly<{ languages: number; languageChars: number; suggestions: number }> = {
  /** Languages in one report. */
  languages: 64,
  /** The characters of a language id. */
  languageChars: 64,
  /** Suggestions shown (and, apart, accepted) in one report, over all its languages: far more than anyone sees in a few seconds. */
  suggestions: 1_000,
};
