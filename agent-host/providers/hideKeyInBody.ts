/**
 * An Ollama provider's streamed reply with its API key hidden. Ollama sends
 * an error that happens after the first chunk as one more NDJSON line,
 * `{"error": …}`, in a reply that already said 200 (server/routes.go,
 * streamResponse), and a gateway in front of it may repeat the key it
 * received there as it does in its refusals. That line becomes the chat's
 * error, which is stored with the session and exported with it, so the key
 * is replaced before the client reads the line.
 */
import { LeanBody, LeanReply } from '../completion/leanReply';
import { wholeLinePull, wholeLineStream } from '../core/streamLines';
import { HIDDEN_KEY } from '../openai/hideApiKey';

/** `lines` (whole lines, so a key is never cut in two) with every copy of the key replaced. */
function hideIn(lines: Uint8Array, key: Buffer, hidden: Buffer): Uint8Array {
  const bytes = Buffer.from(lines.buffer, lines.byteOffset, lines.byteLength);
  // Most chunks hold no key: they pass untouched, without being decoded.
  if (bytes.indexOf(key) < 0) return lines;
  const parts: Buffer[] = [];
  let from = 0;
  for (let at = bytes.indexOf(key); at >= 0; at = bytes.indexOf(key, from)) {
    parts.push(bytes.subarray(from, at), hidden);
    from = at + key.byteLength;
  }
  parts.push(bytes.subarray(from));
  return Buffer.concat(parts);
}

/**
 * `answer` whose body reaches its reader in whole lines with `apiKey`
 * replaced. Both shapes the provider fetch can get are kept: a WHATWG
 * `Response` (the chat's fetch) and a lean reply (inline suggestions', see
 * leanReply.ts). Lines are bounded as boundedLineFetch bounds them.
 */
export function hideKeyInBody(answer: Response, apiKey: string): Response {
  const key = Buffer.from(apiKey, 'utf8');
  const hidden = Buffer.from(HIDDEN_KEY, 'utf8');
  if (answer instanceof LeanReply) {
    const reader = answer.body.getReader();
    const pull = wholeLinePull(async () => (await reader.read()).value);
    const body = new LeanBody(async () => {
      const lines = await pull();
      return lines === undefined ? undefined : hideIn(lines, key, hidden);
    }, () => void reader.cancel());
    return new LeanReply({ status: answer.status, statusText: answer.statusText, headers: answer.headers }, body) as unknown as Response;
  }
  if (typeof answer.body?.pipeThrough !== 'function') return answer;
  const body = wholeLineStream(answer.body, undefined, (lines) => hideIn(lines, key, hidden));
  return new Response(body, { status: answer.status, statusText: answer.statusText, headers: answer.headers });
}
