import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startLspTestClient } from './lspTestClient';
import { chatTurn, useLspSuite } from './lspSuite';
import { until } from '../fixtures/until';
import type { ToolResult, UserInput } from '../../protocol/chat';
import {
  ChatSendRequest,
  ChatStopRequest,
  CommandApprovalRequest,
  EditApprovalRequest,
  SessionExportRequest,
  SessionGetRequest,
  UndoTurnRequest,
  WorkspaceTrustNotification,
  type EditApprovalParams,
  type CommandApprovalParams,
} from '../../protocol/lspMethods';

const MODEL = 'qwen2.5-coder:7b';
const BUGGY = 'export function add(a, b) {\n  return a - b;\n}\n';
const FIXED = 'export function add(a, b) {\n  return a + b;\n}\n';

describe('agent turns through the language server (integration)', function () {
  this.timeout(30_000);
  const suite = useLspSuite('agent');
  let edits: (EditApprovalParams & { receivedAt: number })[];
  let commands: CommandApprovalParams[];

  async function start(editDecision: 'accept' | 'reject' | 'acceptAllForTurn', commandDecision: 'accept' | 'reject' = 'reject', trusted = true) {
    suite.client = await startLspTestClient({ storagePath: suite.storage, workspace: suite.workspace, settings: { ollama: { host: suite.fixture.url }, chat: { model: MODEL } } });
    suite.client.connection.onRequest(EditApprovalRequest.type, (p) => {
      edits.push({ ...p, receivedAt: Date.now() });
      return { decision: editDecision };
    });
    suite.client.connection.onRequest(CommandApprovalRequest.type, (p) => {
      commands.push(p);
      return { decision: commandDecision };
    });
    await suite.client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted });
    return suite.client;
  }

  const turn = (text: string | UserInput, sessionId?: string) => chatTurn(suite.client!, text, { sessionId });

  beforeEach(async () => {
    fs.mkdirSync(path.join(suite.workspace, 'src'));
    fs.writeFileSync(path.join(suite.workspace, 'src', 'math.js'), BUGGY);
    edits = [];
    commands = [];
  });

  it('reads, proposes an edit as a diff, writes it on Accept, and Undo restores the file byte for byte', async () => {
    await start('accept');
    suite.fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'src/math.js' } }] },
      { kind: 'toolCalls', calls: [{ name: 'edit_file', arguments: { path: 'src/math.js', oldText: 'return a - b;', newText: 'return a + b;' } }] },
      { kind: 'text', text: 'Fixed the sign in add().' },
    );
    const { started, done, results } = await turn('Fix the bug in src/math.js');
    assert.equal(done.event.type === 'done' && done.event.reason, 'stop');
    assert.equal(results.length, 2);
    assert.equal(results[0].isError, false);
    assert.match(results[0].content, /return a - b/);
    assert.equal(results[1].isError, false, results[1].content);
    assert.equal(edits.length, 1);
    assert.equal(edits[0].relativePath, 'src/math.js');
    assert.equal(edits[0].oldContent, BUGGY);
    assert.equal(edits[0].newContent, FIXED);
    assert.equal(fs.readFileSync(path.join(suite.workspace, 'src', 'math.js'), 'utf8'), FIXED);

    // The model's tool call was complete when the fixture finished that reply; the diff request followed.
    const editReply = suite.fixture.requests.filter((r) => r.path === '/api/chat')[1];
    const latencyMs = edits[0].receivedAt - editReply.finishedAt!;
    console.log(`      tool call → diff request: ${latencyMs} ms`);
    assert.ok(latencyMs < 2000);

    // The second request to the model carried the tool result back.
    const second = editReply.body.messages as { role: string; content: string }[];
    assert.ok(second.some((m) => m.role === 'tool' && m.content.includes('return a - b')));

    const undo = await suite.client!.connection.sendRequest(UndoTurnRequest.type, { sessionId: started.sessionId, entryId: started.assistantEntryId });
    assert.deepEqual(undo.restored.map((p) => path.basename(p)), ['math.js']);
    assert.equal(fs.readFileSync(path.join(suite.workspace, 'src', 'math.js'), 'utf8'), BUGGY);
  });

  it('runs a read → edit → test → fix transcript with approvals accepted and rejected', async () => {
    fs.writeFileSync(path.join(suite.workspace, 'test.js'), "import('./src/math.js').then(({ add }) => { if (add(2, 3) !== 5) { console.error('add(2, 3) is', add(2, 3)); process.exit(1); } console.log('ok'); });\n");
    fs.writeFileSync(path.join(suite.workspace, 'package.json'), '{ "type": "module" }\n');
    const decisions: ('accept' | 'reject')[] = ['accept', 'reject', 'accept'];
    suite.client = await startLspTestClient({ storagePath: suite.storage, workspace: suite.workspace, settings: { ollama: { host: suite.fixture.url }, chat: { model: MODEL } } });
    suite.client.connection.onRequest(EditApprovalRequest.type, (p) => {
      edits.push({ ...p, receivedAt: Date.now() });
      return { decision: decisions.shift() ?? 'reject' };
    });
    suite.client.connection.onRequest(CommandApprovalRequest.type, (p) => {
      commands.push(p);
      return { decision: 'accept' };
    });
    await suite.client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
    suite.fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'src/math.js' } }] },
      // A wrong fix first: the user accepts it, the test run shows it is wrong.
      { kind: 'toolCalls', calls: [{ name: 'edit_file', arguments: { path: 'src/math.js', oldText: 'return a - b;', newText: 'return a * b;' } }] },
      { kind: 'toolCalls', calls: [{ name: 'run_command', arguments: { command: 'node test.js' } }] },
      // A second wrong attempt, which the user rejects.
      { kind: 'toolCalls', calls: [{ name: 'edit_file', arguments: { path: 'src/math.js', oldText: 'return a * b;', newText: 'return 5;' } }] },
      { kind: 'toolCalls', calls: [{ name: 'edit_file', arguments: { path: 'src/math.js', oldText: 'return a * b;', newText: 'return a + b;' } }] },
      { kind: 'toolCalls', calls: [{ name: 'run_command', arguments: { command: 'node test.js' } }] },
      { kind: 'text', text: 'The tests pass now.' },
    );
    const { started, done, results } = await turn('Fix add() and make the tests pass');
    assert.equal(done.event.type === 'done' && done.event.reason, 'stop');
    assert.deepEqual(results.map((r) => [r.name, r.isError]), [
      ['read_file', false],
      ['edit_file', false],
      ['run_command', false],
      ['edit_file', true],
      ['edit_file', false],
      ['run_command', false],
    ]);
    assert.match(results[2].content, /add\(2, 3\) is 6/, 'the failing run is reported to the model');
    assert.match(results[3].content, /reject/i);
    assert.match(results[5].content, /ok/);
    assert.equal(commands.length, 2, 'each command asked for approval (node is not on the allow-list)');
    assert.equal(fs.readFileSync(path.join(suite.workspace, 'src', 'math.js'), 'utf8'), FIXED);
    // Undo restores the file as it was before the whole turn, across both accepted edits.
    await suite.client!.connection.sendRequest(UndoTurnRequest.type, { sessionId: started.sessionId, entryId: started.assistantEntryId });
    assert.equal(fs.readFileSync(path.join(suite.workspace, 'src', 'math.js'), 'utf8'), BUGGY);
  });

  it('a rejected edit leaves the file alone and tells the model', async () => {
    await start('reject');
    suite.fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'write_file', arguments: { path: 'src/new.js', content: 'console.log(1);\n' } }] },
      { kind: 'text', text: 'Understood, I will not create it.' },
    );
    const { results } = await turn('Create src/new.js');
    assert.equal(edits.length, 1);
    assert.equal(edits[0].oldContent, null);
    assert.equal(results[0].isError, true);
    assert.match(results[0].content, /reject/i);
    assert.equal(fs.existsSync(path.join(suite.workspace, 'src', 'new.js')), false);
  });

  it('asks before running a command that is not allow-listed, and refuses a denied one without asking', async () => {
    await start('reject', 'accept');
    suite.fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'run_command', arguments: { command: 'node -e "console.log(6*7)"' } }] },
      { kind: 'toolCalls', calls: [{ name: 'run_command', arguments: { command: 'ls && curl http://example.invalid' } }] },
      { kind: 'text', text: 'Done.' },
    );
    const { results } = await turn('Compute and then fetch');
    assert.equal(commands.length, 1, 'only the first command needed approval');
    assert.equal(commands[0].command, 'node -e "console.log(6*7)"');
    assert.match(results[0].content, /42/);
    assert.equal(results[1].isError, true);
    assert.match(results[1].content, /curl/);
  });

  it("a command that waits for another chat's command says so in its reply, then how long it waited, and the model is not told", async () => {
    await start('reject', 'accept');
    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'run_command', arguments: { command: 'touch a-started && sleep 3' } }] });
    const first = turn('Run the slow one');
    await until(() => fs.existsSync(path.join(suite.workspace, 'a-started')), 'the first chat\'s command started');
    // The second chat's call comes first in the queue; both replies then end with the same text.
    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'run_command', arguments: { command: 'echo b-ran' } }] }, { kind: 'text', text: 'Done.' }, { kind: 'text', text: 'Done.' });
    const second = await turn('Run the quick one');
    await first;
    assert.match(second.results[0].content, /b-ran/);
    const notes = suite.client!.events.filter((e) => e.entryId === second.started.assistantEntryId && e.event.type === 'status').map((e) => e.event as { message: string; id?: string });
    assert.equal(notes.length, 2, JSON.stringify(notes));
    assert.equal(notes[0].message, 'Waiting for “touch a-started && sleep 3” to finish: Hearth runs one command at a time, across chats, so each is checked against the files it must not change.');
    assert.match(notes[1].message, /^Waited \d+(\.\d)? s for another command to finish\.$/);
    assert.equal(notes[0].id, notes[1].id, 'the note changes in place');
    // What the chat shows after a reload: the one note, saying how long it waited.
    const session = await suite.client!.connection.sendRequest(SessionGetRequest.type, { sessionId: second.started.sessionId });
    const reply = session.entries.find((e) => e.id === second.started.assistantEntryId);
    assert.ok(reply?.kind === 'assistant');
    assert.deepEqual(reply.parts.filter((p) => p.kind === 'status').map((p) => p.kind === 'status' && p.message), [notes[1].message]);
    // The next message of that chat sends its history, without the note.
    suite.fixture.enqueue({ kind: 'text', text: 'Yes.' });
    await turn({ text: 'Did it run?', context: [] }, second.started.sessionId);
    const lastRequest = JSON.stringify(suite.fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!.body);
    assert.match(lastRequest, /Did it run\?/);
    assert.doesNotMatch(lastRequest, /Waited|Waiting for/, 'the note is for the user, not the model');
  });

  it('Stop during a command keeps what it printed: the chat shows it, the next turn\'s model reads it, and the next command runs', async () => {
    await start('reject', 'accept');
    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'run_command', arguments: { command: 'echo half-way; touch long-started; sleep 30' } }] });
    const started = await suite.client!.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Run the long one', context: [] } });
    await until(() => fs.existsSync(path.join(suite.workspace, 'long-started')), 'the command started');
    await suite.client!.connection.sendRequest(ChatStopRequest.type, { sessionId: started.sessionId });
    const done = await suite.client!.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 10_000);
    assert.equal((done.event as { reason: string }).reason, 'cancelled');
    const results = suite.client!.events.filter((e) => e.entryId === started.assistantEntryId && e.event.type === 'toolResult').map((e) => (e.event as { result: ToolResult }).result);
    assert.equal(results.length, 1, 'the stopped command has its result in the chat');
    assert.match(results[0].content, /^The command was cancelled after [\d.]+ s; it and every process it started were stopped\.\nOutput:\nhalf-way\n/);
    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'run_command', arguments: { command: 'echo next-ran' } }] }, { kind: 'text', text: 'Done.' });
    const next = await turn({ text: 'Go on', context: [] }, started.sessionId);
    assert.match(next.results[0].content, /next-ran/, 'the next command runs');
    const chats = suite.fixture.requests.filter((r) => r.path === '/api/chat');
    assert.match(JSON.stringify(chats.at(-2)!.body), /half-way/, "the next turn's model reads what the stopped command printed");
  });

  it('an untrusted workspace gets read-only tools', async () => {
    await start('accept', 'accept', false);
    suite.fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'edit_file', arguments: { path: 'src/math.js', oldText: 'a - b', newText: 'a + b' } }] },
      { kind: 'text', text: 'I cannot edit here.' },
    );
    const { results } = await turn('Fix it');
    assert.equal(edits.length, 0);
    assert.equal(results[0].isError, true);
    assert.match(results[0].content, /no tool named "edit_file"/);
    const offered = (suite.fixture.requests.find((r) => r.path === '/api/chat')!.body.tools as { function: { name: string } }[]).map((t) => t.function.name);
    assert.ok(offered.includes('read_file') && !offered.includes('edit_file') && !offered.includes('run_command'), `offered: ${offered.join(', ')}`);
    assert.equal(fs.readFileSync(path.join(suite.workspace, 'src', 'math.js'), 'utf8'), BUGGY);
  });

  it('keeps tool calls in the durable session and exports it to Markdown', async () => {
    await start('accept');
    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'list_dir', arguments: { path: '.' } }] }, { kind: 'text', text: 'There is a src folder.' });
    const { started } = await turn('What is here?');
    await suite.client!.kill();
    await start('accept');
    const session = await suite.client!.connection.sendRequest(SessionGetRequest.type, { sessionId: started.sessionId });
    const reply = session.entries[1];
    assert.ok(reply.kind === 'assistant');
    const call = reply.parts.find((p) => p.kind === 'toolCall');
    assert.ok(call && call.kind === 'toolCall' && call.call.name === 'list_dir' && call.result?.content.includes('src/'));
    const { markdown } = await suite.client!.connection.sendRequest(SessionExportRequest.type, { sessionId: started.sessionId });
    assert.match(markdown, /## You\s+What is here\?/);
    assert.match(markdown, /Tool `list_dir`/);
    assert.match(markdown, /There is a src folder\./);

    // The resumed session continues with its tool history.
    suite.fixture.enqueue({ kind: 'text', text: 'Yes.' });
    const next = await suite.client!.connection.sendRequest(ChatSendRequest.type, { sessionId: started.sessionId, input: { text: 'Sure?', context: [] } });
    await suite.client!.waitForEvent((e) => e.entryId === next.assistantEntryId && e.event.type === 'done');
    const messages = suite.fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!.body.messages as { role: string; tool_calls?: unknown[] }[];
    assert.ok(messages.some((m) => m.role === 'assistant' && (m.tool_calls?.length ?? 0) > 0));
    assert.ok(messages.some((m) => m.role === 'tool'));
  });
});
