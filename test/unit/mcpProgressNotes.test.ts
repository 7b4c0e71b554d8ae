/**
 * An MCP tool's progress in the chat: one note per call that moves on in
 * place, not a line per report, never faster than once a second except for
 * the first report that finishes, and bounded whatever the server sends.
 */
import assert from 'node:assert/strict';
import { mcpProgressNotes } from '../../agent-host';
import type { McpTool } from '../../agent-host';
import { applyAgentEvent, type AssistantEntry } from '../../protocol/sessions';

const TOOL = { name: 'build.run', server: 'build' } as McpTool;
const call = (id: string) => ({ id, name: TOOL.name, arguments: {} });

function entry(): AssistantEntry {
  return { kind: 'assistant', id: 'a1', state: 'streaming', parts: [] } as unknown as AssistantEntry;
}

describe('MCP progress notes', () => {
  it('keeps one note per call, updated in place, at most once per interval but always the last report', () => {
    let now = 0;
    const note = mcpProgressNotes(1000, () => now);
    const reply = entry();
    const report = (id: string, progress: number, at: number) => {
      now = at;
      const n = note(TOOL, call(id), { progress, total: 10 });
      if (n) applyAgentEvent(reply, n);
      return n;
    };
    assert.ok(report('c1', 1, 0));
    assert.equal(report('c1', 2, 400), undefined, 'a report within the interval is dropped');
    assert.ok(report('c1', 3, 1000));
    assert.ok(report('c2', 1, 1100), 'another call has its own note and interval');
    assert.ok(report('c1', 10, 1200), 'the finishing report always shows');
    assert.equal(report('c1', 10, 1300), undefined, 'a server that says "finished" again within the interval is not shown again');
    const notes = reply.parts.filter((p) => p.kind === 'status');
    assert.deepEqual(
      notes.map((p) => p.kind === 'status' && p.message),
      ['build.run: progress 10/10', 'build.run: progress 1/10'],
    );
  });

  it("bounds a server's progress message", () => {
    const n = mcpProgressNotes(0)(TOOL, call('c1'), { progress: 1, message: 'x'.repeat(100_000) });
    assert.ok(n && n.message.length < 400, String(n?.message.length));
    assert.match(n.message, /^build\.run: progress 1 \(x+…\)$/);
  });

  it('leaves notes without an id alone: each adds its own line', () => {
    const reply = entry();
    applyAgentEvent(reply, { type: 'status', level: 'warning', message: 'first' });
    applyAgentEvent(reply, { type: 'status', level: 'warning', message: 'second' });
    applyAgentEvent(reply, { type: 'status', level: 'info', id: 'model-load', message: 'Loading m…' });
    applyAgentEvent(reply, { type: 'text', delta: 'Hi' });
    applyAgentEvent(reply, { type: 'status', level: 'info', id: 'model-load', message: 'Loaded m in 1.2 s.' });
    assert.deepEqual(
      reply.parts.map((p) => (p.kind === 'status' ? p.message : p.kind)),
      ['first', 'second', 'Loaded m in 1.2 s.', 'text'],
    );
  });
});
