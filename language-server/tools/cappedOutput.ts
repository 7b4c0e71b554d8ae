/**
 * Collects a command's output up to a byte budget, keeping the beginning and
 * the end and dropping the middle: a test run's first lines say what ran, its
 * last lines say what failed, and the model needs both far more than the
 * thousands of passing lines in between.
 */
export class CappedOutput {
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private total = 0;
  private readonly headLimit: number;
  private readonly tailLimit: number;

  constructor(maxBytes: number) {
    const budget = Math.max(256, Math.floor(maxBytes));
    this.headLimit = Math.floor(budget / 2);
    this.tailLimit = budget - this.headLimit;
  }

  get totalBytes(): number {
    return this.total;
  }

  get droppedBytes(): number {
    const { head, tail } = this.kept();
    return Math.max(0, this.total - head.length - tail.length);
  }

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.headBytes < this.headLimit) {
      const take = Math.min(chunk.length, this.headLimit - this.headBytes);
      this.head.push(chunk.subarray(0, take));
      this.headBytes += take;
      chunk = chunk.subarray(take);
    }
    if (chunk.length === 0) return;
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    while (this.tailBytes > this.tailLimit && this.tail.length > 0) {
      const excess = this.tailBytes - this.tailLimit;
      const first = this.tail[0];
      if (first.length <= excess) {
        this.tail.shift();
        this.tailBytes -= first.length;
      } else {
        this.tail[0] = first.subarray(excess);
        this.tailBytes -= excess;
      }
    }
  }

  /** The kept text, with a marker where bytes were dropped. */
  text(): string {
    const { head, tail } = this.kept();
    const dropped = this.droppedBytes;
    if (dropped === 0) return head.toString('utf8') + tail.toString('utf8');
    return `${head.toString('utf8')}\n[... ${dropped} bytes of output omitted ...]\n${tail.toString('utf8')}`;
  }

  /**
   * The kept bytes. Where the middle was dropped, the cut falls anywhere,
   * also inside a character: the pieces of one (a UTF-8 sequence the head
   * ends in the middle of, continuation bytes the tail starts with) are
   * dropped too, or they would decode as U+FFFD beside the marker.
   */
  private kept(): { head: Buffer; tail: Buffer } {
    let head = Buffer.concat(this.head);
    let tail = Buffer.concat(this.tail);
    if (this.total - head.length - tail.length === 0) return { head, tail };
    head = head.subarray(0, head.length - incompleteEnd(head));
    let skip = 0;
    while (skip < 3 && skip < tail.length && (tail[skip] & 0xc0) === 0x80) skip++;
    tail = tail.subarray(skip);
    return { head, tail };
  }
}

/** How many bytes at the end of `bytes` are the start of a UTF-8 sequence that does not finish there. */
function incompleteEnd(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back];
    if ((byte & 0xc0) === 0x80) continue; // A continuation byte: look further back for the lead.
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? back : 0;
  }
  return 0;
}
