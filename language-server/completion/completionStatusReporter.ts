import type { CompletionStatus } from '../../protocol/lspMethods';

const THINKING_DELAY_MS = 75;

/**
 * Publishes the inline-suggestion state to the client, only when it changes
 * (keystrokes would otherwise flood the connection), and logs each problem
 * once rather than on every keystroke. Publishing waits for the current turn
 * of the event loop to end: a state that flips and flips back (thinking, then
 * idle) is sent once, and never ahead of the suggestion the user waits for.
 */
export class CompletionStatusReporter {
  private last: CompletionStatus | undefined;
  private active = 0;
  /** Requests running against a model that was not loaded when they started. */
  private loading = 0;
  private problem: CompletionStatus | undefined;
  private paused = false;
  private disabled = false;
  private model = '';
  private readonly logged = new Set<string>();
  private scheduled = false;
  private thinkingTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly send: (status: CompletionStatus) => void,
    private readonly log: (message: string) => void,
  ) {}

  get current(): CompletionStatus | undefined {
    return this.last;
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    this.publish();
  }

  setDisabled(disabled: boolean): void {
    this.disabled = disabled;
    this.publish();
  }

  /**
   * A model request started (+1) or ended (-1). "Thinking" is published only
   * once a request has run for a moment: most end sooner (answered, or aborted
   * by the next keystroke), and a spinner for those would only flicker. A
   * request to a model that is not loaded (`cold`) is published as "loading"
   * at once: Ollama loads the model first, which takes seconds, and a user
   * who sees no suggestion for that long should know why.
   */
  thinking(delta: 1 | -1, model: string, cold = false): void {
    this.active = Math.max(0, this.active + delta);
    if (cold) this.loading = Math.max(0, this.loading + delta);
    this.model = model;
    if (delta === 1 && cold) {
      this.publish();
    } else if (delta === 1) {
      this.thinkingTimer ??= setTimeout(() => {
        this.thinkingTimer = undefined;
        this.publish();
      }, THINKING_DELAY_MS);
    } else {
      this.publish();
    }
  }

  /** A suggestion came back: any earlier problem is over. */
  healthy(model: string): void {
    this.model = model;
    this.problem = undefined;
    this.publish();
  }

  /** A state the user must act on (model missing, chat-only model, Ollama down). */
  trouble(status: CompletionStatus): void {
    this.problem = status;
    if (status.message && !this.logged.has(status.message)) {
      this.logged.add(status.message);
      this.log(`Inline suggestions: ${status.message}`);
    }
    this.publish();
  }

  private publish(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    let next: CompletionStatus;
    if (this.paused) next = { state: 'paused', model: this.model };
    else if (this.disabled) next = { state: 'disabled', model: this.model };
    else if (this.loading > 0) next = { state: 'loading', model: this.model, message: `Loading ${this.model}: Ollama loads the model into memory before its first suggestion.` };
    else if (this.active > 0 && (this.last?.state === 'thinking' || this.thinkingTimer === undefined)) next = { state: 'thinking', model: this.model };
    else next = this.problem ?? { state: 'idle', model: this.model };
    const last = this.last;
    if (last && last.state === next.state && last.model === next.model && last.message === next.message) return;
    this.last = next;
    this.send(next);
  }
}
