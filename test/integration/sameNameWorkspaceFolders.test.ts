/**
 * Two workspace folders with the same name (`~/work/app` and `~/forks/app`),
 * through the real language server: every place that names a file to the
 * model names the folder the way the tools read it back (the second `app` is
 * `app-2`), so a path copied from the repository map reaches the folder the
 * map meant, not the first folder of that name.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ToolResult } from '../../protocol/chat';
import { ChatSendRequest, WorkspaceTrustNotification } from '../../protocol/lspMethods';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { until } from '../fixtures/until';
import { writeTree } from '../fixtures/writeTree';
import { startLspTestClient, type LspTestClient } from './lspTestClient';

const MODEL = 'qwen2.5-coder:7b';

describe('two workspace folders with the same name (integration)', function () {
  this.timeout(60_000);
  let fixture: OllamaFixture;
  let storage: string;
  let parent: string;
  let client: LspTestClient;

  beforeEach(async () => {
    fixture = await startOllamaFixture();
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-samename-ls-'));
    parent = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-samename-')));
    writeTree(path.join(parent, 'work', 'app'), { 'src/alpha.ts': 'export function alphaThing(): number {\n  return 1;\n}\n' });
    writeTree(path.join(parent, 'forks', 'app'), { 'src/beta.ts': 'export function betaThing(): number {\n  return 2;\n}\n' });
    client = await startLspTestClient({ storagePath: storage, workspace: path.join(parent, 'work', 'app'), settings: { ollama: { host: fixture.url }, chat: { model: MODEL } } });
    await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
    const mark = client.indexStatuses.length;
    await client.changeFolders([path.join(parent, 'forks', 'app')], []);
    await until(() => client.indexStatuses.slice(mark).some((s) => s.state === 'ready'), 'the symbol index is ready with both folders', 30_000);
  });

  afterEach(async () => {
    await client.stop();
    await fixture.close();
    for (const dir of [storage, parent]) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('names the second folder in the repository map as the tools read it back', async () => {
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'app-2/src/beta.ts' } }] }, { kind: 'text', text: 'It returns 2.' });
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'What does betaThing return?', context: [] } });
    await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
    const chat = fixture.requests.find((r) => r.path === '/api/chat')!;
    const system = (chat.body.messages as { role: string; content: string }[]).filter((m) => m.role === 'system').map((m) => m.content).join('\n');
    assert.match(system, /app-2\/src\/beta\.ts/, 'the map names the second folder as app-2');
    assert.doesNotMatch(system, /(^|[^-\w])app\/src\/beta\.ts/m, 'the map does not name the file as one of the first app');
    assert.match(system, /(^|[^-\w])app\/src\/alpha\.ts/m);
    const result = client.events.find((e) => e.entryId === started.assistantEntryId && e.event.type === 'toolResult')!.event as { result: ToolResult };
    assert.equal(result.result.isError, false, result.result.content);
    assert.match(result.result.content, /return 2/);
  });
});
