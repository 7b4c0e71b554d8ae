/** The cap on POSTs open at once to an HTTP MCP server: what counts as open, and when a POST stops counting. */
import assert from 'node:assert/strict';
import { openPostCap } from '../../agent-host/mcp/openPostCap';

/** A base fetch whose replies stay unanswered until the test answers them, each with a body it ends when told. */
function heldFetch() {
  const waiting: Array<{ answer: () => ReadableStreamDefaultController<Uint8Array> }> = [];
  const base: typeof fetch = (_input, _init) =>
    new Promise<Response>((resolve) => {
      waiting.push({
        answer: () => {
          let controller!: ReadableStreamDefaultController<Uint8Array>;
          resolve(new Response(new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) }), { status: 200, headers: { 'content-type': 'application/json' } }));
          return controller;
        },
      });
    });
  return { base, waiting };
}

const post = { method: 'POST', body: '{}' };

describe('openPostCap', () => {
  it('refuses the POST after `max` open ones and tells once; GETs are never counted', async () => {
    const { base } = heldFetch();
    const told: string[] = [];
    const capped = openPostCap(2, (r) => told.push(r), base);
    void capped('http://x/mcp', post);
    void capped('http://x/mcp', post);
    void capped('http://x/mcp', { method: 'GET' });
    await assert.rejects(capped('http://x/mcp', post), /stopped answering what Hearth sends while it kept sending \(2 messages unanswered\)/);
    await assert.rejects(capped('http://x/mcp', post), /unanswered/);
    assert.equal(told.length, 1);
  });

  it('a POST stays open until its body ends, and frees its place when it does, is cancelled, or fails', async () => {
    const { base, waiting } = heldFetch();
    const told: string[] = [];
    const capped = openPostCap(1, (r) => told.push(r), base);
    const first = capped('http://x/mcp', post);
    const body = waiting[0].answer();
    const res = await first;
    // Headers came, the body did not end: still open.
    await assert.rejects(capped('http://x/mcp', post), /unanswered/);
    const text = res.text();
    body.enqueue(new TextEncoder().encode('{"ok":true}'));
    body.close();
    assert.equal(await text, '{"ok":true}');
    const second = capped('http://x/mcp', post);
    waiting[waiting.length - 1].answer();
    await (await second).body!.cancel();
    const third = capped('http://x/mcp', post);
    const failing = waiting[waiting.length - 1].answer();
    const reading = (await third).text();
    failing.error(new Error('connection reset'));
    await assert.rejects(reading, /connection reset/);
    const fourth = capped('http://x/mcp', post);
    waiting[waiting.length - 1].answer().close();
    assert.equal(await (await fourth).text(), '');
  });
});
