/**
 * The pieces behind MCP server logs, completions and changing roots, in
 * process: how a log record is shown and rate-limited, how a server's
 * completion values are bounded, and how the folder list follows the
 * editor's added and removed folders.
 */
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { formatLogRecord, ServerLogRecords } from '../../agent-host/mcp/serverLogRecords';
import { toCompletion } from '../../agent-host/mcp/toCompletion';
import { changedWorkspaceRoots } from '../../language-server/workspace/changedWorkspaceRoots';
import type { McpLogLevel } from '../../protocol/lspMethods';

describe('MCP server log records', () => {
  it('shows the level and logger, and hides records below the chosen level', () => {
    const lines: string[] = [];
    let level: McpLogLevel = 'warning';
    const records = new ServerLogRecords(() => level, (l) => lines.push(l));
    records.receive({ level: 'info', logger: 'db', data: 'connected' });
    records.receive({ level: 'error', logger: 'db', data: 'lost the connection' });
    level = 'debug';
    records.receive({ level: 'debug', data: 'tick' });
    level = 'off';
    records.receive({ level: 'emergency', data: 'the sky fell' });
    records.close();
    assert.deepEqual(lines, ['[error] db: lost the connection', '[debug] tick']);
  });

  it('shows a burst, then counts what it does not show, and reports the count', () => {
    const lines: string[] = [];
    const records = new ServerLogRecords(() => 'warning', (l) => lines.push(l));
    for (let i = 0; i < 500; i++) records.receive({ level: 'error', data: `r${i}` });
    records.close();
    const shown = lines.filter((l) => l.startsWith('[error] ')).length;
    assert.ok(shown >= 50 && shown < 60, `a burst of 50 (${shown})`);
    assert.equal(lines.at(-1), `${500 - shown} more log messages not shown: the server sent more than 5 a second.`);
  });

  it('cuts long records, removes control characters and indents continuation lines', () => {
    assert.equal(formatLogRecord({ level: 'error', data: 'x'.repeat(2500) }), `[error] ${'x'.repeat(2000)}… (cut: the message has 2500 characters)`);
    assert.equal(formatLogRecord({ level: 'warning', logger: 'a\nb\u001b[2J', data: 'one\r\ntwo\u0007' }), '[warning] a b[2J: one\n    two');
    assert.equal(formatLogRecord({ level: 'notice', data: { ok: true } }), '[notice] {"ok":true}');
  });
});

describe('MCP completion values', () => {
  it('keeps one-line strings, each once, at most 100, and says when it cut the list', () => {
    const many = Array.from({ length: 150 }, (_, i) => `v${i}`);
    const cut = toCompletion({ values: many });
    assert.equal(cut.values.length, 100);
    assert.equal(cut.hasMore, true);
    const cleaned = toCompletion({ values: ['a', 'a', 'two\nlines', 'x'.repeat(501), 7 as unknown as string, ''], total: 4, hasMore: false });
    assert.deepEqual(cleaned, { values: ['a'], hasMore: false, total: 4 });
  });
});

describe('Workspace folders after a change', () => {
  it('drops removed folders, appends added ones once, and skips folders not on disk', () => {
    const a = '/work/a';
    const b = '/work/b';
    const c = '/work/c';
    const uri = (p: string) => ({ uri: pathToFileURL(p).href, name: p });
    assert.deepEqual(changedWorkspaceRoots([a, b], { added: [uri(c), uri(b), { uri: 'vscode-vfs://github/x', name: 'remote' }], removed: [uri(a)] }), [b, c]);
  });
});
