/**
 * Agent Skills through the real language server over stdio LSP, with the
 * scripted Ollama as the model: the turn's prompt lists the skills (the
 * user's from a home folder, the repository's from `.github/skills`), the
 * model loads one with load_skill and reads a file beside it, and a path out
 * of the skill's folder is refused. Without skills the tool is not offered.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ToolResult } from '../../protocol/chat';
import { ChatCommandRequest, SlashCommandsRequest, WorkspaceTrustNotification } from '../../protocol/lspMethods';
import { skillText, writeSkill as writeSkillFolder } from '../fixtures/skillFolders';
import { startSwapper } from '../fixtures/startSwapper';
import { startLspTestClient } from './lspTestClient';
import { chatTurn, useLspSuite } from './lspSuite';

const MODEL = 'qwen2.5-coder:7b';

function writeSkill(base: string, folder: string[], name: string, description: string, body: string, files: Record<string, string> = {}): void {
  writeSkillFolder(base, folder, name, skillText(name, description, body), files);
}

describe('Agent Skills over stdio LSP (integration)', function () {
  this.timeout(30_000);
  const suite = useLspSuite('skills');
  let home: string;

  beforeEach(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-skills-home-'));
    fs.writeFileSync(path.join(home, 'secret.txt'), 'TOP-SECRET-TOKEN\n');
  });

  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  async function start(agent: Record<string, unknown> = {}): Promise<void> {
    suite.client = await startLspTestClient({ storagePath: suite.storage, workspace: suite.workspace, settings: { ollama: { host: suite.fixture.url }, chat: { model: MODEL }, agent }, env: { ...process.env, HOME: home } });
    await suite.client.connection.sendNotification(WorkspaceTrustNotification.type, { trusted: true });
  }

  const turn = async (text: string): Promise<ToolResult[]> => (await chatTurn(suite.client!, text)).results;

  const firstChat = () => suite.fixture.requests.find((r) => r.path === '/api/chat')!;
  const offered = () => (firstChat().body.tools as { function: { name: string } }[]).map((t) => t.function.name);
  const systemPrompt = () => (firstChat().body.messages as { role: string; content: string }[]).filter((m) => m.role === 'system').map((m) => m.content).join('\n');

  it('lists the skills in the turn, loads one with its files, and reads a file beside it but nothing outside', async () => {
    writeSkill(home, ['.claude', 'skills'], 'deploy', 'Deploys the service to staging.', 'Run the deploy script, then check the health page.');
    writeSkill(suite.workspace, ['.github', 'skills'], 'release-notes', 'Writes release notes from the changes since the last tag.', '1. Read the changes.\n2. Fill in references/template.md.', {
      'references/template.md': '## Added\n## Fixed\n',
    });
    await start();
    suite.fixture.enqueue(
      {
        kind: 'toolCalls',
        calls: [
          { name: 'load_skill', arguments: { name: 'release-notes' } },
          { name: 'load_skill', arguments: { name: 'release-notes', file: 'references/template.md' } },
          { name: 'load_skill', arguments: { name: 'release-notes', file: '../../../secret.txt' } },
          { name: 'load_skill', arguments: { name: 'no-such-skill' } },
        ],
      },
      { kind: 'text', text: 'Here are the release notes.' },
    );
    const results = await turn('Write the release notes');

    assert.ok(offered().includes('load_skill'));
    assert.match(systemPrompt(), /- deploy: Deploys the service to staging\.\n- release-notes: Writes release notes from the changes since the last tag\. \(from this repository\)/);
    assert.doesNotMatch(systemPrompt(), /Fill in references\/template\.md/, 'only names and descriptions are in the prompt until a skill is loaded');

    const [loaded, file, escape, missing] = results;
    assert.equal(loaded.isError, false, loaded.content);
    assert.match(loaded.content, /^Skill "release-notes" \(\.github\/skills\/release-notes\/SKILL\.md; from this repository/);
    assert.match(loaded.content, /1\. Read the changes\.\n2\. Fill in references\/template\.md\./);
    assert.match(loaded.content, /Files in the skill’s folder \(read one with load_skill and "file"\):\n- references\/template\.md$/);
    assert.equal(loaded.summary, 'skill release-notes');
    assert.equal(file.isError, false, file.content);
    assert.match(file.content, /## Added\n## Fixed/);
    assert.equal(escape.isError, true);
    assert.match(escape.content, /not a path inside the skill's folder/);
    assert.doesNotMatch(results.map((r) => r.content).join('\n'), /TOP-SECRET-TOKEN/);
    assert.equal(missing.isError, true);
    // The tool's schema names the skills (sub-agents have no "Skills" section to read them from), so a made-up name is refused by it.
    assert.match(missing.content, /must be one of "deploy", "release-notes", got "no-such-skill"/);
    const loadSkill = (firstChat().body.tools as { function: { name: string; parameters: { properties: Record<string, { enum?: string[] }> } } }[]).find((t) => t.function.name === 'load_skill');
    assert.deepEqual(loadSkill?.function.parameters.properties.name.enum, ['deploy', 'release-notes']);
  });

  it('a sub-agent, whose prompt has no skills section, is offered load_skill with the skills by name and loads one', async () => {
    writeSkill(home, ['.claude', 'skills'], 'deploy', 'Deploys the service to staging.', 'DEPLOY-STEPS: run the deploy script.');
    await start();
    const isExplorer = (r: { body: { messages: { role: string; content: string }[] } }) => r.body.messages.some((m) => m.role === 'system' && /explorer sub-agent/.test(m.content));
    suite.fixture.setResponder((r) => {
      const last = r.body.messages.at(-1);
      if (isExplorer(r)) return last.role === 'tool' ? { kind: 'text', text: `Found: ${/DEPLOY-STEPS/.test(last.content) ? 'the deploy steps' : 'nothing'}.` } : { kind: 'toolCalls', calls: [{ name: 'load_skill', arguments: { name: 'deploy' } }] };
      if (last.role === 'tool') return { kind: 'text', text: 'The explorer read the skill.' };
      return { kind: 'toolCalls', calls: [{ name: 'run_subagents', arguments: { agents: [{ role: 'explorer', task: 'How do we deploy?' }] } }] };
    });
    await turn('How do we deploy?');
    const sub = suite.fixture.requests.filter((r) => r.path === '/api/chat' && isExplorer(r));
    assert.equal(sub.length, 2);
    const subSystem = (sub[0].body.messages as { role: string; content: string }[]).filter((m) => m.role === 'system').map((m) => m.content).join('\n');
    assert.doesNotMatch(subSystem, /- deploy: Deploys/, "the sub-agent's prompt stays short: no workspace context");
    const loadSkill = (sub[0].body.tools as { function: { name: string; parameters: { properties: Record<string, { enum?: string[] }> } } }[]).find((t) => t.function.name === 'load_skill');
    assert.deepEqual(loadSkill?.function.parameters.properties.name.enum, ['deploy']);
    assert.match(sub[1].body.messages.at(-1).content, /DEPLOY-STEPS: run the deploy script\./);
  });

  it('offers no load_skill and no skills section when there are no skills', async () => {
    await start();
    suite.fixture.enqueue({ kind: 'text', text: 'Hello.' });
    await turn('hi');
    assert.ok(!offered().includes('load_skill'));
    assert.doesNotMatch(systemPrompt(), /Skills \(/);
  });

  it('hearth.agent.skills off: no skills in the turn and no load_skill, though skills exist', async () => {
    writeSkill(home, ['.claude', 'skills'], 'deploy', 'Deploys the service to staging.', 'Run the deploy script.');
    await start({ skills: false });
    suite.fixture.enqueue({ kind: 'text', text: 'Hello.' });
    await turn('deploy it');
    assert.ok(!offered().includes('load_skill'));
    assert.doesNotMatch(systemPrompt(), /deploy: Deploys/);
  });

  it('never lists the names in a folder outside that a concurrent process swaps in for a folder of a repository\'s skill', async () => {
    writeSkill(suite.workspace, ['.github', 'skills'], 'notes', 'Writes notes.', 'Use the references.', { 'references/file.txt': 'inside\n' });
    fs.mkdirSync(path.join(home, 'outside'));
    fs.writeFileSync(path.join(home, 'outside', 'OUTSIDE-ONLY-NAME.txt'), 'TOP SECRET\n');
    await start();
    const swapper = await startSwapper(path.join(suite.workspace, '.github', 'skills', 'notes', 'references'), path.join(home, 'outside'), 'dir');
    try {
      const before = await swapper.flips();
      const sent: string[] = [];
      const deadline = Date.now() + 15_000;
      for (let i = 0; i < 100 && Date.now() < deadline; i++) {
        suite.fixture.enqueue({ kind: 'text', text: 'Done.' });
        const result = await suite.client!.connection.sendRequest(ChatCommandRequest.type, { input: { text: '/notes', context: [] }, command: { name: 'notes', args: '' } });
        await suite.client!.waitForEvent((e) => e.entryId === result.started!.assistantEntryId && e.event.type === 'done', 20_000);
        sent.push((suite.fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!.body.messages as { role: string; content: string }[]).filter((m) => m.role === 'user').at(-1)!.content);
      }
      assert.ok((await swapper.flips()) > before, 'the folder was swapped while the skill was used');
      assert.ok(sent.some((m) => m.includes('references/file.txt')), 'the folder was listed while it was real');
      assert.deepEqual(sent.filter((m) => m.includes('OUTSIDE-ONLY')), []);
    } finally {
      await swapper.stop();
    }
  });

  it('a skill is a slash command too: /release-notes sends the skill’s instructions and the task', async () => {
    writeSkill(suite.workspace, ['.github', 'skills'], 'release-notes', 'Writes release notes.', 'Group the changes under Added and Fixed.', { 'references/template.md': '## Added\n' });
    // A prompt file with a skill's name keeps the name: the skill is not listed twice.
    fs.mkdirSync(path.join(suite.workspace, '.hearth', 'prompts'), { recursive: true });
    fs.writeFileSync(path.join(suite.workspace, '.hearth', 'prompts', 'deploy.md'), 'Deploy with the prompt file.');
    writeSkill(home, ['.claude', 'skills'], 'deploy', 'Deploys.', 'Deploy with the skill.');
    await start();
    const { commands } = await suite.client!.connection.sendRequest(SlashCommandsRequest.type, { query: '' });
    assert.deepEqual(
      commands.filter((c) => c.name === 'release-notes' || c.name === 'deploy').map((c) => [c.name, c.source, c.description]),
      [
        ['deploy', 'workspace', 'Prompt file of this workspace'],
        ['release-notes', 'skill', 'Writes release notes. (from this repository)'],
      ],
    );
    suite.fixture.enqueue({ kind: 'text', text: 'Done.' });
    const result = await suite.client!.connection.sendRequest(ChatCommandRequest.type, { input: { text: '/release-notes for v2.1', context: [] }, command: { name: 'release-notes', args: 'for v2.1' } });
    await suite.client!.waitForEvent((e) => e.entryId === result.started!.assistantEntryId && e.event.type === 'done', 20_000);
    const toModel = (suite.fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!.body.messages as { role: string; content: string }[]).filter((m) => m.role === 'user').at(-1)!.content;
    assert.match(toModel, /^Use the skill "release-notes" for this\.\n\nSkill "release-notes" \(\.github\/skills\/release-notes\/SKILL\.md; from this repository/);
    assert.match(toModel, /Group the changes under Added and Fixed\./);
    assert.match(toModel, /- references\/template\.md\n\nThe task: for v2\.1$/);
  });
});
