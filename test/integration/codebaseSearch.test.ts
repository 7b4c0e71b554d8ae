/**
 * Codebase search through the real language server: it indexes a fixture
 * repository with embeddings from the scripted Ollama's /api/embed, the
 * agent's codebase_search returns the file that answers, `@codebase` attaches
 * results to the message, a changed file is found after the watcher reports
 * it, and without the embedding model the user is told what to do while
 * full-text search still answers.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DidChangeWatchedFilesNotification } from 'vscode-languageserver-protocol/node';
import { ChatReferenceRequest, ChatSendRequest, SessionGetRequest, SemanticIndexStatusNotification, WorkspaceTrustNotification, type SemanticIndexProgress } from '../../protocol/lspMethods';
import type { ToolResult } from '../../protocol/chat';
import { DEFAULT_MODELS, NOMIC_EMBED_TEXT, startOllamaFixture } from '../fixtures/ollamaFixture';
import { until } from '../fixtures/until';
import { INDEX_FORMAT } from '../../agent-host/search/indexStore';
import { indexDirFor } from '../../language-server/semanticSearch/folderIndex';
import { startLspTestClient, type LspTestClient } from './lspTestClient';
import { chatTurn, useLspSuite } from './lspSuite';

const MODEL = 'qwen2.5-coder:7b';

const REPO: Record<string, string> = {
  'src/auth/verifyToken.ts':
    "import { createVerify } from 'node:crypto';\n\n/** Checks the JWT signature of an access token with the server's public key. */\nexport function verifyAccessToken(jwt: string, publicKey: string): boolean {\n  const [header, payload, signature] = jwt.split('.');\n  return createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(publicKey, signature, 'base64url');\n}\n",
  'src/store/sessionStore.ts':
    "import * as fs from 'node:fs';\n\n/** Chat sessions are appended to a JSONL file per session, so a crash loses nothing. */\nexport class SessionStore {\n  append(sessionId: string, entry: object): void {\n    fs.appendFileSync(`${sessionId}.jsonl`, JSON.stringify(entry) + '\\n');\n  }\n}\n",
  'src/ui/statusBar.ts': 'export function showStatus(text: string): void {\n  console.log(`[status] ${text}`);\n}\n',
  'docs/setup.md': '# Setup\n\nInstall Ollama and pull a model.\n\n## Proxy\n\nBehind a corporate proxy, set HTTPS_PROXY before starting.\n',
  'generated/secret.ts': 'export const apiKeyRotation = "the JWT signature verification lives here too";\n',
  '.gitignore': 'generated/\n',
};

