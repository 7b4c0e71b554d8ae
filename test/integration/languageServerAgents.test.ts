/**
 * Agents through the real language server (stdio LSP) and the scripted
 * Ollama: `@reviewer` puts the role's instructions into the system prompt and
 * offers only its tools; a workspace agent file (Copilot's shape) is routed
 * to by its keyword with its tool names mapped; with routing on `auto` the
 * small model classifies the message (its request is visible at the
 * fixture), and a failing classifier never blocks the message. A custom
 * agent can also be started as a sub-agent, and then only reads.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AssistantEntry } from '../../protocol/sessions';
import { pathToFileURL } from 'node:url';
import { AgentsListRequest, ChatCommandRequest, ChatRetryRequest, ChatSendRequest, EditGenerateRequest, SessionGetRequest, WorkspaceTrustNotification } from '../../protocol/lspMethods';
import { CompletionTestEditor } from './completionTestEditor';
import { chatRequests, offeredTools, startOllamaFixture, type OllamaFixture, type RecordedRequest } from '../fixtures/ollamaFixture';
import { startSwapper } from '../fixtures/startSwapper';
import { startLspTestClient, type LspTestClient } from './lspTestClient';

const MODEL = 'qwen2.5-coder:7b';
const SMALL = 'llama3.2:3b';
const READ_ONLY = ['read_file', 'list_dir', 'glob', 'grep', 'get_problems', 'find_symbol', 'codebase_search'];

const systemOf = (r: RecordedRequest): string => r.body.messages[0].content;
const lastUser = (r: RecordedRequest): string => [...r.body.messages].reverse().find((m: { role: string }) => m.role === 'user').content;

describe('language server: agents and routing (integration)', function () {
  this.timeout(30_000);
  let fixture: OllamaFixture;
  let storage: string;
  let workspace: string;
  let home: string;
  let client: LspTestClient | undefined;

  beforeEach(async () => {
    fixture = await startOllamaFixture();
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-agents-'));
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-agents-ws-'));
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-agents-home-'));
    fs.writeFileSync(path.join(workspace, 'parse.ts'), 'export function parse(s: string) { return s.split(","); }\n');
  });

  afterEach(async () => {
    await client?.stop();
    client = undefined;
    await fixture.close();
    for (const dir of [storage, workspace, home]) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function start(agent: Record<string, unknown> = {}): Promise<LspTestClient> {
    client = await startLspTestClient({
      storagePath: storage,
      workspace,
      env: { ...process.env, HOME: home },
      settings: { ollama: { host: fixture.url }, chat: { model: MODEL }, agent },
    });
    await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
    return client;
  }

  async function send(text: string): Promise<AssistantEntry> {
    const started = await client!.connection.sendRequest(ChatSendRequest.type, { input: { text, context: [] } });
    await client!.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done');
    const session = await client!.connection.sendRequest(SessionGetRequest.type, { sessionId: started.sessionId });
    return session.entries.find((e): e is AssistantEntry => e.kind === 'assistant' && e.id === started.assistantEntryId)!;
  }

  it('@reviewer: the role\'s instructions are in the system prompt, only its tools are offered, its model answers, and the reply says who and why', async () => {
    await start({ roleModels: { reviewer: SMALL } });
    fixture.enqueue({ kind: 'text', text: 'Looks fine.' });
    const reply = await send('@reviewer is parse.ts safe?');
    const [request] = chatRequests(fixture);
    assert.equal(request.body.model, SMALL);
    assert.match(systemOf(request), /built-in "reviewer" role/);
    assert.match(systemOf(request), /Look for bugs, unhandled errors/);
    assert.deepEqual(offeredTools(request), READ_ONLY);
    assert.equal(lastUser(request), 'is parse.ts safe?');
    assert.deepEqual(
      { agent: reply.route?.agent, reason: reply.route?.reason, source: reply.route?.source, model: reply.model },
      { agent: 'reviewer', reason: 'explicit', source: 'builtin', model: SMALL },
    );
  });

  it('a workspace agent file in Copilot\'s shape is listed for @, routed to by its keyword, and its tool names are mapped (an unknown one noted)', async () => {
    fs.mkdirSync(path.join(workspace, '.hearth', 'agents'), { recursive: true });
    fs.writeFileSync(
      path.join(workspace, '.hearth', 'agents', 'Changelog Writer.agent.md'),
      "---\ndescription: 'Keeps CHANGELOG.md up to date'\nname: 'Changelog Writer'\ntools: ['read', 'edit', 'fetch']\nkeywords: changelog, release notes\nmodel: 'Claude Sonnet 4'\n---\n# Changelog\nWrite entries in Keep a Changelog style.\n",
    );
    await start();
    const listed = await client!.connection.sendRequest(AgentsListRequest.type, { query: 'chan' });
    assert.deepEqual(listed.agents, [{ name: 'changelog-writer', description: 'Keeps CHANGELOG.md up to date', source: 'workspace', file: '.hearth/agents/Changelog Writer.agent.md' }]);

    fixture.enqueue({ kind: 'text', text: 'Done.' });
    const reply = await send('Please add the new flag to the Changelog.');
    const [request] = chatRequests(fixture);
    assert.match(systemOf(request), /defined in a file of the repository/);
    assert.match(systemOf(request), /Keep a Changelog style/);
    assert.deepEqual(offeredTools(request), ['read_file', 'list_dir', 'write_file', 'edit_file', 'get_problems']);
    // A repository's agent file cannot choose the model: the chat's model answers, and the chip says so.
    assert.equal(request.body.model, MODEL);
    assert.equal(reply.route?.reason, 'keyword');
    assert.equal(reply.route?.detail, 'changelog');
    assert.equal(reply.route?.file, '.hearth/agents/Changelog Writer.agent.md');
    assert.ok(reply.route?.notes?.some((n) => n.includes('"fetch"')), JSON.stringify(reply.route?.notes));
    assert.ok(reply.route?.notes?.some((n) => n.includes('cannot choose the model ("Claude Sonnet 4")')), JSON.stringify(reply.route?.notes));
  });

  it('a repository agent file swapped for a link to a file outside by a concurrent process is never read through the link', async () => {
    // What a command of the repository (an approved test run, in the sandbox) can do to .claude/agents while the user works.
    fs.mkdirSync(path.join(workspace, '.claude', 'agents'), { recursive: true });
    fs.writeFileSync(path.join(home, 'notes.md'), '---\nname: spy\ndescription: TOP SECRET from outside the workspace\n---\nTOP SECRET\n');
    await start();
    const swapper = await startSwapper(path.join(workspace, '.claude', 'agents', 'spy.md'), path.join(home, 'notes.md'), 'file');
    try {
      const before = await swapper.flips();
      const descriptions: string[] = [];
      const deadline = Date.now() + 15_000;
      for (let i = 0; i < 300 && Date.now() < deadline; i++) {
        descriptions.push(...(await client!.connection.sendRequest(AgentsListRequest.type, { query: 'spy' })).agents.map((a) => a.description));
      }
      assert.ok((await swapper.flips()) > before, 'the file was swapped while the agents were listed');
      assert.ok(descriptions.length > 0, 'the agent was listed while it was a real file');
      assert.deepEqual(descriptions.filter((d) => /TOP SECRET/.test(d)), []);
    } finally {
      await swapper.stop();
    }
  });

  it('routing auto: the small model classifies the message first, and its pick makes the reply', async () => {
    await start({ routing: 'auto', routerModel: SMALL });
    fixture.enqueue({ kind: 'text', text: 'tester - the user wants edge cases checked' }, { kind: 'text', text: 'Here are the tests.' });
    const reply = await send('make sure parse handles an empty string');
    const [classifier, turn] = chatRequests(fixture);
    assert.equal(classifier.body.model, SMALL);
    assert.match(systemOf(classifier), /You route a message to the best agent/);
    assert.match(systemOf(classifier), /- tester: Writes and runs tests\./);
    assert.equal(classifier.body.tools, undefined);
    assert.equal(lastUser(classifier), 'make sure parse handles an empty string');
    assert.match(systemOf(turn), /built-in "tester" role/);
    assert.equal(turn.body.model, MODEL);
    assert.deepEqual({ reason: reply.route?.reason, agent: reply.route?.agent, detail: reply.route?.detail }, { reason: 'classifier', agent: 'tester', detail: 'the user wants edge cases checked' });
  });

  it('routing auto: a classifier that fails or names no agent leaves the message to Hearth itself', async () => {
    await start({ routing: 'auto', routerModel: SMALL });
    fixture.enqueue({ kind: 'error', status: 500, error: 'model runner crashed' }, { kind: 'text', text: 'first answer' });
    const first = await send('hello there');
    fixture.enqueue({ kind: 'text', text: 'astronaut - no idea' }, { kind: 'text', text: 'second answer' });
    const second = await send('and again');
    const requests = chatRequests(fixture);
    assert.equal(requests.length, 4);
    for (const turn of [requests[1], requests[3]]) {
      assert.doesNotMatch(systemOf(turn), /You are working as/);
      assert.ok(offeredTools(turn).includes('write_file'));
    }
    assert.equal(first.route, undefined);
    assert.equal(second.route, undefined);
    assert.equal(first.state, 'done');
    assert.equal(second.parts.find((p) => p.kind === 'text')?.kind === 'text' ? (second.parts.find((p) => p.kind === 'text') as { text: string }).text : '', 'second answer');
  });

  it('an editor action runs as its role: Add Documentation uses the documenter\'s model and the user\'s own documenter instructions', async () => {
    fs.mkdirSync(path.join(home, '.hearth', 'agents'), { recursive: true });
    fs.writeFileSync(path.join(home, '.hearth', 'agents', 'documenter.md'), '---\ndescription: my docs style\n---\nUSE-TSDOC with @example blocks.');
    await start({ roleModels: { documenter: SMALL } });
    const editor = new CompletionTestEditor(client!.connection, pathToFileURL(path.join(workspace, 'parse.ts')).toString(), 'typescript', fs.readFileSync(path.join(workspace, 'parse.ts'), 'utf8'));
    await editor.open();
    fixture.enqueue({ kind: 'text', text: '```ts\n/** Splits on commas. */\nexport function parse(s: string) { return s.split(","); }\n```' });
    const range = { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } };
    const result = await client!.connection.sendRequest(EditGenerateRequest.type, { textDocument: { uri: editor.uri }, range, kind: 'document' });
    assert.deepEqual({ agent: result.agent, model: result.model }, { agent: 'documenter', model: SMALL });
    const [request] = chatRequests(fixture);
    assert.equal(request.body.model, SMALL);
    assert.match(systemOf(request), /the user's own agent file[\s\S]*USE-TSDOC with @example blocks\./);
    assert.equal(request.body.tools, undefined, 'an action has no tools, whatever the role');
  });

  it('/tests runs as the tester, and Retry keeps the agent', async () => {
    await start();
    fixture.enqueue({ kind: 'error', status: 500, error: 'runner crashed' }, { kind: 'text', text: 'tests' });
    const selection = { kind: 'selection' as const, path: 'parse.ts', text: 'export function parse(s: string) { return s.split(","); }', range: { startLine: 1, endLine: 1 }, languageId: 'typescript' };
    const result = await client!.connection.sendRequest(ChatCommandRequest.type, { input: { text: '/tests', context: [selection] }, command: { name: 'tests', args: '' } });
    await client!.waitForEvent((e) => e.entryId === result.started!.assistantEntryId && e.event.type === 'done');
    const retried = await client!.connection.sendRequest(ChatRetryRequest.type, { sessionId: result.started!.sessionId });
    await client!.waitForEvent((e) => e.entryId === retried.assistantEntryId && e.event.type === 'done');
    const [first, second] = chatRequests(fixture);
    for (const request of [first, second]) assert.match(systemOf(request), /built-in "tester" role/);
    const session = await client!.connection.sendRequest(SessionGetRequest.type, { sessionId: result.started!.sessionId });
    const reply = session.entries.find((e): e is AssistantEntry => e.kind === 'assistant')!;
    assert.deepEqual({ reason: reply.route?.reason, detail: reply.route?.detail }, { reason: 'action', detail: '/tests' });
  });

  it('a custom agent as a sub-agent: the model sees the agents by name in run_subagents, and the named one\'s sub-agent gets its instructions and only the read-only tools its file allows', async () => {
    fs.mkdirSync(path.join(workspace, 'src'));
    fs.writeFileSync(path.join(workspace, 'src', 'db.js'), "export const find = (name) => db.query('SELECT * FROM users WHERE name = ' + name);\n");
    // The user's Claude Code sub-agent: its tools include a command and edits, which a sub-agent never gets.
    fs.mkdirSync(path.join(home, '.claude', 'agents'), { recursive: true });
    fs.writeFileSync(
      path.join(home, '.claude', 'agents', 'security.md'),
      '---\nname: security\ndescription: Reviews code for injection and unsafe input handling\ntools: Read, Grep, Bash, Edit\n---\nSECURITY-INSTRUCTIONS: cite the line of every finding.\n',
    );
    // The repository's Copilot agent is offered too, in a trusted workspace.
    fs.mkdirSync(path.join(workspace, '.github', 'agents'), { recursive: true });
    fs.writeFileSync(path.join(workspace, '.github', 'agents', 'docs.agent.md'), "---\ndescription: 'Answers questions from the docs folder'\n---\nRead docs/ first.\n");
    const isSecurity = (r: RecordedRequest): boolean => /researcher sub-agent/.test(systemOf(r));
    // The main agent starts @security; the sub-agent first tries a command (its file lists Bash), then reads the file, then reports.
    fixture.setResponder((r) => {
      const last = r.body.messages.at(-1);
      if (isSecurity(r)) {
        const results = r.body.messages.filter((m: { role: string }) => m.role === 'tool').length;
        if (results === 0) return { kind: 'toolCalls', calls: [{ name: 'run_command', arguments: { command: 'touch pwned' } }] };
        if (results === 1) return { kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'src/db.js' } }] };
        return { kind: 'text', text: `src/db.js line 1 builds SQL from input: ${last.content.includes("' + name") ? 'injection' : '?'}.` };
      }
      if (last.role === 'tool') return { kind: 'text', text: 'The security review found an injection.' };
      return { kind: 'toolCalls', calls: [{ name: 'run_subagents', arguments: { agents: [{ agent: 'security', task: 'Review src/db.js for injection.' }] } }] };
    });
    await start();
    const reply = await send('Is src/db.js safe?');
    assert.equal(reply.state, 'done');

    const tool = chatRequests(fixture)[0].body.tools.find((t: { function: { name: string } }) => t.function.name === 'run_subagents');
    assert.deepEqual(tool.function.parameters.properties.agents.items.properties.agent.enum, ['security', 'docs']);
    assert.match(tool.function.description, /security \(Reviews code for injection and unsafe input handling\); docs \(Answers questions from the docs folder\)/);

    const sub = chatRequests(fixture).filter(isSecurity);
    assert.equal(sub.length, 3);
    assert.match(systemOf(sub[0]), /the agent "security", defined in the user's own agent file/);
    assert.match(systemOf(sub[0]), /SECURITY-INSTRUCTIONS: cite the line of every finding\./);
    for (const request of sub) assert.deepEqual(offeredTools(request), ['read_file', 'list_dir', 'grep', 'get_problems']);
    // The command its file lists (Bash) was refused, never run, and it went on to read the file.
    assert.equal(lastUser(sub[1]), 'Review src/db.js for injection.');
    assert.match(sub[1].body.messages.at(-1).content, /run_command/);
    assert.equal(fs.existsSync(path.join(workspace, 'pwned')), false);
    assert.match(sub[2].body.messages.at(-1).content, /SELECT \* FROM users/);
    // The main agent read the report, labelled with the agent it ran as.
    assert.match(chatRequests(fixture).at(-1)!.body.messages.at(-1).content, /Sub-agent 1: researcher as @security \(stop\)[\s\S]*src\/db\.js line 1 builds SQL from input: injection\./);
  });

  it("a named sub-agent runs on its agent file's model when Ollama has it, and on the turn's with a warning on its card when it does not", async () => {
    fs.mkdirSync(path.join(home, '.claude', 'agents'), { recursive: true });
    fs.writeFileSync(path.join(home, '.claude', 'agents', 'fast.md'), `---\nname: fast\ndescription: Quick looks\nmodel: ${SMALL}\n---\nFAST-INSTRUCTIONS\n`);
    fs.writeFileSync(path.join(home, '.claude', 'agents', 'cloud.md'), '---\nname: cloud\ndescription: Deep thoughts\nmodel: gpt-5\n---\nCLOUD-INSTRUCTIONS\n');
    const subOf = (r: RecordedRequest): string | undefined => /FAST-INSTRUCTIONS/.test(systemOf(r)) ? 'fast' : /CLOUD-INSTRUCTIONS/.test(systemOf(r)) ? 'cloud' : undefined;
    fixture.setResponder((r) => {
      const sub = subOf(r);
      if (sub) return { kind: 'text', text: `${sub} report` };
      if (r.body.messages.at(-1).role === 'tool') return { kind: 'text', text: 'Both reported.' };
      return { kind: 'toolCalls', calls: [{ name: 'run_subagents', arguments: { agents: [{ agent: 'fast', role: 'explorer', task: 'Look at parse.ts.' }, { agent: 'cloud', task: 'Think about parse.ts.' }] } }] };
    });
    await start();
    const reply = await send('Look at parse.ts with the agents.');
    assert.equal(reply.state, 'done');

    const subRequests = chatRequests(fixture).filter((r) => subOf(r) !== undefined);
    assert.deepEqual(subRequests.map((r) => [subOf(r), r.body.model]).sort(), [['cloud', MODEL], ['fast', SMALL]]);
    const cards = reply.parts.filter((p) => p.kind === 'subagent');
    assert.deepEqual(
      cards.map((c) => ({ agent: c.agent.agent, role: c.agent.role, model: c.agent.model })),
      [
        { agent: 'fast', role: 'explorer', model: SMALL },
        { agent: 'cloud', role: 'researcher', model: MODEL },
      ],
    );
    const notices = (i: number) => cards[i].parts.filter((p) => p.kind === 'status');
    assert.deepEqual(notices(0), []);
    assert.deepEqual(notices(1), [{ kind: 'status', level: 'warning', message: `@cloud: model "gpt-5" is not available here; this sub-agent uses ${MODEL}.` }]);
  });
  it("an agent file's model written in another case than Ollama lists it runs that model (Ollama's names ignore case), with no note", async () => {
    fs.mkdirSync(path.join(home, '.claude', 'agents'), { recursive: true });
    fs.writeFileSync(path.join(home, '.claude', 'agents', 'fast.md'), '---\nname: fast\ndescription: Quick looks\nmodel: Llama3.2:3B\n---\nFAST-INSTRUCTIONS\n');
    await start();
    fixture.enqueue({ kind: 'text', text: 'Quick look done.' });
    const reply = await send('@fast look at parse.ts');
    const [request] = chatRequests(fixture);
    assert.match(systemOf(request), /FAST-INSTRUCTIONS/);
    // The installed name: every later comparison (and a team server's backends) sees the name the backend lists.
    assert.equal(request.body.model, SMALL);
    assert.equal(reply.model, SMALL);
    assert.equal(reply.route?.notes, undefined, JSON.stringify(reply.route?.notes));
  });
});
