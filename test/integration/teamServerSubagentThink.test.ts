/**
 * A sub-agent on another model than the turn's, on a team server: its
 * `think` is the developer's choice for that model (hearth.chat.thinkByModel,
 * through the language server's planner), not the turn's. The real language
 * server in remote mode, signed in to a real team server on a real TLS port
 * over the scripted Ollama, which records what each request asked for.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AssistantEntry } from '../../protocol/sessions';
import { ChatSendRequest, SessionGetRequest, TeamConnectRequest, WorkspaceTrustNotification } from '../../protocol/lspMethods';
import type { TeamServer } from '../../agent-host/server/teamServer';
import { chatRequests, DEFAULT_MODELS, QWEN3, startOllamaFixture, type OllamaFixture, type RecordedRequest } from '../fixtures/ollamaFixture';
import { startLspTestClient, type LspTestClient } from './lspTestClient';
import { ALICE_KEY, makePki, remoteConfig, startTestServer, type TestPki } from './teamServerHarness';

const MODEL = 'qwen2.5-coder:7b';
const isSub = (r: RecordedRequest): boolean => /sub-agent of Hearth/.test(r.body?.messages?.[0]?.content ?? '');

describe('team server: a sub-agent on another model gets that model\'s think (integration)', function () {
  this.timeout(60_000);
  let pki: TestPki;
  let fixture: OllamaFixture;
  let server: TeamServer;
  let client: LspTestClient;
  const folders: string[] = [];

  before(async () => {
    pki = makePki();
    fixture = await startOllamaFixture({ models: [...DEFAULT_MODELS, QWEN3] });
    ({ server } = await startTestServer(remoteConfig(pki, fixture.url)));
    const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-subthink-ls-'));
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-subthink-ws-'));
    folders.push(storage, workspace);
    fs.writeFileSync(path.join(workspace, 'parse.ts'), 'export function parse(s: string) { return s.split(","); }\n');
    const url = `grpcs://localhost:${server.port}`;
    client = await startLspTestClient({
      storagePath: storage,
      workspace,
      settings: {
        server: { mode: 'remote', url, caFile: path.join(pki.dir, 'ca.crt') },
        // The chat's model never thinks; the researcher's model always does: one choice per model.
        chat: { model: MODEL, think: 'off', thinkByModel: { [QWEN3.name]: 'on' } },
        agent: { subagentModels: { researcher: QWEN3.name } },
      },
    });
    await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
    const status = await client.connection.sendRequest(TeamConnectRequest.type, { url, apiKey: ALICE_KEY });
    assert.equal(status.state, 'connected', JSON.stringify(status));
  });

  after(async () => {
    await client?.stop();
    await server?.shutdown(200);
    await fixture?.close();
    pki?.cleanup();
    for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function send(text: string): Promise<AssistantEntry> {
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text, context: [] } });
    await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done');
    const session = await client.connection.sendRequest(SessionGetRequest.type, { sessionId: started.sessionId });
    return session.entries.find((e): e is AssistantEntry => e.kind === 'assistant' && e.id === started.assistantEntryId)!;
  }

  it("the researcher on a thinking model thinks as hearth.chat.thinkByModel says, while the turn's model is sent think:false", async () => {
    fixture.setResponder((r) => {
      if (isSub(r)) return { kind: 'text', text: 'parse splits on commas.' };
      if (r.body.messages.at(-1).role === 'tool') return { kind: 'text', text: 'It splits on commas.' };
      return { kind: 'toolCalls', calls: [{ name: 'run_subagents', arguments: { agents: [{ role: 'researcher', task: 'Explain parse.ts.' }] } }] };
    });
    try {
      const reply = await send('What does parse.ts do? Ask a researcher.');
      assert.equal(reply.state, 'done', JSON.stringify(reply.parts));
    } finally {
      fixture.setResponder(undefined);
    }
    const requests = chatRequests(fixture);
    const sub = requests.filter(isSub);
    assert.equal(sub.length, 1);
    assert.equal(sub[0].body.model, QWEN3.name);
    assert.equal(sub[0].body.think, true, 'the sub-agent model\'s own setting');
    for (const main of requests.filter((r) => !isSub(r))) {
      assert.equal(main.body.model, MODEL);
      assert.equal(main.body.think, false, 'the turn\'s model\'s setting');
    }
  });
});