describe('codebase search through the language server (integration)', function () {
  this.timeout(60_000);
  const suite = useLspSuite('cbs', { fixture: { models: [...DEFAULT_MODELS, NOMIC_EMBED_TEXT] } });
  let progress: SemanticIndexProgress[];

  async function start(settings: Record<string, unknown> = {}) {
    suite.client = await startLspTestClient({
      storagePath: suite.storage,
      workspace: suite.workspace,
      settings: { ollama: { host: suite.fixture.url }, chat: { model: MODEL }, codebaseSearch: { enabled: true, embeddingModel: 'nomic-embed-text' }, ...settings },
    });
    suite.client.connection.onNotification(SemanticIndexStatusNotification.type, (p) => {
      progress.push(p);
    });
    await suite.client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
    await until(() => progress.some((p) => p.phase === 'ready' || p.phase === 'error' || p.phase === 'off'), 'the index is ready', 30_000);
    return suite.client;
  }

  const turn = async (text: string, context: { kind: 'mention'; path: string }[] = []) => (await chatTurn(suite.client!, { text, context })).results;

  beforeEach(async () => {
    for (const [rel, text] of Object.entries(REPO)) {
      fs.mkdirSync(path.dirname(path.join(suite.workspace, rel)), { recursive: true });
      fs.writeFileSync(path.join(suite.workspace, rel), text);
    }
    progress = [];
  });

  it('indexes with /api/embed and codebase_search returns the file that answers, never an ignored one', async () => {
    await start();
    const ready = progress.find((p) => p.phase === 'ready')!;
    assert.match(ready.message ?? '', /Indexed 4 files/);
    assert.ok(progress.some((p) => p.phase === 'indexing' && p.total === 4), 'progress counted the files');

    const embeds = suite.fixture.requests.filter((r) => r.path === '/api/embed');
    assert.ok(embeds.length >= 1);
    assert.equal(embeds[0].body.model, 'nomic-embed-text');
    assert.equal(embeds[0].outcome, 'completed');
    const embedded = embeds.flatMap((r) => r.body.input as string[]);
    assert.ok(embedded.some((t) => t.startsWith('search_document: src/auth/verifyToken.ts')), 'documents carry the nomic task prefix and their path');
    assert.ok(!embedded.some((t) => t.includes('apiKeyRotation')), 'the .gitignore\'d file was never sent to the model');
    assert.ok(fs.readdirSync(suite.workspace).every((n) => !n.includes('index')), 'nothing was written into the workspace');

    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'codebase_search', arguments: { query: 'where is the JWT signature of an access token verified' } }] }, { kind: 'text', text: 'In verifyToken.ts.' });
    const [result] = await turn('Where do we verify tokens?');
    assert.equal(result.isError, false, result.content);
    assert.match(result.content.split('\n')[0], /^src\/auth\/verifyToken\.ts:\d+-\d+$/);
    assert.ok(!result.content.includes('generated/'), result.content);
    assert.doesNotMatch(result.summary ?? '', /full-text/);
    const query = suite.fixture.requests.filter((r) => r.path === '/api/embed').at(-1)!;
    assert.deepEqual(query.body.input, ['search_query: where is the JWT signature of an access token verified']);
    const chat = suite.fixture.requests.find((r) => r.path === '/api/chat')!;
    assert.ok((chat.body.tools as { function: { name: string } }[]).some((t) => t.function.name === 'codebase_search'), 'the tool is offered to the model');
  });

  it('a file holding a private key is never sent to the embedding model nor found by search', async () => {
    // A cloud service-account key as it is downloaded: JSON, so an indexable file, with the key inside.
    const key = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7leakedServiceAccountKey';
    fs.mkdirSync(path.join(suite.workspace, 'deploy'), { recursive: true });
    fs.writeFileSync(
      path.join(suite.workspace, 'deploy/service-account.json'),
      `${JSON.stringify({ type: 'service_account', project_id: 'billing-prod', private_key: `-----BEGIN PRIVATE KEY-----\n${key}\n-----END PRIVATE KEY-----\n`, client_email: 'deployer@billing-prod.iam.gserviceaccount.com' }, null, 2)}\n`,
    );
    await start();
    const ready = progress.find((p) => p.phase === 'ready')!;
    assert.match(ready.message ?? '', /Indexed 4 files .*1 skipped \(.*private key/);
    const embedded = suite.fixture.requests.filter((r) => r.path === '/api/embed').flatMap((r) => r.body.input as string[]);
    assert.ok(embedded.length > 0 && !embedded.some((t) => t.includes(key) || t.includes('service-account')), 'the key was never sent to the embedding model');

    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'codebase_search', arguments: { query: 'service account private key of billing-prod deployer' } }] }, { kind: 'text', text: 'None.' });
    const [result] = await turn('Which service account deploys billing?');
    assert.ok(!result.content.includes(key) && !result.content.includes('service-account.json'), result.content);
  });

  it('secrets files with an indexed extension (an OAuth credentials.json, a .env.production.yaml) are never sent to the embedding model nor found', async () => {
    // Where Google's quickstarts say to save the OAuth client, and an env file in YAML: neither is .gitignore'd here.
    fs.writeFileSync(path.join(suite.workspace, 'credentials.json'), `${JSON.stringify({ installed: { client_id: 'billing-reports.apps.example.com', client_secret: 'GOCSPX-clientSecretValue' } })}\n`);
    fs.writeFileSync(path.join(suite.workspace, '.env.production.yaml'), 'BILLING_REPORTS_TOKEN: envSecretTokenValue\n');
    await start();
    assert.match(progress.find((p) => p.phase === 'ready')?.message ?? '', /Indexed 4 files/);
    const embedded = suite.fixture.requests.filter((r) => r.path === '/api/embed').flatMap((r) => r.body.input as string[]);
    assert.ok(embedded.length > 0 && !embedded.some((t) => t.includes('clientSecretValue') || t.includes('envSecretTokenValue')), 'no secret was sent to the embedding model');

    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'codebase_search', arguments: { query: 'billing reports client secret token' } }] }, { kind: 'text', text: 'None.' });
    const [result] = await turn('Which token do billing reports use?');
    assert.ok(!result.content.includes('SecretValue') && !result.content.includes('envSecretTokenValue'), result.content);
  });

  it('an index on disk with a damaged record, or one naming a path outside the folder, is read past and answers only from the workspace', async () => {
    const dir = indexDirFor(suite.storage, fs.realpathSync(suite.workspace));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'header.json'), JSON.stringify({ format: INDEX_FORMAT, root: suite.workspace, model: 'nomic-embed-text', dimension: 0, generation: 1 }));
    const forged = { t: 'put', path: '../../etc/shadow', mtimeMs: 1, size: 1, v: -1, chunks: [[1, 1, 'root:forgedShadowHash:19000:0:99999:7:::']] };
    const damaged = { t: 'put', path: 'src/ui/statusBar.ts', mtimeMs: 1, size: 1, v: -1, chunks: null };
    fs.writeFileSync(path.join(dir, 'log-1.jsonl'), `${JSON.stringify(forged)}\n${JSON.stringify(damaged)}\n`);
    await start();
    const last = progress.at(-1)!;
    assert.equal(last.phase, 'ready', JSON.stringify(last));
    assert.match(last.message ?? '', /Indexed 4 files/);

    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'codebase_search', arguments: { query: 'forgedShadowHash root shadow status' } }] }, { kind: 'text', text: 'ok' });
    const [result] = await turn('Where is the shadow hash?');
    assert.equal(result.isError, false, result.content);
    assert.ok(!result.content.includes('forgedShadowHash') && !result.content.includes('etc/shadow'), result.content);
  });

  it('@codebase attaches the best chunks for the message, read from the files', async () => {
    await start();
    suite.fixture.enqueue({ kind: 'text', text: 'They are appended to JSONL files.' });
    await turn('@codebase how are chat sessions stored after a crash?', [{ kind: 'mention', path: 'codebase' }]);
    const chat = suite.fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!;
    const user = (chat.body.messages as { role: string; content: string }[]).filter((m) => m.role === 'user').at(-1)!;
    assert.match(user.content, /Codebase search results for: how are chat sessions stored after a crash\?/);
    assert.match(user.content, /src\/store\/sessionStore\.ts:\d+-\d+\n```\n[\s\S]*appendFileSync/);
  });

  it('@codebase lists what it attached under the message, and each reference opens only its own file inside the workspace', async () => {
    await start();
    suite.fixture.enqueue({ kind: 'text', text: 'They are appended to JSONL files.' });
    // A message cannot bring its own references: only what the search found is listed.
    const forged = { kind: 'mention' as const, path: 'codebase', references: [{ path: '../../etc/passwd', startLine: 1, endLine: 1 }] };
    const started = await suite.client!.connection.sendRequest(ChatSendRequest.type, { input: { text: '@codebase how are chat sessions stored after a crash?', context: [forged] } });
    await suite.client!.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
    const listed = started.references?.find((r) => r.context === 0)?.references ?? [];
    assert.ok(listed.length > 0 && listed.every((r) => !r.path.includes('..')), JSON.stringify(listed));
    const first = listed.findIndex((r) => r.path === 'src/store/sessionStore.ts');
    assert.ok(first >= 0, `the file that answers is listed: ${JSON.stringify(listed)}`);
    // The stored message keeps the same list, so a reopened chat shows it too.
    const session = await suite.client!.connection.sendRequest(SessionGetRequest.type, { sessionId: started.sessionId });
    const message = session.entries.find((e) => e.id === started.userEntryId);
    assert.deepEqual(message?.kind === 'user' ? message.context[0].references : undefined, listed);
    // The model was shown exactly those chunks.
    const user = (suite.fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!.body.messages as { role: string; content: string }[]).filter((m) => m.role === 'user').at(-1)!;
    for (const r of listed) assert.ok(user.content.includes(`${r.path}:${r.startLine}-${r.endLine}`), `${r.path} was attached`);

    const opened = await suite.client!.connection.sendRequest(ChatReferenceRequest.type, { sessionId: started.sessionId, entryId: started.userEntryId, context: 0, reference: first });
    assert.equal(opened.uri, pathToFileURL(fs.realpathSync(path.join(suite.workspace, 'src/store/sessionStore.ts'))).href);
    assert.deepEqual([opened.startLine, opened.endLine], [listed[first].startLine, listed[first].endLine]);
    await assert.rejects(suite.client!.connection.sendRequest(ChatReferenceRequest.type, { sessionId: started.sessionId, entryId: started.userEntryId, context: 0, reference: listed.length }), /not in this chat/);
    fs.rmSync(path.join(suite.workspace, 'src/store/sessionStore.ts'));
    await assert.rejects(suite.client!.connection.sendRequest(ChatReferenceRequest.type, { sessionId: started.sessionId, entryId: started.userEntryId, context: 0, reference: first }), /no longer exists/);
  });

  it('finds a new file after the editor reports it, embedding only that file', async () => {
    await start();
    const before = suite.fixture.requests.filter((r) => r.path === '/api/embed').length;
    fs.writeFileSync(path.join(suite.workspace, 'src/ui/themeColors.ts'), 'export const accentColour = "#ff8800"; // the hearth orange of the theme\n');
    await suite.client!.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(path.join(suite.workspace, 'src/ui/themeColors.ts')).toString(), type: 1 }] });
    await until(() => progress.filter((p) => p.phase === 'ready').length >= 2, 'a second sync finished', 20_000);
    const after = suite.fixture.requests.filter((r) => r.path === '/api/embed').slice(before);
    assert.equal(after.length, 1, 'one request for the one new file');
    assert.ok((after[0].body.input as string[])[0].includes('themeColors.ts'));
    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'codebase_search', arguments: { query: 'accent colour of the theme' } }] }, { kind: 'text', text: 'ok' });
    const [result] = await turn('Which colour is the accent?');
    assert.match(result.content.split('\n')[0], /^src\/ui\/themeColors\.ts:1-1$/);
  });

  it('without the embedding model says how to install it, and full-text search still answers', async () => {
    suite.fixture.setModels(DEFAULT_MODELS);
    await start();
    const ready = progress.find((p) => p.phase === 'ready')!;
    assert.match(ready.message ?? '', /The embedding model nomic-embed-text is not installed in Ollama at .*Run `ollama pull nomic-embed-text`.*full-text/);
    const refused = suite.fixture.requests.find((r) => r.path === '/api/embed')!;
    assert.equal(refused.outcome, 'error');

    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'codebase_search', arguments: { query: 'corporate proxy setup' } }] }, { kind: 'text', text: 'See docs/setup.md.' });
    const [result] = await turn('How do I use a proxy?');
    assert.equal(result.isError, false);
    assert.match(result.content.split('\n')[0], /^docs\/setup\.md:/);
    assert.match(result.content, /ollama pull nomic-embed-text/);
    assert.match(result.summary ?? '', /full-text/);
  });

  it('a chat model set as the embedding model is refused with a clear message', async () => {
    await start({ codebaseSearch: { enabled: true, embeddingModel: 'llama3.2:3b' } });
    const ready = progress.find((p) => p.phase === 'ready')!;
    assert.match(ready.message ?? '', /llama3\.2:3b cannot make embeddings .*does not support embeddings/);
  });

  it('turned off, it indexes nothing and the tool is not offered', async () => {
    await start({ codebaseSearch: { enabled: false, embeddingModel: 'nomic-embed-text' } });
    assert.deepEqual(progress.map((p) => p.phase), ['off']);
    suite.fixture.enqueue({ kind: 'text', text: 'hello' });
    await turn('hi');
    assert.equal(suite.fixture.requests.filter((r) => r.path === '/api/embed').length, 0);
    const chat = suite.fixture.requests.find((r) => r.path === '/api/chat')!;
    assert.ok(!(chat.body.tools as { function: { name: string } }[]).some((t) => t.function.name === 'codebase_search'));
  });
});

describe('codebase search: a crash mid-index (integration)', function () {
  this.timeout(90_000);

  it('resumes after the language server is killed mid-index, embedding only the files it had not recorded', async () => {
    const fixture = await startOllamaFixture({ models: [...DEFAULT_MODELS, { ...NOMIC_EMBED_TEXT, embedDelayMs: 150 }] });
    const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-cbs-crash-ls-'));
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-cbs-crash-ws-'));
    const FILES = 24;
    for (let i = 0; i < FILES; i++) fs.writeFileSync(path.join(workspace, `module${i}.ts`), `export function feature${i}() {\n  return 'feature number ${i}';\n}\n`);
    const settings = { ollama: { host: fixture.url }, chat: { model: MODEL }, codebaseSearch: { enabled: true, embeddingModel: 'nomic-embed-text' } };
    let client: LspTestClient | undefined;
    try {
      client = await startLspTestClient({ storagePath: storage, workspace, settings });
      await until(() => fixture.requests.filter((r) => r.path === '/api/embed' && r.outcome === 'completed').length >= 6, 'six files embedded', 30_000);
      await client.kill();
      const before = fixture.requests.filter((r) => r.path === '/api/embed' && r.outcome === 'completed').length;
      assert.ok(before < FILES, 'the crash came mid-index');
      const seen = fixture.requests.length;

      const progress: SemanticIndexProgress[] = [];
      client = await startLspTestClient({ storagePath: storage, workspace, settings });
      client.connection.onNotification(SemanticIndexStatusNotification.type, (p) => {
        progress.push(p);
      });
      await until(() => progress.some((p) => p.phase === 'ready'), 'the index is ready again', 30_000);
      assert.match(progress.find((p) => p.phase === 'ready')!.message ?? '', new RegExp(`Indexed ${FILES} files`));
      const after = fixture.requests.slice(seen).filter((r) => r.path === '/api/embed');
      // Files recorded before the kill are not embedded again; at most the one in flight at the kill is redone.
      assert.ok(after.length <= FILES - before + 1, `${after.length} embed requests after the restart, ${before} files were done before`);
      assert.ok(after.length >= FILES - before - 1);
      fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'codebase_search', arguments: { query: 'where is feature3 defined' } }] }, { kind: 'text', text: 'ok' });
      await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
      const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'where is feature 3', context: [] } });
      await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
      const result = client.events.find((e) => e.entryId === started.assistantEntryId && e.event.type === 'toolResult')!.event as { result: ToolResult };
      assert.match(result.result.content.split('\n')[0], /^module3\.ts:1-3$/);
    } finally {
      await client?.stop();
      await fixture.close();
      fs.rmSync(storage, { recursive: true, force: true });
      fs.rmSync(workspace, { recursive: true, force: true });
    }
  });
});
