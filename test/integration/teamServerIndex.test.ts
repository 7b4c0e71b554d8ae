/**
 * The team server's shared index (config.yaml `index:`): a repository in a
 * folder on the server, a repository cloned over HTTPS from a real git
 * smart-HTTP server, and a document set, indexed in the background; a remote
 * chat turn over TLS whose scripted model calls team_search gets the right
 * file cited, and the call ran on the server, never on the developer's machine.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AgentEvent } from '../../protocol/chat';
import type { TeamServer } from '../../agent-host/server/teamServer';
import { RemoteAgent } from '../../language-server/remote/remoteAgent';
import type { TeamConnection } from '../../language-server/remote/teamConnection';
import { DEFAULT_MODELS, NOMIC_EMBED_TEXT, startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { FakeToolExecutor } from '../fixtures/fakeToolExecutor';
import { startGitHttpsServer, type GitHttpsServer } from '../fixtures/gitHttpsServer';
import { syncMirror } from '../../agent-host/server/teamIndex/gitMirror';
import { CLONES_AT_ONCE, TeamIndex } from '../../agent-host/server/teamIndex/teamIndex';
import { DEFAULT_INDEX_CONFIG } from '../../agent-host/server/config/readIndexConfig';
import { silentLogger } from '../../agent-host/server/ops/logger';
import { startSilentServer } from '../fixtures/silentServer';
import { collect, eventually, makePki, remoteConfig, startTestServer, teamConnection, type MemoryAudit, type TestPki } from './teamServerHarness';

const MODEL = 'qwen2.5-coder:7b';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });
}

/** Makes `dir` a repository holding everything in it, in one commit. */
function commitAll(dir: string, message: string): void {
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', message);
}

function write(root: string, rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
}

