import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource, InlineCompletionRequest, InlineCompletionTriggerKind } from 'vscode-languageserver-protocol/node';
import { CompletionStatusNotification, type CompletionStatus } from '../../protocol/lspMethods';
import { startOllamaFixture, type OllamaFixture, type RecordedRequest } from '../fixtures/ollamaFixture';
import { until } from '../fixtures/until';
import { CompletionTestEditor } from './completionTestEditor';
import { startLspTestClient, type LspTestClient } from './lspTestClient';

const CODER = 'qwen2.5-coder:7b';
const SOURCE = ['export function area(width: number, height: number): number {', '  return ', '}', '', 'export const unit = 1;', ''].join('\n');

const isGenerate = (r: RecordedRequest) => r.path === '/api/generate';

describe('inline suggestions over stdio LSP (integration)', function () {
  this.timeout(30_000);
  let fixture: OllamaFixture;
  let storage: string;
  let workspace: string;
  let client: LspTestClient | undefined;
  let statuses: CompletionStatus[];

  beforeEach(async () => {
    fixture = await startOllamaFixture();
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-ls-'));
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-ws-'));
  });

  afterEach(async () => {
    await client?.stop();
    client = undefined;
    await fixture.close();
    fs.rmSync(storage, { recursive: true, force: true });
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  async function start(completion: Record<string, unknown> = {}): Promise<LspTestClient> {
    client = await startLspTestClient({
      storagePath: storage,
      workspace,
      settings: { ollama: { host: fixture.url }, chat: { model: CODER }, completion: { model: CODER, debounceMs: 5, ...completion } },
    });
    statuses = [];
    client.connection.onNotification(CompletionStatusNotification.type, (s) => {
      statuses.push(s);
    });
    return client;
  }

  async function openEditor(text = SOURCE, name = 'src/area.ts', languageId = 'typescript'): Promise<CompletionTestEditor> {
    const uri = pathToFileURL(path.join(workspace, name)).toString();
    const editor = new CompletionTestEditor(client!.connection, uri, languageId, text);
    await editor.open();
    return editor;
  }

  it('shows ghost text from a native fill-in-the-middle model, sending prompt and suffix', async () => {
    await start();
    const editor = await openEditor();
    editor.moveTo('  return ');
    fixture.enqueue({ kind: 'text', text: 'width * height;' });
    const answer = await editor.request();
    assert.equal(answer.text, 'width * height;');
    const generate = fixture.requests.find(isGenerate)!;
    assert.equal(generate.outcome, 'completed');
    assert.equal(generate.body.model, CODER);
    assert.equal(generate.body.raw, undefined);
    assert.ok(generate.body.prompt.endsWith('export function area(width: number, height: number): number {\n  return '), generate.body.prompt);
    assert.ok(generate.body.prompt.startsWith('// Path: src/area.ts\n// Language: typescript\n'), 'the prompt starts with the file path and language header');
    assert.equal(generate.body.suffix, '\n}\n\nexport const unit = 1;\n');
    assert.ok(generate.body.keep_alive, 'keep_alive is set so the model stays loaded');
    assert.ok(generate.body.options.num_predict > 0 && generate.body.options.num_predict <= 400);
  });

  it('writes the family sentinel prompt with raw: true for a code model whose template lacks .Suffix', async () => {
    fixture.setModels([{ name: 'codellama:7b-code', family: 'llama', template: '{{ .Prompt }}', capabilities: ['completion'] }]);
    await start({ model: 'codellama:7b-code' });
    const editor = await openEditor();
    editor.moveTo('  return ');
    fixture.enqueue({ kind: 'text', text: 'width * height; <EOT> junk after the end' });
    const answer = await editor.request();
    assert.equal(answer.text, 'width * height;');
    const generate = fixture.requests.find(isGenerate)!;
    assert.equal(generate.body.raw, true);
    assert.match(generate.body.prompt, /^<PRE> \/\/ Path: src\/area\.ts\n[\s\S]* {2}return {2}<SUF>\n\}\n[\s\S]* <MID>$/);
    assert.ok(generate.body.options.stop.includes('<EOT>'));
  });

  it('refuses a chat-only model once, naming a code model to pull, and never calls /api/generate', async () => {
    await start({ model: 'llama3.2:3b' });
    const editor = await openEditor();
    editor.moveTo('  return ');
    assert.equal((await editor.request()).text, '');
    await until(() => statuses.some((s) => s.state === 'modelUnsupported'), 'a modelUnsupported status');
    assert.equal((await editor.request()).text, '');
    const unsupported = statuses.filter((s) => s.state === 'modelUnsupported');
    assert.equal(unsupported.length, 1, 'the message is published once');
    assert.match(unsupported[0].message!, /ollama pull qwen2\.5-coder:1\.5b/);
    assert.equal(unsupported[0].suggestedModel, 'qwen2.5-coder:1.5b');
    assert.equal(fixture.requests.filter(isGenerate).length, 0);
  });

  it('reports a missing model with the pull command', async () => {
    await start({ model: 'deepseek-coder:1.3b' });
    await openEditor();
    await until(() => statuses.some((s) => s.state === 'modelMissing'), 'a modelMissing status');
    const missing = statuses.find((s) => s.state === 'modelMissing')!;
    assert.match(missing.message!, /ollama pull deepseek-coder:1\.3b/);
  });

  it('reports a model name Ollama cannot parse as invalid, without a pull command for it', async () => {
    // Ollama answers /api/show for such a name with 400 "invalid model name" (routes.go writeModelRefParseError).
    await start({ model: 'deepseek coder' });
    await openEditor();
    await until(() => statuses.some((s) => s.state === 'error'), 'an error status');
    const error = statuses.find((s) => s.state === 'error')!;
    assert.match(error.message!, /^"deepseek coder" is not a valid model name, so Ollama at http:\/\/127\.0\.0\.1:\d+ refused it/);
    assert.match(error.message!, /Pick an installed model, or correct the model name in your Hearth settings\.$/);
    assert.doesNotMatch(error.message!, /ollama pull|hearth\.chat\.model/);
    assert.equal(statuses.some((s) => s.state === 'modelMissing'), false);
    assert.equal(fixture.requests.filter(isGenerate).length, 0);
  });

  it('picks an installed code model when none is configured', async () => {
    await start({ model: '' });
    const editor = await openEditor();
    editor.moveTo('  return ');
    fixture.enqueue({ kind: 'text', text: 'width * height;' });
    assert.equal((await editor.request()).text, 'width * height;');
    assert.equal(fixture.requests.find(isGenerate)!.body.model, CODER);
  });

  it('a new keystroke aborts the in-flight model request', async () => {
    await start();
    const editor = await openEditor();
    editor.moveTo('  return ');
    fixture.enqueue({ kind: 'text', text: 'width * height;', firstTokenDelayMs: 5000 }, { kind: 'text', text: 'idth * height;' });
    const first = editor.request();
    const slow = await fixture.waitFor((r) => isGenerate(r) && r.outcome === 'pending', 5000);
    const { answer: second } = await editor.keystroke('w');
    const aborted = await fixture.waitFor((r) => r.id === slow.id && r.outcome === 'aborted', 5000);
    assert.equal(aborted.outcome, 'aborted');
    assert.equal((await first).text, '', 'the superseded request answers with nothing');
    assert.equal((await second).text, 'idth * height;');
  });

  it('cancelling the LSP request aborts the model request', async () => {
    await start();
    const editor = await openEditor();
    editor.moveTo('  return ');
    fixture.enqueue({ kind: 'hang' });
    const source = new CancellationTokenSource();
    const answer = client!.connection.sendRequest(
      InlineCompletionRequest.type,
      { textDocument: { uri: editor.uri }, position: editor.position, context: { triggerKind: InlineCompletionTriggerKind.Invoked } },
      source.token,
    );
    const hanging = await fixture.waitFor((r) => isGenerate(r) && r.outcome === 'pending', 5000);
    source.cancel();
    await fixture.waitFor((r) => r.id === hanging.id && r.outcome === 'aborted', 5000);
    assert.equal(await answer, null);
  });

  it('reads a model that ignores num_predict no further than a suggestion can be, then hangs up on it', async () => {
    await start();
    const editor = await openEditor();
    // A single-line suggestion from a backend that never sends a line break nor `done`.
    editor.moveTo('  return ');
    fixture.enqueue({ kind: 'endlessTokens', token: 'x' });
    const line = await editor.request();
    assert.match(line.text, /^x+$/);
    assert.ok(line.text.length <= 64 * 32, `the suggestion is bounded (${line.text.length} characters)`);
    await fixture.waitFor((r) => isGenerate(r) && r.reply?.kind === 'endlessTokens' && r.outcome === 'aborted', 5000);
    // A multi-line position, and a backend sending blank lines forever: nothing the block ends at, nothing to show.
    const block = await openEditor('function greet(name: string) {\n  \n}\n', 'src/greet.ts');
    block.moveTo('{\n  ');
    fixture.enqueue({ kind: 'endlessTokens', token: '\n' });
    assert.equal((await block.request()).text, '');
    await until(() => fixture.requests.filter((r) => r.reply?.kind === 'endlessTokens' && r.outcome === 'aborted').length === 2, 'the second endless reply to be hung up on');
    assert.ok(statuses.every((s) => s.state !== 'error'), 'a cut-off answer is not an error');
    await until(() => statuses.at(-1)?.state === 'idle', 'an idle status after the cut-off answers');
  });

  it('serves a position seen before from the cache, without a model request', async () => {
    await start();
    const editor = await openEditor();
    editor.moveTo('  return ');
    fixture.enqueue({ kind: 'text', text: 'width * height;' });
    assert.equal((await editor.request()).text, 'width * height;');
    await editor.insert('x');
    fixture.enqueue({ kind: 'text', text: ' + 1;' });
    assert.equal((await editor.request()).text, ' + 1;');
    const before = fixture.requests.filter(isGenerate).length;
    await editor.backspace();
    const cached = await editor.request();
    assert.equal(cached.text, 'width * height;');
    assert.equal(fixture.requests.filter(isGenerate).length, before, 'no model request for a cached position');
  });

  it('serves the rest of a suggestion from memory when the user types into it', async () => {
    await start();
    const editor = await openEditor();
    editor.moveTo('  return ');
    fixture.enqueue({ kind: 'text', text: 'width * height;' });
    assert.equal((await editor.request()).text, 'width * height;');
    const shownAt = editor.cursor;
    for (const ch of 'width *') {
      const { answer } = await editor.keystroke(ch);
      assert.equal((await answer).text, 'width * height;'.slice(editor.cursor - shownAt));
    }
    assert.equal(fixture.requests.filter(isGenerate).length, 1, 'typing through makes no model request');
  });

  it('shares one model request between identical in-flight requests', async () => {
    await start();
    const editor = await openEditor();
    editor.moveTo('  return ');
    fixture.enqueue({ kind: 'text', text: 'width * height;', firstTokenDelayMs: 100 });
    const [a, b] = await Promise.all([editor.request({ keepPrevious: true }), editor.request({ keepPrevious: true })]);
    assert.equal(a.text, 'width * height;');
    assert.equal(b.text, 'width * height;');
    assert.equal(fixture.requests.filter(isGenerate).length, 1);
  });

  it('debounces: fast typing asks the model once, for the last position', async () => {
    // The debounce is far longer than any gap between these keystrokes can be on a busy
    // machine, so the test asserts the behaviour (one request, for the last position)
    // rather than racing the scheduler with 5 ms gaps against a 40 ms quiet time.
    await start({ debounceMs: 2000 });
    const editor = await openEditor();
    editor.moveTo('  return ');
    fixture.enqueue({ kind: 'text', text: ' * height;' });
    let last: Promise<{ text: string }> | undefined;
    for (const ch of 'width') {
      last = (await editor.keystroke(ch)).answer;
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.equal((await last!).text, ' * height;');
    const generates = fixture.requests.filter(isGenerate);
    assert.equal(generates.length, 1);
    assert.ok(generates[0].body.prompt.endsWith('  return width'));
  });

  it('counts the debounce from the last keystroke: a client that asks after the user paused is not made to wait again', async () => {
    // A long debounce makes the difference plain: waiting it again would take 1.5 s more.
    await start({ debounceMs: 1500 });
    const editor = await openEditor();
    editor.moveTo('  return ');
    await editor.insert('w');
    // The user stops typing; like VS Code, the client asks only once the pause has lasted.
    await new Promise((r) => setTimeout(r, 1600));
    fixture.enqueue({ kind: 'text', text: 'idth * height;' });
    const answer = await editor.request();
    assert.equal(answer.text, 'idth * height;');
    assert.ok(answer.ms < 1000, `answered in ${Math.round(answer.ms)} ms, so the debounce was not run a second time`);
    // While typing continues, the same debounce still holds model requests back until the typing stops.
    // ('x' does not match the suggestion shown, so it cannot be served by typing through it.)
    const typing = await editor.keystroke('x');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(fixture.requests.filter(isGenerate).length, 1, 'no model request within the debounce after a keystroke');
    fixture.enqueue({ kind: 'text', text: ' + 1;' });
    assert.equal((await typing.answer).text, ' + 1;');
    assert.equal(fixture.requests.filter(isGenerate).length, 2);
  });

  it('post-processes: drops text the line already has after the cursor', async () => {
    await start();
    const editor = await openEditor('const total = Math.max();\n', 'src/total.ts');
    editor.moveTo('Math.max(');
    fixture.enqueue({ kind: 'text', text: 'a, b);' });
    assert.equal((await editor.request()).text, 'a, b');
  });

  it('shows nothing when the suggestion only repeats the next line of code', async () => {
    await start();
    const editor = await openEditor('function finish(ok: boolean) {\n  \n  report(ok);\n}\n', 'src/finish.ts');
    editor.moveTo('{\n  ');
    // What a fill-in-the-middle model often writes on a blank line: the line that follows, which Tab would duplicate.
    fixture.enqueue({ kind: 'text', text: 'report(ok);\n}\n' });
    assert.equal((await editor.request()).text, '');
    assert.equal(fixture.requests.filter(isGenerate).length, 1, 'the model was asked');
  });

  it('stops a multi-line suggestion at the end of the block', async () => {
    await start();
    const editor = await openEditor('function greet(name: string) {\n  \n}\n', 'src/greet.ts');
    editor.moveTo('{\n  ');
    fixture.enqueue({ kind: 'text', text: 'const message = `Hello, ${name}`;\n  return message;\n}\n\nfunction other() {\n  return 1;\n}\n' });
    assert.equal((await editor.request()).text, 'const message = `Hello, ${name}`;\n  return message;');
  });

  it('shows the model code from other open workspace files only: not ignored ones, not files outside the workspace (also through a symlink), not unsaved ones', async () => {
    fs.mkdirSync(path.join(workspace, 'src'));
    fs.writeFileSync(path.join(workspace, '.gitignore'), 'secrets.local.ts\n');
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-outside-'));
    try {
      const files: [string, string][] = [
        [path.join(workspace, 'src', 'helpers.ts'), 'export const HELPER_MARK = 1;\n'],
        [path.join(workspace, 'secrets.local.ts'), 'export const IGNORED_TOKEN = "ignored-secret";\n'],
        [path.join(outside, 'creds.ts'), 'export const OUTSIDE_TOKEN = "outside-secret";\n'],
      ];
      await start();
      for (const [file, text] of files) {
        fs.writeFileSync(file, text);
        await new CompletionTestEditor(client!.connection, pathToFileURL(file).toString(), 'typescript', text).open();
      }
      // A symlink in the workspace to a file outside it, and a scratch buffer that was never saved.
      fs.writeFileSync(path.join(outside, 'target.ts'), 'export const LINKED_TOKEN = "linked-secret";\n');
      fs.symlinkSync(path.join(outside, 'target.ts'), path.join(workspace, 'src', 'linked.ts'));
      await new CompletionTestEditor(client!.connection, pathToFileURL(path.join(workspace, 'src', 'linked.ts')).toString(), 'typescript', fs.readFileSync(path.join(outside, 'target.ts'), 'utf8')).open();
      await new CompletionTestEditor(client!.connection, 'untitled:Untitled-1', 'typescript', 'const PASTED_TOKEN = "untitled-secret";\n').open();
      const editor = await openEditor();
      editor.moveTo('  return ');
      fixture.enqueue({ kind: 'text', text: 'width * height;' });
      await editor.request();
      const prompt = fixture.requests.find(isGenerate)!.body.prompt as string;
      assert.ok(prompt.includes('Compare this snippet from src/helpers.ts') && prompt.includes('HELPER_MARK'), prompt);
      for (const secret of ['ignored-secret', 'outside-secret', 'linked-secret', 'untitled-secret']) assert.ok(!prompt.includes(secret), `${secret} reached the model:\n${prompt}`);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('answers promptly beside an open file whose first line is a long run of spaces', async () => {
    await start();
    // A repository file the user merely has open: 300,000 spaces, then one character, where its snippet is taken from.
    const padded = `${' '.repeat(300_000)}x\nexport const PADDED_MARK = 1;\n`;
    fs.mkdirSync(path.join(workspace, 'src'), { recursive: true });
    fs.writeFileSync(path.join(workspace, 'src', 'padded.ts'), padded);
    await openEditor(padded, 'src/padded.ts');
    const editor = await openEditor();
    editor.moveTo('  return ');
    fixture.enqueue({ kind: 'text', text: 'width * height;' });
    // Before, trimming the snippet's trailing whitespace took minutes, during which the language server answered nothing.
    assert.equal((await editor.request()).text, 'width * height;');
  });

  it('keeps answering at the end of a 40 MB minified line without reading the whole line each time', async () => {
    await start();
    const line = 'var a=b+c;'.repeat(4_000_000);
    const editor = await openEditor(line, 'dist/bundle.js', 'javascript');
    const position = { line: 0, character: line.length };
    // Asked for explicitly, a position the model had nothing for is asked again: 100 model requests at the line's end.
    // Reading the whole line (a backward search and a regular expression over it, twice) cost about half a second
    // a request before, so these took longer than the test's 30 s; each now costs what a short line does.
    for (let i = 0; i < 100; i++) {
      fixture.enqueue({ kind: 'text', text: '' });
      const answer = await client!.connection.sendRequest(InlineCompletionRequest.type, {
        textDocument: { uri: editor.uri },
        position,
        context: { triggerKind: InlineCompletionTriggerKind.Invoked },
      });
      assert.equal(answer, null);
    }
    assert.equal(fixture.requests.filter(isGenerate).length, 100);
  });

  it('respects hearth.completion.enabled and disabledLanguages without calling the model', async () => {
    await start({ disabledLanguages: ['markdown'] });
    const notes = await openEditor('# Notes\n\n', 'notes.md', 'markdown');
    notes.moveTo('\n\n');
    assert.equal((await notes.request()).text, '');
    client!.setSettings({ ollama: { host: fixture.url }, completion: { model: CODER, enabled: false } });
    const code = await openEditor();
    code.moveTo('  return ');
    assert.equal((await code.request()).text, '');
    await until(() => statuses.some((s) => s.state === 'disabled'), 'a disabled status');
    assert.equal(fixture.requests.filter(isGenerate).length, 0);
  });

  it('keeps suggestions out of a .env file by default, without asking the model', async () => {
    await start();
    // The model would answer; the file's name alone must keep its text from going there (the team server in team mode).
    fixture.enqueue({ kind: 'text', text: 'sk-live-0000' });
    const env = await openEditor('DATABASE_URL=postgres://app:hunter2@db/app\nAPI_KEY=\n', '.env', 'dotenv');
    env.moveTo('API_KEY=');
    assert.equal((await env.request()).text, '');
    const local = await openEditor('STRIPE_KEY=\n', 'web/.env.local', 'dotenv');
    local.moveTo('STRIPE_KEY=');
    assert.equal((await local.request()).text, '');
    assert.equal(fixture.requests.filter(isGenerate).length, 0);
  });

  it('keeps suggestions out of files a custom hearth.completion.disabledFiles pattern names, and only those', async () => {
    await start({ disabledFiles: ['config/secrets/**'] });
    const secret = await openEditor('export const token = \n', 'config/secrets/tokens.ts');
    secret.moveTo('token = ');
    assert.equal((await secret.request()).text, '');
    assert.equal(fixture.requests.filter(isGenerate).length, 0, 'no model request for the excluded file');
    const code = await openEditor();
    code.moveTo('  return ');
    fixture.enqueue({ kind: 'text', text: 'width * height;' });
    assert.equal((await code.request()).text, 'width * height;');
    assert.equal(fixture.requests.filter(isGenerate).length, 1);
    // Excluding a file later also stops a suggestion the cache still holds for it.
    client!.setSettings({ ollama: { host: fixture.url }, completion: { model: CODER, debounceMs: 5, disabledFiles: ['src/**'] } });
    assert.equal((await code.request()).text, '');
    assert.equal(fixture.requests.filter(isGenerate).length, 1);
  });

  it('never shows the model an excluded file as context for a suggestion in another file', async () => {
    await start({ disabledFiles: ['config/secrets/**'] });
    // Both are saved workspace files of the same language that .gitignore does not exclude: only the pattern keeps one out.
    for (const [name, text] of [
      ['src/helpers.ts', 'export const HELPER_MARK = 1;\n'],
      ['config/secrets/tokens.ts', 'export const API_TOKEN = "excluded-secret";\n'],
    ]) {
      fs.mkdirSync(path.dirname(path.join(workspace, name)), { recursive: true });
      fs.writeFileSync(path.join(workspace, name), text);
      await openEditor(text, name);
    }
    const editor = await openEditor();
    editor.moveTo('  return ');
    fixture.enqueue({ kind: 'text', text: 'width * height;' });
    assert.equal((await editor.request()).text, 'width * height;');
    const prompt = fixture.requests.find(isGenerate)!.body.prompt as string;
    assert.ok(prompt.includes('HELPER_MARK'), `the other open file is still shown:\n${prompt}`);
    assert.ok(!prompt.includes('excluded-secret') && !prompt.includes('config/secrets'), `the excluded file reached the model:\n${prompt}`);
  });

  it('publishes thinking while a model request runs, then idle', async () => {
    // Loaded already (a cold model is reported as loading instead; see below).
    fixture.preload(CODER, 8192);
    await start();
    const editor = await openEditor();
    editor.moveTo('  return ');
    fixture.enqueue({ kind: 'text', text: 'width * height;', firstTokenDelayMs: 200 });
    await editor.request();
    await until(() => statuses.at(-1)?.state === 'idle', 'an idle status after the answer');
    assert.ok(statuses.some((s) => s.state === 'thinking' && s.model === CODER));
  });

  it('says the model is loading while a suggestion waits for a cold load, then idle', async () => {
    await fixture.close();
    // A model that is not loaded: Ollama loads it (here for 1.5 s) before the first byte (server/sched.go).
    fixture = await startOllamaFixture({ loadDelayMs: 1500 });
    await start();
    const editor = await openEditor();
    editor.moveTo('  return ');
    fixture.enqueue({ kind: 'text', text: 'width * height;' });
    const answer = editor.request();
    await until(() => statuses.some((s) => s.state === 'loading'), 'a loading status during the cold load');
    const loading = statuses.find((s) => s.state === 'loading')!;
    assert.equal(loading.model, CODER);
    assert.match(loading.message ?? '', /Loading qwen2\.5-coder:7b/);
    await answer;
    await until(() => statuses.at(-1)?.state === 'idle', 'an idle status after the answer');
  });
});
