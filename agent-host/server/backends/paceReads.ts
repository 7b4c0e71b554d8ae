/**
 * Reads a streaming model reply in bursts while the server is busy.
 *
 * A backend writes each token as its own chunk, so a reply read as it comes
 * costs the server a socket read, an HTTP parse and a data event per token,
 * even though under load the text goes to the developer only once per
 * coalescing window anyway. While the reply is streaming text and the window
 * is wide enough to matter, each read is followed by a pause of one window:
 * the socket stops reading (its readable high-water mark is one byte, see
 * leanHttpFetch's agent), the kernel collects the tokens that arrive
 * meanwhile, and the next read takes them all at once. The first read is
 * never delayed (the first token goes out as soon as it arrives), nor is
 * anything after a tool call or the final chunk, which the turn waits for.
 * (A tool call that follows text in the same reply can wait up to one
 * window, as the text before it already does.)
 *
 * Each rest lasts a random share of the window, between half and one and a
 * half windows (`restMs`), never the window exactly. Rests of one fixed
 * length pull the replies into step: every reply read in one busy loop turn
 * starts its rest at the same moment, so all of them wake together one
 * window later, are read together, and rest together again. The server then
 * works in bursts, and a developer whose tool result or first token arrives
 * during a burst waits behind a hundred other replies' reads. Measured side
 * by side at 100 developers (bench:server, eight pairs of runs), spreading
 * the rests halved the median added time to first token in every pair, at
 * the same CPU per turn and the same messages per turn.
 */
import type { IncomingMessage } from 'node:http';

/** Windows shorter than this are not worth a timer per reply. */
const MIN_PACE_MS = 10;

/**
 * How long one rest lasts for a window of `windowMs`: uniformly between half
 * and one and a half windows, so the mean is the window and no two replies
 * stay in step (see above).
 */
export function restMs(windowMs: number, random: () => number = Math.random): number {
  return windowMs * (0.5 + random());
}

/**
 * The replies resting now, each as the function that ends its rest early
 * (the owner wakes them all when a rest would cost more than it saves).
 */
export type RestingReads = Set<() => void>;

/**
 * Paces `res`'s reads: after each data event for which `midText()` holds,
 * reading stops for `paceMs()` milliseconds, or until `resting` wakes it.
 */
export function paceReads(res: IncomingMessage, midText: () => boolean, paceMs: () => number, resting?: RestingReads): void {
  const socket = res.socket;
  if (!socket) return;
  let timer: NodeJS.Timeout | undefined;
  let restQueued = false;
  // Only the socket rests: the response itself stays as its reader left it,
  // so a reader that fell behind (and paused it) still holds the backend back.
  const resume = (): void => {
    clearTimeout(timer);
    timer = undefined;
    resting?.delete(resume);
    socket.resume();
  };
  // Rests after the loop's poll phase, so that everything the last socket
  // read brought (the HTTP parser hands each of its chunks over as its own
  // data event) is delivered first; resting at the first data event would
  // leave the rest in the response's buffer, to come out one per window.
  const rest = (): void => {
    restQueued = false;
    if (timer || res.destroyed || res.complete || !midText()) return;
    const ms = paceMs();
    if (ms < MIN_PACE_MS) return;
    socket.pause();
    timer = setTimeout(resume, restMs(ms));
    resting?.add(resume);
  };
  res.on('data', () => {
    if (timer || restQueued || !midText()) return;
    restQueued = true;
    setImmediate(rest);
  });
  // A reply cancelled while paused still hands its socket back flowing (or destroyed), never stopped.
  res.once('close', () => {
    if (timer) resume();
  });
}
