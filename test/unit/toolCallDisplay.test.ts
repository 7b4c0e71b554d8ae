/**
 * Tool calls at a glance: the numbers come from the tool that ran (the one
 * owner: the language server's executor counts a change as a diff does and
 * keeps its two sides), and the chat turns them into "+12 −3 src/math.ts",
 * "$ npm test · exit 1" and "3 matches in 2 files" without re-parsing
 * arguments. The edit's summary is a button that asks the extension to open
 * the diff, by mouse or keyboard, without folding the row open.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ToolResult } from '../../protocol/chat';
import { lineChangeCounts } from '../../protocol/lineChangeCounts';
import type { AssistantEntry, UserEntry } from '../../protocol/sessions';
import { parseFromWebview } from '../../protocol/webviewMessages';
import { TurnCheckpoints } from '../../language-server/tools/turnCheckpoints';
import { describeOutcome, describeSubject, formatChangeCounts, isToolResultDisplay } from '../../webview/toolCallSummary';
import { alwaysAccept } from '../fixtures/approvalGateways';
import { call, makeToolWorkspace, type ToolWorkspace } from '../fixtures/toolWorkspace';
import { click, createHarness, keydown, sessionView, type Harness } from './webviewTestHarness';

describe('diff summary counting', () => {
  it('counts a created file by its lines, the final newline not making one more', () => {
    const twelve = Array.from({ length: 12 }, (_, i) => `line ${i}`).join('\n') + '\n';
    assert.deepEqual(lineChangeCounts(null, twelve), { added: 12, removed: 0 });
    assert.deepEqual(lineChangeCounts(null, 'one line, no newline'), { added: 1, removed: 0 });
    assert.deepEqual(lineChangeCounts(null, ''), { added: 0, removed: 0 });
  });

  it('counts a replaced line as one removed and one added, and unchanged lines as nothing', () => {
    const before = 'a\nb\nc\nd\n';
    assert.deepEqual(lineChangeCounts(before, 'a\nB\nc\nd\n'), { added: 1, removed: 1 });
    assert.deepEqual(lineChangeCounts(before, before), { added: 0, removed: 0 });
  });

  it('counts insertions and deletions in the middle against the longest common part', () => {
    assert.deepEqual(lineChangeCounts('a\nb\nc\n', 'a\nx\ny\nb\nc\n'), { added: 2, removed: 0 });
    assert.deepEqual(lineChangeCounts('a\nb\nc\nd\ne\n', 'a\ne\n'), { added: 0, removed: 3 });
    // Moving a line is a removal and an addition, as in a diff.
    assert.deepEqual(lineChangeCounts('a\nb\nc\n', 'b\nc\na\n'), { added: 1, removed: 1 });
  });

  it('empties a file as every line removed', () => {
    assert.deepEqual(lineChangeCounts('x\ny\n', ''), { added: 0, removed: 2 });
  });

  it('formats counts with a real minus sign', () => {
    assert.equal(formatChangeCounts(12, 3), '+12 \u22123');
  });
});

describe('tool results carry their display (language server)', () => {
  let ws: ToolWorkspace;
  beforeEach(async () => {
    ws = await makeToolWorkspace({ 'src/math.ts': 'export function add(a, b) {\n  return a - b;\n}\n', 'src/other.ts': 'const a = 1; // add\n' });
  });
  afterEach(() => ws.cleanup());

  it('edit_file reports +1 −1 and keeps the two sides for the diff', async () => {
    const exec = ws.executor({ approvals: alwaysAccept() });
    const r = await call(exec, 'edit_file', { path: 'src/math.ts', oldText: 'return a - b;', newText: 'return a + b;' });
    assert.equal(r.isError, false, r.content);
    assert.deepEqual(r.display, { kind: 'fileChange', path: 'src/math.ts', added: 1, removed: 1, created: false });
    const change = await exec.checkpoints.readChange(exec.turnId, r.callId);
    assert.equal(change?.before, 'export function add(a, b) {\n  return a - b;\n}\n');
    assert.equal(change?.after, 'export function add(a, b) {\n  return a + b;\n}\n');
    assert.equal(change?.relativePath, 'src/math.ts');
    assert.equal(change?.toolName, 'edit_file');
  });

  it('write_file of a new file reports its line count as added and null as the before side', async () => {
    const exec = ws.executor({ approvals: alwaysAccept() });
    const r = await call(exec, 'write_file', { path: 'test/math.test.ts', content: 'a\nb\nc\n' });
    assert.deepEqual(r.display, { kind: 'fileChange', path: 'test/math.test.ts', added: 3, removed: 0, created: true });
    assert.equal((await exec.checkpoints.readChange(exec.turnId, r.callId))?.before, null);
  });

  it('keeps the record of a change after the turn is undone, and drops it with the turn', async () => {
    const exec = ws.executor({ approvals: alwaysAccept() });
    const r = await call(exec, 'write_file', { path: 'src/math.ts', content: 'x\n' });
    await exec.undo();
    assert.equal((await exec.checkpoints.readChange(exec.turnId, r.callId))?.after, 'x\n', 'the chat can still show what the reply did');
    await exec.checkpoints.discardTurn(exec.turnId);
    assert.equal(await exec.checkpoints.readChange(exec.turnId, r.callId), undefined);
  });

  it('does not let ids name paths: a hostile call id stays inside the change store', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hearth-changes-'));
    try {
      const checkpoints = new TurnCheckpoints(path.join(dir, 'store'));
      await checkpoints.recordChange('../../turn', '../../../escape', { toolName: 'write_file', relativePath: 'a', before: null, after: 'x' });
      const written = await fs.readdir(dir, { recursive: true });
      assert.ok(written.every((p) => p.startsWith('store')), `everything stays under the store: ${written.join(', ')}`);
      assert.equal((await checkpoints.readChange('../../turn', '../../../escape'))?.after, 'x');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('read_file, grep and glob report the path and counts; run_command its line and exit code', async () => {
    const exec = ws.executor({ approvals: alwaysAccept() });
    assert.deepEqual((await call(exec, 'read_file', { path: 'src/math.ts', startLine: 2, endLine: 3 })).display, { kind: 'read', path: 'src/math.ts', lines: 2, startLine: 2, endLine: 3, totalLines: 3 });
    assert.deepEqual((await call(exec, 'grep', { pattern: 'add', path: 'src' })).display, { kind: 'search', pattern: 'add', path: 'src', matches: 2, files: 2 });
    assert.deepEqual((await call(exec, 'glob', { pattern: 'src/*.ts' })).display, { kind: 'search', pattern: 'src/*.ts', matches: 2, files: 2 });
    const run = await call(exec, 'run_command', { command: 'cat missing.txt' });
    assert.equal(run.display?.kind, 'command');
    assert.deepEqual(run.display, { kind: 'command', command: 'cat missing.txt', exitCode: 1 });
  });
});

describe('tool call rows (webview)', () => {
  let h: Harness;
  afterEach(() => h.dispose());

  const user: UserEntry = { kind: 'user', id: 'u1', text: 'Fix it', context: [], at: 1 };
  const result = (callId: string, name: string, display: ToolResult['display'], content = 'done', durationMs = 1200): ToolResult => ({ callId, name, content, isError: false, summary: 'x', durationMs, display });
  const answer: AssistantEntry = {
    kind: 'assistant',
    id: 'a1',
    replyTo: 'u1',
    model: 'm',
    state: 'done',
    at: 2,
    parts: [
      {
        kind: 'toolCall',
        call: { id: 'c1', name: 'edit_file', arguments: { path: 'src/math.ts', oldText: 'return a - b;\n', newText: 'return a + b;\n' } },
        result: result('c1', 'edit_file', { kind: 'fileChange', path: 'src/math.ts', added: 12, removed: 3, created: false }),
      },
      {
        kind: 'toolCall',
        call: { id: 'c2', name: 'run_command', arguments: { command: 'npm test' } },
        result: result('c2', 'run_command', { kind: 'command', command: 'npm test', exitCode: 1 }, 'The command finished with exit code 1 in 2.3 s.\nOutput:\n1 failing\n', 2300),
      },
      { kind: 'toolCall', call: { id: 'c3', name: 'grep', arguments: { pattern: 'add' } }, result: result('c3', 'grep', { kind: 'search', pattern: 'add', matches: 3, files: 2 }) },
      { kind: 'toolCall', call: { id: 'c4', name: 'read_file', arguments: { path: 'src/math.ts' } }, result: result('c4', 'read_file', { kind: 'read', path: 'src/math.ts', lines: 3, startLine: 1, endLine: 3, totalLines: 3 }) },
    ],
  };

  function show(): HTMLElement[] {
    h = createHarness();
    h.send({ type: 'session', session: sessionView('s1', [user, answer]) });
    h.scheduler.flush();
    return h.$$('tool-call');
  }

  it('shows an edit as "+12 −3 path", not its arguments', () => {
    const [edit] = show();
    const button = edit.querySelector('summary [data-testid="tool-change"]')!;
    assert.equal(button.querySelector('.tool-added')?.textContent, '+12');
    assert.equal(button.querySelector('.tool-removed')?.textContent, '\u22123');
    assert.equal(button.querySelector('.tool-args')?.textContent, 'src/math.ts');
    assert.equal(button.getAttribute('aria-label'), 'Open the diff of src/math.ts: 12 lines added, 3 lines removed');
    const summaryText = edit.querySelector('summary')!.textContent ?? '';
    assert.doesNotMatch(summaryText, /oldText|\\n/, 'no raw JSON in the row');
    // The raw arguments are still there for power users, behind their own toggle.
    const raw = edit.querySelector('[data-testid="tool-raw"]') as HTMLDetailsElement;
    assert.equal(raw.open, false);
    assert.match(raw.querySelector('[data-testid="tool-arguments"]')?.textContent ?? '', /"oldText": "return a - b;\\n"/);
  });

  it('opens the diff when the change is clicked, without folding the row open', () => {
    const [edit] = show();
    click(edit.querySelector('[data-testid="tool-change"]')!);
    assert.deepEqual(h.api.of('openToolChange'), [{ type: 'openToolChange', sessionId: 's1', entryId: 'a1', callId: 'c1' }]);
    assert.equal((edit as HTMLDetailsElement).open, false);
  });

  it('reaches the change by keyboard: it is a real button, focusable, that Enter presses', () => {
    const [edit] = show();
    const button = edit.querySelector<HTMLButtonElement>('[data-testid="tool-change"]')!;
    assert.equal(button.tagName, 'BUTTON');
    assert.equal(button.getAttribute('type'), 'button');
    button.focus();
    assert.equal(h.document.activeElement, button);
    // jsdom does not synthesize the click a browser fires for Enter on a button; the button has no key handler that would swallow it.
    const enter = keydown(button, 'Enter');
    assert.equal(enter.defaultPrevented, false);
  });

  it('shows a command as its command line with exit code and duration, the output folded', () => {
    const [, run] = show();
    assert.equal(run.querySelector('summary .tool-args')?.textContent, '$ npm test');
    const outcome = run.querySelector('[data-testid="tool-result-summary"]')!;
    assert.equal(outcome.textContent, 'exit 1');
    assert.equal(outcome.getAttribute('data-exit'), 'fail');
    assert.equal(run.querySelector('.tool-duration')?.textContent, '2.3 s');
    assert.equal((run as HTMLDetailsElement).open, false);
    assert.match(run.querySelector('[data-testid="tool-result"]')?.textContent ?? '', /1 failing/);
    assert.equal(run.querySelector('.tool-details .tool-section-title')?.textContent, 'Output');
  });

  it('marks characters you cannot see in a result, as in code, and keeps its text exactly what the tool returned', () => {
    // Trojan Source in a file the agent read: displayed, the comment seems to end the line.
    const trojan = 'if (access !== "user\u202e \u2066// Check if admin\u2069 \u2066") {';
    h = createHarness();
    const read: AssistantEntry = {
      ...answer,
      parts: [{ kind: 'toolCall', call: { id: 'c9', name: 'mcp_read', arguments: {} }, result: { callId: 'c9', name: 'mcp_read', content: `${trojan}\n  deny();`, isError: false, durationMs: 5 } }],
    };
    h.send({ type: 'session', session: sessionView('s1', [user, read]) });
    h.scheduler.flush();
    const [row] = h.$$('tool-call');
    const output = row.querySelector('[data-testid="tool-result"]')!;
    assert.deepEqual(Array.from(output.querySelectorAll('.hidden-char')).map((m) => (m as HTMLElement).dataset.label), ['U+202E', 'U+2066', 'U+2069', 'U+2066']);
    assert.equal(output.textContent, `${trojan}\n  deny();`, 'the marks are drawn by CSS: the text is the result');
    // The row's one-line outcome is the result's first line here: marked too.
    assert.equal(row.querySelectorAll('[data-testid="tool-result-summary"] .hidden-char').length, 4);
  });

  it('shows reads and searches as one line: path or pattern, and the count', () => {
    const [, , grep, read] = show();
    assert.equal(grep.querySelector('summary .tool-args')?.textContent, 'add');
    assert.equal(grep.querySelector('[data-testid="tool-result-summary"]')?.textContent, '3 matches in 2 files');
    assert.equal(read.querySelector('summary .tool-args')?.textContent, 'src/math.ts');
    assert.equal(read.querySelector('[data-testid="tool-result-summary"]')?.textContent, 'lines 1–3');
  });

  it('the extension accepts openToolChange only with its three ids', () => {
    assert.equal(parseFromWebview({ type: 'openToolChange', sessionId: 's1', entryId: 'a1', callId: 'c1' }).ok, true);
    assert.equal(parseFromWebview({ type: 'openToolChange', sessionId: 's1', entryId: 'a1' }).ok, false);
    assert.equal(parseFromWebview({ type: 'openToolChange', sessionId: 's1', entryId: 7, callId: 'c1' }).ok, false);
  });
});

describe('tool call summaries', () => {
  it('describes each display kind in words', () => {
    assert.equal(describeOutcome({ kind: 'command', command: 'x', exitCode: 0 }), 'exit 0');
    assert.equal(describeOutcome({ kind: 'command', command: 'x', exitCode: null, timedOut: true }), 'timed out');
    assert.equal(describeOutcome({ kind: 'command', command: 'x', exitCode: null, signal: 'SIGKILL' }), 'killed by SIGKILL');
    assert.equal(describeOutcome({ kind: 'command', command: 'x', exitCode: null, cancelled: true }), 'cancelled');
    assert.equal(describeOutcome({ kind: 'read', path: 'a', lines: 40, startLine: 1, endLine: 40, totalLines: 120 }), 'lines 1–40 of 120');
    assert.equal(describeOutcome({ kind: 'search', pattern: 'x', matches: 1, files: 1 }), '1 file');
    assert.equal(describeOutcome({ kind: 'search', pattern: 'x', matches: 200, files: 12, truncated: true }), '200+ matches in 12 files');
    assert.equal(describeOutcome({ kind: 'search', pattern: 'x', matches: 0, files: 0 }), 'no matches');
    assert.equal(describeOutcome({ kind: 'fileChange', path: 'a', added: 1, removed: 0, created: true }), 'created');
    assert.equal(describeSubject({ kind: 'command', command: 'cat <<EOF\nhi\nEOF', exitCode: 0 }), '$ cat <<EOF ⏎ hi ⏎ EOF');
    assert.equal(describeSubject({ kind: 'search', pattern: 'TODO', path: 'src', matches: 1, files: 1 }), 'TODO in src');
  });

  it('ignores a malformed display from a stored session instead of rendering it', () => {
    assert.equal(isToolResultDisplay({ kind: 'fileChange', path: 'a', added: -1, removed: 0, created: false }), false);
    assert.equal(isToolResultDisplay({ kind: 'command', command: 1, exitCode: 0 }), false);
    assert.equal(isToolResultDisplay({ kind: 'other' }), false);
    assert.equal(isToolResultDisplay(null), false);
  });
});
