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

/** Language ids longer than the server accepts are cut; an editor's real ids are short. */
const MAX_LANGUAGE_LENGTH = 64;
/** The server takes at most this many languages per report; a client with more sends them over several. */
const MAX_LANGUAGES_PER_REPORT = 64;

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
    const batch = [...this.counts.entries()].slice(0, MAX_LANGUAGES_PER_REPORT).map(([language, c]) => ({ language, ...c }));
    for (const entry of batch) this.counts.delete(entry.language);
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
