/**
 * Sub-agents and the visible plan through the real language server: an
 * explorer reads the real workspace, an executor's edit asks the user like
 * the main agent's and lands on disk, the cards are in the stored session
 * (after a restart too), Undo restores what a sub-agent changed, and the
 * setting turns the tool off; the plan is stored with its reply and the
 * user's edit of it is where the next turn starts.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_MODELS, type RecordedRequest, type ScriptedReply } from '../fixtures/ollamaFixture';
import { startLspTestClient } from './lspTestClient';
import { useLspSuite } from './lspSuite';
import { ChatSendRequest, ChatTodosRequest, CheckpointRestoreRequest, EditApprovalRequest, SessionGetRequest, UndoTurnRequest, WorkspaceTrustNotification, type EditApprovalParams } from '../../protocol/lspMethods';

const MODEL = 'qwen2.5-coder:7b';
const BUGGY = 'export function add(a, b) {\n  return a - b;\n}\n';
const FIXED = 'export function add(a, b) {\n  return a + b;\n}\n';

const systemOf = (r: RecordedRequest): string => r.body?.messages?.[0]?.content ?? '';
const lastOf = (r: RecordedRequest): { role: string; content: string; tool_name?: string } => r.body.messages.at(-1);

/** The main agent delegates a look and a fix; the explorer reads math.js; the executor edits it. */
function team(r: RecordedRequest): ScriptedReply {
  const system = systemOf(r);
  const last = lastOf(r);
  if (/explorer sub-agent/.test(system)) {
    return last.role === 'tool'
      ? { kind: 'text', text: `src/math.js line 2 subtracts: ${last.content.includes('a - b') ? 'a - b' : '?'}.` }
      : { kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'src/math.js' } }] };
  }
  if (/executor sub-agent/.test(system)) {
    return last.role === 'tool'
      ? { kind: 'text', text: 'Changed src/math.js.' }
      : { kind: 'toolCalls', calls: [{ name: 'edit_file', arguments: { path: 'src/math.js', oldText: 'return a - b;', newText: 'return a + b;' } }] };
  }
  if (last.role === 'tool') return { kind: 'text', text: 'Fixed by the executor.' };
  return {
    kind: 'toolCalls',
    calls: [
      {
        name: 'run_subagents',
        arguments: {
          agents: [
            { role: 'explorer', task: 'Find what add() in src/math.js does.' },
            { role: 'executor', task: 'In src/math.js, make add() return a + b.' },
          ],
        },
      },
    ],
  };
}

