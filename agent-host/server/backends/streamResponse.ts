/**
 * A backend's streaming HTTP response as the `ModelStream` the agent core
 * reads: the body decoded as UTF-8 and parsed line by line off the socket,
 * failures shaped as the `ollama` client's own, and (when `paceMs` is given)
 * reads paced while text streams (see paceReads.ts).
 */
import type { IncomingMessage } from 'node:http';
import { bodyFailure } from '../../completion/leanHttpFetch';
import { NdjsonModelStream, type ReplyHooks } from './ndjsonModelStream';
import { paceReads, type RestingReads } from './paceReads';

export function streamResponse(res: IncomingMessage, hooks: ReplyHooks, signal: AbortSignal | undefined, paceMs?: () => number, resting?: RestingReads): NdjsonModelStream {
  res.setEncoding('utf8');
  const reply = new NdjsonModelStream({ cancel: () => res.destroy(), pause: () => res.pause(), resume: () => res.resume() }, hooks);
  res.on('data', (text: string) => reply.write(text));
  if (paceMs) paceReads(res, () => reply.midText, paceMs, resting);
  res.on('end', () => reply.end());
  res.on('error', (err) => reply.fail(bodyFailure(err, signal)));
  return reply;
}
