/** The first change of a server's tools is written at once; further ones are summed up at most once in this long. */
export const TOOL_CHANGE_NOTE_WINDOW_MS = 60_000;

/**
 * What the MCP log says when a server's tools change. A server may send
 * `notifications/tools/list_changed` as often as it likes, and each one that
 * really changes the list (after the client's 100 ms debounce) would be a
 * line: ten a second from a hostile or runaway server, burying every other
 * line. The first change is written at once; those that follow within the
 * window are counted and written as one line when it ends.
 */
export class ToolChangeNotes {
  private windowEndsAt = 0;
  private unwritten = 0;
  private latestCount = 0;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly write: (line: string) => void,
    private readonly windowMs = TOOL_CHANGE_NOTE_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The server's tools changed; it has `count` now. */
  changed(count: number): void {
    const now = this.now();
    if (now >= this.windowEndsAt && !this.timer) {
      this.write(`Its tools changed; it now has ${count}.`);
      this.windowEndsAt = now + this.windowMs;
      return;
    }
    this.unwritten++;
    this.latestCount = count;
    this.timer ??= setTimeout(() => this.writeSummary(), Math.max(0, this.windowEndsAt - now));
    this.timer.unref?.();
  }

  /** Writes what is still unwritten (the server stops) and forgets the window. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writeSummary();
    this.windowEndsAt = 0;
  }

  private writeSummary(): void {
    this.timer = undefined;
    if (this.unwritten === 0) return;
    const times = this.unwritten === 1 ? 'once more' : `${this.unwritten} more times`;
    this.write(`Its tools changed ${times} since the last note; it now has ${this.latestCount}.`);
    this.unwritten = 0;
    // The next change starts a new window after this line rather than writing at once: a storm stays one line a window.
    this.windowEndsAt = this.now() + this.windowMs;
  }
}
