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
    return Math.max(0, this.total - this.headBytes - this.tailBytes);
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
    const head = Buffer.concat(this.head).toString('utf8');
    const tail = Buffer.concat(this.tail).toString('utf8');
    const dropped = this.droppedBytes;
    if (dropped === 0) return head + tail;
    return `${head}\n[... ${dropped} bytes of output omitted ...]\n${tail}`;
  }
}
