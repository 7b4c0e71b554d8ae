/**
 * A response body parsed as JSON, read only up to `maxBytes`: a server whose
 * answer is huge or never ends (broken, or hostile: a provider URL may come
 * from anywhere) gets a clear error instead of filling the process's memory,
 * which `Response.json()` would do before it parses a byte. `what` names the
 * body in that error ("the model list of http://host/v1/models").
 */
export async function readJsonUpTo(res: Response, maxBytes: number, what: string): Promise<unknown> {
  const reader = res.body?.getReader();
  if (!reader) return JSON.parse('');
  const chunks: Uint8Array[] = [];
  let seen = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    seen += value.byteLength;
    if (seen > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`${what} is larger than ${formatMiB(maxBytes)}; Hearth stopped reading it`);
    }
    chunks.push(value);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function formatMiB(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MiB`;
}
