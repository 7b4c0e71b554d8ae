/**
 * `hearth/review` through the real language server over stdio LSP, with the
 * scripted Ollama as the reviewer: uncommitted changes (diffs from a real git
 * repository, an untracked file whole) and a selection become numbered
 * listings for the model, its JSON answer becomes findings on the files as
 * they are on disk, and what a hostile answer or a hostile client asks for
 * (a file outside the workspace, a line never shown) is left out.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource } from 'vscode-languageserver-protocol/node';
import { CodeReviewRequest } from '../../protocol/lspMethods';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { CompletionTestEditor } from './completionTestEditor';
import { startLspTestClient, type LspTestClient } from './lspTestClient';
import { fixtureGit as git } from '../fixtures/fixtureGit';

const MODEL = 'qwen2.5-coder:7b';
const BEFORE = ['export function mean(xs) {', '  let sum = 0;', '  for (const x of xs) sum += x;', '  return sum / xs.length;', '}', ''].join('\n');
const AFTER = ['export function mean(xs) {', '  let sum = 0;', '  for (let i = 0; i <= xs.length; i++) sum += xs[i];', '  return sum / xs.length;', '}', ''].join('\n');

const lastPrompt = (fixture: OllamaFixture) => {
  const chat = fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!;
  return (chat.body.messages as { role: string; content: string }[]).filter((m) => m.role === 'user').at(-1)!.content;
};

describe('code review over stdio LSP (integration)', function () {
  this.timeout(30_000);
  let fixture: OllamaFixture;
  let storage: string;
  let workspace: string;
  let outside: string;
  let client: LspTestClient;
  const uri = (name: string) => pathToFileURL(path.join(workspace, name)).toString();

  beforeEach(async () => {
    fixture = await startOllamaFixture();
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-ls-'));
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-ws-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-outside-'));
    fs.writeFileSync(path.join(workspace, 'stats.js'), BEFORE);
    git(workspace, 'init', '-q');
    git(workspace, 'add', '.');
    git(workspace, 'commit', '-q', '-m', 'init');
    fs.writeFileSync(path.join(workspace, 'stats.js'), AFTER);
    fs.writeFileSync(path.join(workspace, 'new.js'), 'export const answer = eval(process.argv[2]);\n');
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'TOP-SECRET-TOKEN\n');
    client = await startLspTestClient({ storagePath: storage, workspace, settings: { ollama: { host: fixture.url }, chat: { model: MODEL }, completion: { model: MODEL } } });
  });

  afterEach(async () => {
    await client.stop();
    await fixture.close();
    for (const dir of [storage, workspace, outside]) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reviews uncommitted changes: numbered lines in, findings anchored to the files on disk out', async () => {
    fixture.enqueue({
      kind: 'text',
      text: JSON.stringify({
        findings: [
          { file: 'stats.js', line: 3, severity: 'bug', title: 'Off-by-one: reads past the end', comment: '`i <= xs.length` reads `xs[xs.length]`.', fix: { startLine: 3, endLine: 3, code: '  for (let i = 0; i < xs.length; i++) sum += xs[i];' } },
          { file: 'new.js', line: 1, severity: 'security', title: 'eval of a command-line argument' },
          { file: '../secret.txt', line: 1, title: 'a file that is not part of the review' },
        ],
      }),
    });
    const diff = git(workspace, 'diff', 'HEAD', '--', 'stats.js');
    const result = await client.connection.sendRequest(CodeReviewRequest.type, {
      changes: [{ uri: uri('stats.js'), diff }, { uri: uri('new.js') }, { uri: pathToFileURL(path.join(outside, 'secret.txt')).toString() }],
    });

    const prompt = lastPrompt(fixture);
    assert.match(prompt, /File: stats\.js\n```\n/);
    assert.match(prompt, /^3 \+ {3}for \(let i = 0; i <= xs\.length; i\+\+\) sum \+= xs\[i\];$/m, 'the changed line, numbered as on disk');
    assert.match(prompt, /^ {2}- {3}for \(const x of xs\) sum \+= x;$/m, 'the removed line, unnumbered');
    assert.match(prompt, /File: new\.js\n```\n1 \+ export const answer/, 'an untracked file, whole');
    assert.doesNotMatch(prompt, /TOP-SECRET-TOKEN/, 'a file outside the workspace is never read');

    assert.equal(result.model, MODEL);
    assert.equal(result.agent, 'reviewer');
    assert.deepEqual(result.reviewedFiles, ['stats.js', 'new.js']);
    assert.deepEqual(result.leftOut.map((f) => f.reason), ['it is outside the workspace folders']);
    assert.equal(result.dropped, 1);
    assert.deepEqual(
      result.findings.map((f) => [f.severity, path.basename(new URL(f.uri).pathname), f.range.start.line, f.title]),
      [
        ['bug', 'stats.js', 2, 'Off-by-one: reads past the end'],
        ['security', 'new.js', 0, 'eval of a command-line argument'],
      ],
    );
    assert.deepEqual(result.findings[0].fix, {
      range: { start: { line: 2, character: 0 }, end: { line: 2, character: AFTER.split('\n')[2].length } },
      oldText: AFTER.split('\n')[2],
      newText: '  for (let i = 0; i < xs.length; i++) sum += xs[i];',
    });
    assert.equal(fs.readFileSync(path.join(workspace, 'stats.js'), 'utf8'), AFTER, 'a review changes no file');
  });

  it('reviews a selection of an open document as the editor has it', async () => {
    const editor = new CompletionTestEditor(client.connection, uri('stats.js'), 'javascript', AFTER);
    await editor.open();
    fixture.enqueue({ kind: 'text', text: '```json\n{"findings":[{"line":4,"severity":"bug","title":"Empty input divides by zero"}]}\n```' });
    const result = await client.connection.sendRequest(CodeReviewRequest.type, { selection: { textDocument: { uri: editor.uri }, range: { start: { line: 2, character: 0 }, end: { line: 4, character: 0 } } } });
    assert.match(lastPrompt(fixture), /^Review this code\.\n\nFile: stats\.js\n```\n3 {5}for .*\n4 {5}return sum \/ xs\.length;\n```$/m);
    assert.deepEqual(
      result.findings.map((f) => [f.range.start.line, f.title]),
      [[3, 'Empty input divides by zero']],
    );
  });

  it('a reply with more findings than a review shows keeps the most serious, wherever the model listed them', async () => {
    const editor = new CompletionTestEditor(client.connection, uri('stats.js'), 'javascript', AFTER);
    await editor.open();
    // Forty style nits, then the one finding that matters.
    const nits = Array.from({ length: 40 }, (_, i) => ({ line: 3, severity: 'style', title: `Nit ${i + 1}` }));
    fixture.enqueue({ kind: 'text', text: JSON.stringify({ findings: [...nits, { line: 4, severity: 'security', title: 'Divides by a length the caller controls' }] }) });
    const result = await client.connection.sendRequest(CodeReviewRequest.type, { selection: { textDocument: { uri: editor.uri }, range: { start: { line: 0, character: 0 }, end: { line: 5, character: 0 } } } });
    assert.equal(result.findings.length, 30);
    assert.equal(result.findings[0].title, 'Divides by a length the caller controls');
    assert.equal(result.dropped, 0, 'nothing pointed outside the review');
    assert.equal(result.beyondLimit, 11);
  });

  it('hands back an answer that is not the JSON asked for, so the user can still read it', async () => {
    fixture.enqueue({ kind: 'text', text: 'Looks good to me! Maybe add tests.' });
    const result = await client.connection.sendRequest(CodeReviewRequest.type, { changes: [{ uri: uri('new.js') }] });
    assert.deepEqual([result.findings, result.unreadable], [[], 'Looks good to me! Maybe add tests.']);
  });

  it('refuses a review with nothing to review, naming what was left out', async () => {
    await assert.rejects(
      client.connection.sendRequest(CodeReviewRequest.type, { changes: [{ uri: pathToFileURL(path.join(outside, 'secret.txt')).toString() }], withheld: [{ path: 'key.pem', reason: 'it has 2 hard links' }] }),
      (err: { data?: { code?: string; message?: string } }) => err.data?.code === 'invalidRequest' && /nothing to review.*key\.pem: it has 2 hard links.*secret\.txt: it is outside the workspace folders/.test(err.data.message ?? ''),
    );
    assert.equal(fixture.requests.filter((r) => r.path === '/api/chat').length, 0, 'no model request');
  });

  it('cancelling a review aborts the model request', async () => {
    fixture.enqueue({ kind: 'hang' });
    const source = new CancellationTokenSource();
    const pending = client.connection.sendRequest(CodeReviewRequest.type, { changes: [{ uri: uri('new.js') }] }, source.token);
    const hanging = await fixture.waitFor((r) => r.path === '/api/chat' && r.outcome === 'pending', 5000);
    source.cancel();
    await fixture.waitFor((r) => r.id === hanging.id && r.outcome === 'aborted', 5000);
    await assert.rejects(pending, (err: { data?: { code?: string } }) => err.data?.code === 'cancelled');
  });
});
