/**
 * Chat modes and rules files through the real language server (stdio LSP)
 * and the scripted Ollama: the mode in the chat request decides the tools the
 * model is offered at the fixture, Ask mode never writes, the mode is stored
 * with the session and survives a restart, and the repository's rules files
 * reach the system prompt (root AGENTS.md always, the nearest AGENTS.md for
 * the files a message names, switched off per chat).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ChatMode, ContextItem } from '../../protocol/chat';
import {
  ChatCommandRequest,
  ChatModelRequest,
  ChatRetryRequest,
  ChatSendRequest,
  RulesListRequest,
  SessionConfigureRequest,
  SessionGetRequest,
  WorkspaceTrustNotification,
} from '../../protocol/lspMethods';
import { chatRequests, offeredTools, startOllamaFixture, type OllamaFixture, type RecordedRequest } from '../fixtures/ollamaFixture';
import { startLspTestClient, type LspTestClient } from './lspTestClient';

const MODEL = 'qwen2.5-coder:7b';
// The core's own tools come last in every mode: run_subagents (read-only roles only in Ask and Plan) and update_todos, which change nothing.
const CORE_TOOLS = ['run_subagents', 'update_todos'];
const ALL_TOOLS = ['read_file', 'list_dir', 'glob', 'grep', 'write_file', 'edit_file', 'run_command', 'get_problems', 'find_symbol', 'codebase_search', 'fetch_web_page', ...CORE_TOOLS];
const READ_ONLY = ['read_file', 'list_dir', 'glob', 'grep', 'get_problems', 'find_symbol', 'codebase_search', 'fetch_web_page', ...CORE_TOOLS];

const systemOf = (r: RecordedRequest): string => r.body.messages[0].content;

describe('language server: chat modes and rules files (integration)', function () {
  this.timeout(30_000);
  let fixture: OllamaFixture;
  let storage: string;
  let workspace: string;
  let client: LspTestClient | undefined;

  beforeEach(async () => {
    fixture = await startOllamaFixture();
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-modes-'));
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-modes-ws-'));
  });

  afterEach(async () => {
    await client?.stop();
    client = undefined;
    await fixture.close();
    fs.rmSync(storage, { recursive: true, force: true });
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  async function start(): Promise<LspTestClient> {
    client = await startLspTestClient({ storagePath: storage, workspace, settings: { ollama: { host: fixture.url }, chat: { model: MODEL } } });
    // A trusted workspace: Agent mode has every tool, so what Ask and Plan lack is the mode's doing.
    await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
    return client;
  }

  async function send(text: string, options: { sessionId?: string; mode?: ChatMode; context?: ContextItem[]; disabledRules?: string[]; rememberedModel?: string } = {}) {
    const started = await client!.connection.sendRequest(ChatSendRequest.type, {
      sessionId: options.sessionId,
      input: { text, context: options.context ?? [] },
      mode: options.mode,
      disabledRules: options.disabledRules,
      rememberedModel: options.rememberedModel,
    });
    await client!.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done');
    return started;
  }

  it('the mode in the request decides the tools the model is offered, and is stored with the chat across a restart', async () => {
    await start();
    fixture.enqueue({ kind: 'text', text: 'a' }, { kind: 'text', text: 'b' }, { kind: 'text', text: 'c' }, { kind: 'text', text: 'd' });
    const first = await send('explain', { mode: 'ask' });
    await send('plan it', { sessionId: first.sessionId, mode: 'plan' });
    await send('do it', { sessionId: first.sessionId, mode: 'agent' });
    assert.deepEqual(chatRequests(fixture).map(offeredTools), [READ_ONLY, READ_ONLY, ALL_TOOLS]);
    assert.match(systemOf(chatRequests(fixture)[1]), /Plan mode/);

    // The header's switch stores the mode without a message; a retry then runs in it.
    await client!.connection.sendRequest(SessionConfigureRequest.type, { sessionId: first.sessionId, mode: 'plan' });
    const retried = await client!.connection.sendRequest(ChatRetryRequest.type, { sessionId: first.sessionId });
    await client!.waitForEvent((e) => e.entryId === retried.assistantEntryId && e.event.type === 'done');
    assert.deepEqual(offeredTools(chatRequests(fixture)[3]), READ_ONLY);

    await client!.stop();
    client = undefined;
    await start();
    const reopened = await client!.connection.sendRequest(SessionGetRequest.type, { sessionId: first.sessionId });
    assert.equal(reopened.summary.mode, 'plan', 'reopening the chat restores its mode');
    const answers = reopened.entries.filter((e) => e.kind === 'assistant');
    assert.deepEqual(answers.map((e) => e.kind === 'assistant' && e.mode), ['ask', 'plan', 'plan'], 'each reply keeps the mode it was made in');
  });

  it('Ask mode: a model that calls write_file gets a refusal, and the file on disk is untouched', async () => {
    fs.writeFileSync(path.join(workspace, 'a.txt'), 'original\n');
    await start();
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'write_file', arguments: { path: 'a.txt', content: 'hijacked\n' } }] }, { kind: 'text', text: 'I can only read here.' });
    const started = await send('change a.txt', { mode: 'ask' });
    assert.equal(fs.readFileSync(path.join(workspace, 'a.txt'), 'utf8'), 'original\n');
    const result = client!.events.find((e) => e.entryId === started.assistantEntryId && e.event.type === 'toolResult');
    assert.ok(result && result.event.type === 'toolResult');
    assert.equal(result.event.result.isError, true);
    assert.match(result.event.result.content, /write_file is not available in Ask mode/);
  });

  it('a slash command that starts a chat runs in the mode it names: /explain in Ask mode offers only the read-only tools, and its write_file is refused', async () => {
    fs.writeFileSync(path.join(workspace, 'a.txt'), 'original\n');
    await start();
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'write_file', arguments: { path: 'a.txt', content: 'hijacked\n' } }] }, { kind: 'text', text: 'I can only read here.' });
    const result = await client!.connection.sendRequest(ChatCommandRequest.type, {
      input: { text: '/explain', context: [] },
      command: { name: 'explain', args: '' },
      mode: 'ask',
      editorContext: { kind: 'file', path: 'a.txt', text: 'original\n', languageId: 'plaintext' },
    });
    assert.ok(result.started, 'a turn started');
    await client!.waitForEvent((e) => e.entryId === result.started!.assistantEntryId && e.event.type === 'done');
    assert.deepEqual(offeredTools(chatRequests(fixture)[0]), READ_ONLY);
    assert.equal(fs.readFileSync(path.join(workspace, 'a.txt'), 'utf8'), 'original\n');
    const stored = await client!.connection.sendRequest(SessionGetRequest.type, { sessionId: result.started.sessionId });
    assert.equal(stored.summary.mode, 'ask', 'the new chat keeps the mode it was started in');
  });

  it('each mode of a chat remembers its own model; the picker is told the model the turn then uses', async () => {
    const OTHER = 'llama3.2:3b';
    await start();
    fixture.enqueue({ kind: 'text', text: 'a' }, { kind: 'text', text: 'b' }, { kind: 'text', text: 'c' }, { kind: 'text', text: 'd' });
    const first = await send('hi', { mode: 'agent' });
    assert.equal(chatRequests(fixture)[0].body.model, MODEL, 'no pick yet: the setting');

    // The user switches to Plan and picks another model in this chat.
    await client!.connection.sendRequest(SessionConfigureRequest.type, { sessionId: first.sessionId, mode: 'plan', model: OTHER });
    assert.deepEqual(await client!.connection.sendRequest(ChatModelRequest.type, { sessionId: first.sessionId }), { model: OTHER });
    await send('plan it', { sessionId: first.sessionId, mode: 'plan' });
    assert.equal(chatRequests(fixture)[1].body.model, OTHER);

    // Back in Agent mode the chat's Agent model (none picked: the setting) is used, not Plan's.
    assert.deepEqual(await client!.connection.sendRequest(ChatModelRequest.type, { sessionId: first.sessionId, mode: 'agent' }), { model: MODEL });
    await send('do it', { sessionId: first.sessionId, mode: 'agent' });
    assert.equal(chatRequests(fixture)[2].body.model, MODEL);

    // A new chat in Plan mode starts with the model remembered for Plan (the editor's workspace memory).
    assert.deepEqual(await client!.connection.sendRequest(ChatModelRequest.type, { mode: 'plan', rememberedModel: OTHER }), { model: OTHER });
    await send('new plan', { mode: 'plan', rememberedModel: OTHER });
    assert.equal(chatRequests(fixture)[3].body.model, OTHER);

    const stored = await client!.connection.sendRequest(SessionGetRequest.type, { sessionId: first.sessionId });
    assert.deepEqual(stored.summary.models, { plan: OTHER }, 'the pick is stored with the chat, for its mode');
  });

  it('an unknown mode is refused with a clear error and nothing is stored', async () => {
    await start();
    await assert.rejects(
      client!.connection.sendRequest(ChatSendRequest.type, { input: { text: 'hi', context: [] }, mode: 'yolo' as ChatMode }),
      /Unknown chat mode "yolo"/,
    );
    assert.equal(chatRequests(fixture).length, 0);
  });

  describe('rules files', () => {
    beforeEach(() => {
      fs.mkdirSync(path.join(workspace, 'src', 'deep'), { recursive: true });
      fs.mkdirSync(path.join(workspace, '.github'), { recursive: true });
      fs.writeFileSync(path.join(workspace, 'AGENTS.md'), 'ROOT-RULE: run npm test before you finish.\n');
      fs.writeFileSync(path.join(workspace, 'src', 'AGENTS.md'), 'SRC-RULE: src uses two-space indents.\n');
      fs.writeFileSync(path.join(workspace, 'src', 'deep', 'AGENTS.md'), 'DEEP-RULE: deep code uses tabs.\n');
      fs.writeFileSync(path.join(workspace, 'src', 'deep', 'x.ts'), 'export const x = 1;\n');
      fs.writeFileSync(path.join(workspace, 'src', 'y.ts'), 'export const y = 1;\n');
      fs.writeFileSync(path.join(workspace, '.github', 'copilot-instructions.md'), 'COPILOT-RULE: prefer const.\n');
      fs.writeFileSync(path.join(workspace, 'CLAUDE.md'), `CLAUDE-RULE ${'z'.repeat(10_000)} CLAUDE-TAIL`);
    });

    it('the root files always apply, and the nearest AGENTS.md wins for the file a message mentions', async () => {
      await start();
      fixture.enqueue({ kind: 'text', text: 'ok' }, { kind: 'text', text: 'ok' });
      await send('look at x', { mode: 'ask', context: [{ kind: 'mention', path: 'src/deep/x.ts' }] });
      const deep = systemOf(chatRequests(fixture)[0]);
      assert.match(deep, /ROOT-RULE/);
      assert.match(deep, /COPILOT-RULE/);
      assert.match(deep, /DEEP-RULE/, 'the nearest AGENTS.md of src/deep/x.ts');
      assert.doesNotMatch(deep, /SRC-RULE/, 'a farther AGENTS.md does not apply when a nearer one exists');
      assert.match(deep, /CLAUDE-RULE/);
      assert.doesNotMatch(deep, /CLAUDE-TAIL/, 'a file over 8 KB is cut');
      assert.match(deep, /CLAUDE\.md is longer than 8192 characters/);

      await send('look at y', { mode: 'ask', context: [{ kind: 'mention', path: 'src/y.ts' }] });
      const src = systemOf(chatRequests(fixture)[1]);
      assert.match(src, /SRC-RULE/);
      assert.doesNotMatch(src, /DEEP-RULE/);

      const listed = await client!.connection.sendRequest(RulesListRequest.type, { paths: ['src/deep/x.ts'] });
      assert.deepEqual(
        listed.rules.map((r) => [r.path, r.truncated, r.enabled]),
        [
          ['AGENTS.md', false, true],
          ['CLAUDE.md', true, true],
          ['.github/copilot-instructions.md', false, true],
          ['src/deep/AGENTS.md', false, true],
        ],
      );
    });

    it('a rules file switched off for a chat stays out of its prompt, and only that chat', async () => {
      await start();
      fixture.enqueue({ kind: 'text', text: 'ok' }, { kind: 'text', text: 'ok' }, { kind: 'text', text: 'ok' });
      const first = await send('hi', { disabledRules: ['AGENTS.md'] });
      assert.doesNotMatch(systemOf(chatRequests(fixture)[0]), /ROOT-RULE/);
      assert.match(systemOf(chatRequests(fixture)[0]), /COPILOT-RULE/);
      await send('again', { sessionId: first.sessionId });
      assert.doesNotMatch(systemOf(chatRequests(fixture)[1]), /ROOT-RULE/, 'the choice is stored with the chat');
      const listed = await client!.connection.sendRequest(RulesListRequest.type, { sessionId: first.sessionId, paths: [] });
      assert.equal(listed.rules.find((r) => r.path === 'AGENTS.md')?.enabled, false);
      await send('new chat');
      assert.match(systemOf(chatRequests(fixture)[2]), /ROOT-RULE/, 'another chat still has it');
    });

    it('a rules file that is a symlink out of the workspace is not read', async () => {
      const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-outside-'));
      try {
        fs.writeFileSync(path.join(outside, 'secret.md'), 'OUTSIDE-SECRET');
        fs.rmSync(path.join(workspace, 'AGENTS.md'));
        fs.symlinkSync(path.join(outside, 'secret.md'), path.join(workspace, 'AGENTS.md'));
        await start();
        fixture.enqueue({ kind: 'text', text: 'ok' });
        await send('hi');
        assert.doesNotMatch(systemOf(chatRequests(fixture)[0]), /OUTSIDE-SECRET/);
        assert.match(systemOf(chatRequests(fixture)[0]), /COPILOT-RULE/);
      } finally {
        fs.rmSync(outside, { recursive: true, force: true });
      }
    });
  });
});
