/**
 * An Ollama-format reply produced by translating one request on an
 * OpenAI-compatible server, for an `ollama` client whose `fetch` is a router
 * (the team server's model router, or the local provider router). The
 * translation writes into a `ReplyPipe`, and the reply is handed over once its
 * status line is written, so the tokens stream through as they arrive.
 */
import { LeanReply } from '../completion/leanReply';
import { openAiChat, openAiGenerate, type OpenAiEndpoint, type OpenAiWorkKind, type StreamStats } from './openAiAdapter';
import { ReplyPipe } from './replyPipe';

type Json = Record<string, unknown>;

function abortError(): Error {
  return new DOMException('This operation was aborted', 'AbortError');
}

/**
 * Runs `/api/chat` or `/api/generate` (`endpoint`) on `server`. Resolves with
 * the reply once it has begun; rejects with what the translation threw when
 * it failed before that (the server refused the request: an `OpenAiHttpError`
 * carrying its status, or it could not be reached: fetch's own error), so the
 * caller words the failure for its user. A failure after the reply began ends
 * its body as a dropped connection would. Aborting `signal` aborts the
 * request to the server.
 */
export async function openAiReply(server: OpenAiEndpoint, endpoint: 'chat' | 'generate', body: Json, signal: AbortSignal | undefined, kind: OpenAiWorkKind, onStreamFailure?: (err: Error) => void): Promise<{ reply: LeanReply; stats: Promise<StreamStats | undefined> }> {
  const pipe = new ReplyPipe();
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) controller.abort();
  const run = endpoint === 'chat' ? openAiChat : openAiGenerate;
  let failedEarly: ((err: unknown) => void) | undefined;
  const early = new Promise<never>((_, reject) => (failedEarly = reject));
  // Nobody may be listening to `early` by the time a stream fails; that rejection is handled here.
  early.catch(() => undefined);
  const stats = run(server, body, pipe, controller.signal, kind).then(
    (s) => s as StreamStats | undefined,
    (err: Error) => {
      if (!pipe.headersSent) {
        failedEarly?.(signal?.aborted ? abortError() : err);
        return undefined;
      }
      if (!signal?.aborted) onStreamFailure?.(err);
      pipe.fail(signal?.aborted ? abortError() : err);
      return undefined;
    },
  ).finally(() => signal?.removeEventListener('abort', onAbort));
  const head = await Promise.race([pipe.headers(), early]);
  return { reply: new LeanReply(head, pipe.body()), stats };
}
