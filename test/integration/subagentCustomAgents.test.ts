/**
 * Custom agents as sub-agents, through the real language server (stdio LSP)
 * and the scripted Ollama: the main agent sees the user's and the trusted
 * repository's agents by name in run_subagents' schema, names one, and the
 * sub-agent's own request to the model carries that agent's instructions and
 * only the read-only tools its file allows. A command it asks for anyway
 * never runs.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatSendRequest, WorkspaceTrustNotification } from '../../protocol/lspMethods';
import { startOllamaFixture, type OllamaFixture, type RecordedRequest, type ScriptedReply } from '../fixtures/ollamaFixture';
import { startLspTestClient, type LspTestClient } from './lspTestClient';

const MODEL = 'qwen2.5-coder:7b';

interface OfferedTool {
  function: { name: string; description: string; parameters: { properties: { agents: { items: { properties: Record<string, { enum?: string[] }> } } } } };
}
const chats = (fixture: OllamaFixture): RecordedRequest[] => fixture.requests.filter((r) => r.path === '/api/chat');
const systemOf = (r: RecordedRequest): string => r.body?.messages?.[0]?.content ?? '';
const lastOf = (r: RecordedRequest): { role: string; content: string } => r.body.messages.at(-1);
const offered = (r: RecordedRequest): OfferedTool[] => r.body.tools ?? [];
const isSecuritySubagent = (r: RecordedRequest): boolean => /researcher sub-agent/.test(systemOf(r));

/**
 * The main agent starts @security as a sub-agent; the sub-agent first tries a
 * command (its file lists Bash), then reads the file, then reports.
 */
function script(r: RecordedRequest): ScriptedReply {
  const last = lastOf(r);
  if (isSecuritySubagent(r)) {
    const tools = r.body.messages.filter((m: { role: string }) => m.role === 'tool').length;
    if (tools === 0) return { kind: 'toolCalls', calls: [{ name: 'run_command', arguments: { command: 'touch pwned' } }] };
    if (tools === 1) return { kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'src/db.js' } }] };
    return { kind: 'text', text: `src/db.js line 1 builds SQL from input: ${last.content.includes("' + name") ? 'injection' : '?'}.` };
  }
  if (last.role === 'tool') return { kind: 'text', text: 'The security review found an injection.' };
  return { kind: 'toolCalls', calls: [{ name: 'run_subagents', arguments: { agents: [{ agent: 'security', task: 'Review src/db.js for injection.' }] } }] };
}

describe('custom agents as sub-agents through the language server (integration)', function () {
  this.timeout(30_000);
  let fixture: OllamaFixture;
  let storage: string;
  let workspace: string;
  let home: string;
  let client: LspTestClient | undefined;

  beforeEach(async () => {
    fixture = await startOllamaFixture();
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-subagent-agents-'));
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-subagent-agents-ws-'));
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-subagent-agents-home-'));
    fs.mkdirSync(path.join(workspace, 'src'));
    fs.writeFileSync(path.join(workspace, 'src', 'db.js'), "export const find = (name) => db.query('SELECT * FROM users WHERE name = ' + name);\n");
    // The user's Claude Code sub-agent: its tools include a command and edits, which a sub-agent never gets.
    fs.mkdirSync(path.join(home, '.claude', 'agents'), { recursive: true });
    fs.writeFileSync(
      path.join(home, '.claude', 'agents', 'security.md'),
      '---\nname: security\ndescription: Reviews code for injection and unsafe input handling\ntools: Read, Grep, Bash, Edit\n---\nSECURITY-INSTRUCTIONS: cite the line of every finding.\n',
    );
    // The repository's Copilot agent, offered too in a trusted workspace.
    fs.mkdirSync(path.join(workspace, '.github', 'agents'), { recursive: true });
    fs.writeFileSync(path.join(workspace, '.github', 'agents', 'docs.agent.md'), "---\ndescription: 'Answers questions from the docs folder'\n---\nRead docs/ first.\n");
  });

  afterEach(async () => {
    await client?.stop();
    client = undefined;
    await fixture.close();
    for (const dir of [storage, workspace, home]) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the model names an agent in run_subagents; its sub-agent gets the agent\'s instructions and only the read-only tools its file allows', async () => {
    client = await startLspTestClient({ storagePath: storage, workspace, env: { ...process.env, HOME: home }, settings: { ollama: { host: fixture.url }, chat: { model: MODEL } } });
    await client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
    fixture.setResponder(script);
    const started = await client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Is src/db.js safe?', context: [] } });
    const done = await client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
    assert.equal(done.event.type === 'done' && done.event.reason, 'stop');

    // The main agent saw the agents by name and description in run_subagents.
    const main = chats(fixture)[0];
    const tool = offered(main).find((t) => t.function.name === 'run_subagents')!;
    assert.deepEqual(tool.function.parameters.properties.agents.items.properties.agent.enum, ['security', 'docs']);
    assert.match(tool.function.description, /security \(Reviews code for injection and unsafe input handling\); docs \(Answers questions from the docs folder\)/);

    // The sub-agent's requests: the agent's instructions, as the user's file, and only Read and Grep of its tools.
    const sub = chats(fixture).filter(isSecuritySubagent);
    assert.equal(sub.length, 3);
    assert.match(systemOf(sub[0]), /the agent "security", defined in the user's own agent file/);
    assert.match(systemOf(sub[0]), /SECURITY-INSTRUCTIONS: cite the line of every finding\./);
    for (const request of sub) assert.deepEqual(offered(request).map((t) => t.function.name), ['read_file', 'list_dir', 'grep', 'get_problems']);
    // The command its file lists (Bash) was refused, never run, and it went on to read the file.
    assert.equal(lastOf(sub[1]).role, 'tool');
    assert.match(lastOf(sub[1]).content, /run_command/);
    assert.equal(fs.existsSync(path.join(workspace, 'pwned')), false);
    assert.match(lastOf(sub[2]).content, /SELECT \* FROM users/);

    // The main agent read the report, labelled with the agent it ran as.
    const final = chats(fixture).at(-1)!;
    assert.match(lastOf(final).content, /Sub-agent 1: researcher as @security \(stop\)[\s\S]*src\/db\.js line 1 builds SQL from input: injection\./);
  });
});
