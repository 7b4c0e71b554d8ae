/** The team index's ranking across sources, and team_search as the model calls it. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { searchSources, SourceIndex } from '../../agent-host/search/sourceIndex';
import { TeamIndex } from '../../agent-host/server/teamIndex/teamIndex';
import { formatTeamSearch, withTeamSearch } from '../../agent-host/server/teamIndex/withTeamSearch';
import { createLogger } from '../../agent-host/server/ops/logger';
import { DEFAULT_INDEX_CONFIG } from '../../agent-host/server/config/readIndexConfig';
import { FakeToolExecutor } from '../fixtures/fakeToolExecutor';
import { hashedEmbedder } from '../fixtures/hashedEmbedder';

function folder(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-source-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

describe('team index ranking and team_search', () => {
  const roots: string[] = [];
  after(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

  it('ranks several sources as one corpus: a poor best chunk of one source does not tie with a good one of another', async () => {
    const embedder = hashedEmbedder();
    const a = folder({ 'ledger.ts': 'export function postLedgerEntry(account: string, cents: number) {\n  return { account, cents };\n}\n' });
    const b = folder({ 'http.ts': 'export function startHttpServer(port: number) {\n  return port;\n}\n', 'retry.ts': 'export function retryWithBackoff(attempts: number) {\n  return attempts * 2;\n}\n' });
    roots.push(a, b);
    const sources = [new SourceIndex('a', 'repository', embedder), new SourceIndex('b', 'repository', embedder)];
    await sources[0].sync(a, undefined, new AbortController().signal);
    await sources[1].sync(b, undefined, new AbortController().signal);
    const [queryVector] = await embedder.embed(['retry with backoff attempts'], 'query', new AbortController().signal);
    const hits = searchSources(sources, 'retry with backoff attempts', queryVector, 5);
    assert.equal(hits[0].source, 1);
    assert.equal(sources[1].chunk(hits[0].id)?.path, 'retry.ts');
    const ledger = hits.findIndex((h) => h.source === 0);
    const http = hits.findIndex((h) => h.source === 1 && sources[1].chunk(h.id)?.path === 'http.ts');
    assert.ok(ledger === -1 || ledger >= 1, 'the other source’s best chunk is not ranked beside the answer by default');
    assert.ok(http === -1 || http >= 1);
  });

  it('leaves out a file holding a private key: its text is never embedded nor found', async () => {
    const embedder = hashedEmbedder();
    const key = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7committedKey';
    const root = folder({
      'deploy/service-account.json': JSON.stringify({ type: 'service_account', private_key: `-----BEGIN PRIVATE KEY-----\n${key}\n-----END PRIVATE KEY-----\n` }),
      'deploy/rollout.ts': 'export function rolloutService(account: string) {\n  return account;\n}\n',
    });
    roots.push(root);
    const source = new SourceIndex('infra', 'repository', embedder);
    const report = await source.sync(root, undefined, new AbortController().signal);
    assert.deepEqual([report.files, report.skipped], [1, 1]);
    assert.ok(embedder.texts.length > 0 && !embedder.texts.some((t) => t.includes(key)), 'the key was never sent to the embedding model');
    for (const hit of searchSources([source], 'service account private key', undefined, 5)) assert.equal(source.chunk(hit.id)?.path, 'deploy/rollout.ts');
  });

  it('refuses a bad query or limit with an error result the model can read, and never reaches the client', async () => {
    const root = folder({ 'guide.md': '# Guide\n\nDeploy with the blue-green switch.\n' });
    roots.push(root);
    const index = new TeamIndex({ config: { ...DEFAULT_INDEX_CONFIG, documents: [{ name: 'guide', path: root }] }, logger: createLogger('error') });
    await index.refresh();
    const client = new FakeToolExecutor(() => 'client ran it');
    const executor = withTeamSearch(client, index);
    const signal = new AbortController().signal;
    for (const args of [{}, { query: '   ' }, { query: 'x'.repeat(501) }, { query: 'deploy', limit: 0 }, { query: 'deploy', limit: 2.5 }, { query: 'deploy', limit: '3' }]) {
      const r = await executor.execute({ id: 'c', name: 'team_search', arguments: args }, signal);
      assert.equal(r.isError, true, JSON.stringify(args));
    }
    const ok = await executor.execute({ id: 'c', name: 'team_search', arguments: { query: 'blue-green deploy' } }, signal);
    assert.equal(ok.isError, false);
    assert.match(ok.content, /^guide:guide\.md:1-3 \(document set guide\)$/m);
    const other = await executor.execute({ id: 'd', name: 'read_file', arguments: { path: 'a' } }, signal);
    assert.equal(other.content, 'client ran it', 'other tools still go to the client');
    assert.deepEqual(client.calls.map((c) => c.name), ['read_file']);
    await index.dispose();
  });

  it('leaves the client’s own team_search alone', () => {
    const index = new TeamIndex({ config: { ...DEFAULT_INDEX_CONFIG, documents: [{ name: 'g', path: '/nonexistent' }] }, logger: createLogger('error') });
    const own = { name: 'team_search', description: 'mine', parameters: { type: 'object' as const, properties: {} }, readOnly: true };
    const executor = withTeamSearch(new FakeToolExecutor(() => 'x', [own]), index);
    assert.deepEqual(executor.definitions(), [own]);
  });

  it('fences a passage longer than any backtick run inside it', () => {
    const text = formatTeamSearch('q', { hits: [{ source: 'd', kind: 'documents', path: 'a.md', startLine: 1, endLine: 3, text: '````\ncode\n````', score: 1 }], ranking: 'full-text', notes: [] });
    assert.match(text, /\n`````\n````\ncode\n````\n`````$/);
  });
});
