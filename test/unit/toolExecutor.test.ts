/**
 * The tool executor in-process, on a real temporary workspace: every tool's
 * results, the approval flow for edits, and the guarantee that `execute`
 * answers with a result the model can act on instead of throwing.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { BUILTIN_TOOL_LIST } from '../../protocol/tools';
import type { ApprovalGateway } from '../../language-server/tools/toolTypes';
import { acceptAllForTurn, alwaysAccept, alwaysReject, failingGateway, neverAnswers, recordingGateway } from '../fixtures/approvalGateways';
import { fixedProblems } from '../fixtures/problemsProviders';
import { createTurnExecutor } from '../../language-server/tools/workspaceToolExecutor';
import { call, makeToolWorkspace, testPolicy, type ToolWorkspace } from '../fixtures/toolWorkspace';

describe('tool executor', () => {
  let ws: ToolWorkspace;

  beforeEach(async () => {
    ws = await makeToolWorkspace({
      'README.md': '# Demo\n\nA small project.\n',
      'src/index.ts': "import { add } from './math';\n\nconsole.log(add(1, 2));\n",
      'src/math.ts': 'export function add(a: number, b: number): number {\n  return a + b;\n}\n',
      'src/deep/util.ts': 'export const TODO = 1; // todo: remove\n',
      'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]),
    });
  });

  afterEach(() => ws.cleanup());

  describe('definitions', () => {
    it('offers every built-in tool in a trusted workspace and only read-only ones in an untrusted one', () => {
      // find_symbol needs the symbol index, remember project memory, codebase_search a codebase index, fetch_web_page a page reader and load_skill skills; none is given here.
      assert.deepEqual(
        ws.executor().definitions(),
        BUILTIN_TOOL_LIST.filter((d) => !['find_symbol', 'remember', 'codebase_search', 'fetch_web_page', 'load_skill'].includes(d.name)),
      );
      const names = ws.executor({ policy: { trusted: false } }).definitions().map((d) => d.name);
      assert.deepEqual(names, ['read_file', 'list_dir', 'glob', 'grep', 'get_problems']);
    });
  });

  describe('read_file', () => {
    it('returns numbered lines with a header, a summary and a duration', async () => {
      const r = await call(ws.executor(), 'read_file', { path: 'src/math.ts' });
      assert.equal(r.isError, false);
      assert.equal(r.summary, 'read 3 lines');
      assert.equal(typeof r.durationMs, 'number');
      assert.equal(r.name, 'read_file');
      assert.match(r.content, /^src\/math\.ts: lines 1-3 of 3/);
      assert.match(r.content, /\n1\texport function add/);
      assert.match(r.content, /\n3\t}$/);
    });

    it('reads a line range', async () => {
      const r = await call(ws.executor(), 'read_file', { path: 'src/math.ts', startLine: 2, endLine: 2 });
      assert.equal(r.summary, 'read 1 line');
      assert.match(r.content, /lines 2-2 of 3/);
      assert.match(r.content, /\n2\t {2}return a \+ b;$/);
    });

    it('stops at the byte cap and says where to continue', async () => {
      await ws.write('big.txt', Array.from({ length: 1000 }, (_, i) => `line ${i + 1}`).join('\n'));
      const r = await call(ws.executor({ policy: { maxReadBytes: 100 } }), 'read_file', { path: 'big.txt' });
      assert.equal(r.isError, false);
      const shown = Number(/read (\d+) lines/.exec(r.summary ?? '')?.[1]);
      assert.ok(shown > 0 && shown < 20, r.summary);
      assert.match(r.content, new RegExp(`Continue with startLine=${shown + 1}`));
    });

    it('refuses binary files, directories and missing files with clear errors', async () => {
      const exec = ws.executor();
      const bin = await call(exec, 'read_file', { path: 'logo.png' });
      assert.equal(bin.isError, true);
      assert.match(bin.content, /logo\.png is a binary file \(12 bytes\)/);
      assert.equal(bin.summary, 'binary file');
      assert.match((await call(exec, 'read_file', { path: 'src' })).content, /is a directory. Use list_dir/);
      assert.match((await call(exec, 'read_file', { path: 'nope.ts' })).content, /does not exist. Use list_dir or glob/);
      assert.match((await call(exec, 'read_file', { path: 'src/math.ts', startLine: 10 })).content, /has 3 lines; startLine 10 is past the end/);
      assert.match((await call(exec, 'read_file', { path: 'src/math.ts', startLine: 3, endLine: 1 })).content, /endLine \(1\) is before startLine/);
    });
  });

  describe('list_dir', () => {
    it('lists entries with directories marked, and symlinks without revealing outside paths', async () => {
      await fs.symlink(ws.outside, path.join(ws.root, 'escape'));
      await fs.symlink(path.join(ws.root, 'src/math.ts'), path.join(ws.root, 'math-link'));
      const r = await call(ws.executor(), 'list_dir', { path: '.' });
      assert.equal(r.isError, false);
      assert.equal(r.summary, '5 entries');
      assert.deepEqual(r.content.split('\n').slice(1), ['README.md', 'escape -> (outside the workspace; not accessible)', 'logo.png', 'math-link -> src/math.ts', 'src/']);
      assert.ok(!r.content.includes(ws.outside));
    });

    it('refuses files and missing directories', async () => {
      assert.match((await call(ws.executor(), 'list_dir', { path: 'README.md' })).content, /is a file, not a directory/);
      assert.match((await call(ws.executor(), 'list_dir', { path: 'nope' })).content, /does not exist/);
    });
  });

  describe('glob', () => {
    beforeEach(async () => {
      await ws.write('.gitignore', 'node_modules/\n*.log\nbuild/\n!build/keep.ts\n');
      await ws.write('node_modules/pkg/index.ts', '');
      await ws.write('debug.log', '');
      await ws.write('src/deep/.gitignore', 'generated.ts\n');
      await ws.write('src/deep/generated.ts', '');
      await ws.write('.git/hooks/x.ts', '');
      await ws.write('.github/ci.ts', '');
    });

    it('matches anchored patterns and names at any depth, honouring nested .gitignore files', async () => {
      const exec = ws.executor();
      const anchored = await call(exec, 'glob', { pattern: 'src/**/*.ts' });
      assert.deepEqual(anchored.content.split('\n'), ['src/deep/util.ts', 'src/index.ts', 'src/math.ts']);
      assert.equal(anchored.summary, '3 files');
      const anywhere = await call(exec, 'glob', { pattern: '*.ts' });
      assert.deepEqual(anywhere.content.split('\n'), ['.github/ci.ts', 'src/deep/util.ts', 'src/index.ts', 'src/math.ts']);
      const braces = await call(exec, 'glob', { pattern: '{README.md,src/*.ts}' });
      assert.deepEqual(braces.content.split('\n'), ['README.md', 'src/index.ts', 'src/math.ts']);
      const none = await call(exec, 'glob', { pattern: '**/*.log' });
      assert.match(none.content, /No files match/);
    });

    it('refuses patterns that try to leave the workspace', async () => {
      for (const pattern of ['../**', '/etc/*', 'src/../../x', '~/x']) {
        const r = await call(ws.executor(), 'glob', { pattern });
        assert.equal(r.isError, true, pattern);
        assert.equal(r.summary, 'refused');
      }
    });
  });

  describe('grep', () => {
    beforeEach(async () => {
      await ws.write('.gitignore', 'ignored/\n');
      await ws.write('ignored/todo.ts', 'TODO hidden\n');
      await ws.write('.config/tool.ts', 'todo in a hidden folder\n');
      await ws.write('notes.md', 'Todo: write docs\r\nnothing\r\n');
      await fs.symlink(ws.outside, path.join(ws.root, 'escape'));
      await fs.writeFile(path.join(ws.outside, 'todo.txt'), 'todo outside\n');
    });

    const engines: [string, string | null | undefined][] = [
      ['ripgrep', '/usr/bin/rg'],
      ['JavaScript fallback', null],
    ];
    const outputs: Record<string, string[]> = {};

    for (const [label, ripgrepPath] of engines) {
      it(`finds matches with ${label}, honouring .gitignore and never following symlinks out`, async function () {
        if (ripgrepPath && !(await fs.stat(ripgrepPath).catch(() => null))) this.skip();
        const exec = ws.executor({ ripgrepPath });
        const r = await call(exec, 'grep', { pattern: 'todo' });
        assert.equal(r.isError, false, r.content);
        const lines = r.content.split('\n');
        assert.deepEqual(lines, [
          '.config/tool.ts:1: todo in a hidden folder',
          'notes.md:1: Todo: write docs',
          'src/deep/util.ts:1: export const TODO = 1; // todo: remove',
        ]);
        assert.equal(r.summary, `3 matches in 3 files${ripgrepPath ? '' : ' (no ripgrep)'}`);
        outputs[label] = [r.content];
        const sensitive = await call(exec, 'grep', { pattern: 'TODO', caseSensitive: true });
        assert.deepEqual(sensitive.content.split('\n'), ['src/deep/util.ts:1: export const TODO = 1; // todo: remove']);
        const scoped = await call(exec, 'grep', { pattern: 'add', path: 'src', glob: '*.ts' });
        assert.deepEqual(scoped.content.split('\n'), ["src/index.ts:1: import { add } from './math';", 'src/index.ts:3: console.log(add(1, 2));', 'src/math.ts:1: export function add(a: number, b: number): number {']);
        outputs[label].push(scoped.content);
        const excluded = await call(exec, 'grep', { pattern: 'add', glob: '!src/index.ts' });
        assert.deepEqual(excluded.content.split('\n'), ['src/math.ts:1: export function add(a: number, b: number): number {']);
        const file = await call(exec, 'grep', { pattern: 'return', path: 'src/math.ts' });
        assert.deepEqual(file.content.split('\n'), ['src/math.ts:2:   return a + b;']);
        const none = await call(exec, 'grep', { pattern: 'zzz_nothing' });
        assert.equal(none.summary, 'no matches');
        const bad = await call(exec, 'grep', { pattern: '(unclosed' });
        assert.equal(bad.isError, true);
        assert.match(bad.content, /not a valid regular expression/);
        const outside = await call(exec, 'grep', { pattern: 'todo', path: 'escape' });
        assert.equal(outside.isError, true);
        assert.match(outside.content, /outside the workspace/);
      });
    }

    it('returns the same results from ripgrep and the JavaScript fallback', function () {
      if (!outputs['ripgrep'] || !outputs['JavaScript fallback']) this.skip();
      assert.deepEqual(outputs['ripgrep'], outputs['JavaScript fallback']);
    });

    for (const [label, ripgrepPath] of engines) {
      it(`caps the number of matches with ${label}`, async () => {
        await ws.write('many.txt', Array.from({ length: 500 }, (_, i) => `hit ${i}`).join('\n'));
        const r = await call(ws.executor({ ripgrepPath }), 'grep', { pattern: '^hit' });
        assert.equal(r.content.split('\n').filter((l) => l.startsWith('many.txt:')).length, 200);
        assert.match(r.content, /Only the first 200 matches are shown/);
        assert.match(r.summary ?? '', /^200\+ matches/);
      });
    }

    it('falls back to JavaScript when the given ripgrep does not exist and none is on the PATH', async () => {
      const savedPath = process.env.PATH;
      process.env.PATH = '';
      try {
        const r = await call(ws.executor({ ripgrepPath: path.join(ws.base, 'no-rg') }), 'grep', { pattern: 'Demo' });
        assert.equal(r.content, 'README.md:1: # Demo');
        assert.match(r.summary ?? '', /no ripgrep/);
      } finally {
        process.env.PATH = savedPath;
      }
    });
  });

  describe('write_file', () => {
    it('asks with the old and new content, and writes only on accept', async () => {
      const gateway = recordingGateway({ edits: ['accept'] });
      const r = await call(ws.executor({ approvals: gateway }), 'write_file', { path: 'README.md', content: '# New\n' });
      assert.equal(r.isError, false, r.content);
      assert.equal(r.summary, 'wrote 1 lines');
      assert.equal(gateway.edits.length, 1);
      assert.deepEqual(
        { ...gateway.edits[0], callId: 'x' },
        { callId: 'x', toolName: 'write_file', path: path.join(ws.root, 'README.md'), relativePath: 'README.md', oldContent: '# Demo\n\nA small project.\n', newContent: '# New\n' },
      );
      assert.equal((await ws.read('README.md')).toString(), '# New\n');
    });

    it('tells the model the user rejected the change, and writes nothing', async () => {
      const r = await call(ws.executor({ approvals: alwaysReject() }), 'write_file', { path: 'README.md', content: 'x' });
      assert.equal(r.isError, true);
      assert.equal(r.summary, 'rejected by user');
      assert.match(r.content, /The user rejected this change to README\.md; nothing was written/);
      assert.equal((await ws.read('README.md')).toString(), '# Demo\n\nA small project.\n');
    });

    it('refuses to replace or edit a file over 10 MB before reading it, and asks nothing', async () => {
      // A generated 200 MB dump: reading it whole for a review would stall the language server for nothing.
      const big = path.join(ws.root, 'dump.sql');
      await fs.writeFile(big, '-- dump\n');
      await fs.truncate(big, 200 * 1024 * 1024);
      const gateway = recordingGateway({ edits: ['accept', 'accept'] });
      const exec = ws.executor({ approvals: gateway });
      const write = await call(exec, 'write_file', { path: 'dump.sql', content: 'x\n' });
      const edit = await call(exec, 'edit_file', { path: 'dump.sql', oldText: '-- dump', newText: '-- x' });
      for (const r of [write, edit]) {
        assert.equal(r.isError, true);
        assert.match(r.content, /dump\.sql is too large for Hearth to change \(209715200 bytes; the limit is 10 MB.*Nothing was changed/);
      }
      assert.equal(gateway.edits.length, 0);
      assert.equal((await fs.stat(big)).size, 200 * 1024 * 1024);
    });

    it('creates new files and their folders, with oldContent null', async () => {
      const gateway = recordingGateway({ edits: ['accept'] });
      const r = await call(ws.executor({ approvals: gateway }), 'write_file', { path: 'docs/guide/intro.md', content: 'hello\n' });
      assert.equal(r.summary, 'created, 1 lines');
      assert.equal(gateway.edits[0].oldContent, null);
      assert.equal((await ws.read('docs/guide/intro.md')).toString(), 'hello\n');
    });

    it('keeps the file mode and writes through symlinks that stay inside', async () => {
      const script = await ws.write('run.sh', '#!/bin/sh\necho a\n');
      await fs.chmod(script, 0o755);
      await fs.symlink(script, path.join(ws.root, 'run-link'));
      const r = await call(ws.executor({ approvals: alwaysAccept() }), 'write_file', { path: 'run-link', content: '#!/bin/sh\necho b\n' });
      assert.equal(r.isError, false, r.content);
      assert.equal((await fs.stat(script)).mode & 0o777, 0o755);
      assert.equal((await ws.read('run.sh')).toString(), '#!/bin/sh\necho b\n');
      assert.equal((await fs.lstat(path.join(ws.root, 'run-link'))).isSymbolicLink(), true);
    });

    it('stops asking after "accept all edits for this turn", and asks again in the next turn', async () => {
      let asked = 0;
      const inner = acceptAllForTurn();
      const counting: ApprovalGateway = { ...inner, approveEdit: (req, s) => (asked++, inner.approveEdit(req, s)) };
      const turn = ws.executor({ approvals: counting });
      for (const name of ['a', 'b', 'c']) assert.equal((await call(turn, 'write_file', { path: `${name}.txt`, content: name })).isError, false);
      assert.equal(asked, 1);
      await call(ws.executor({ approvals: counting }), 'write_file', { path: 'd.txt', content: 'd' });
      assert.equal(asked, 2);
    });

    it('does not ask when the policy auto-approves edits', async () => {
      const gateway = recordingGateway();
      const r = await call(ws.executor({ approvals: gateway, policy: { autoApproveEdits: true } }), 'write_file', { path: 'a.txt', content: 'a' });
      assert.equal(r.isError, false);
      assert.equal(gateway.edits.length, 0);
    });

    it('reports an unchanged file without asking', async () => {
      const gateway = recordingGateway();
      const r = await call(ws.executor({ approvals: gateway }), 'write_file', { path: 'README.md', content: '# Demo\n\nA small project.\n' });
      assert.equal(r.summary, 'unchanged');
      assert.equal(gateway.edits.length, 0);
    });

    it('refuses a write if the file changed while the user was reviewing it', async () => {
      const gateway: ApprovalGateway = {
        ...alwaysAccept(),
        approveEdit: async () => {
          await fs.writeFile(path.join(ws.root, 'README.md'), 'typed by the user\n');
          return 'accept';
        },
      };
      const r = await call(ws.executor({ approvals: gateway }), 'write_file', { path: 'README.md', content: 'agent\n' });
      assert.equal(r.isError, true);
      assert.match(r.content, /changed on disk while the change was waiting for approval/);
      assert.equal((await ws.read('README.md')).toString(), 'typed by the user\n');
    });

    it('turns a failing or cancelled approval into an error result', async () => {
      const failed = await call(ws.executor({ approvals: failingGateway() }), 'write_file', { path: 'a.txt', content: 'a' });
      assert.match(failed.content, /could not be shown to the user for approval \(the client is not connected\)/);
      const controller = new AbortController();
      const pending = call(ws.executor({ approvals: neverAnswers() }), 'write_file', { path: 'a.txt', content: 'a' }, controller.signal);
      setTimeout(() => controller.abort(), 20);
      const cancelled = await pending;
      assert.equal(cancelled.summary, 'cancelled');
      await assert.rejects(fs.stat(path.join(ws.root, 'a.txt')));
    });

    it('refuses protected files without asking', async () => {
      const gateway = recordingGateway({ edits: ['accept'] });
      for (const p of ['.git/config', '.vscode/settings.json', '.hearth/x.json', 'a.code-workspace']) {
        const r = await call(ws.executor({ approvals: gateway }), 'write_file', { path: p, content: '{}' });
        assert.equal(r.isError, true, p);
        assert.equal(r.summary, 'refused');
      }
      assert.equal(gateway.edits.length, 0);
    });
  });

  describe('edit_file', () => {
    it('replaces exactly one occurrence and shows the result', async () => {
      const gateway = recordingGateway({ edits: ['accept'] });
      const r = await call(ws.executor({ approvals: gateway }), 'edit_file', { path: 'src/math.ts', oldText: '  return a + b;', newText: '  return a + b + 0;' });
      assert.equal(r.isError, false, r.content);
      assert.equal(r.summary, 'edited line 2 (-1 +1)');
      assert.match(r.content, /2\t {2}return a \+ b \+ 0;/);
      assert.equal(gateway.edits[0].oldContent, 'export function add(a: number, b: number): number {\n  return a + b;\n}\n');
      assert.equal(gateway.edits[0].newContent, 'export function add(a: number, b: number): number {\n  return a + b + 0;\n}\n');
      assert.equal((await ws.read('src/math.ts')).toString(), gateway.edits[0].newContent);
    });

    it('inserts replacement text literally (no $& patterns)', async () => {
      await call(ws.executor({ approvals: alwaysAccept() }), 'edit_file', { path: 'README.md', oldText: 'small', newText: "$& $' $1" });
      assert.equal((await ws.read('README.md')).toString(), "# Demo\n\nA $& $' $1 project.\n");
    });

    it('shows the nearest lines when oldText differs only in whitespace', async () => {
      const r = await call(ws.executor(), 'edit_file', { path: 'src/math.ts', oldText: 'export function add(a: number, b: number): number {\n    return a + b;\n}', newText: 'x' });
      assert.equal(r.isError, true);
      assert.equal(r.summary, 'no match');
      assert.match(r.content, /oldText was not found in src\/math\.ts\. Lines 1-3 match it except for whitespace or indentation:\n1\texport function add/);
      assert.match(r.content, /2\t {2}return a \+ b;/);
    });

    it('shows the most similar lines when oldText is slightly wrong', async () => {
      const r = await call(ws.executor(), 'edit_file', { path: 'src/index.ts', oldText: 'console.log(add(1, 3));', newText: 'x' });
      assert.match(r.content, /The most similar lines are 3-3:\n3\tconsole\.log\(add\(1, 2\)\);/);
      const far = await call(ws.executor(), 'edit_file', { path: 'src/index.ts', oldText: 'zzzzzzzz qqqqqq', newText: 'x' });
      assert.match(far.content, /Nothing in the file is similar/);
    });

    it('points out line numbers pasted from read_file', async () => {
      const r = await call(ws.executor(), 'edit_file', { path: 'src/math.ts', oldText: '2\t  return a + b;', newText: 'x' });
      assert.match(r.content, /include the line numbers that read_file shows/);
      assert.match(r.content, /Lines 2-2 match it except for whitespace/);
    });

    it('lists the lines of every match when oldText is ambiguous', async () => {
      await ws.write('dup.ts', 'x = 1;\ny = 2;\nx = 1;\nx = 1;\n');
      const r = await call(ws.executor(), 'edit_file', { path: 'dup.ts', oldText: 'x = 1;', newText: 'x = 3;' });
      assert.equal(r.isError, true);
      assert.equal(r.summary, '3 matches');
      assert.match(r.content, /matches 3 times in dup\.ts \(at lines 1, 3, 4\)\. Include more of the surrounding lines/);
    });

    it('edits files with Windows line endings when oldText uses \\n', async () => {
      await ws.write('win.txt', 'one\r\ntwo\r\nthree\r\n');
      const r = await call(ws.executor({ approvals: alwaysAccept() }), 'edit_file', { path: 'win.txt', oldText: 'one\ntwo', newText: 'uno\ndos' });
      assert.equal(r.isError, false, r.content);
      assert.equal((await ws.read('win.txt')).toString(), 'uno\r\ndos\r\nthree\r\n');
    });

    it('refuses binary, non-UTF-8, missing files and empty or no-op edits', async () => {
      const exec = ws.executor({ approvals: alwaysAccept() });
      await ws.write('latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
      assert.match((await call(exec, 'edit_file', { path: 'logo.png', oldText: 'PNG', newText: 'x' })).content, /binary file/);
      assert.match((await call(exec, 'edit_file', { path: 'latin1.txt', oldText: 'caf', newText: 'x' })).content, /not valid UTF-8/);
      assert.match((await call(exec, 'edit_file', { path: 'new.ts', oldText: 'a', newText: 'b' })).content, /does not exist. Use write_file/);
      assert.match((await call(exec, 'edit_file', { path: 'README.md', oldText: '', newText: 'b' })).content, /oldText is empty/);
      assert.match((await call(exec, 'edit_file', { path: 'README.md', oldText: 'Demo', newText: 'Demo' })).content, /identical/);
    });
  });

  describe('get_problems', () => {
    const problems = [
      { path: 'src/math.ts', line: 2, severity: 'warning' as const, message: 'unused', source: 'ts' },
      { path: 'src/index.ts', line: 1, severity: 'error' as const, message: "Cannot find module './math'", source: 'ts' },
    ];

    it('lists problems errors first, for all files or one', async () => {
      const provider = fixedProblems(problems);
      const exec = ws.executor({ problems: provider });
      const all = await call(exec, 'get_problems', {});
      assert.equal(all.summary, '1 error, 1 warning');
      assert.deepEqual(all.content.split('\n'), ["src/index.ts:1: error: Cannot find module './math' [ts]", 'src/math.ts:2: warning: unused [ts]']);
      const one = await call(exec, 'get_problems', { path: './src/math.ts' });
      assert.equal(one.content, 'src/math.ts:2: warning: unused [ts]');
      assert.deepEqual(provider.asked, [undefined, 'src/math.ts']);
      const outside = await call(exec, 'get_problems', { path: '../outside/secret.txt' });
      assert.equal(outside.isError, true);
    });

    it('says when diagnostics are unavailable', async () => {
      const r = await call(ws.executor(), 'get_problems', {});
      assert.equal(r.isError, true);
      assert.match(r.content, /not available in this session/);
    });
  });

  describe('robustness', () => {
    it('turns unknown tools, bad arguments and cancelled turns into error results', async () => {
      const exec = ws.executor();
      const unknown = await call(exec, 'delete_everything', {});
      assert.equal(unknown.isError, true);
      assert.match(unknown.content, /There is no tool named "delete_everything". Available tools: read_file, list_dir/);
      const missing = await call(exec, 'read_file', {});
      assert.match(missing.content, /"path" is required and must be a string/);
      const wrongType = await call(exec, 'read_file', { path: 'README.md', startLine: 'two' });
      assert.match(wrongType.content, /"startLine" must be an integer/);
      const stringNumber = await call(exec, 'read_file', { path: 'README.md', startLine: '2' });
      assert.equal(stringNumber.isError, false, 'numbers sent as strings are accepted');
      const notObject = await exec.execute({ id: '1', name: 'read_file', arguments: null as unknown as Record<string, unknown> }, new AbortController().signal);
      assert.match(notObject.content, /must be a JSON object/);
      const controller = new AbortController();
      controller.abort();
      const cancelled = await call(exec, 'read_file', { path: 'README.md' }, controller.signal);
      assert.equal(cancelled.summary, 'cancelled');
    });

    it('refuses changing tools in an untrusted workspace, also when called anyway', async () => {
      const gateway = recordingGateway({ edits: ['accept'], commands: ['accept'] });
      const exec = ws.executor({ approvals: gateway, policy: { trusted: false } });
      for (const [name, args] of [
        ['write_file', { path: 'a.txt', content: 'a' }],
        ['edit_file', { path: 'README.md', oldText: 'Demo', newText: 'x' }],
        ['run_command', { command: 'ls' }],
      ] as const) {
        const r = await call(exec, name, args);
        assert.equal(r.isError, true, name);
        assert.match(r.content, /not trusted \(VS Code Workspace Trust\)/);
      }
      assert.equal(gateway.edits.length + gateway.commands.length, 0);
      assert.equal((await call(exec, 'read_file', { path: 'README.md' })).isError, false);
    });

    it('reads the policy at every call, so revoking trust applies mid-turn', async () => {
      let trusted = true;
      const turn = createTurnExecutor({ turnId: 'live', workspaceFolders: [ws.root], approvals: alwaysAccept(), checkpoints: ws.storage, policy: () => testPolicy({ trusted }) });
      assert.equal((await call(turn, 'write_file', { path: 'a.txt', content: 'a' })).isError, false);
      trusted = false;
      assert.equal((await call(turn, 'write_file', { path: 'b.txt', content: 'b' })).isError, true);
      assert.equal(turn.definitions().some((d) => d.name === 'write_file'), false);
    });
  });
});
