/**
 * Which transport an http MCP server's connection tries first and next: the
 * configured one only, else the one remembered from an earlier connection,
 * else the Streamable HTTP probe with its HTTP+SSE fallback; and when the
 * remembered transport is refused as the wrong one, the probe once more.
 */
import assert from 'node:assert/strict';
import { SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { HttpTransportMemory, nextTransportAttempt, wrongTransportStatus } from '../../agent-host/mcp/httpTransportMemory';
import type { McpHttpServerConfig } from '../../agent-host/mcp/mcpTypes';

/** The SDK's refusal of an event stream; the browser-style event it carries is irrelevant here. */
const sseError = (code: number | undefined, message: string) => new SseError(code, message, undefined as never);

const config: McpHttpServerConfig = { type: 'http', url: 'https://mcp.example/sse', headers: { Authorization: 'Bearer a' } };

describe('MCP http transport memory', () => {
  it('probes Streamable HTTP first, then remembers what worked for the same URL and headers', () => {
    const memory = new HttpTransportMemory();
    assert.deepEqual(memory.firstAttempt('docs', config), { kind: 'streamable-http', source: 'probe' });
    memory.remember('docs', config, { kind: 'sse', source: 'probe' });
    assert.deepEqual(memory.firstAttempt('docs', { ...config, headers: { Authorization: 'Bearer a' } }), { kind: 'sse', source: 'remembered' });
    assert.deepEqual(memory.firstAttempt('docs', { ...config, headers: { Authorization: 'Bearer b' } }), { kind: 'streamable-http', source: 'probe' }, 'other headers may reach another backend');
    assert.deepEqual(memory.firstAttempt('other', config), { kind: 'streamable-http', source: 'probe' }, 'memory is per server');
    assert.deepEqual(memory.firstAttempt('docs', { ...config, transport: 'streamable-http' }), { kind: 'streamable-http', source: 'configured' }, 'a configured transport wins');
  });

  it('forgets on a change of URL or transport setting, or when the server is removed, and keeps it otherwise', () => {
    const memory = new HttpTransportMemory();
    const remembered = () => memory.firstAttempt('docs', config).source === 'remembered';
    memory.remember('docs', config, { kind: 'sse', source: 'probe' });
    memory.configChanged('docs', config, { ...config, headers: { Authorization: 'Bearer b' } });
    assert.equal(remembered(), true, 'a change of headers alone does not forget (the headers only decide whether it applies)');
    memory.configChanged('docs', config, { ...config, transport: 'sse' });
    assert.equal(remembered(), false);
    memory.remember('docs', config, { kind: 'sse', source: 'probe' });
    memory.configChanged('docs', config, { ...config, url: 'https://mcp.example/mcp' });
    assert.equal(remembered(), false);
    memory.remember('docs', config, { kind: 'sse', source: 'probe' });
    memory.configChanged('docs', config, undefined);
    assert.equal(remembered(), false);
    memory.remember('docs', config, { kind: 'sse', source: 'configured' });
    assert.equal(remembered(), false, 'a configured transport is not remembered as found');
  });

  it('treats only 400, 404 and 405 on the first request as the wrong transport', () => {
    assert.equal(wrongTransportStatus('streamable-http', new StreamableHTTPError(405, 'Method Not Allowed')), 405);
    assert.equal(wrongTransportStatus('sse', sseError(400, 'Non-200 status code (400)')), 400);
    assert.equal(wrongTransportStatus('sse', sseError(404, 'Non-200 status code (404)')), 404);
    for (const err of [sseError(502, 'Bad Gateway'), sseError(undefined, 'fetch failed'), new TypeError('fetch failed')]) {
      assert.equal(wrongTransportStatus('sse', err), undefined, String(err));
    }
    assert.equal(wrongTransportStatus('sse', new StreamableHTTPError(404, 'x')), undefined, "a Streamable HTTP error is not SSE's answer");
  });

  it('after a refusal: a probe falls back to HTTP+SSE, a remembered transport probes again from the start once, a configured one never changes', () => {
    const refused404 = new StreamableHTTPError(404, 'Cannot POST /sse');
    const sseRefused = sseError(400, 'Non-200 status code (400)');
    assert.deepEqual(nextTransportAttempt({ kind: 'streamable-http', source: 'probe' }, refused404), { kind: 'sse', source: 'probe', refusedWith: 404 });
    assert.equal(nextTransportAttempt({ kind: 'sse', source: 'probe' }, sseRefused), undefined, 'HTTP+SSE is the last step of the probe');
    assert.deepEqual(nextTransportAttempt({ kind: 'sse', source: 'remembered' }, sseRefused), { kind: 'streamable-http', source: 'probe', refusedWith: 400 });
    assert.deepEqual(nextTransportAttempt({ kind: 'streamable-http', source: 'remembered' }, refused404), { kind: 'streamable-http', source: 'probe', refusedWith: 404 });
    assert.equal(nextTransportAttempt({ kind: 'sse', source: 'remembered' }, sseError(undefined, 'fetch failed')), undefined, 'a server that is down keeps its remembered transport');
    assert.equal(nextTransportAttempt({ kind: 'streamable-http', source: 'configured' }, refused404), undefined);
    assert.equal(nextTransportAttempt({ kind: 'sse', source: 'configured' }, sseRefused), undefined);
  });
});
