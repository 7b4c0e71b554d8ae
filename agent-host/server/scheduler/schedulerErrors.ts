/** The queue is full (or the user's share of it is); the caller should retry after `retryAfterMs`. */
export class QueueFullError extends Error {
  constructor(message: string, readonly retryAfterMs: number) {
    super(message);
    this.name = 'QueueFullError';
  }
}

/** No configured backend serves the model. */
export class NoBackendError extends Error {
  constructor(readonly model: string, readonly known: string[]) {
    super(`No backend of this team server has the model "${model}".`);
    this.name = 'NoBackendError';
  }
}

export class QueueAbortedError extends Error {
  constructor() {
    super('The request was cancelled while it waited for a GPU slot.');
    this.name = 'AbortError';
  }
}

/** Formats a retry hint for messages: "retry in 3 s". */
export function retryHint(ms: number): string {
  return `retry in ${Math.max(1, Math.ceil(ms / 1000))} s`;
}
