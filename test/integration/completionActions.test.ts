import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource, CodeActionKind, CodeActionRequest, DiagnosticSeverity, type CodeAction, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { CommitMessageRequest, EditGenerateRequest, HearthActionCommands } from '../../protocol/lspMethods';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { CompletionTestEditor } from './completionTestEditor';
import { startLspTestClient, type LspTestClient } from './lspTestClient';

const MODEL = 'qwen2.5-coder:7b';
const SOURCE = ['class Shape {', '  area(w: number, h: number) {', '    return w * hh;', '  }', '}', ''].join('\n');

describe('editor actions and code actions over stdio LSP (integration)', function () {
  this.timeout(30_000);
  let fixture: OllamaFixture;
  let storage: string;
  let workspace: string;
  let client: LspTestClient;
  let editor: CompletionTestEditor;

  beforeEach(async () => {
    fixture = await startOllamaFixture();
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-ls-'));
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-ws-'));
    client = await startLspTestClient({ storagePath: storage, workspace, settings: { ollama: { host: fixture.url }, chat: { model: MODEL }, completion: { model: MODEL } } });
    editor = new CompletionTestEditor(client.connection, pathToFileURL(path.join(workspace, 'shape.ts')).toString(), 'typescript', SOURCE);
    await editor.open();
  });

  afterEach(async () => {
    await client.stop();
    await fixture.close();
    fs.rmSync(storage, { recursive: true, force: true });
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  const problem: Diagnostic = {
    range: { start: { line: 2, character: 15 }, end: { line: 2, character: 17 } },
    message: "Cannot find name 'hh'.",
    severity: DiagnosticSeverity.Error,
    source: 'ts',
    code: 2304,
  };

  it('offers "Fix with Hearth" on diagnostics and "Explain with Hearth" on a selection', async () => {
    const atProblem = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: editor.uri },
      range: problem.range,
      context: { diagnostics: [problem] },
    })) as CodeAction[];
    assert.deepEqual(
      atProblem.map((a) => [a.title, a.kind, a.command?.command]),
      [
        ['Fix with Hearth', CodeActionKind.QuickFix, HearthActionCommands.fix],
        ['Explain with Hearth', undefined, HearthActionCommands.explainSelection],
      ],
    );
    assert.deepEqual(atProblem[0].command?.arguments, [{ uri: editor.uri, range: problem.range, diagnostics: [problem] }]);

    const atCursor = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: editor.uri },
      range: { start: { line: 1, character: 2 }, end: { line: 1, character: 2 } },
      context: { diagnostics: [] },
    })) as CodeAction[];
    assert.deepEqual(atCursor, [], 'no actions without problems or a selection');

    const onSave = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: editor.uri },
      range: problem.range,
      context: { diagnostics: [problem], only: [CodeActionKind.SourceOrganizeImports] },
    })) as CodeAction[];
    assert.deepEqual(onSave, [], 'requests filtered to other kinds get nothing');
  });

  it('generates a fix for the diagnostics as replacement text at the original indentation', async () => {
    fixture.enqueue({ kind: 'text', text: 'Here is the fix:\n```ts\nreturn w * h;\n```\n' });
    const range = { start: { line: 2, character: 0 }, end: { line: 3, character: 0 } };
    const result = await client.connection.sendRequest(EditGenerateRequest.type, { textDocument: { uri: editor.uri }, range, kind: 'fix', diagnostics: [problem] });
    assert.equal(result.newText, '    return w * h;\n');
    assert.deepEqual(result.range, range);
    assert.equal(result.model, MODEL);
    const chat = fixture.requests.find((r) => r.path === '/api/chat')!;
    const prompt = JSON.stringify(chat.body.messages);
    assert.match(prompt, /Cannot find name 'hh'/);
    assert.match(prompt, /return w \* hh;/);
  });

  it('Write Tests neither reads nor targets a test file the repository links out of the workspace', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-outside-'));
    try {
      fs.writeFileSync(path.join(outside, 'secret.txt'), 'OUTSIDE_TOKEN=do-not-send\n');
      const range = { start: { line: 0, character: 0 }, end: { line: 5, character: 0 } };
      const writeTests = () => client.connection.sendRequest(EditGenerateRequest.type, { textDocument: { uri: editor.uri }, range, kind: 'tests' });
      // shape.test.ts is where the tests of shape.ts go (beside it): a link to a file outside, then a dangling one.
      fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(workspace, 'shape.test.ts'));
      fixture.enqueue({ kind: 'text', text: '```ts\nit("works", () => {});\n```\n' });
      const refusal = await writeTests().then(() => undefined, (err: Error) => err);
      assert.ok(!fixture.requests.some((r) => String(JSON.stringify(r.body)).includes('do-not-send')), 'the linked file reached the model');
      assert.match(String(refusal?.message), /shape\.test\.ts.*outside the workspace/s);
      fs.rmSync(path.join(workspace, 'shape.test.ts'));
      fs.symlinkSync(path.join(outside, 'created-through-the-link.ts'), path.join(workspace, 'shape.test.ts'));
      await assert.rejects(writeTests(), /shape\.test\.ts.*symlink/s);
      // A real test file in the workspace is still read and named as the place for the tests.
      fs.rmSync(path.join(workspace, 'shape.test.ts'));
      fs.writeFileSync(path.join(workspace, 'shape.test.ts'), 'it("exists", () => {});\n');
      fixture.enqueue({ kind: 'text', text: '```ts\nit("works", () => {});\n```\n' });
      const result = await writeTests();
      assert.equal(result.testFile?.relativePath, 'shape.test.ts');
      assert.equal(result.testFile?.exists, true);
      assert.match(JSON.stringify(fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!.body.messages), /it\(\\"exists\\"/);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('refuses an answer cut off at the length limit instead of offering half the code, or half a commit message', async () => {
    const range = { start: { line: 1, character: 0 }, end: { line: 4, character: 0 } };
    // The model ran out of room mid-statement: the fence never closes and the method never ends.
    fixture.enqueue({ kind: 'text', text: '```ts\n  area(w: number, h: number) {\n    retu', doneReason: 'length' });
    const cutOff = (err: { message: string; data?: { code?: string; retryable?: boolean } }) =>
      /cut off before it finished, so Hearth did not use it/.test(err.message) && err.data?.code === 'modelError' && err.data.retryable === true;
    await assert.rejects(client.connection.sendRequest(EditGenerateRequest.type, { textDocument: { uri: editor.uri }, range, kind: 'refactor', instruction: 'simplify' }), cutOff);
    fixture.enqueue({ kind: 'text', text: 'Fix the area calcul', doneReason: 'length' });
    await assert.rejects(client.connection.sendRequest(CommitMessageRequest.type, { diff: 'diff --git a/shape.ts b/shape.ts\n+    return w * h;\n' }), cutOff);
  });

  it('a connection dropped mid-answer says the action used nothing, not the chat\'s "partial answer is kept; press Retry"', async () => {
    const range = { start: { line: 1, character: 0 }, end: { line: 4, character: 0 } };
    fixture.enqueue({ kind: 'drop', text: '```ts\n  area(w: number, h: number) {\n    return w * h;\n  }\n```\n', afterTokens: 4 });
    await assert.rejects(client.connection.sendRequest(EditGenerateRequest.type, { textDocument: { uri: editor.uri }, range, kind: 'refactor', instruction: 'simplify' }), (err: { message: string; data?: { code?: string; retryable?: boolean } }) => {
      assert.equal(err.data?.code, 'connectionDropped');
      assert.match(err.message, /closed before .* finished answering .*Nothing of the answer was used; run the action again\./);
      assert.doesNotMatch(err.message, /partial answer is kept|press Retry/);
      return true;
    });
  });

  it('cancelling an edit request aborts the model request', async () => {
    fixture.enqueue({ kind: 'hang' });
    const source = new CancellationTokenSource();
    const range = { start: { line: 1, character: 0 }, end: { line: 4, character: 0 } };
    const pending = client.connection.sendRequest(EditGenerateRequest.type, { textDocument: { uri: editor.uri }, range, kind: 'document' }, source.token);
    const hanging = await fixture.waitFor((r) => r.path === '/api/chat' && r.outcome === 'pending', 5000);
    source.cancel();
    await fixture.waitFor((r) => r.id === hanging.id && r.outcome === 'aborted', 5000);
    await assert.rejects(pending, (err: { data?: { code?: string } }) => err.data?.code === 'cancelled');
  });

  it('writes a commit message for a staged diff', async () => {
    fixture.enqueue({ kind: 'text', text: '```\nFix the area calculation\n\nUse h instead of the undefined hh.\n```' });
    const diff = 'diff --git a/shape.ts b/shape.ts\n--- a/shape.ts\n+++ b/shape.ts\n@@ -3 +3 @@\n-    return w * hh;\n+    return w * h;\n';
    const result = await client.connection.sendRequest(CommitMessageRequest.type, { diff });
    assert.equal(result.message, 'Fix the area calculation\n\nUse h instead of the undefined hh.');
    const chat = fixture.requests.find((r) => r.path === '/api/chat')!;
    assert.match(JSON.stringify(chat.body.messages), /return w \* h;/);
  });

  it('describes a commit of thousands of files from a prompt that still fits the model\u2019s context', async () => {
    // Vendoring a dependency: 20,000 new files. Listing every one after the cut diff made a prompt of about a megabyte, which the model cut from the front: the diff itself was lost.
    const file = (i: number) => `diff --git a/vendor/some-library/src/module-${i}.js b/vendor/some-library/src/module-${i}.js\nnew file mode 100644\n--- /dev/null\n+++ b/vendor/some-library/src/module-${i}.js\n@@ -0,0 +1 @@\n+export const v${i} = ${i};\n`;
    const diff = Array.from({ length: 20_000 }, (_, i) => file(i)).join('');
    fixture.enqueue({ kind: 'text', text: 'Vendor some-library' });
    const result = await client.connection.sendRequest(CommitMessageRequest.type, { diff });
    assert.equal(result.message, 'Vendor some-library');
    const prompt = (fixture.requests.find((r) => r.path === '/api/chat')!.body.messages as { role: string; content: string }[]).at(-1)!.content;
    assert.ok(prompt.length < 20_000, `the prompt is ${prompt.length} characters`);
    assert.match(prompt, /export const v0 = 0;/, 'the diff itself is there');
    assert.match(prompt, /vendor\/some-library\/src\/module-\d+\.js, /, 'some of the other files are named');
    assert.match(prompt, /and 19,\d{3} more files\./, 'the rest are counted');
  });

  it('keeps escape sequences and hidden characters out of the commit message, which git log prints raw', async () => {
    // A hyperlink to another site over the summary, a screen clear, a carriage return that hides what came before it, a NUL and a right-to-left override.
    fixture.enqueue({ kind: 'text', text: 'Fix the \u001b]8;;https://attacker.example\u0007area\u001b]8;;\u0007 calculation\u001b[2J\n\nUse h\rinstead of hh.\u0000 \u202eTODO' });
    const result = await client.connection.sendRequest(CommitMessageRequest.type, { diff: 'diff --git a/shape.ts b/shape.ts\n+    return w * h;\n' });
    assert.equal(result.message, 'Fix the area calculation\n\nUse h\ninstead of hh. TODO');
  });

  it('refuses an empty staged diff with a message saying what to do', async () => {
    await assert.rejects(client.connection.sendRequest(CommitMessageRequest.type, { diff: '' }), (err: { message: string }) => /Nothing is staged/.test(err.message));
  });
});
