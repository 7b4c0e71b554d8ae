/**
 * What a developer sees while their turn waits on this server for its model.
 * Ollama sends nothing until the model is loaded (a cold load of a large
 * model takes minutes), and a turn may wait for a free slot first; without a
 * word, the chat shows a spinner that looks exactly like a server that hung.
 * Local mode says "Loading …" in the same place (language-server/chat/
 * chatService.ts); the team server cannot know whether its backend is
 * loading or busy, so it says how long the turn has waited, in one note
 * that changes in place, and once the model answers, how long it took.
 *
 * The note is information, not a deadline: the user's Stop remains the only
 * end of a wait (test/integration/slowModelLoad.test.ts), and the client
 * does not end a turn for silence, since a load has no upper bound. While
 * a tool runs (on the developer's machine, or here) the silence is the
 * tool's, and no note is written.
 */
import type { AgentEvent } from '../../../protocol/chat';

/** Silence before the first note, and between its updates. */
export const MODEL_WAIT_NOTE_MS = 10_000;

/** How often the silence is looked at: the note comes within a second of being due. */
const CHECK_MS = 1_000;

/** The note's id: each update replaces the last one in the chat. */
export const MODEL_WAIT_NOTE_ID = 'team-model-wait';

type StatusNote = Extract<AgentEvent, { type: 'status' }>;

function seconds(ms: number): number {
  return Math.max(1, Math.round(ms / 1000));
}

export class ModelWaitNote {
  private lastOutput: number;
  /** Tool calls of this turn (and its sub-agents) that started and have no result yet. */
  private toolsRunning = 0;
  /** Since when the note has been showing; undefined while none is. */
  private noteSince: number | undefined;
  /** When the note was last written. */
  private notedAt = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly model: string,
    private readonly write: (note: StatusNote) => void,
    private readonly now: () => number = Date.now,
    private readonly intervalMs = MODEL_WAIT_NOTE_MS,
  ) {
    this.lastOutput = now();
    this.timer = setInterval(() => this.tick(), Math.min(CHECK_MS, intervalMs));
    this.timer.unref();
  }

  /** The core produced `event`; called before it is sent, so the closing note goes first. */
  observe(event: AgentEvent): void {
    const inner = event.type === 'agentEvent' ? event.event : event;
    if (inner.type === 'toolCall') this.toolsRunning++;
    else if (inner.type === 'toolResult') this.toolsRunning = Math.max(0, this.toolsRunning - 1);
    if (this.noteSince !== undefined && event.type !== 'done' && event.type !== 'error') {
      this.write({ type: 'status', level: 'info', id: MODEL_WAIT_NOTE_ID, message: `${this.model} answered after ${seconds(this.now() - this.noteSince)} s on the team server.` });
    }
    this.noteSince = undefined;
    this.lastOutput = this.now();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    const now = this.now();
    if (this.toolsRunning > 0 || now - this.lastOutput < this.intervalMs || now - this.notedAt < this.intervalMs) return;
    this.noteSince ??= this.lastOutput;
    this.notedAt = now;
    this.write({
      type: 'status',
      level: 'info',
      id: MODEL_WAIT_NOTE_ID,
      message:
        `Waiting ${seconds(now - this.noteSince)} s for ${this.model} on the team server: it may be loading into memory (a large model can take minutes) or waiting for a free slot. ` +
        'The answer appears here when it starts; Stop ends the wait.',
    });
  }
}
