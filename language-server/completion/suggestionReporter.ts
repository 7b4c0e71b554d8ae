import { SUGGESTION_REPORT_LIMITS } from '../../protocol/suggestionReportLimits';

/**
 * Counts inline suggestions shown and accepted per language and reports them
 * to the team server in batches: the first count after a report starts a
 * timer, and everything counted until it fires goes in one call, so a
 * developer typing all day costs the server one small RPC every few seconds
 * at most. A report that fails keeps its counts for the next one. Nothing
 * about the user is sent: the server takes the user from the call's token.
 */
export interface LanguageCounts {
  language: string;
  shown: number;
  accepted: number;
}

export interface SuggestionReporterOptions {
  /** Sends one batch; rejects when it did not arrive. */
  send(batch: LanguageCounts[]): Promise<void>;
  /** How long counts wait for company before they are sent. */
  delayMs?: number;
  log?(message: string): void;
}

// The server refuses a report past these: language ids longer than it accepts are cut (an editor's real ids are short),
// and counts kept through failed reports go over several reports, so none is refused for its size.
const { languages: MAX_LANGUAGES_PER_REPORT, languageChars: MAX_LANGUAGE_LENGTH, suggestions: MAX_SUGGESTIONS_PER_REPORT } = SUGGESTION_REPORT_LIMITS;

export class SuggestionReporter {
  private readonly counts = new Map<string, { shown: number; accepted: number }>();
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  /** Whether the last report failed; only the first failure in a row is logged. */
  private failing = false;
  private readonly delayMs: number;

  constructor(private readonly options: SuggestionReporterOptions) {
    this.delayMs = options.delayMs ?? 5000;
  }

  shown(language: string): void {
    this.bump(language, 1, 0);
  }

  accepted(language: string): void {
    this.bump(language, 0, 1);
  }

  /** Sends what has been counted now (also used before shutting down). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.sending) await this.sending;
    if (this.counts.size === 0) return;
    const batch = this.takeBatch();
    this.sending = this.options.send(batch).then(
      () => {
        this.failing = false;
      },
      (err: unknown) => {
        // Kept for the next report: the team server may be restarting.
        for (const entry of batch) this.add(entry.language, entry.shown, entry.accepted);
        if (!this.failing) this.options.log?.(`Suggestion counts not reported to the team server (kept for the next report): ${err instanceof Error ? err.message : String(err)}`);
        this.failing = true;
      },
    );
    await this.sending;
    this.sending = undefined;
    if (this.counts.size > 0) this.schedule();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private bump(language: string, shown: number, accepted: number): void {
    this.add(language, shown, accepted);
    this.schedule();
  }

  /** Takes the next report's counts out of `counts`, within the server's bounds; what is left waits for the next report. */
  private takeBatch(): LanguageCounts[] {
    const batch: LanguageCounts[] = [];
    let shownLeft = MAX_SUGGESTIONS_PER_REPORT;
    let acceptedLeft = MAX_SUGGESTIONS_PER_REPORT;
    for (const [language, c] of this.counts) {
      if (batch.length >= MAX_LANGUAGES_PER_REPORT || (shownLeft === 0 && acceptedLeft === 0)) break;
      const shown = Math.min(c.shown, shownLeft);
      const accepted = Math.min(c.accepted, acceptedLeft);
      if (shown === 0 && accepted === 0) continue;
      shownLeft -= shown;
      acceptedLeft -= accepted;
      batch.push({ language, shown, accepted });
      c.shown -= shown;
      c.accepted -= accepted;
      if (c.shown === 0 && c.accepted === 0) this.counts.delete(language);
    }
    return batch;
  }

  private add(language: string, shown: number, accepted: number): void {
    const key = language.slice(0, MAX_LANGUAGE_LENGTH) || 'plaintext';
    const c = this.counts.get(key) ?? { shown: 0, accepted: 0 };
    c.shown += shown;
    c.accepted += accepted;
    this.counts.set(key, c);
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.delayMs);
    this.timer.unref?.();
  }
}
