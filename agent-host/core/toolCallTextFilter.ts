/** Where a tool call written as text starts: the protocol's fence, or Qwen's tag when it leaks into content. */
const MARKERS = ['```tool_call', '<tool_call>'];

/** Whether `text` holds a character that begins one of the markers. */
function mayStartMarker(text: string): boolean {
  return MARKERS.some((marker) => text.includes(marker[0]));
}

/**
 * Keeps tool calls written as text out of the streamed answer. The user sees
 * the prose; from the first marker on, the text is held back (it is still in
 * the full reply the loop parses). Because a marker can be split across
 * chunks, the tail that could be the start of one is held until the next
 * chunk decides.
 */
export class ToolCallTextFilter {
  private pending = '';
  private hiding = false;

  /** Returns the part of `delta` that is safe to show now. */
  push(delta: string): string {
    if (this.hiding) return '';
    // Most tokens hold neither marker's first character, and with nothing held back
    // they can neither contain a marker nor end in the start of one: they pass
    // through as they are, without the search and the copies below (this runs
    // for every token of every reply).
    if (this.pending === '' && !mayStartMarker(delta)) return delta;
    this.pending += delta;
    let cut = -1;
    for (const marker of MARKERS) {
      const at = this.pending.indexOf(marker);
      if (at >= 0 && (cut < 0 || at < cut)) cut = at;
    }
    if (cut >= 0) {
      this.hiding = true;
      const visible = this.pending.slice(0, cut);
      this.pending = '';
      return visible;
    }
    const hold = this.partialMarkerLength();
    const visible = this.pending.slice(0, this.pending.length - hold);
    this.pending = this.pending.slice(this.pending.length - hold);
    return visible;
  }

  /** The held-back tail once the reply is complete (it turned out not to be a marker). */
  flush(): string {
    const rest = this.hiding ? '' : this.pending;
    this.pending = '';
    return rest;
  }

  private partialMarkerLength(): number {
    let longest = 0;
    for (const marker of MARKERS) {
      for (let n = Math.min(marker.length - 1, this.pending.length); n > longest; n--) {
        if (this.pending.endsWith(marker.slice(0, n))) {
          longest = n;
          break;
        }
      }
    }
    return longest;
  }
}
