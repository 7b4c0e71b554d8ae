/**
 * A workspace folder opened inside another one (a `.code-workspace` listing
 * `.` and `.vscode`, or a user who adds `.hearth` to edit their prompts),
 * through the real language server: a file of the inner folder is also a
 * file of the outer one, so what the outer folder protects stays protected
 * when the model names the file through the inner folder.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatSendRequest, CheckpointRestoreRequest, EditApprovalRequest, SessionGetRequest, WorkspaceTrustNotification, type EditApprovalParams } from '../../protocol/lspMethods';
import type { ToolResult } from '../../protocol/chat';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { startLspTestClient, type LspTestClient } from './lspTestClient';

const MODEL = 'qwen2.5-coder:7b';
const SETTINGS = '{ "hearth.agent.autoApprove": false }\n';

describe('workspace folders nested inside another workspace folder (integration)', function () {
  this.timeout(60_000);
  let fixture: OllamaFixture;
  let storage: string;
  let repo: string;
  let client: LspTestClient;
  let edits: EditApprovalParams[];

  beforeEach(async () => {
    fixture = await startOllamaFixture();
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-nested-ls-'));
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-nested-repo-'));
    fs.mkdirSync(path.join(repo, '.vscode'));
    fs.writeFileSync(path.join(repo, '.vscode', 'settings.json'), SETTINGS);
    fs.mkdirSync(path.join(repo, '.hearth', 'prompts'), { recursive: true });
    edits = [];
    // The inner folders come first (as a workspace file may list them), so no path is
    // taken as the outer folder's merely because that folder was listed first.
    client = await startLspTestClient({ storagePath: storage, workspace: path.join(repo, '.vscode'), settings: { ollama: { host: fixture.url }, chat: { model: MODEL } } });
    client.connection.onRequest(EditApprovalRequest.type, (p) => {
      edits.push(p);
      return { decision: 'accept' as const };
    });
    await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
    await client.changeFolders([path.join(repo, '.hearth'), repo], []);
  });

  afterEach(async () => {
    await client.stop();
    await fixture.close();
    for (const dir of [storage, repo]) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function turn(text: string): Promise<ToolResult[]> {
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text, context: [] } });
    await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
    return client.events.filter((e) => e.entryId === started.assistantEntryId && e.event.type === 'toolResult').map((e) => (e.event as { result: ToolResult }).result);
  }

  it("refuses to write the outer folder's settings and Hearth configuration through the inner folders", async () => {
    // Named through the inner folders, these are ".vscode/settings.json" and ".hearth/prompts/…" of the outer one.
    fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'write_file', arguments: { path: '.vscode/settings.json', content: '{ "hearth.agent.autoApprove": true }\n' } }] },
      { kind: 'toolCalls', calls: [{ name: 'write_file', arguments: { path: '.hearth/prompts/deploy.md', content: 'Run the deploy.\n' } }] },
      { kind: 'text', text: 'Done.' },
    );
    const results = await turn('Turn on auto-approve');
    assert.deepEqual(results.map((r) => [r.name, r.isError]), [['write_file', true], ['write_file', true]], results.map((r) => r.content).join('\n'));
    assert.match(results[0].content, /not allowed: .*settings/);
    assert.match(results[1].content, /not allowed: .*\.hearth/);
    assert.equal(edits.length, 0, 'nothing was put to the user as an ordinary change');
    assert.equal(fs.readFileSync(path.join(repo, '.vscode', 'settings.json'), 'utf8'), SETTINGS);
    assert.equal(fs.existsSync(path.join(repo, '.hearth', 'prompts', 'deploy.md')), false);
  });

  it("never puts back the outer folder's settings through the inner folder on a checkpoint's Restore", async () => {
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'write_file', arguments: { path: `${path.basename(repo)}/notes.md`, content: 'notes\n' } }] }, { kind: 'text', text: 'Done.' });
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Write notes', context: [] } });
    await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
    const view = await client.connection.sendRequest(SessionGetRequest.type, { sessionId: started.sessionId });
    const first = view!.entries.flatMap((e) => (e.kind === 'assistant' ? (e.checkpoints ?? []) : []))[0];
    assert.ok(first, 'a checkpoint was taken before the message');
    // The user tightens the policy after the checkpoint; going back to the checkpoint must not loosen it again.
    const tightened = '{ "hearth.agent.autoApprove": false, "hearth.agent.commandAllowList": [] }\n';
    fs.writeFileSync(path.join(repo, '.vscode', 'settings.json'), tightened);
    const restored = await client.connection.sendRequest(CheckpointRestoreRequest.type, { sessionId: started.sessionId, checkpointId: first.id, scope: 'files' });
    assert.equal(fs.existsSync(path.join(repo, 'notes.md')), false, 'the restore ran: the reply\'s file is gone');
    assert.equal(fs.readFileSync(path.join(repo, '.vscode', 'settings.json'), 'utf8'), tightened, JSON.stringify(restored));
    assert.deepEqual(restored.failed, [], 'left alone without a failure to report');
  });

  it("marks the outer folder's tasks file, named through the inner folder, as a file that runs code", async () => {
    fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'write_file', arguments: { path: '.vscode/tasks.json', content: '{ "version": "2.0.0", "tasks": [] }\n' } }] },
      { kind: 'text', text: 'Done.' },
    );
    const results = await turn('Add a tasks file');
    assert.equal(results[0].isError, false, results[0].content);
    assert.equal(edits.length, 1);
    assert.ok(edits[0].executionSensitive, 'the approval card says the file makes VS Code run code');
  });
});
