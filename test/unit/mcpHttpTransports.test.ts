/**
 * The pure parts of Hearth's two MCP HTTP transports: when Streamable HTTP
 * falls back to HTTP+SSE, what the user reads when neither works, and the
 * per-message cap on event streams (which carry every reply of an HTTP+SSE
 * session).
 */
import assert from 'node:assert/strict';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { cappedFetch, eventSizeCounter } from '../../agent-host/mcp/cappedFetch';
import { neitherTransportWorked, sseFallbackStatus } from '../../agent-host/mcp/sseFallback';

const encode = (text: string) => new TextEncoder().encode(text);

describe('MCP HTTP transports', () => {
  it('falls back to HTTP+SSE only on 400, 404 and 405, as the specification\'s backwards-compatibility section says', () => {
    assert.equal(sseFallbackStatus(new StreamableHTTPError(404, 'Error POSTing to endpoint: Cannot POST /sse')), 404);
    assert.equal(sseFallbackStatus(new StreamableHTTPError(405, 'Method Not Allowed')), 405);
    assert.equal(sseFallbackStatus(new StreamableHTTPError(400, 'Bad Request')), 400);
    for (const err of [new StreamableHTTPError(401, 'x'), new StreamableHTTPError(500, 'x'), new StreamableHTTPError(-1, 'Unexpected content type'), new TypeError('fetch failed'), new UnauthorizedError()]) {
      assert.equal(sseFallbackStatus(err), undefined, String(err));
    }
  });

  it('names both attempts when neither transport works, keeps a needed sign-in and a permanent failure as they are', () => {
    const both = neitherTransportWorked(404, new Error('SSE error: Non-200 status code (404)')) as Error;
    assert.match(both.message, /Streamable HTTP \(POST of initialize\) got HTTP 404, and the older HTTP\+SSE transport \(GET of an event stream\) failed: SSE error: Non-200 status code \(404\)/);
    assert.match(both.message, /\/mcp.*\/sse/);
    const signIn = new UnauthorizedError();
    assert.equal(neitherTransportWorked(405, signIn), signIn);
    const permanent = neitherTransportWorked(404, Object.assign(new Error('refuses'), { permanent: true })) as { permanent?: boolean };
    assert.equal(permanent.permanent, true);
  });

  it('counts each event of an event stream apart, across chunks and line-ending styles', () => {
    const exceeds = eventSizeCounter(10);
    assert.equal(exceeds(encode('data: 1234\n\n')), false, 'ten bytes fit');
    assert.equal(exceeds(encode('data: 1234\r\n\r\ndata: 12')), false, 'a CRLF blank line ends the event');
    assert.equal(exceeds(encode('34\r\rdata: ')), false, 'so does a CR blank line');
    assert.equal(exceeds(encode('12345')), true, 'eleven bytes in one event, over two chunks');
    const split = eventSizeCounter(10);
    assert.equal(split(encode('data: 1234\r')), false);
    assert.equal(split(encode('\ndata: 1')), true, 'a CRLF split across chunks is one line end, not a blank line');
  });

  it('ends an event stream at the first event over the cap and says why, but lets a long stream of small events through', async () => {
    const big = `event: message\ndata: ${'x'.repeat(2000)}\n\n`;
    const small = 'event: message\ndata: {"jsonrpc":"2.0","method":"ping"}\n\n';
    const reasons: string[] = [];
    const base: typeof fetch = async () => new Response(small.repeat(100) + big + small, { headers: { 'content-type': 'text/event-stream' } });
    const res = await cappedFetch(1000, (r) => reasons.push(r), base)('http://127.0.0.1/sse', { method: 'GET' });
    await assert.rejects(res.text(), /larger than 0 MB/);
    assert.equal(reasons.length, 1);

    const fine = await cappedFetch(1000, (r) => reasons.push(r), async () => new Response(small.repeat(500), { headers: { 'content-type': 'text/event-stream' } }))('http://127.0.0.1/sse');
    assert.equal((await fine.text()).length, small.length * 500);
    const metadata = await cappedFetch(1000, (r) => reasons.push(r), async () => new Response('{"issuer":"https://auth.example.test"}'))('https://auth.example.test/.well-known/x');
    assert.equal(JSON.parse(await metadata.text()).issuer, 'https://auth.example.test', 'a small document passes');
    assert.equal(reasons.length, 1);
  });

  it('caps a GET whatever its content type, since the SDK reads any successful GET of the server as an event stream', async () => {
    const reasons: string[] = [];
    const endless = new ReadableStream<Uint8Array>({ pull: (controller) => controller.enqueue(new TextEncoder().encode('x'.repeat(512))) });
    const base: typeof fetch = async () => new Response(endless, { headers: { 'content-type': 'application/json' } });
    const res = await cappedFetch(4096, (r) => reasons.push(r), base)('http://127.0.0.1/mcp', { method: 'GET' });
    await assert.rejects(res.text(), /larger than 0 MB/);
    assert.equal(reasons.length, 1, 'the connection is told, so it can end the calls waiting on it');
  });
});
