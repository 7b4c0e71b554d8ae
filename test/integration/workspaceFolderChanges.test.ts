/**
 * Folders added to or removed from the window while Hearth runs
 * (`workspace/didChangeWorkspaceFolders`), through the real language
 * server: a folder the user adds is one the agent's tools can work in at
 * the next turn (with the same approvals, and Undo), its rules reach the
 * model and its prompt files are slash commands, and a folder the user removes is out of the tools' reach at once.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ChatSendRequest, CommandApprovalRequest, EditApprovalRequest, EditGenerateRequest, SlashCommandsRequest, UndoTurnRequest, WorkspaceTrustNotification, type EditApprovalParams } from '../../protocol/lspMethods';
import type { ToolResult } from '../../protocol/chat';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { CompletionTestEditor } from './completionTestEditor';
import { startLspTestClient, type LspTestClient } from './lspTestClient';

const MODEL = 'qwen2.5-coder:7b';
const NOTES = '# Notes\nThe release is on Friday.\n';

describe('workspace folders added and removed while Hearth runs (integration)', function () {
  this.timeout(60_000);
  let fixture: OllamaFixture;
  let storage: string;
  let first: string;
  let second: string;
  let client: LspTestClient;
  let edits: EditApprovalParams[];
  let commands: number;
  /** What the user does while an approval card is open, before answering it. */
  let whileAsked: (() => Promise<void>) | undefined;

  beforeEach(async () => {
    fixture = await startOllamaFixture();
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-folders-ls-'));
    first = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-folders-a-'));
    second = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-folders-b-'));
    fs.writeFileSync(path.join(first, 'main.js'), 'console.log(1);\n');
    fs.writeFileSync(path.join(second, 'notes.md'), NOTES);
    fs.writeFileSync(path.join(second, 'AGENTS.md'), 'Answer in the voice of the second folder.\n');
    fs.mkdirSync(path.join(second, '.hearth', 'prompts'), { recursive: true });
    fs.writeFileSync(path.join(second, '.hearth', 'prompts', 'release.md'), 'Write the release notes.\n');
    edits = [];
    commands = 0;
    whileAsked = undefined;
    client = await startLspTestClient({ storagePath: storage, workspace: first, settings: { ollama: { host: fixture.url }, chat: { model: MODEL } } });
    client.connection.onRequest(EditApprovalRequest.type, async (p) => {
      edits.push(p);
      await whileAsked?.();
      return { decision: 'accept' as const };
    });
    client.connection.onRequest(CommandApprovalRequest.type, async () => {
      commands++;
      await whileAsked?.();
      return { decision: 'accept' as const };
    });
    await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
  });

  afterEach(async () => {
    await client.stop();
    await fixture.close();
    for (const dir of [storage, first, second]) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function turn(text: string) {
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text, context: [] } });
    await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
    const results = client.events.filter((e) => e.entryId === started.assistantEntryId && e.event.type === 'toolResult').map((e) => (e.event as { result: ToolResult }).result);
    return { started, results };
  }

  const changeFolders = (added: string[], removed: string[]) => client.changeFolders(added, removed);

  /** The system prompt of the model's latest request. */
  const lastSystemPrompt = () => {
    const chats = fixture.requests.filter((r) => r.path === '/api/chat');
    const messages = chats[chats.length - 1].body.messages as { role: string; content: string }[];
    return messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n');
  };

  const slashCommands = async () => (await client.connection.sendRequest(SlashCommandsRequest.type, { query: '' })).commands.map((c) => c.name);

  it('lets the tools work in a folder added to the window, with approval and Undo, and reads its rules and prompt files', async () => {
    const notes = path.join(second, 'notes.md');
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: notes } }] }, { kind: 'text', text: 'I cannot.' });
    const before = await turn('What do the notes say?');
    assert.equal(before.results[0].isError, true, 'a folder not in the window is out of reach');
    assert.match(before.results[0].content, /outside the workspace folders/);

    assert.ok(!(await slashCommands()).includes('release'));
    await changeFolders([second], []);
    assert.ok((await slashCommands()).includes('release'), "the added folder's prompt file is a slash command");
    const named = `${path.basename(second)}/notes.md`;
    fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: named } }] },
      { kind: 'toolCalls', calls: [{ name: 'edit_file', arguments: { path: named, oldText: 'Friday', newText: 'Monday' } }] },
      { kind: 'text', text: 'Moved the release to Monday.' },
    );
    const after = await turn('Move the release to Monday in the notes');
    assert.deepEqual(after.results.map((r) => [r.name, r.isError]), [['read_file', false], ['edit_file', false]], after.results.map((r) => r.content).join('\n'));
    assert.match(after.results[0].content, /The release is on Friday/);
    assert.equal(edits.length, 1, 'the edit in the added folder asked for approval');
    assert.equal(fs.readFileSync(notes, 'utf8'), NOTES.replace('Friday', 'Monday'));
    assert.match(lastSystemPrompt(), /voice of the second folder/, "the added folder's rules reached the model");

    await client.connection.sendRequest(UndoTurnRequest.type, { sessionId: after.started.sessionId, entryId: after.started.assistantEntryId });
    assert.equal(fs.readFileSync(notes, 'utf8'), NOTES, 'Undo restored the file in the added folder');
  });

  it('puts a folder removed from the window out of the tools’ reach at the next turn', async () => {
    await changeFolders([second], [first]);
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: path.join(first, 'main.js') } }] }, { kind: 'text', text: 'Gone.' });
    const { results } = await turn('Show main.js');
    assert.equal(results[0].isError, true);
    assert.match(results[0].content, /outside the workspace folders/);
  });

  it('puts a folder removed while a turn runs out of its reach at once, also for a change the user approves after removing it', async () => {
    await changeFolders([second], []);
    const notes = path.join(second, 'notes.md');
    const named = `${path.basename(second)}/notes.md`;
    // The user removes the folder while the card is open, then clicks Accept out of habit.
    // The notification reaches the server before the answer (one stream, in order).
    whileAsked = () => changeFolders([], [second]);
    fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'edit_file', arguments: { path: named, oldText: 'Friday', newText: 'Monday' } }] },
      { kind: 'toolCalls', calls: [{ name: 'write_file', arguments: { path: path.join(second, 'later.md'), content: 'written after removal\n' } }] },
      { kind: 'text', text: 'Done.' },
    );
    const { results } = await turn('Move the release to Monday');
    assert.deepEqual(results.map((r) => [r.name, r.isError]), [['edit_file', true], ['write_file', true]], results.map((r) => r.content).join('\n'));
    assert.match(results[0].content, /removed from the workspace/);
    assert.match(results[1].content, /outside the workspace folders/);
    assert.equal(edits.length, 1, 'the later write was refused without a card');
    assert.equal(fs.readFileSync(notes, 'utf8'), NOTES, 'the removed folder was not written to');
    assert.equal(fs.existsSync(path.join(second, 'later.md')), false);
  });

  it('does not run an approved command with a folder removed while it waited bound writable', async () => {
    await changeFolders([second], []);
    const made = path.join(second, 'made-by-command.txt');
    whileAsked = () => changeFolders([], [second]);
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'run_command', arguments: { command: `touch '${made}'` } }] }, { kind: 'text', text: 'Done.' });
    const { results } = await turn('Touch a file in the second folder');
    assert.equal(commands, 1, 'the command asked for approval');
    assert.equal(results[0].isError, true, results[0].content);
    assert.match(results[0].content, /removed from the workspace while the command waited/);
    assert.equal(fs.existsSync(made), false, 'nothing ran with the removed folder writable');
  });

  it('leaves a removed folder alone on Undo, and undoes the change there once the folder is added again', async () => {
    await changeFolders([second], []);
    const notes = path.join(second, 'notes.md');
    const named = `${path.basename(second)}/notes.md`;
    fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'edit_file', arguments: { path: named, oldText: 'Friday', newText: 'Monday' } }] },
      { kind: 'toolCalls', calls: [{ name: 'write_file', arguments: { path: 'main.js', content: 'console.log(2);\n' } }] },
      { kind: 'text', text: 'Done.' },
    );
    const { started, results } = await turn('Move the release to Monday and log 2');
    assert.deepEqual(results.map((r) => r.isError), [false, false], results.map((r) => r.content).join('\n'));
    const edited = NOTES.replace('Friday', 'Monday');
    assert.equal(fs.readFileSync(notes, 'utf8'), edited);

    await changeFolders([], [second]);
    const undo = () => client.connection.sendRequest(UndoTurnRequest.type, { sessionId: started.sessionId, entryId: started.assistantEntryId });
    await assert.rejects(undo(), /no longer open in the window/);
    assert.equal(fs.readFileSync(notes, 'utf8'), edited, 'the removed folder was not touched');
    assert.equal(fs.readFileSync(path.join(first, 'main.js'), 'utf8'), 'console.log(1);\n', 'the open folder was undone');

    await changeFolders([second], []);
    await undo();
    assert.equal(fs.readFileSync(notes, 'utf8'), NOTES, 'added again, its change is undone');
  });

  it("names a file of an added folder to the model by its path in that folder, as for the window's first folder", async () => {
    fs.mkdirSync(path.join(second, 'lib'));
    const source = 'export function twice(x) {\n  return x * 2;\n}\n';
    fs.writeFileSync(path.join(second, 'lib', 'util.js'), source);
    await changeFolders([second], []);
    const editor = new CompletionTestEditor(client.connection, pathToFileURL(path.join(second, 'lib', 'util.js')).toString(), 'javascript', source);
    await editor.open();
    fixture.enqueue({ kind: 'text', text: '```js\n/** Doubles x. */\nexport function twice(x) {\n```\n' });
    await client.connection.sendRequest(EditGenerateRequest.type, { textDocument: { uri: editor.uri }, range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, kind: 'document' });
    const chat = fixture.requests.find((r) => r.path === '/api/chat')!;
    assert.match(JSON.stringify(chat.body.messages), /lib\/util\.js/);
  });
});
