/**
 * The language server's side of team mode, in process: the AgentProvider
 * switches between the embedded agent and the team server by settings, the
 * key arrives through connectTeam (hearth/team/connect), and the status the
 * extension shows follows the connection.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AgentEvent } from '../../protocol/chat';
import type { TeamStatus } from '../../protocol/lspMethods';
import { HearthException } from '../../agent-host';
import { AgentProvider } from '../../language-server/agentProvider';
import { EditActionService } from '../../language-server/completion/editActionService';
import { CodeReviewService } from '../../language-server/review/codeReviewService';
import { SettingsReader } from '../../language-server/settings/settingsReader';
import { RemoteAgent } from '../../language-server/remote/remoteAgent';
import { TeamConnection } from '../../language-server/remote/teamConnection';
import { parseTeamServerUrl } from '../../language-server/remote/teamServerUrl';
import { DEFAULT_MODELS, QWEN3, startOllamaFixture, type OllamaFixture, type RecordedRequest } from '../fixtures/ollamaFixture';
import { FakeToolExecutor } from '../fixtures/fakeToolExecutor';
import type { TeamServer } from '../../agent-host/server/teamServer';
import { ALICE_KEY, collect, makePki, remoteConfig, startTestServer, type TestPki, eventually } from './teamServerHarness';

const MODEL = 'qwen2.5-coder:7b';

describe('language server: switching between local and team mode', function () {
  this.timeout(30_000);
  let pki: TestPki;
  let fixture: OllamaFixture;
  let server: TeamServer;
  let url: string;
  let settings: Record<string, unknown>;
  let reader: SettingsReader;
  let provider: AgentProvider;
  const statuses: TeamStatus[] = [];

  before(async () => {
    pki = makePki();
    fixture = await startOllamaFixture({ models: [...DEFAULT_MODELS, QWEN3] });
    // The shortest access token lifetime the server's configuration accepts; a shorter one expires on arrival (see teamAuth.ts).
    ({ server } = await startTestServer(remoteConfig(pki, fixture.url, (c) => (c.auth.accessTtlMs = 10_000))));
    url = `grpcs://localhost:${server.port}`;
    // The test's CA stands in for the organisation's CA that hearth.server.caFile names.
    settings = { ollama: { host: fixture.url }, server: { mode: 'local', url, caFile: `${pki.dir}/ca.crt` } };
    reader = new SettingsReader(async () => settings, {});
    provider = new AgentProvider(reader);
    provider.team.onStatus((s) => statuses.push(s));
  });

  after(async () => {
    provider?.disconnectTeam();
    await server?.shutdown(200);
    await fixture?.close();
    pki?.cleanup();
  });

  function setMode(mode: 'local' | 'remote'): void {
    settings = { ...settings, server: { ...(settings.server as object), mode } };
    reader.invalidate();
  }

  it('local mode uses the embedded agent on the configured Ollama', async () => {
    const agent = await provider.refresh();
    assert.equal(agent.host, fixture.url);
    assert.ok(!(agent instanceof RemoteAgent));
  });

  it('remote mode before sign-in: turns end with an error that says how to connect', async () => {
    setMode('remote');
    const events = await collect((await provider.refresh()).startTurn([], { text: 'hi', context: [] }, { model: MODEL }, new AbortController().signal));
    const error = events.find((e) => e.type === 'error') as Extract<AgentEvent, { type: 'error' }>;
    assert.match(error.error.message, /not signed in.*Connect to Team Server.*Disconnect from Team Server/);
  });

  it('a wrong API key is refused with a message, and nothing is connected', async () => {
    await assert.rejects(provider.connectTeam({ url, apiKey: 'hearth_wrong' }), (err: HearthException) => /API key was not accepted/.test(err.error.message));
    assert.equal(statuses.at(-1)?.state, 'error');
    assert.ok(!((await provider.refresh()) instanceof RemoteAgent));
  });

  it('connecting signs in, reports the user, and chat runs on the team server', async () => {
    const status = await provider.connectTeam({ url, apiKey: ALICE_KEY });
    assert.deepEqual({ state: status.state, user: status.user, host: status.host }, { state: 'connected', user: 'alice', host: `localhost:${server.port}` });
    const agent = await provider.refresh();
    assert.ok(agent instanceof RemoteAgent);
    fixture.enqueue({ kind: 'text', text: 'From the team GPU.' });
    const events = await collect(agent.startTurn([], { text: 'hi', context: [] }, { model: MODEL }, new AbortController().signal));
    assert.equal(events.filter((e) => e.type === 'text').map((e) => (e as { delta: string }).delta).join(''), 'From the team GPU.');
  });

  it('a code review runs on the team server: its instructions go with the turn, its findings come back anchored', async () => {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-review-ws-'));
    try {
      fs.writeFileSync(path.join(workspace, 'new.js'), 'export const answer = eval(process.argv[2]);\n');
      const edits = new EditActionService({ documents: { get: () => undefined }, agent: () => provider.refresh(), settings: () => reader.get(), roots: () => [workspace] });
      const review = new CodeReviewService({ documents: { get: () => undefined }, edits, roots: () => [workspace] });
      fixture.enqueue({ kind: 'text', text: '{"findings":[{"file":"new.js","line":1,"severity":"security","title":"eval of a command-line argument"}]}' });
      const result = await review.review({ changes: [{ uri: pathToFileURL(path.join(workspace, 'new.js')).toString() }], model: MODEL }, new AbortController().signal);
      assert.deepEqual(result.findings.map((f) => [f.severity, f.range.start.line, f.title]), [['security', 0, 'eval of a command-line argument']]);
      const chat = fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!;
      const messages = chat.body.messages as { role: string; content: string }[];
      assert.match(messages.find((m) => m.role === 'system')!.content, /Answer with JSON only/, 'the review’s instructions reached the team GPU');
      assert.match(messages.at(-1)!.content, /1 \+ export const answer = eval/);
    } finally {
      fs.rmSync(workspace, { recursive: true, force: true });
    }
  });

  it('a thinking model’s reasoning and the client’s think choice pass through the team server', async () => {
    const agent = await provider.refresh();
    assert.ok(agent instanceof RemoteAgent);
    fixture.enqueue({ kind: 'text', thinking: 'Reasoning on the team GPU.', text: 'Answer from the team GPU.' });
    const events = await collect(agent.startTurn([], { text: 'think', context: [] }, { model: QWEN3.name, think: 'low' }, new AbortController().signal));
    const joined = (type: 'text' | 'thinking') => events.flatMap((e) => (e.type === type ? [e.delta] : [])).join('');
    assert.equal(joined('thinking'), 'Reasoning on the team GPU.');
    assert.equal(joined('text'), 'Answer from the team GPU.');
    const chat = fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!;
    assert.equal(chat.body.think, 'low');
    assert.equal(chat.thinkLevel, 'low');
  });

  it("/compact with a focus compacts on the team server, and the summariser there is told the focus", async () => {
    const agent = await provider.refresh();
    assert.ok(agent instanceof RemoteAgent);
    fixture.enqueue({ kind: 'text', text: 'SUMMARY from the team GPU.' }, { kind: 'text', text: 'Carrying on.' });
    const history = [
      { role: 'user' as const, content: 'What does the lexer do?' },
      { role: 'assistant' as const, content: 'It splits the text into tokens.' },
      { role: 'user' as const, content: 'And the parser?' },
      { role: 'assistant' as const, content: 'It builds the tree.' },
    ];
    const events = await collect(agent.startTurn(history, { text: '/compact', context: [] }, { model: MODEL, compactAt: 0, compactFocus: 'the lexer tokens' }, new AbortController().signal));
    assert.deepEqual(events.find((e) => e.type === 'compacted'), { type: 'compacted', summary: 'SUMMARY from the team GPU.', summarizedExchanges: 1 });
    const summary = fixture.requests.filter((r) => r.path === '/api/chat' && r.body.stream === false).at(-1)!;
    assert.match(summary.body.messages[0].content, /focus on: the lexer tokens\n/);
  });

  it('sub-agents run on the team server while their tool calls run on the developer\'s machine', async () => {
    const agent = await provider.refresh();
    assert.ok(agent instanceof RemoteAgent);
    const systemOf = (r: RecordedRequest): string => r.body?.messages?.[0]?.content ?? '';
    fixture.setResponder((r) => {
      const last = r.body.messages.at(-1);
      if (/explorer sub-agent/.test(systemOf(r))) {
        return last.role === 'tool' ? { kind: 'text', text: `Report: ${last.content}` } : { kind: 'toolCalls', calls: [{ name: 'grep', arguments: { pattern: 'add' } }] };
      }
      if (last.role === 'tool') return { kind: 'text', text: 'Done with help.' };
      return { kind: 'toolCalls', calls: [{ name: 'run_subagents', arguments: { agents: [{ role: 'explorer', task: 'find add' }, { role: 'explorer', task: 'find sub' }] } }] };
    });
    try {
      const executor = new FakeToolExecutor((call) => `src/math.ts:1 (${String(call.arguments.pattern)}) on the developer's machine`);
      const events = await collect(agent.startTurn([], { text: 'where is add?', context: [] }, { model: MODEL, executor, subagents: { maxParallel: 2 } }, new AbortController().signal));
      assert.deepEqual(events.at(-1), { type: 'done', reason: 'stop' });
      assert.equal(executor.calls.length, 2, 'both explorers\' greps ran on the client');
      assert.deepEqual(events.filter((e) => e.type === 'agentSpawn').map((e) => e.type === 'agentSpawn' && e.agent.role), ['explorer', 'explorer']);
      const results = events.flatMap((e) => (e.type === 'agentResult' ? [e.outcome] : []));
      assert.equal(results.length, 2);
      assert.ok(results.every((o) => o.reason === 'stop' && /on the developer's machine/.test(o.summary)));
      assert.ok(events.some((e) => e.type === 'agentEvent' && e.event.type === 'toolResult'), 'the cards get their tool results');
      const final = fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!;
      assert.match(final.body.messages.at(-1).content, /Sub-agent 1: explorer[\s\S]*Sub-agent 2: explorer/);
    } finally {
      fixture.setResponder(undefined);
    }
  });

  it('inline suggestions go through the team server while connected', async () => {
    const agent = await provider.refresh();
    const completer = provider.teamCompleterFor(agent.host);
    assert.ok(completer, 'a team completer for the team agent');
    assert.equal(provider.teamCompleterFor(fixture.url), undefined, 'none for the local Ollama');
    fixture.enqueue({ kind: 'text', text: 'a + b' });
    const info = await completer.describeModel(MODEL);
    assert.equal(info.status, 'ready');
    let text = '';
    for await (const chunk of completer.complete(info as Extract<typeof info, { status: 'ready' }>, { prefix: 'return ', suffix: ';', maxTokens: 8 }, new AbortController().signal)) {
      if (chunk.type === 'text') text += chunk.delta;
    }
    assert.equal(text, 'a + b');
    // Suggestions never wait on reasoning, on a team server's backends too.
    assert.equal(fixture.requests.filter((r) => r.path === '/api/generate').at(-1)!.body.think, false);
  });

  it('the access token is refreshed before it expires, without any request needing it', async () => {
    const connection = new TeamConnection({ address: parseTeamServerUrl(url), apiKey: ALICE_KEY, tls: { caPem: pki.caPem }, refreshLeadMs: 8_500 });
    try {
      let changes = 0;
      connection.auth.onChange = () => changes++;
      await connection.auth.renew();
      await eventually(() => (changes >= 2 ? true : undefined), 10_000, 'a background refresh');
      assert.ok((await new RemoteAgent(connection).listModels()).length > 0);
    } finally {
      connection.close();
    }
  });

  it('disconnecting returns chat to the not-connected state until the settings say local again', async () => {
    assert.equal(provider.disconnectTeam().state, 'disconnected');
    assert.ok(!((await provider.refresh()) instanceof RemoteAgent));
    setMode('local');
    assert.equal((await provider.refresh()).host, fixture.url);
  });
});