describe('team server shared index and team_search (integration)', function () {
  this.timeout(90_000);
  let tmp: string;
  let pki: TestPki;
  let fixture: OllamaFixture;
  let gitServer: GitHttpsServer;
  let server: TeamServer;
  let audit: MemoryAudit;
  let connection: TeamConnection;
  const savedCaInfo = process.env.GIT_SSL_CAINFO;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-team-index-'));
    pki = makePki();
    // A repository in a folder on the server, with a file only .gitignore hides and a link to a secret outside it.
    const local = path.join(tmp, 'src', 'billing-service');
    write(local, 'src/billing/invoiceTotals.ts', 'export function invoiceTotalCents(lines: { cents: number; quantity: number }[]): number {\n  // Rounding happens per line, never on the sum (finance rule FIN-12).\n  return lines.reduce((sum, l) => sum + Math.round(l.cents * l.quantity), 0);\n}\n');
    write(local, 'src/http/server.ts', 'export function startHttpServer(port: number) {\n  return port;\n}\n');
    write(local, '.gitignore', 'generated/\n');
    write(local, 'generated/invoiceTotalsCopy.ts', 'export const invoiceTotalsGeneratedCopy = true;\n');
    write(tmp, 'secret/credentials.md', 'invoice totals master password hunter2\n');
    fs.symlinkSync(path.join(tmp, 'secret', 'credentials.md'), path.join(local, 'src', 'billing', 'invoiceNotes.md'));
    commitAll(local, 'initial');
    // A repository only reachable by its https URL: a bare repository behind git http-backend over TLS.
    const work = path.join(tmp, 'work', 'payments-sdk');
    write(work, 'lib/refundPolicy.py', 'def refund_window_days(plan):\n    """Refunds are accepted for 30 days on annual plans (policy REF-7)."""\n    return 30 if plan == "annual" else 14\n');
    commitAll(work, 'initial');
    const bareRoot = path.join(tmp, 'git-root');
    fs.mkdirSync(bareRoot);
    git(tmp, 'clone', '-q', '--bare', work, path.join(bareRoot, 'payments-sdk.git'));
    gitServer = await startGitHttpsServer(bareRoot, { cert: fs.readFileSync(pki.certFile), key: fs.readFileSync(pki.keyFile) });
    // git (run by the team server) trusts the test CA for the clone.
    process.env.GIT_SSL_CAINFO = path.join(pki.dir, 'ca.crt');
    // A document set.
    const docs = path.join(tmp, 'handbook');
    write(docs, 'operations/deploy.md', '# Deploying\n\nBuild the image and push it.\n\n## Rollback procedure\n\nRun `kubectl rollout undo deployment/billing` and page the on-call engineer.\n');
    write(docs, 'operations/script.sh', 'echo rollback procedure in a script is not documentation\n');

    fixture = await startOllamaFixture({ models: [...DEFAULT_MODELS, NOMIC_EMBED_TEXT] });
    ({ server, audit } = await startTestServer(
      remoteConfig(pki, fixture.url, (c) => {
        c.index = {
          ...c.index,
          dataDir: path.join(tmp, 'data'),
          embedModel: 'nomic-embed-text',
          repositories: [
            { name: 'billing', path: local },
            { name: 'payments', url: `${gitServer.url}payments-sdk.git`, branch: 'main' },
          ],
          documents: [{ name: 'handbook', path: docs }],
        };
      }),
    ));
    connection = teamConnection(server.port, pki);
  });

  after(async () => {
    connection?.close();
    await server?.shutdown(500);
    await fixture?.close();
    await gitServer?.close();
    if (savedCaInfo === undefined) delete process.env.GIT_SSL_CAINFO;
    else process.env.GIT_SSL_CAINFO = savedCaInfo;
    pki?.cleanup();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function ready(): Promise<void> {
    await eventually(() => (server.teamIndex.statuses.every((s) => s.state === 'ready' || s.state === 'error') ? true : undefined), 60_000, 'the team index to finish its first pass');
    const failed = server.teamIndex.statuses.filter((s) => s.state !== 'ready');
    assert.deepEqual(failed, [], 'every source was indexed');
  }

  async function searchTurn(query: string, mode?: 'ask' | 'agent') {
    const client = new FakeToolExecutor(() => 'local file');
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'team_search', arguments: { query } }] }, { kind: 'text', text: 'Answered with a citation.' });
    const before = fixture.requests.length;
    const events: AgentEvent[] = await collect(new RemoteAgent(connection).startTurn([], { text: query, context: [] }, { model: MODEL, executor: client, mode }, new AbortController().signal));
    const chats = fixture.requests.slice(before).filter((r) => r.path === '/api/chat');
    const offered = ((chats[0]?.body.tools ?? []) as { function: { name: string; description: string } }[]).map((t) => t.function);
    const result = events.find((e): e is Extract<AgentEvent, { type: 'toolResult' }> => e.type === 'toolResult');
    const toModel = (chats.at(-1)?.body.messages as { role: string; content: string }[] | undefined)?.find((m) => m.role === 'tool')?.content;
    return { client, offered, result: result?.result, toModel };
  }

  it('indexes a folder, a cloned https repository and a document set in the background, and reports it in /metrics', async () => {
    await ready();
    const byName = Object.fromEntries(server.teamIndex.statuses.map((s) => [s.name, s]));
    assert.equal(byName.billing.files, 2, 'the two tracked source files: the ignored file and the symlink are not indexed');
    assert.equal(byName.payments.files, 1);
    assert.match(byName.payments.commit ?? '', /^[0-9a-f]{40}$/);
    assert.equal(byName.payments.origin, `${gitServer.url}payments-sdk.git`);
    assert.equal(byName.handbook.files, 1, 'a document set holds documents only, not scripts');
    assert.ok(gitServer.requests.some((r) => r.includes('git-upload-pack')), 'the clone used git’s smart protocol over TLS');
    assert.ok(fs.existsSync(path.join(tmp, 'data', 'repos', 'payments', 'lib', 'refundPolicy.py')), 'the clone lives under data_dir/repos/<name>');
    const text = await server.metrics.registry.metrics();
    assert.match(text, /hearth_team_index_ready\{source="payments",kind="repository"\} 1/);
    assert.match(text, /hearth_team_index_files\{source="handbook",kind="documents"\} 1/);
  });

  it('offers team_search to a remote agent, runs it on the server and cites repository:path:lines', async () => {
    await ready();
    const { client, offered, result, toModel } = await searchTurn('how are invoice totals rounded');
    const tool = offered.find((t) => t.name === 'team_search');
    assert.ok(tool, `team_search offered: ${offered.map((t) => t.name).join(', ')}`);
    assert.match(tool.description, /cite/i, 'the description asks the model to cite its sources');
    assert.ok(offered.some((t) => t.name === 'read_file'), 'the client’s own tools are offered too');
    assert.deepEqual(client.calls, [], 'the search did not run on the developer’s machine');
    assert.equal(result?.isError, false);
    const first = result!.content.split('\n\n')[1];
    assert.match(first, /^billing:src\/billing\/invoiceTotals\.ts:1-4 \(repository billing\)/, result!.content);
    assert.match(result!.content, /finance rule FIN-12/);
    assert.doesNotMatch(result!.content, /hunter2/, 'a symlink out of the repository is never read');
    assert.doesNotMatch(result!.content, /GeneratedCopy/, 'files the repository’s .gitignore hides are not indexed');
    assert.equal(toModel, result!.content, 'the model read the cited passages');
    assert.doesNotMatch(result!.content, /full-text ranking/, 'ranked with embeddings from the backend’s /api/embed');
    const embedded = fixture.requests.filter((r) => r.path === '/api/embed').flatMap((r) => r.body.input as string[]);
    assert.ok(embedded.some((t) => t.startsWith('search_document: src/billing/invoiceTotals.ts')), 'chunks were embedded with their path');
    assert.ok(embedded.includes('search_query: how are invoice totals rounded'), 'the query was embedded');
    assert.ok(audit.events.some((e) => e.event === 'tool.request' && e.tool === 'team_search' && e.where === 'server'));
    assert.ok(audit.events.some((e) => e.event === 'tool.result' && e.tool === 'team_search' && (e as { hits?: number }).hits! > 0));
  });

  it('finds the cloned repository and the documents, each cited by source and path', async () => {
    await ready();
    const refunds = await searchTurn('refund window annual plans');
    assert.match(refunds.result!.content.split('\n\n')[1], /^payments:lib\/refundPolicy\.py:1-3 \(repository payments\)/, refunds.result!.content);
    const rollback = await searchTurn('rollback procedure', 'ask');
    assert.ok(rollback.offered.some((t) => t.name === 'team_search'), 'Ask mode offers the read-only team_search');
    assert.match(rollback.result!.content.split('\n\n')[1], /^handbook:operations\/deploy\.md:1-7 \(document set handbook\)/, rollback.result!.content);
    assert.doesNotMatch(rollback.result!.content, /script\.sh/);
  });

  it('fetches a pushed change into the clone at the next refresh', async () => {
    await ready();
    const work = path.join(tmp, 'work', 'payments-sdk');
    write(work, 'lib/chargebacks.py', 'def chargeback_fee():\n    """Every chargeback costs a flat fee of 15 euros (policy CB-3)."""\n    return 15\n');
    git(work, 'add', '-A');
    git(work, 'commit', '-qm', 'chargebacks');
    git(work, 'push', '-q', path.join(tmp, 'git-root', 'payments-sdk.git'), 'main');
    await server.teamIndex.refresh();
    const { result } = await searchTurn('chargeback flat fee');
    assert.match(result!.content.split('\n\n')[1], /^payments:lib\/chargebacks\.py:1-3/, result!.content);
  });

  it('removes a clone larger than the size bound and says why', async () => {
    const dir = path.join(tmp, 'data', 'repos', 'too-big');
    await assert.rejects(syncMirror({ url: `${gitServer.url}payments-sdk.git`, dir, maxBytes: 1024 }, new AbortController().signal), /larger than 0 MB \(index\.max_repo_size_mb\) and was removed/);
    assert.equal(fs.existsSync(dir), false);
  });

  it('stops a download that grows past the size bound while it is still coming, and says why', async () => {
    // 16 MB that does not compress, from a remote sending 2 MB a second: a clone that would fill the disk for 8 seconds.
    const work = path.join(tmp, 'work', 'huge');
    fs.mkdirSync(work, { recursive: true });
    fs.writeFileSync(path.join(work, 'blob.bin'), crypto.randomBytes(16 * 1024 * 1024));
    commitAll(work, 'huge');
    const root = path.join(tmp, 'slow-root');
    fs.mkdirSync(root);
    git(tmp, 'clone', '-q', '--bare', work, path.join(root, 'huge.git'));
    const slow = await startGitHttpsServer(root, { cert: fs.readFileSync(pki.certFile), key: fs.readFileSync(pki.keyFile) }, { bytesPerSecond: 2 * 1024 * 1024 });
    try {
      const dir = path.join(tmp, 'data', 'repos', 'huge');
      await assert.rejects(syncMirror({ url: `${slow.url}huge.git`, dir, maxBytes: 1024 * 1024 }, new AbortController().signal), /larger than 1 MB \(index\.max_repo_size_mb\) and was removed/);
      assert.equal(fs.existsSync(dir), false, 'nothing of it is left on disk');
      assert.ok(slow.bytesSent < 4 * 1024 * 1024, `the download was cut off soon after passing the bound, not finished (${slow.bytesSent} bytes sent)`);
    } finally {
      await slow.close();
    }
  });

  it(`runs at most ${CLONES_AT_ONCE} clones at once, and a folder source is indexed while they all hang`, async () => {
    const silent = await startSilentServer();
    const folder = path.join(tmp, 'src', 'ops');
    write(folder, 'deploy/drain.ts', 'export function drainTimeoutSeconds(): number {\n  return 30;\n}\n');
    const remotes = Array.from({ length: CLONES_AT_ONCE + 3 }, (_, i) => ({ name: `stalled-${i}`, url: `${silent.url}stalled-${i}.git` }));
    const index = new TeamIndex({
      config: { ...DEFAULT_INDEX_CONFIG, dataDir: path.join(tmp, 'data-many'), repositories: [...remotes, { name: 'ops', path: folder }] },
      logger: silentLogger,
    });
    try {
      index.start();
      await eventually(() => (index.statuses.find((s) => s.name === 'ops')?.state === 'ready' ? true : undefined), 20_000, 'the folder source to be indexed');
      await eventually(() => (silent.connections >= CLONES_AT_ONCE ? true : undefined), 10_000, 'git to reach the hung remotes');
      // Time for any clone past the cap to have connected, were it started.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.equal(silent.connections, CLONES_AT_ONCE, 'only the clones in a slot reached the remote');
      const states = index.statuses.filter((s) => s.name.startsWith('stalled-')).map((s) => s.state);
      assert.deepEqual(states.filter((s) => s === 'cloning').length, CLONES_AT_ONCE);
      assert.deepEqual(states.filter((s) => s === 'pending').length, 3, 'the rest wait their turn');
      assert.equal((await index.search('drainTimeoutSeconds', 5, new AbortController().signal)).hits[0]?.path, 'deploy/drain.ts');
    } finally {
      await index.dispose();
      await silent.close();
    }
  });

  it('indexes the other sources while one remote hangs, and shows which one is still cloning', async () => {
    const silent = await startSilentServer();
    const folder = path.join(tmp, 'src', 'tools');
    write(folder, 'deploy/rollout.ts', 'export function rolloutCanaryPercent(): number {\n  return 5;\n}\n');
    const index = new TeamIndex({
      config: {
        ...DEFAULT_INDEX_CONFIG,
        dataDir: path.join(tmp, 'data-hang'),
        repositories: [
          { name: 'stalled', url: `${silent.url}stalled.git` },
          { name: 'tools', path: folder },
        ],
      },
      logger: silentLogger,
    });
    try {
      index.start();
      const byName = await eventually(
        () => {
          const statuses = Object.fromEntries(index.statuses.map((s) => [s.name, s]));
          return statuses.tools.state === 'ready' ? statuses : undefined;
        },
        20_000,
        'the folder source to be indexed while the other remote hangs',
      );
      assert.equal(byName.stalled.state, 'cloning', 'the hung remote is shown as still cloning');
      await eventually(() => (silent.connections >= 1 ? true : undefined), 10_000, 'git to reach the hung remote');
      assert.equal(index.statuses.find((s) => s.name === 'stalled')?.state, 'cloning');
      const found = await index.search('rolloutCanaryPercent', 5, new AbortController().signal);
      assert.equal(found.hits[0]?.path, 'deploy/rollout.ts');
    } finally {
      await index.dispose();
      await silent.close();
    }
  });

  it('says a remote that never answers timed out, instead of quoting git\'s progress line', async () => {
    const silent = await startSilentServer();
    try {
      const dir = path.join(tmp, 'data', 'repos', 'silent');
      const started = Date.now();
      await assert.rejects(syncMirror({ url: `${silent.url}silent.git`, dir, maxBytes: 1024 * 1024, timeoutMs: 1_500 }, new AbortController().signal), (err: Error) => {
        assert.match(err.message, /^git clone got no complete answer from https:\/\/127\.0\.0\.1:\d+\/silent\.git within 2 s and was stopped; check that the remote is reachable/);
        assert.doesNotMatch(err.message, /Cloning into/);
        return true;
      });
      assert.ok(Date.now() - started < 10_000, 'the timeout applied');
      assert.equal(fs.existsSync(dir), false, 'no partial clone is left');
    } finally {
      await silent.close();
    }
  });
});
