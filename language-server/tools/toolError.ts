/**
 * A tool failure the model can act on. Tools throw it anywhere below the
 * executor; the executor turns it into an `isError` result, so `execute`
 * never throws and the message reaches the model verbatim. The message must
 * say what went wrong and what to do instead.
 */
export class ToolError extends Error {
  /** A few words for the chat's one-line summary ("refused", "not found"). */
  readonly summary: string;

  constructor(message: string, summary = 'error') {
    super(message);
    this.name = 'ToolError';
    this.summary = summary;
  }
}

/** A path or command the confinement or the policy refuses. */
export function refused(message: string): ToolError {
  return new ToolError(message, 'refused');
}
