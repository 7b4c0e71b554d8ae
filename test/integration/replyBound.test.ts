/**
 * A model reply that never ends (a model caught in a loop, or a hostile
 * server that ignores `num_predict`), against the real language server over
 * LSP and against a real team server: the agent core's one bound on a
 * reply's text and reasoning stops it, hangs up on the model server, and
 * ends the turn with a message, keeping what was shown and the user's message.
 */
import * as assert from 'node:assert/strict';
import type { AgentEvent } from '../../protocol/chat';
import { ChatSendRequest, SessionGetRequest } from '../../protocol/lspMethods';
import type { ChatEventParams } from '../../protocol/lspMethods';
import { RemoteAgent } from '../../language-server/remote/remoteAgent';
import type { TeamServer } from '../../agent-host/server/teamServer';
import type { TeamConnection } from '../../language-server/remote/teamConnection';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { startOpenAiFailingStream } from '../fixtures/openAiFailingStream';
import { until } from '../fixtures/until';
import { useLanguageServerWorkspace } from './languageServerWorkspace';
import { collect, makePki, remoteConfig, startTestServer, teamConnection, type TestPki } from './teamServerHarness';

const MODEL = 'qwen2.5-coder:7b';
/** A thousand characters a chunk, so the bound is reached in a few hundred chunks rather than hundreds of thousands. */
const TOKEN = 'and again '.repeat(100);
const TEXT_LIMIT = 400_000;
const THINKING_LIMIT = 1_000_000;

const joined = (events: AgentEvent[], type: 'text' | 'thinking') => events.map((e) => (e.type === type ? e.delta : '')).join('');

describe('a model reply that never ends (integration)', function () {
  this.timeout(60_000);

  describe('through the language server', () => {
    const lsp = useLanguageServerWorkspace('reply-bound');

    const send = async (thinking: boolean) => {
      lsp.ollama.enqueue({ kind: 'endlessTokens', token: TOKEN, thinking });
      const client = await lsp.start(MODEL);
      const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Explain the project', context: [] } });
      const done = await client.waitForEvent((e: ChatEventParams) => e.entryId === started.assistantEntryId && e.event.type === 'done', 45_000);
      const events = client.events.filter((e) => e.entryId === started.assistantEntryId).map((e) => e.event);
      return { client, started, done, events };
    };

    for (const thinking of [false, true]) {
      const part = thinking ? 'thinking' : 'text';
      const limit = thinking ? THINKING_LIMIT : TEXT_LIMIT;
      it(`endless ${part} is cut at its bound: the model request is aborted, the turn ends with a message, and the session keeps it all across a restart`, async () => {
        const { client, started, done, events } = await send(thinking);
        assert.equal(done.event.type === 'done' && done.event.reason, 'limit');
        const error = events.find((e) => e.type === 'error');
        assert.equal(error?.type === 'error' && error.error.code, 'limitReached');
        const expected = thinking ? /reasoned for 1,000,000 characters, the most Hearth takes in one reply/ : /reply reached 400,000 characters, the most Hearth takes in one reply/;
        assert.match(error?.type === 'error' ? error.error.message : '', expected);
        const shown = joined(events, part);
        assert.equal(shown.length, limit, `what was shown stops at the bound (${shown.length} characters)`);
        assert.ok(TOKEN.startsWith(shown.slice(0, TOKEN.length)));
        await lsp.ollama.waitFor((r) => r.reply?.kind === 'endlessTokens' && r.outcome === 'aborted', 10_000);

        // The session was written whole: after a restart the message and the reply up to the bound are there, finished.
        await client.stop();
        const again = await lsp.start(MODEL);
        const session = await again.connection.sendRequest(SessionGetRequest.type, { sessionId: started.sessionId });
        const user = session.entries.find((e) => e.kind === 'user');
        assert.equal(user?.kind === 'user' && user.text, 'Explain the project');
        const reply = session.entries.find((e) => e.id === started.assistantEntryId);
        assert.ok(reply?.kind === 'assistant');
        assert.deepEqual([reply.state, reply.doneReason, reply.error?.code], ['done', 'limit', 'limitReached']);
        assert.equal(reply.parts.filter((p) => p.kind === part).map((p) => (p.kind === part ? p.text : '')).join('').length, limit);
      });
    }
  });

  describe('from an OpenAI-compatible provider, through the language server', () => {
    const lsp = useLanguageServerWorkspace('reply-bound-openai');

    it('endless content events are cut at the same bound, and the provider request is aborted', async () => {
      const server = lsp.closeAfter(await startOpenAiFailingStream(MODEL, [{ kind: 'endlessEvents', text: 'The answer starts ', token: TOKEN }]));
      const client = await lsp.startWithProvider({ name: 'lm', baseUrl: `${server.url}/v1`, model: MODEL });
      const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Explain the project', context: [] } });
      const done = await client.waitForEvent((e: ChatEventParams) => e.entryId === started.assistantEntryId && e.event.type === 'done', 45_000);
      assert.equal(done.event.type === 'done' && done.event.reason, 'limit');
      const events = client.events.filter((e) => e.entryId === started.assistantEntryId).map((e) => e.event);
      const error = events.find((e) => e.type === 'error');
      assert.match(error?.type === 'error' ? error.error.message : '', /reply reached 400,000 characters/);
      const shown = joined(events, 'text');
      assert.equal(shown.length, TEXT_LIMIT);
      assert.ok(shown.startsWith('The answer starts and again'));
      await until(() => server.hangUps === 1, 'the provider request to be aborted', 10_000);
    });
  });

  describe('through a team server', () => {
    let pki: TestPki;
    let fixture: OllamaFixture;
    let server: TeamServer;
    let connection: TeamConnection;

    before(async () => {
      pki = makePki();
      fixture = await startOllamaFixture();
      ({ server } = await startTestServer(remoteConfig(pki, fixture.url)));
      connection = teamConnection(server.port, pki);
    });

    after(async () => {
      connection?.close();
      await server?.shutdown(500);
      await fixture?.close();
      pki?.cleanup();
    });

    it('the team server cuts endless text at the same bound, hangs up on its backend, and the client gets the message', async () => {
      fixture.enqueue({ kind: 'endlessTokens', token: TOKEN });
      const events = await collect(new RemoteAgent(connection).startTurn([], { text: 'Explain the project', context: [] }, { model: MODEL }, new AbortController().signal));
      assert.deepEqual(events.at(-1), { type: 'done', reason: 'limit' });
      const error = events.find((e) => e.type === 'error');
      assert.equal(error?.type === 'error' && error.error.code, 'limitReached');
      assert.match(error?.type === 'error' ? error.error.message : '', /reply reached 400,000 characters/);
      assert.equal(joined(events, 'text').length, TEXT_LIMIT);
      await fixture.waitFor((r) => r.reply?.kind === 'endlessTokens' && r.outcome === 'aborted', 10_000);
    });
  });
});
