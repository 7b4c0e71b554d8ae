/**
 * A workspace folder where the sandbox hides the user's credentials (the
 * user opened `~/.claude` to edit their agents), through the real language
 * server and real bubblewrap: the credentials stay hidden from commands, and
 * a command there does not run against an empty folder; the model is told why.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ToolResult } from '../../protocol/chat';
import { ChatSendRequest, CommandApprovalRequest, WorkspaceTrustNotification } from '../../protocol/lspMethods';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { startLspTestClient, type LspTestClient } from './lspTestClient';

const MODEL = 'qwen2.5-coder:7b';

describe('a workspace folder inside a folder the sandbox hides (integration)', function () {
  this.timeout(60_000);
  let fixture: OllamaFixture;
  let storage: string;
  let home: string;
  let client: LspTestClient;

  beforeEach(async () => {
    fixture = await startOllamaFixture();
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-hidden-ls-'));
    home = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-hidden-home-')));
    fs.mkdirSync(path.join(home, '.claude', 'agents'), { recursive: true });
    fs.writeFileSync(path.join(home, '.claude', 'agents', 'reviewer.md'), 'Review carefully.\n');
    client = await startLspTestClient({
      storagePath: storage,
      workspace: path.join(home, '.claude'),
      env: { ...process.env, HOME: home },
      settings: { ollama: { host: fixture.url }, chat: { model: MODEL } },
    });
    client.connection.onRequest(CommandApprovalRequest.type, () => ({ decision: 'accept' as const }));
    await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
  });

  afterEach(async () => {
    await client.stop();
    await fixture.close();
    for (const dir of [storage, home]) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('does not run a command there, and says that the folder is hidden from commands', async () => {
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'run_command', arguments: { command: 'ls agents && touch agents/new.md' } }] }, { kind: 'text', text: 'Done.' });
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'List the agents', context: [] } });
    await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
    const result = (client.events.find((e) => e.entryId === started.assistantEntryId && e.event.type === 'toolResult')!.event as { result: ToolResult }).result;
    assert.equal(result.isError, true, result.content);
    assert.match(result.content, /did not run: the workspace folder .*\.claude is .*credentials/);
    assert.doesNotMatch(result.content, /try again/i, 'trying again would not help');
    assert.equal(fs.existsSync(path.join(home, '.claude', 'agents', 'new.md')), false);
  });
});