describe('sub-agents through the language server (integration)', function () {
  this.timeout(30_000);
  const suite = useLspSuite('subagents');
  let edits: EditApprovalParams[];

  async function start(agentSettings: Record<string, unknown> = {}) {
    suite.client = await startLspTestClient({ storagePath: suite.storage, workspace: suite.workspace, settings: { ollama: { host: suite.fixture.url }, chat: { model: MODEL }, agent: agentSettings } });
    suite.client.connection.onRequest(EditApprovalRequest.type, (p) => {
      edits.push(p);
      return { decision: 'accept' };
    });
    await suite.client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
  }

  beforeEach(async () => {
    fs.mkdirSync(path.join(suite.workspace, 'src'));
    fs.writeFileSync(path.join(suite.workspace, 'src', 'math.js'), BUGGY);
    edits = [];
  });

  it('an explorer reads the workspace, an executor edits it with approval, and the session keeps both cards', async () => {
    await start();
    suite.fixture.setResponder(team);
    const started = await suite.client!.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Fix add() in src/math.js', context: [] } });
    const done = await suite.client!.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
    assert.equal(done.event.type === 'done' && done.event.reason, 'stop');

    // The executor's edit asked the user, as the main agent's would, and landed on disk.
    assert.equal(edits.length, 1);
    assert.equal(edits[0].relativePath, 'src/math.js');
    assert.match(edits[0].callId, /\.a2\./, 'the approval names the sub-agent call');
    assert.equal(fs.readFileSync(path.join(suite.workspace, 'src', 'math.js'), 'utf8'), FIXED);

    // The explorer really read the file through the language server's tools.
    const explorerReport = suite.fixture.requests.filter((r) => r.path === '/api/chat' && /explorer sub-agent/.test(systemOf(r))).at(-1)!;
    assert.match(lastOf(explorerReport).content, /return a - b/);
    // The main agent read both reports.
    const final = suite.fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!;
    assert.match(lastOf(final).content, /src\/math\.js line 2 subtracts: a - b[\s\S]*Changed src\/math\.js\./);

    const cards = async () => {
      const session = await suite.client!.connection.sendRequest(SessionGetRequest.type, { sessionId: started.sessionId });
      const entry = session.entries.find((e) => e.id === started.assistantEntryId);
      assert.ok(entry && entry.kind === 'assistant');
      return entry.parts.flatMap((p) => (p.kind === 'subagent' ? [p] : []));
    };
    const stored = await cards();
    assert.deepEqual(stored.map((c) => [c.agent.role, c.outcome?.reason]), [['explorer', 'stop'], ['executor', 'stop']]);
    assert.deepEqual(stored[1].parts.map((p) => p.kind === 'toolCall' && [p.call.name, p.result?.isError]), [['edit_file', false]]);

    // A restart reads the same cards back from the session log.
    await suite.client!.stop();
    await start();
    assert.deepEqual((await cards()).map((c) => c.agent.role), ['explorer', 'executor']);

    // Undo of the reply restores what the sub-agent changed.
    const undo = await suite.client!.connection.sendRequest(UndoTurnRequest.type, { sessionId: started.sessionId, entryId: started.assistantEntryId });
    assert.deepEqual(undo.restored.map((p) => path.basename(p)), ['math.js']);
    assert.equal(fs.readFileSync(path.join(suite.workspace, 'src', 'math.js'), 'utf8'), BUGGY);
  });

  it("a sub-agent's edits leave one Restore point, after its card, which restores what all of them did", async () => {
    await start();
    const ADDED = `${FIXED}export const two = 2;\n`;
    suite.fixture.setResponder((r) => {
      const last = lastOf(r);
      if (/executor sub-agent/.test(systemOf(r))) {
        const toolTurns = r.body.messages.filter((m: { role: string }) => m.role === 'tool').length;
        if (toolTurns === 0) return { kind: 'toolCalls', calls: [{ name: 'edit_file', arguments: { path: 'src/math.js', oldText: 'return a - b;', newText: 'return a + b;' } }] };
        if (toolTurns === 1) return { kind: 'toolCalls', calls: [{ name: 'write_file', arguments: { path: 'src/math.js', content: ADDED } }] };
        return { kind: 'text', text: 'Changed src/math.js twice.' };
      }
      if (last.role === 'tool') return { kind: 'text', text: 'Done.' };
      return { kind: 'toolCalls', calls: [{ name: 'run_subagents', arguments: { agents: [{ role: 'executor', task: 'Fix add() and add two.' }] } }] };
    });
    const started = await suite.client!.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Fix math.js', context: [] } });
    await suite.client!.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
    assert.equal(edits.length, 2, 'both edits asked the user');
    assert.equal(fs.readFileSync(path.join(suite.workspace, 'src', 'math.js'), 'utf8'), ADDED);

    const session = await suite.client!.connection.sendRequest(SessionGetRequest.type, { sessionId: started.sessionId });
    const entry = session.entries.find((e) => e.id === started.assistantEntryId);
    assert.ok(entry?.kind === 'assistant');
    const runId = entry.parts.find((p) => p.kind === 'toolCall' && p.call.name === 'run_subagents');
    assert.ok(runId?.kind === 'toolCall');
    // One before the reply, one after the card: none part-way through it, where the conversation could not follow.
    assert.deepEqual((entry.checkpoints ?? []).map((c) => c.callId), [undefined, runId.call.id]);
    const afterCard = entry.checkpoints![1].id;
    fs.writeFileSync(path.join(suite.workspace, 'src', 'math.js'), 'the user rewrote it\n');
    await suite.client!.connection.sendRequest(CheckpointRestoreRequest.type, { sessionId: started.sessionId, checkpointId: afterCard, scope: 'files' });
    assert.equal(fs.readFileSync(path.join(suite.workspace, 'src', 'math.js'), 'utf8'), ADDED, 'the restore point holds both edits');
  });

  it('the agent\'s plan is stored with its reply, the user\'s edit is refused while it streams, and the next turn starts from the edit', async () => {
    await start();
    suite.fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'update_todos', arguments: { items: [{ text: 'Read math.js', status: 'done' }, { text: 'Fix add', status: 'inProgress' }] } }] },
      // Long enough that the edit below reaches the server while the reply still streams, however busy the machine.
      { kind: 'text', text: 'Half way.', tokenDelayMs: 50, firstTokenDelayMs: 3000 },
    );
    const started = await suite.client!.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Fix add()', context: [] } });
    await suite.client!.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'todos', 20_000);
    await assert.rejects(
      suite.client!.connection.sendRequest(ChatTodosRequest.type, { sessionId: started.sessionId, entryId: started.assistantEntryId, items: [] }),
      /still working/,
    );
    await suite.client!.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);

    const edited = [{ text: 'Read math.js', status: 'done' as const }, { text: 'Fix add without touching sub', status: 'pending' as const }];
    await suite.client!.connection.sendRequest(ChatTodosRequest.type, { sessionId: started.sessionId, entryId: started.assistantEntryId, items: edited });
    const session = await suite.client!.connection.sendRequest(SessionGetRequest.type, { sessionId: started.sessionId });
    const entry = session.entries.find((e) => e.id === started.assistantEntryId);
    assert.ok(entry?.kind === 'assistant');
    assert.deepEqual(entry.todos, edited, 'the edit is stored with the reply');

    suite.fixture.enqueue({ kind: 'text', text: 'Continuing.' });
    const next = await suite.client!.connection.sendRequest(ChatSendRequest.type, { sessionId: started.sessionId, input: { text: 'go on', context: [] } });
    await suite.client!.waitForEvent((e) => e.entryId === next.assistantEntryId && e.event.type === 'done', 20_000);
    const system = suite.fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!.body.messages[0].content as string;
    assert.match(system, /- \[x\] Read math\.js\n- \[ \] Fix add without touching sub/);
  });

  it('one reply starts at most four sub-agents: a second run_subagents call in the same reply is refused and starts none', async () => {
    await start();
    const calls = [1, 2, 3].map((n) => ({ name: 'run_subagents', arguments: { agents: [1, 2, 3, 4].map((i) => ({ role: 'explorer', task: `Look at part ${n}.${i}.` })) } }));
    suite.fixture.setResponder((r) => {
      if (/explorer sub-agent/.test(systemOf(r))) return { kind: 'text', text: 'Nothing there.' };
      return lastOf(r).role === 'tool' ? { kind: 'text', text: 'Done.' } : { kind: 'toolCalls', calls };
    });
    const started = await suite.client!.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Look everywhere', context: [] } });
    await suite.client!.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
    const explorerRequests = suite.fixture.requests.filter((r) => r.path === '/api/chat' && /explorer sub-agent/.test(systemOf(r)));
    assert.equal(explorerRequests.length, 4, 'only the first call\'s four explorers asked the model');
    const results = suite.client!.events.flatMap((e) => (e.entryId === started.assistantEntryId && e.event.type === 'toolResult' ? [e.event.result] : []));
    assert.deepEqual(results.map((r) => r.isError), [false, true, true]);
    assert.match(results[1].content, /one run_subagents call per reply/);
  });

  it("a sub-agent on a smaller model than the turn's asks for that model's window, not the turn's", async () => {
    // The turn's model holds 32,768 tokens; the explorers' model only 2,048. Sent the turn's num_ctx, Ollama would clamp
    // it to 2,048 and cut the sub-agent's prompt from the front while Hearth's budget believed it fitted.
    const small = { name: 'smollm2:135m', family: 'llama', parameterSize: '135M', contextLength: 2048, capabilities: ['completion', 'tools'] };
    suite.fixture.setModels([...DEFAULT_MODELS, small]);
    await start({ subagentModels: { explorer: small.name } });
    suite.fixture.setResponder((r) => {
      if (/explorer sub-agent/.test(systemOf(r))) return { kind: 'text', text: 'Nothing there.' };
      return lastOf(r).role === 'tool' ? { kind: 'text', text: 'Done.' } : { kind: 'toolCalls', calls: [{ name: 'run_subagents', arguments: { agents: [{ role: 'explorer', task: 'Look at src.' }] } }] };
    });
    const started = await suite.client!.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Look at src', context: [] } });
    await suite.client!.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
    const chats = suite.fixture.requests.filter((r) => r.path === '/api/chat');
    const explorer = chats.filter((r) => /explorer sub-agent/.test(systemOf(r)));
    const main = chats.filter((r) => !/explorer sub-agent/.test(systemOf(r)));
    assert.deepEqual(explorer.map((r) => [r.body.model, r.body.options.num_ctx]), [[small.name, 2048]]);
    assert.deepEqual(main.map((r) => [r.body.model, r.body.options.num_ctx]), [[MODEL, 32768], [MODEL, 32768]]);
  });

  it('with hearth.agent.subagents off the model is not offered the tool', async () => {
    await start({ subagents: false });
    suite.fixture.enqueue({ kind: 'text', text: 'ok' });
    const started = await suite.client!.connection.sendRequest(ChatSendRequest.type, { input: { text: 'hello', context: [] } });
    await suite.client!.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
    const tools = (suite.fixture.requests.find((r) => r.path === '/api/chat')!.body.tools as { function: { name: string } }[]).map((t) => t.function.name);
    assert.ok(tools.includes('read_file') && !tools.includes('run_subagents'), tools.join(', '));
  });
});
