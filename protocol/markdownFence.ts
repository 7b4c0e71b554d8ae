/**
 * A Markdown code fence for `text`: longer than any backtick run in it, so
 * code that contains ``` cannot close the block early. Shared by every side
 * that puts code it did not write into Markdown (prompts, review comments).
 */
export function fenceFor(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}
