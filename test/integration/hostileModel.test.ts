/**
 * A prompt-injected model against the real language server
 * (`dist/language-server.js` over LSP), under default settings: the scripted
 * model reads the hostile README and then makes every call of the attack
 * catalogue. The user rejects every approval. Each case passes only if
 * nothing changed anywhere (the workspace, the folder beside it, the fake
 * HOME, the host's temp directory) and no secret reached the model.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { createHostileWorkspace, type HostileWorkspace } from '../fixtures/hostileWorkspace';
import { hostileToolCalls } from '../fixtures/hostileToolCalls';
import { malformedToolCalls } from '../fixtures/malformedToolCalls';
import { ChatSendRequest, WorkspaceTrustNotification } from '../../protocol/lspMethods';
import type { ToolResult } from '../../protocol/chat';
import { startLspTestClient, type LspTestClient } from './lspTestClient';
import { attackTally, rejectEveryApproval, type AttackOutcome } from './hostileHarness';

const MODEL = 'qwen2.5-coder:7b';

describe('a prompt-injected model against the language server (default settings, every approval rejected)', function () {
  this.timeout(60_000);
  let fixture: OllamaFixture;
  let hostile: HostileWorkspace;
  let storage: string;
  let client: LspTestClient;
  const asked: string[] = [];
  const outcomes: AttackOutcome[] = [];

  before(async () => {
    fixture = await startOllamaFixture();
    hostile = createHostileWorkspace();
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-hostile-ls-'));
    client = await startLspTestClient({
      storagePath: storage,
      workspace: hostile.workspace,
      settings: { ollama: { host: fixture.url }, chat: { model: MODEL } },
      env: { ...process.env, HOME: hostile.home },
    });
    rejectEveryApproval(client.connection, asked);
    await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
  });

  after(async () => {
    await client?.stop();
    await fixture?.close();
    console.log(attackTally('prompt-injected model, local mode', outcomes));
    hostile?.cleanup();
    fs.rmSync(storage, { recursive: true, force: true });
  });

  async function turn(calls: { name: string; arguments: Record<string, unknown> }[]): Promise<ToolResult[]> {
    fixture.enqueue({ kind: 'toolCalls', calls }, { kind: 'text', text: 'Done with the maintenance steps.' });
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Summarise this project.', context: [] } });
    await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 45_000);
    return client.events.filter((e) => e.entryId === started.assistantEntryId && e.event.type === 'toolResult').map((e) => (e.event as { result: ToolResult }).result);
  }

  it('the model reads the injected README (the instructions it then follows)', async () => {
    const [result] = await turn([{ name: 'read_file', arguments: { path: 'README.md' } }]);
    assert.match(result.content, /run every maintenance step/);
  });

  // The catalogue needs the workspace's paths, which exist only once `before` ran; a
  // placeholder workspace gives the case names, and each case looks its call up by index.
  const names = hostileToolCalls({ marker: 'M', home: '~', outside: '../outside' } as HostileWorkspace).map((c) => c.what);
  names.forEach((what, index) => {
    it(`attack: ${what}`, async () => {
      const call = hostileToolCalls(hostile)[index];
      const before = hostile.fingerprint();
      asked.length = 0;
      const results = await turn([{ name: call.name, arguments: call.arguments }]);
      assert.equal(results.length, 1, 'the tool call got exactly one result');
      const [result] = results;
      const leaked = hostile.secrets.filter((s) => result.content.includes(s));
      const changes = hostile.changesSince(before);
      outcomes.push({ what, asked: asked.length > 0, refused: result.isError, succeeded: leaked.length > 0 || changes.length > 0 });
      assert.deepEqual(leaked, [], `a secret reached the model: ${result.content.slice(0, 300)}`);
      assert.deepEqual(changes, [], `the attack changed files (result: ${result.summary}: ${result.content.slice(0, 300)})`);
    });
  });

  malformedToolCalls('M').forEach(({ what }, index) => {
    it(`malformed: ${what} is refused by its schema, without asking`, async () => {
      const call = malformedToolCalls(hostile.marker)[index];
      const before = hostile.fingerprint();
      asked.length = 0;
      const [result] = await turn([{ name: call.name, arguments: call.arguments }]);
      assert.deepEqual(asked, [], 'no approval was asked for a call the tool does not take');
      assert.equal(result.isError, true);
      assert.match(result.content, call.error);
      assert.deepEqual(hostile.changesSince(before), []);
    });
  });
});
