/**
 * ToolChangeNotes: what the MCP log says while a server's tools keep
 * changing. The first change is a line at once, a storm is one line a window.
 */
import assert from 'node:assert/strict';
import { ToolChangeNotes } from '../../agent-host/mcp/toolChangeNotes';
import { until } from '../fixtures/until';

describe('MCP: notes about a server\'s changing tools', () => {
  it('writes the first change at once and sums up the rest of the window in one line, a window at a time', async () => {
    const lines: string[] = [];
    const notes = new ToolChangeNotes((line) => lines.push(line), 100);
    for (let i = 1; i <= 30; i++) notes.changed(i);
    assert.deepEqual(lines, ['Its tools changed; it now has 1.']);
    await until(() => lines.length === 2, 'the summary at the end of the window', 5000);
    assert.equal(lines[1], 'Its tools changed 29 more times since the last note; it now has 30.');
    // A change in the next window waits for that window's end too, so a storm that goes on stays one line a window.
    notes.changed(31);
    assert.equal(lines.length, 2);
    await until(() => lines.length === 3, 'the next summary', 5000);
    assert.equal(lines[2], 'Its tools changed once more since the last note; it now has 31.');
    notes.close();
  });

  it('writes what is still unwritten when the server stops, and a quiet server\'s next change at once', async () => {
    const lines: string[] = [];
    const notes = new ToolChangeNotes((line) => lines.push(line), 60_000);
    notes.changed(3);
    notes.changed(4);
    notes.close();
    assert.deepEqual(lines, ['Its tools changed; it now has 3.', 'Its tools changed once more since the last note; it now has 4.']);
    notes.changed(5);
    assert.equal(lines[2], 'Its tools changed; it now has 5.');
    notes.close();
  });
});
