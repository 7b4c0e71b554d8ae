/**
 * Slash commands through the real language server (dist/language-server.js
 * over stdio) with the scripted Ollama: what reaches the model for a
 * built-in, for prompt files (the workspace's and the user's, in a fake
 * home) and for a prompt of the real @modelcontextprotocol/server-everything;
 * the chat keeps what the user typed; an untrusted workspace's prompt files
 * are not read; a missing argument is a clear error that stores nothing.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ChatCommandRequest,
  ChatRetryRequest,
  SessionGetRequest,
  SessionListRequest,
  SlashCommandsRequest,
  TeamConnectRequest,
  WorkspaceTrustNotification,
  type ChatCommandParams,
} from '../../protocol/lspMethods';
import { parseSlashCommand } from '../../protocol/slashCommands';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { startSwapper } from '../fixtures/startSwapper';
import { startLspTestClient, type LspTestClient } from './lspTestClient';
import { EVERYTHING_SERVER, killLeftovers, MODEL, startMcpTestServer, type McpTestServer } from './mcpHarness';
import { ALICE_KEY, makePki, remoteConfig, startTestServer } from './teamServerHarness';

const REVIEW_PROMPT = `---
description: Review a file for one concern
argument-hint: <file> <concern>
model: some-other-model
---
Review $1 with a strict eye for $2. Everything the user wrote: $ARGUMENTS
`;

describe('slash commands through the language server (integration)', function () {
  this.timeout(60_000);
  let fixture: OllamaFixture;
  let storage: string;
  let workspace: string;
  let home: string;
  let client: LspTestClient | undefined;
  let mcp: McpTestServer | undefined;

  beforeEach(async () => {
    fixture = await startOllamaFixture();
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-slash-ls-'));
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-slash-ws-'));
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-slash-home-'));
    fs.mkdirSync(path.join(workspace, '.hearth', 'prompts'), { recursive: true });
    fs.writeFileSync(path.join(workspace, '.hearth', 'prompts', 'review.md'), REVIEW_PROMPT);
    fs.mkdirSync(path.join(home, '.hearth', 'prompts'), { recursive: true });
    fs.writeFileSync(path.join(home, '.hearth', 'prompts', 'standup.md'), 'Summarise my work on $ARGUMENTS for a stand-up, in three bullets.\n');
  });

  afterEach(async () => {
    const pids = mcp?.pids ?? new Set<number>();
    try {
      await client?.stop();
      await mcp?.stop();
    } finally {
      killLeftovers(pids);
      client = undefined;
      mcp = undefined;
      await fixture.close();
      for (const dir of [storage, workspace, home]) fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  async function startClient(trusted: boolean): Promise<LspTestClient> {
    client = await startLspTestClient({
      storagePath: storage,
      workspace,
      settings: { ollama: { host: fixture.url }, chat: { model: MODEL } },
      env: { ...process.env, HOME: home },
    });
    if (trusted) await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
    return client;
  }

  /** Sends `text` as the composer does (the command parsed from it) and waits for the reply; returns the last user message the model got. */
  async function runCommand(c: LspTestClient, text: string, extra: Partial<ChatCommandParams> = {}): Promise<{ toModel: string; sessionId: string; userEntryId: string }> {
    const command = parseSlashCommand(text);
    assert.ok(command, `${text} is a command`);
    fixture.enqueue({ kind: 'text', text: 'Done.' });
    const before = fixture.requests.length;
    const result = await c.connection.sendRequest(ChatCommandRequest.type, { input: { text, context: [] }, command, ...extra });
    assert.ok(result.started, 'a turn started');
    await c.waitForEvent((e) => e.entryId === result.started!.assistantEntryId && e.event.type === 'done', 30_000);
    const sent = fixture.requests.filter((r, i) => i >= before && r.path === '/api/chat').at(-1);
    assert.ok(sent, 'the model was asked');
    const toModel = (sent.body.messages as { role: string; content: string }[]).filter((m) => m.role === 'user').at(-1)!.content;
    return { toModel, sessionId: result.started.sessionId, userEntryId: result.started.userEntryId };
  }

  it('expands /explain with the editor selection for the model, while the chat keeps what the user typed', async () => {
    const c = await startClient(true);
    const selection = { kind: 'selection' as const, path: 'src/slow.ts', text: 'for (const a of xs) for (const b of xs) if (a === b) hits++;', range: { startLine: 3, endLine: 3 }, languageId: 'typescript' };
    const { toModel, sessionId, userEntryId } = await runCommand(c, '/explain why is this slow', { editorContext: selection });
    assert.match(toModel, /\n\nExplain the attached code: what it does/, 'the instruction follows the code');
    assert.match(toModel, /The user adds: why is this slow/);
    assert.ok(toModel.includes(selection.text), 'the selected code reached the model');
    assert.match(toModel, /src\/slow\.ts/);

    const session = await c.connection.sendRequest(SessionGetRequest.type, { sessionId });
    const user = session.entries.find((e) => e.id === userEntryId);
    assert.equal(user?.kind === 'user' && user.text, '/explain why is this slow', 'the transcript shows what was typed');
    assert.equal(user?.kind === 'user' && user.context[0]?.path, 'src/slow.ts', 'the code it used is shown as a chip');

    // A retry sends the same expansion again, without the editor being asked twice.
    fixture.enqueue({ kind: 'text', text: 'Again.' });
    const before = fixture.requests.length;
    const retried = await c.connection.sendRequest(ChatRetryRequest.type, { sessionId });
    await c.waitForEvent((e) => e.entryId === retried.assistantEntryId && e.event.type === 'done', 30_000);
    const again = fixture.requests.filter((r, i) => i >= before && r.path === '/api/chat').at(-1)!;
    assert.equal((again.body.messages as { role: string; content: string }[]).filter((m) => m.role === 'user').at(-1)!.content, toModel);
  });

  it('/new opens a new chat, and text after it is that chat\'s first message', async () => {
    const c = await startClient(true);
    const first = await runCommand(c, '/explain', { editorContext: { kind: 'file', path: 'a.ts', text: 'export const a = 1;\n', languageId: 'typescript' } });
    assert.deepEqual(await c.connection.sendRequest(ChatCommandRequest.type, { sessionId: first.sessionId, input: { text: '/new', context: [] }, command: { name: 'new', args: '' } }), { newChat: true });
    assert.equal((await c.connection.sendRequest(SessionListRequest.type, {})).sessions.length, 1, 'an empty new chat stores nothing');

    fixture.enqueue({ kind: 'text', text: 'Hi.' });
    const result = await c.connection.sendRequest(ChatCommandRequest.type, { sessionId: first.sessionId, input: { text: '/new hello there', context: [] }, command: { name: 'new', args: 'hello there' } });
    assert.equal(result.newChat, true);
    assert.ok(result.started && result.started.sessionId !== first.sessionId, 'the message went to a new chat');
    assert.equal(result.input?.text, 'hello there');
    await c.waitForEvent((e) => e.entryId === result.started!.assistantEntryId && e.event.type === 'done', 30_000);
    const sent = fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!;
    assert.deepEqual((sent.body.messages as { role: string; content: string }[]).filter((m) => m.role === 'user').map((m) => m.content), ['hello there'], 'no history from the old chat');
  });

  it('refuses /fix without any code, storing nothing', async () => {
    const c = await startClient(true);
    await assert.rejects(
      c.connection.sendRequest(ChatCommandRequest.type, { input: { text: '/fix', context: [] }, command: { name: 'fix', args: '' } }),
      (err: { data?: { code?: string; message?: string } }) => err.data?.code === 'invalidRequest' && /select some code or open a file/.test(err.data.message ?? ''),
    );
    assert.equal((await c.connection.sendRequest(SessionListRequest.type, {})).sessions.length, 0);
  });

  it('lists a trusted workspace\'s and the user\'s prompt files and substitutes their arguments', async () => {
    const c = await startClient(true);
    const { commands } = await c.connection.sendRequest(SlashCommandsRequest.type, { query: '' });
    const names = commands.map((x) => x.name);
    for (const name of ['explain', 'fix', 'tests', 'doc', 'new', 'review', 'standup']) assert.ok(names.includes(name), `/${name} among ${names.join(', ')}`);
    const review = commands.find((x) => x.name === 'review')!;
    assert.deepEqual({ description: review.description, argumentHint: review.argumentHint, source: review.source }, { description: 'Review a file for one concern', argumentHint: '<file> <concern>', source: 'workspace' });
    assert.equal(commands.find((x) => x.name === 'standup')?.source, 'user');
    assert.deepEqual((await c.connection.sendRequest(SlashCommandsRequest.type, { query: 'rev' })).commands.map((x) => x.name), ['review']);

    const { toModel } = await runCommand(c, '/review src/a.ts "error handling"');
    assert.equal(toModel, 'Review src/a.ts with a strict eye for error handling. Everything the user wrote: src/a.ts "error handling"');
    const sent = fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!;
    assert.equal(sent.body.model, MODEL, 'the front matter\'s model is ignored: a prompt file is text, not settings');

    const standup = await runCommand(c, '/standup the parser');
    assert.equal(standup.toModel, 'Summarise my work on the parser for a stand-up, in three bullets.');
  });

  it('does not read the prompt files of an untrusted workspace (the user\'s own still work)', async () => {
    const c = await startClient(false);
    const names = (await c.connection.sendRequest(SlashCommandsRequest.type, { query: '' })).commands.map((x) => x.name);
    assert.ok(!names.includes('review'), `no workspace prompt in ${names.join(', ')}`);
    assert.ok(names.includes('standup'));
    await assert.rejects(
      c.connection.sendRequest(ChatCommandRequest.type, { input: { text: '/review a b', context: [] }, command: { name: 'review', args: 'a b' } }),
      (err: { data?: { code?: string; message?: string } }) => err.data?.code === 'invalidRequest' && /There is no slash command \/review/.test(err.data.message ?? ''),
    );
    assert.equal(fixture.requests.filter((r) => r.path === '/api/chat').length, 0, 'nothing reached the model');
  });

  it('does not read a workspace prompt file that links to the developer\'s .env or holds a private key', async () => {
    // The repository ships the link; the .env beside it is the developer's own, never committed.
    fs.writeFileSync(path.join(workspace, '.env'), 'description: DB_PASSWORD=heliotrope\nDB_PASSWORD=heliotrope\n');
    fs.symlinkSync(path.join('..', '..', '.env'), path.join(workspace, '.hearth', 'prompts', 'deploy.md'));
    fs.writeFileSync(path.join(workspace, 'deploy_key'), `-----BEGIN OPENSSH PRIVATE KEY-----\n${'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW'}\n-----END OPENSSH PRIVATE KEY-----\n`);
    fs.symlinkSync(path.join('..', '..', 'deploy_key'), path.join(workspace, '.hearth', 'prompts', 'key.md'));
    // A link to another file of the repository is still a prompt.
    fs.symlinkSync('review.md', path.join(workspace, '.hearth', 'prompts', 'rv.md'));
    const c = await startClient(true);
    const { commands } = await c.connection.sendRequest(SlashCommandsRequest.type, { query: '' });
    const names = commands.map((x) => x.name);
    assert.ok(!names.includes('deploy') && !names.includes('key') && !commands.some((x) => /heliotrope/.test(x.description)), names.join(', '));
    assert.equal(commands.find((x) => x.name === 'rv')?.description, 'Review a file for one concern');
    for (const name of ['deploy', 'key']) {
      await assert.rejects(
        c.connection.sendRequest(ChatCommandRequest.type, { input: { text: `/${name} now`, context: [] }, command: { name, args: 'now' } }),
        (err: { data?: { code?: string; message?: string } }) => err.data?.code === 'invalidRequest' && new RegExp(`There is no slash command /${name}`).test(err.data.message ?? ''),
      );
    }
    assert.equal(fixture.requests.filter((r) => r.path === '/api/chat').length, 0, 'nothing reached the model');
    assert.ok(c.logs.some((l) => /deploy\.md is ignored: it is a link to a secrets file/.test(l)), c.logs.join('\n'));
    assert.ok(c.logs.some((l) => /key\.md is ignored: it holds a private key/.test(l)), c.logs.join('\n'));
  });

  it('never reads a workspace prompt file through a link a concurrent process swaps in after the check', async () => {
    // A command of the repository (an approved test run) may create .hearth/ where there was none while it runs.
    fs.writeFileSync(path.join(home, 'notes.md'), '---\ndescription: TOP SECRET from outside the workspace\n---\nTOP SECRET\n');
    const c = await startClient(true);
    const swapper = await startSwapper(path.join(workspace, '.hearth', 'prompts', 'spy.md'), path.join(home, 'notes.md'), 'file');
    try {
      const before = await swapper.flips();
      const descriptions: string[] = [];
      const deadline = Date.now() + 15_000;
      for (let i = 0; i < 300 && Date.now() < deadline; i++) {
        descriptions.push(...(await c.connection.sendRequest(SlashCommandsRequest.type, { query: 'spy' })).commands.map((x) => x.description));
      }
      assert.ok((await swapper.flips()) > before, 'the file was swapped while the commands were listed');
      assert.ok(descriptions.length > 0, 'the prompt file was listed while it was a real file');
      assert.deepEqual(descriptions.filter((d) => /TOP SECRET/.test(d)), []);
    } finally {
      await swapper.stop();
    }
  });

  describe('MCP prompts of @modelcontextprotocol/server-everything', () => {
    const everything = { everything: { command: process.execPath, args: [EVERYTHING_SERVER, 'stdio'] } };

    async function startMcp(): Promise<McpTestServer> {
      mcp = await startMcpTestServer({ storagePath: storage, workspace, settings: { ollama: { host: fixture.url }, chat: { model: MODEL }, mcp: { servers: everything } } });
      await mcp.waitForServer('everything', (s) => s.state === 'running', 'running');
      return mcp;
    }

    it('lists the server\'s prompts with their arguments and sends what prompts/get returns', async () => {
      const server = await startMcp();
      const { commands } = await server.client.connection.sendRequest(SlashCommandsRequest.type, { query: 'mcp.everything' });
      const args = commands.find((x) => x.name === 'mcp.everything.args-prompt');
      assert.ok(args, `args-prompt among ${commands.map((x) => x.name).join(', ')}`);
      assert.deepEqual({ hint: args.argumentHint, source: args.source, server: args.server }, { hint: '<city> [state]', source: 'mcp', server: 'everything' });
      assert.match(args.description, /two arguments/);

      const positional = await runCommand(server.client, '/mcp.everything.args-prompt "San Francisco" California');
      assert.equal(positional.toModel, "What's weather in San Francisco, California?");
      const named = await runCommand(server.client, '/mcp.everything.args-prompt state=Oregon city=Portland');
      assert.equal(named.toModel, "What's weather in Portland, Oregon?");
      const session = await server.client.connection.sendRequest(SessionGetRequest.type, { sessionId: named.sessionId });
      const user = session.entries.find((e) => e.id === named.userEntryId);
      assert.equal(user?.kind === 'user' && user.text, '/mcp.everything.args-prompt state=Oregon city=Portland');
      assert.equal(server.approvals.length, 0, 'running a prompt is the user\'s own act: no tool approval');
    });

    it('attaches an embedded resource of the prompt as data, like an @ resource', async () => {
      const server = await startMcp();
      const { toModel } = await runCommand(server.client, '/mcp.everything.resource-prompt Text 7');
      assert.match(toModel, /This prompt includes the Text resource with id: 7/);
      assert.match(toModel, /Resource demo:\/\/resource\/dynamic\/text\/7 from the MCP server "everything":/);
      assert.match(toModel, /Resource 7: This is a plaintext resource/);
    });

    it('runs the developer\'s MCP prompt on the developer\'s machine in remote mode, and the expansion reaches the team server\'s model', async () => {
      const pki = makePki();
      const { server: team } = await startTestServer(remoteConfig(pki, fixture.url));
      try {
        const url = `grpcs://localhost:${team.port}`;
        mcp = await startMcpTestServer({
          storagePath: storage,
          workspace,
          settings: { server: { mode: 'remote', url, caFile: path.join(pki.dir, 'ca.crt') }, chat: { model: MODEL }, mcp: { servers: everything } },
        });
        await mcp.waitForServer('everything', (s) => s.state === 'running', 'running');
        const status = await mcp.client.connection.sendRequest(TeamConnectRequest.type, { url, apiKey: ALICE_KEY });
        assert.equal(status.state, 'connected', JSON.stringify(status));
        const { toModel } = await runCommand(mcp.client, '/mcp.everything.args-prompt Lyon');
        assert.equal(toModel, "What's weather in Lyon?");
      } finally {
        await mcp?.client.stop();
        await team.shutdown(200);
        pki.cleanup();
      }
    });

    it('refuses a prompt whose required argument is missing with an error that names it, storing nothing', async () => {
      const server = await startMcp();
      await assert.rejects(
        server.client.connection.sendRequest(ChatCommandRequest.type, { input: { text: '/mcp.everything.args-prompt', context: [] }, command: { name: 'mcp.everything.args-prompt', args: '' } }),
        (err: { data?: { code?: string; message?: string } }) =>
          err.data?.code === 'invalidRequest' && /needs the argument city \(Name of the city\)/.test(err.data.message ?? '') && /\/mcp\.everything\.args-prompt <city> \[state\]/.test(err.data.message ?? ''),
      );
      assert.equal((await server.client.connection.sendRequest(SessionListRequest.type, {})).sessions.length, 0);
      assert.equal(fixture.requests.filter((r) => r.path === '/api/chat').length, 0);
    });
  });
});
