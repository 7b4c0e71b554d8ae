/**
 * The indexes and workspace MCP servers follow folders added to or removed
 * from the window while Hearth runs (`workspace/didChangeWorkspaceFolders`),
 * through the real language server: an added folder's symbols, code and
 * `.vscode/mcp.json` servers (after the usual trust prompt) reach the agent
 * without a reload, and nothing of a removed folder is answered after the
 * change: no symbol, no repository-map entry, no search hit, no running server.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ToolResult } from '../../protocol/chat';
import { ChatSendRequest, EditApprovalRequest, SemanticIndexStatusNotification, WorkspaceTrustNotification, type SemanticIndexProgress } from '../../protocol/lspMethods';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { isProcessGone } from '../fixtures/processGone';
import { until } from '../fixtures/until';
import { writeTree } from '../fixtures/writeTree';
import { EVERYTHING_SERVER, MODEL, startMcpTestServer, stopAndClean, type McpTestServer } from './mcpHarness';
import { startLspTestClient, type LspTestClient } from './lspTestClient';

describe('indexes and workspace MCP servers follow the window’s folders (integration)', function () {
  this.timeout(60_000);
  let fixture: OllamaFixture;
  let storage: string;
  let first: string;
  let second: string;

  beforeEach(async () => {
    fixture = await startOllamaFixture();
    storage = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-idxfolders-ls-')));
    first = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-idxfolders-a-')));
    second = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-idxfolders-b-')));
  });

  afterEach(async () => {
    await fixture.close();
  });

  describe('the symbol index and codebase search', () => {
    let client: LspTestClient | undefined;
    let semantic: SemanticIndexProgress[];

    beforeEach(async () => {
      writeTree(first, {
        'src/app.ts': "import { appConfig } from './config';\nexport function startApp(): number {\n  return appConfig().port;\n}\n",
        'src/config.ts': 'export function appConfig() {\n  return { port: 8080 };\n}\n',
        'docs/deploy.md': '# Deploying\nThe staging deploy uses the blue-green switch.\n',
      });
      writeTree(second, {
        'lib/widget.ts': "export function renderWidget(): string {\n  return 'widget';\n}\n",
        'lib/page.ts': "import { renderWidget } from './widget';\nexport const page = renderWidget();\n",
        'notes/rollback.md': '# Rolling back\nRolling back a release pulls the emergency lever.\n',
      });
      semantic = [];
      client = await startLspTestClient({
        storagePath: storage,
        workspace: first,
        // Full-text codebase search only: no embedding model to script.
        settings: { ollama: { host: fixture.url }, chat: { model: MODEL }, codebaseSearch: { enabled: true, embeddingModel: '' } },
      });
      client.connection.onRequest(EditApprovalRequest.type, () => ({ decision: 'accept' as const }));
      client.connection.onNotification(SemanticIndexStatusNotification.type, (p) => {
        semantic.push(p);
      });
      await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
      await indexesReady(0, 0);
    });

    afterEach(async () => {
      await client?.stop();
      client = undefined;
      for (const dir of [storage, first, second]) fs.rmSync(dir, { recursive: true, force: true });
    });

    /** Both indexes reported `ready` after the given counts of their notifications (so, after a folder change sent then). */
    async function indexesReady(symbolMark: number, semanticMark: number): Promise<void> {
      const c = client!;
      await until(() => c.indexStatuses.slice(symbolMark).some((s) => s.state === 'ready'), `the symbol index is ready (last: ${JSON.stringify(c.indexStatuses.at(-1))})`, 30_000);
      await until(() => semantic.slice(semanticMark).some((p) => p.phase === 'ready'), `the codebase index is ready (last: ${JSON.stringify(semantic.at(-1))})`, 30_000);
    }

    async function changeFoldersAndWait(added: string[], removed: string[]): Promise<void> {
      const marks = [client!.indexStatuses.length, semantic.length] as const;
      await client!.changeFolders(added, removed);
      await indexesReady(...marks);
    }

    async function toolCall(name: string, args: Record<string, unknown>): Promise<ToolResult> {
      fixture.enqueue({ kind: 'toolCalls', calls: [{ name, arguments: args }] }, { kind: 'text', text: 'Done.' });
      const started = await client!.connection.sendRequest(ChatSendRequest.type, { input: { text: `Use ${name}`, context: [] } });
      await client!.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
      const result = client!.events.find((e) => e.entryId === started.assistantEntryId && e.event.type === 'toolResult');
      assert.ok(result, `the turn ran ${name}`);
      return (result.event as { result: ToolResult }).result;
    }

    /** The system prompt of the model's latest chat request (where the repository map goes). */
    const lastSystemPrompt = () => {
      const chats = fixture.requests.filter((r) => r.path === '/api/chat');
      const messages = chats[chats.length - 1].body.messages as { role: string; content: string }[];
      return messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n');
    };

    it("finds an added folder's symbols and code once it is indexed", async () => {
      const secondName = path.basename(second);
      let result = await toolCall('find_symbol', { name: 'startApp', includeUses: false });
      assert.match(result.content, /src\/app\.ts:2/, 'the first folder is indexed');
      assert.match(lastSystemPrompt(), /src\/app\.ts/, "the first folder's files are in the repository map");

      await changeFoldersAndWait([second], []);
      result = await toolCall('find_symbol', { name: 'renderWidget', includeUses: false });
      assert.match(result.content, new RegExp(`${secondName}/lib/widget\\.ts:1`), `find_symbol finds the added folder's definition: ${result.content}`);
      result = await toolCall('codebase_search', { query: 'emergency lever rolling back' });
      assert.match(result.content.split('\n')[0], new RegExp(`^${secondName}/notes/rollback\\.md:\\d+-\\d+$`), `codebase_search finds the added folder's file: ${result.content}`);
    });

    it('answers nothing of a removed folder from the moment the change arrives, and keeps answering for the others', async () => {
      let result = await toolCall('codebase_search', { query: 'blue-green staging deploy' });
      assert.match(result.content, /docs\/deploy\.md/, 'the first folder is searched');
      assert.match(lastSystemPrompt(), /src\/app\.ts/, "the first folder's files are in the repository map");

      // Asked right after the change, without waiting for any index.
      const marks = [client!.indexStatuses.length, semantic.length] as const;
      await client!.changeFolders([second], [first]);
      result = await toolCall('codebase_search', { query: 'blue-green staging deploy' });
      assert.doesNotMatch(result.content, /deploy\.md|The staging deploy/, `no hit of the removed folder: ${result.content}`);
      assert.doesNotMatch(lastSystemPrompt(), /app\.ts|config\.ts/, 'the repository map names no file of the removed folder');
      result = await toolCall('find_symbol', { name: 'appConfig' });
      assert.doesNotMatch(result.content, /config\.ts|app\.ts/, `no symbol of the removed folder: ${result.content}`);

      await indexesReady(...marks);
      result = await toolCall('codebase_search', { query: 'emergency lever rolling back' });
      assert.match(result.content.split('\n')[0], /^notes\/rollback\.md:\d+-\d+$/, `the remaining folder answers, named as the only folder: ${result.content}`);
      result = await toolCall('find_symbol', { name: 'renderWidget', includeUses: false });
      assert.match(result.content, /^lib\/widget\.ts:1/m, result.content);
    });

    it('indexes a folder added to a window that had none open', async () => {
      await client!.stop();
      client = await startLspTestClient({
        storagePath: storage,
        settings: { ollama: { host: fixture.url }, chat: { model: MODEL }, codebaseSearch: { enabled: true, embeddingModel: '' } },
      });
      semantic = [];
      client.connection.onNotification(SemanticIndexStatusNotification.type, (p) => {
        semantic.push(p);
      });
      await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
      await changeFoldersAndWait([second], []);
      const result = await toolCall('find_symbol', { name: 'renderWidget', includeUses: false });
      assert.match(result.content, /lib\/widget\.ts:1/, result.content);
    });
  });

  describe('workspace MCP servers', () => {
    let hearth: McpTestServer | undefined;

    afterEach(async () => {
      await stopAndClean(hearth, [storage, first, second]);
      hearth = undefined;
    });

    it("offers an added folder's mcp.json server after the trust prompt, and stops it when the folder is removed", async () => {
      const mcpJson = path.join(second, '.vscode', 'mcp.json');
      fs.mkdirSync(path.dirname(mcpJson));
      fs.writeFileSync(
        mcpJson,
        JSON.stringify({ servers: { addedTools: { command: process.execPath, args: [EVERYTHING_SERVER, 'stdio'], env: { PROJECT_ROOT: '${workspaceFolder}' } } } }),
      );
      hearth = await startMcpTestServer({ storagePath: storage, workspace: first, settings: { ollama: { host: fixture.url }, chat: { model: MODEL } } });
      hearth.answerTrust = () => 'trust';
      assert.deepEqual((await hearth.list()).map((s) => s.name), [], 'the first folder declares no server');

      await hearth.client.changeFolders([second], []);
      const info = await hearth.waitForServer('addedTools', (s) => s.state === 'running', 'running after the user trusted it');
      assert.equal(hearth.trustRequests.length, 1, 'the user was asked before it started');
      assert.equal(hearth.trustRequests[0].configPath, mcpJson);
      assert.equal(hearth.trustRequests[0].cwd, second, 'it runs in the folder that declares it');
      assert.ok(info.tools.some((t) => t.name === 'addedTools.get-env'), JSON.stringify(info.tools));
      const pid = info.pid!;

      fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'addedTools.get-env', arguments: {} }] }, { kind: 'text', text: 'Seen.' });
      const { results } = await hearth.turn('Show the server env');
      assert.equal(results[0].isError, false, results[0].content);
      assert.equal((JSON.parse(results[0].content) as Record<string, string>).PROJECT_ROOT, second, '${workspaceFolder} is the added folder');

      await hearth.client.changeFolders([], [second]);
      await until(() => isProcessGone(pid), 'the removed folder’s server process exits', 15_000);
      assert.ok(!(await hearth.list()).some((s) => s.name === 'addedTools'), 'the removed folder’s server is no longer listed');
      fixture.enqueue({ kind: 'text', text: 'Hello.' });
      await hearth.turn('Hi');
      const offered = (fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!.body.tools as { function: { name: string } }[] | undefined)?.map((t) => t.function.name) ?? [];
      assert.ok(!offered.some((n) => n.startsWith('addedTools.')), `its tools are no longer offered: ${offered.join(', ')}`);
    });
  });
});
