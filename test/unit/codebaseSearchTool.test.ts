/**
 * codebase_search through the tool executor, in-process: offered only with a
 * codebase index whose setting is on (also in an untrusted workspace, since it
 * only reads), results as path:lines with a snippet, and bad arguments or a
 * missing index as error results the model can read.
 */
import assert from 'node:assert/strict';
import { CodebaseSearchService } from '../../language-server/semanticSearch/codebaseSearchService';
import { hashedEmbedder } from '../fixtures/hashedEmbedder';
import { call, makeToolWorkspace, type ToolWorkspace } from '../fixtures/toolWorkspace';

describe('codebase_search tool', () => {
  let ws: ToolWorkspace;
  let service: CodebaseSearchService;

  beforeEach(async () => {
    ws = await makeToolWorkspace({
      'src/auth/verifyToken.ts': '/** Checks the JWT signature of an access token. */\nexport function verifyAccessToken(jwt: string) {\n  return jwt.length > 0;\n}\n',
      'src/store/sessionStore.ts': '/** Appends chat sessions to JSONL files. */\nexport class SessionStore {}\n',
    });
    service = new CodebaseSearchService({
      storageDir: ws.storage,
      folders: [ws.root],
      config: async () => ({ enabled: true, embeddingModel: 'nomic-embed-text', ollamaHost: 'http://127.0.0.1:9' }),
      embedderFor: () => hashedEmbedder(),
    });
    await service.refresh();
    await service.idle();
  });

  afterEach(async () => {
    await service.dispose();
    await ws.cleanup();
  });

  it('is offered with an index whose setting is on, in trusted and untrusted workspaces alike', () => {
    const names = (o: Parameters<ToolWorkspace['executor']>[0]) => ws.executor(o).definitions().map((d) => d.name);
    assert.ok(names({ codebaseSearch: service, codebaseSearchEnabled: true }).includes('codebase_search'));
    assert.ok(names({ codebaseSearch: service, codebaseSearchEnabled: true, policy: { trusted: false } }).includes('codebase_search'));
    assert.ok(!names({ codebaseSearch: service, codebaseSearchEnabled: false }).includes('codebase_search'));
    assert.ok(!names({}).includes('codebase_search'));
  });

  it('returns the best chunks as path:lines with a snippet, hybrid-ranked', async () => {
    const r = await call(ws.executor({ codebaseSearch: service, codebaseSearchEnabled: true }), 'codebase_search', { query: 'where is the jwt signature checked' });
    assert.equal(r.isError, false, r.content);
    assert.match(r.content, /^src\/auth\/verifyToken\.ts:1-4\n {2}\/\*\* Checks the JWT signature/);
    assert.match(r.summary ?? '', /^\d+ results? in \d+ files?$/);
  });

  it('indexes a file holding an 80,000-capital identifier without holding the thread for seconds', async () => {
    await ws.write('src/generated/table.ts', `export const TABLE = "${'A'.repeat(80_000)}";\nexport const tableNeedle = 1;\n`);
    const other = new CodebaseSearchService({
      storageDir: `${ws.storage}-capitals`,
      folders: [ws.root],
      config: async () => ({ enabled: true, embeddingModel: '', ollamaHost: 'http://127.0.0.1:9' }),
    });
    try {
      const started = performance.now();
      await other.refresh();
      await other.idle();
      const elapsed = performance.now() - started;
      assert.ok(elapsed < 3000, `indexing took ${Math.round(elapsed)} ms`);
      const r = await call(ws.executor({ codebaseSearch: other, codebaseSearchEnabled: true }), 'codebase_search', { query: 'tableNeedle' });
      assert.match(r.content, /^src\/generated\/table\.ts:2-2\n {2}export const tableNeedle/);
    } finally {
      await other.dispose();
    }
  });

  it('turns an empty query, a bad limit or a missing index into error results', async () => {
    const executor = ws.executor({ codebaseSearch: service, codebaseSearchEnabled: true });
    assert.match((await call(executor, 'codebase_search', { query: '  ' })).content, /The query is empty/);
    assert.match((await call(executor, 'codebase_search', { query: 'x', limit: 500 })).content, /"limit" must be an integer from 1 to 20/);
    const without = await call(ws.executor(), 'codebase_search', { query: 'session store' });
    assert.equal(without.isError, true);
    assert.match(without.content, /not available in this session/);
  });
});
