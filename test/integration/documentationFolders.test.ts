/**
 * Documentation folders (hearth.codebaseSearch.documentationFolders) through
 * the real language server: a handbook outside the workspace is searched by
 * codebase_search beside the workspace's code, its passages come back whole,
 * marked as documentation and cited by folder and path, and a symlink in the
 * folder pointing at another file on the machine is not followed.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatSendRequest, SemanticIndexStatusNotification, WorkspaceTrustNotification, type SemanticIndexProgress } from '../../protocol/lspMethods';
import type { ToolResult } from '../../protocol/chat';
import { DEFAULT_MODELS, NOMIC_EMBED_TEXT, startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { until } from '../fixtures/until';
import { startLspTestClient, type LspTestClient } from './lspTestClient';

const MODEL = 'qwen2.5-coder:7b';

describe('documentation folders in codebase search (integration)', function () {
  this.timeout(60_000);
  let fixture: OllamaFixture;
  let tmp: string;
  let client: LspTestClient | undefined;

  before(async () => {
    fixture = await startOllamaFixture({ models: [...DEFAULT_MODELS, NOMIC_EMBED_TEXT] });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-docs-'));
    const write = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
      fs.writeFileSync(path.join(tmp, rel), text);
    };
    write('workspace/src/server.ts', 'export function startServer(port: number) {\n  return listen(port);\n}\n');
    write('handbook/oncall/escalation.md', '# Escalation\n\nPage the secondary on-call engineer after 15 minutes without acknowledgement.\n');
    write('handbook/oncall/tool.py', 'print("escalation secondary on-call engineer")\n');
    write('private/diary.md', 'escalation secondary on-call engineer private diary entry\n');
    fs.symlinkSync(path.join(tmp, 'private', 'diary.md'), path.join(tmp, 'handbook', 'oncall', 'diary.md'));
    const progress: SemanticIndexProgress[] = [];
    client = await startLspTestClient({
      storagePath: path.join(tmp, 'storage'),
      workspace: path.join(tmp, 'workspace'),
      settings: { ollama: { host: fixture.url }, chat: { model: MODEL }, codebaseSearch: { enabled: true, embeddingModel: 'nomic-embed-text', documentationFolders: [path.join(tmp, 'handbook'), 'relative/ignored'] } },
    });
    client.connection.onNotification(SemanticIndexStatusNotification.type, (p) => void progress.push(p));
    await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
    await until(() => progress.some((p) => p.phase === 'ready' || p.phase === 'error'), 'the workspace index is ready', 30_000);
  });

  after(async () => {
    await client?.stop();
    await fixture?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('codebase_search returns the documentation passage, marked and cited by folder and path', async () => {
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'codebase_search', arguments: { query: 'when is the secondary on-call engineer paged' } }] }, { kind: 'text', text: 'After 15 minutes (handbook/oncall/escalation.md).' });
    const started = await client!.connection.sendRequest(ChatSendRequest.type, { input: { text: 'When do we escalate?', context: [] } });
    await client!.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
    const [result] = client!.events.filter((e) => e.entryId === started.assistantEntryId && e.event.type === 'toolResult').map((e) => (e.event as { result: ToolResult }).result);
    assert.equal(result.isError, false, result.content);
    assert.equal(result.content.split('\n')[0], `handbook/oncall/escalation.md:1-3 (documentation, ${path.join(tmp, 'handbook')})`, result.content);
    assert.match(result.content, /after 15 minutes without acknowledgement/, 'the passage is given whole');
    assert.match(result.content, /cite them by their path and lines/);
    assert.doesNotMatch(result.content, /private diary/, 'a symlink out of the folder is not followed');
    assert.doesNotMatch(result.content, /tool\.py/, 'only documentation files are read from a documentation folder');
  });
});
