/**
 * An OpenAI-compatible server built on FastAPI (vLLM, SGLang) refusing a chat
 * in FastAPI's shapes, through the real language server over LSP and through
 * a real team server: the user reads the server's sentence (not its JSON),
 * a wrong address is named as one, and a busy server's Retry-After is said.
 */
import * as assert from 'node:assert/strict';
import type { HearthError } from '../../protocol/chat';
import { ChatRetryRequest, ChatSendRequest } from '../../protocol/lspMethods';
import { RemoteAgent } from '../../language-server/remote/remoteAgent';
import type { TeamServer } from '../../agent-host/server/teamServer';
import type { TeamConnection } from '../../language-server/remote/teamConnection';
import { startFastApiRefusals, type FastApiRefusal, type FastApiRefusals } from '../fixtures/fastApiRefusals';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import type { LspTestClient } from './lspTestClient';
import { useLanguageServerWorkspace } from './languageServerWorkspace';
import { collect, makePki, remoteConfig, startTestServer, teamConnection, type TestPki } from './teamServerHarness';

const MODEL = 'Qwen/Qwen2.5-Coder-7B-Instruct';
const BUSY: FastApiRefusal = { status: 503, body: { detail: 'Server is overloaded, too many pending requests' }, retryAfter: '30' };
const INVALID: FastApiRefusal = {
  status: 422,
  body: { detail: [{ type: 'missing', loc: ['body', 'messages', 0, 'content'], msg: 'Field required', input: { role: 'user' } }] },
};

describe('a FastAPI-based provider that refuses a chat (integration)', function () {
  this.timeout(30_000);

  describe('through the language server', () => {
    const lsp = useLanguageServerWorkspace('provider-fastapi');
    let server: FastApiRefusals | undefined;
    let client: LspTestClient | undefined;

    const send = async (refusals: FastApiRefusal[]) => {
      server = lsp.closeAfter(await startFastApiRefusals(MODEL, refusals));
      client = await lsp.startWithProvider({ name: 'vllm', baseUrl: server.url, model: MODEL });
      const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Explain it', context: [] } });
      return { started, error: await errorOf(started.assistantEntryId) };
    };
    const finished = (entryId: string) => client!.waitForEvent((e) => e.entryId === entryId && e.event.type === 'done', 15_000);
    const errorOf = async (entryId: string): Promise<HearthError | undefined> => {
      await finished(entryId);
      const error = client!.events.find((e) => e.entryId === entryId && e.event.type === 'error')?.event;
      return error?.type === 'error' ? error.error : undefined;
    };
    const textOf = (entryId: string) => client!.events.filter((e) => e.entryId === entryId).map((e) => (e.event.type === 'text' ? e.event.delta : '')).join('');

    it("a validation error ({\"detail\": [{loc, msg}]}) shows the field and FastAPI's words, not JSON", async () => {
      const { error } = await send([INVALID]);
      assert.match(error?.message ?? '', /reported an error for vllm::.* \(HTTP 422\): body\.messages\.0\.content: Field required$/);
      assert.doesNotMatch(error?.message ?? '', /detail|\{/);
    });

    it('a route the server does not have ({"detail": "Not Found"}) says the address is wrong, not that the model is missing', async () => {
      const { error } = await send([{ status: 404, body: { detail: 'Not Found' } }]);
      assert.match(error?.message ?? '', /^The OpenAI-compatible provider "vllm" at .* answered "Not Found" for its chat route: .* `baseUrl` points at the wrong place/);
      assert.notEqual(error?.code, 'modelNotFound');
    });

    it('a busy server (503 with Retry-After) says how long it asked to wait, in its words, and Retry answers', async () => {
      const { started, error } = await send([BUSY]);
      assert.match(error?.message ?? '', /^The OpenAI-compatible provider "vllm" at .* is busy or not ready \(HTTP 503\): Server is overloaded, too many pending requests\. It asked to be retried in 30 seconds/);
      assert.equal(error?.retryable, true);
      const retried = await client!.connection.sendRequest(ChatRetryRequest.type, { sessionId: started.sessionId });
      await finished(retried.assistantEntryId);
      assert.equal(textOf(retried.assistantEntryId), 'All good.');
      assert.equal(server!.chats, 2);
    });
  });

  describe('through a team server', () => {
    let pki: TestPki;
    let fixture: OllamaFixture;
    const refusals: FastApiRefusal[] = [];
    let backend: FastApiRefusals;
    let server: TeamServer;
    let connection: TeamConnection;

    before(async () => {
      pki = makePki();
      fixture = await startOllamaFixture();
      backend = await startFastApiRefusals(MODEL, refusals);
      ({ server } = await startTestServer(remoteConfig(pki, fixture.url, (c) => void c.backends.push({ name: 'vllm', type: 'openai', url: backend.url, maxConcurrency: 2 }))));
      connection = teamConnection(server.port, pki);
    });

    after(async () => {
      connection?.close();
      await server?.shutdown(200);
      await backend?.close();
      await fixture?.close();
      pki?.cleanup();
    });

    const turnError = async () => {
      const events = await collect(new RemoteAgent(connection).startTurn([], { text: 'Explain it', context: [] }, { model: MODEL }, new AbortController().signal));
      const error = events.find((e) => e.type === 'error');
      return error?.type === 'error' ? error.error.message : '';
    };

    it("the backend's FastAPI sentence reaches the user, not its JSON", async () => {
      refusals.push(INVALID);
      const message = await turnError();
      assert.match(message, /backend vllm failed: HTTP 422: body\.messages\.0\.content: Field required/);
      assert.doesNotMatch(message, /"detail"/);
    });

    it("a busy backend's Retry-After is said to the user", async () => {
      refusals.push(BUSY);
      assert.match(await turnError(), /backend vllm failed: HTTP 503: Server is overloaded, too many pending requests\. It asked to be retried in 30 seconds\./);
    });
  });
});
