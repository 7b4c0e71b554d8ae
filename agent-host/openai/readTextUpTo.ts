/**
 * The start of a response body as text: at most `maxBytes` are read and the
 * rest is cancelled, so a server whose error page is huge or never ends
 * cannot hold the turn (or fill memory) while Hearth reads a message it
 * would cut to a few hundred characters anyway. A body that fails mid-read
 * gives what arrived.
 */
export async function readTextUpTo(res: Response, maxBytes: number): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const decoder = new TextDecoder();
  let text = '';
  let seen = 0;
  try {
    while (seen < maxBytes) {
      const { done, value } = await reader.read();
      if (done) return text + decoder.decode();
      const part = value.byteLength > maxBytes - seen ? value.subarray(0, maxBytes - seen) : value;
      seen += part.byteLength;
      text += decoder.decode(part, { stream: true });
    }
  } catch {
    return text;
  }
  await reader.cancel().catch(() => undefined);
  return text;
}
