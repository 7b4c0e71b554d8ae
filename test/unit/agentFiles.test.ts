/**
 * Agent files and routing without a model: the front matter of Claude's
 * sub-agent files and Copilot's .agent.md files, the tool-name mapping, the
 * catalog's precedence (a repository cannot replace a role or the user's
 * agent), keyword rules, and the classifier's answers and failures.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MAX_AGENT_FILE_BYTES, parseAgentFile } from '../../language-server/agents/agentFile';
import { mapAgentTools } from '../../language-server/agents/agentToolNames';
import { AgentCatalog, type CatalogAgent } from '../../language-server/agents/agentCatalog';
import { keywordRoute, parseClassifierAnswer, routeMessage } from '../../language-server/agents/agentRouter';
import { toSettings } from '../../language-server/settings/settingsReader';
import { agentModel, agentOwnModel, installedModels } from '../../language-server/agents/chooseAgent';
import type { Agent } from '../../agent-host';

const CLAUDE_FILE = `---
name: code-reviewer
description: Expert code review specialist. Use PROACTIVELY after writing code.
tools: Read, Grep, Glob, Bash, WebFetch
model: sonnet
---

You are a senior code reviewer ensuring high standards of code quality.
`;

const COPILOT_FILE = `---
description: 'Generate an implementation plan for new features'
name: 'Planning Mode'
tools: ['codebase', 'search', 'usages', 'githubRepo']
model: ['Claude Sonnet 4.5 (copilot)', 'GPT-5 (copilot)']
---
# Planning mode instructions
You are in planning mode.
`;

function agent(name: string, keywords: string[] = [], description = ''): CatalogAgent {
  return { name, description, instructions: `${name} instructions`, keywords, source: 'user', notes: [] };
}

describe('agent files', () => {
  it('reads a Claude sub-agent file: name, description, mapped tools, an alias model left out with a note, the body as instructions', () => {
    const parsed = parseAgentFile(CLAUDE_FILE, 'code-reviewer.md')!;
    assert.equal(parsed.name, 'code-reviewer');
    assert.equal(parsed.description, 'Expert code review specialist. Use PROACTIVELY after writing code.');
    assert.deepEqual(parsed.tools, ['read_file', 'list_dir', 'get_problems', 'grep', 'glob', 'run_command']);
    assert.equal(parsed.model, undefined);
    assert.equal(parsed.instructions, 'You are a senior code reviewer ensuring high standards of code quality.');
    assert.deepEqual(parsed.notes, ['model "sonnet" is not a model Hearth can run; the chat\'s model is used', 'Hearth has no tool like "WebFetch"; left out']);
  });

  it('reads a Copilot .agent.md file: a display name becomes an @name, quoted lists, the first of several models', () => {
    const parsed = parseAgentFile(COPILOT_FILE, 'plan.agent.md')!;
    assert.equal(parsed.name, 'planning-mode');
    assert.equal(parsed.description, 'Generate an implementation plan for new features');
    assert.deepEqual(parsed.tools, ['codebase_search', 'find_symbol', 'grep', 'glob', 'list_dir']);
    assert.equal(parsed.model, 'Claude Sonnet 4.5 (copilot)');
    assert.match(parsed.notes[0], /"githubRepo"/);
    assert.match(parsed.instructions, /^# Planning mode instructions\nYou are in planning mode\.$/);
  });

  it('takes the name from the file, "- item" lists, block scalars and Hearth\'s keywords; no tools key means no narrowing', () => {
    const parsed = parseAgentFile('---\ndescription: |\n  Writes tests.\n  Runs them too.\nkeywords:\n  - Unit Test\n  - coverage\n---\nBe brief.', 'Tester.agent.md')!;
    assert.equal(parsed.name, 'tester');
    assert.equal(parsed.description, 'Writes tests. Runs them too.');
    assert.deepEqual(parsed.keywords, ['unit test', 'coverage']);
    assert.equal(parsed.tools, undefined);
    assert.equal(parsed.instructions, 'Be brief.');
  });

  it('an empty tools list means no tools, and a file without front matter is all instructions', () => {
    assert.deepEqual(parseAgentFile('---\ntools: []\n---\nx', 'a.md')!.tools, []);
    const plain = parseAgentFile('Just do it.', 'helper.md')!;
    assert.deepEqual({ name: plain.name, instructions: plain.instructions, tools: plain.tools }, { name: 'helper', instructions: 'Just do it.', tools: undefined });
  });

  it('maps tool names: Hearth\'s own pass, MCP server patterns pass, unknown ones are reported', () => {
    assert.deepEqual(mapAgentTools(['read_file', 'github/*', 'Edit', 'edit/editFiles', 'runCommands', 'TodoWrite', 'Task', 'WebSearch']), {
      tools: ['read_file', 'github.*', 'edit_file', 'write_file', 'run_command', 'update_todos', 'run_subagents'],
      unknown: ['WebSearch'],
    });
  });
});

describe('agent catalog', () => {
  let home: string;
  let root: string;
  let outside: string;
  const write = (base: string, rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(base, rel)), { recursive: true });
    fs.writeFileSync(path.join(base, rel), text);
  };
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-agent-home-'));
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-agent-ws-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-agent-outside-'));
    fs.mkdirSync(path.join(root, '.hearth', 'agents'), { recursive: true });
  });
  afterEach(() => {
    for (const dir of [home, root, outside]) fs.rmSync(dir, { recursive: true, force: true });
  });
  const catalog = (trusted: boolean, log: string[] = []) => new AgentCatalog({ home, roots: () => [root], workspaceTrusted: () => trusted, log: (m) => log.push(m) });
  const byName = async (trusted: boolean, log: string[] = []) => new Map((await catalog(trusted, log).list()).map((a) => [a.name, a]));

  it('the user\'s file replaces a built-in role; a repository\'s file cannot replace a role or the user\'s agent; an untrusted workspace has none', async () => {
    write(home, '.hearth/agents/tester.md', '---\ndescription: my tester\n---\nMY-TESTER');
    write(home, '.hearth/agents/mine.md', 'MINE');
    write(root, '.hearth/agents/reviewer.md', 'REPO-REVIEWER');
    write(root, '.hearth/agents/mine.agent.md', 'REPO-MINE');
    write(root, '.hearth/agents/repo-only.md', 'REPO-ONLY');
    const log: string[] = [];
    const agents = await byName(true, log);
    assert.equal(agents.get('tester')?.instructions, 'MY-TESTER');
    assert.equal(agents.get('tester')?.source, 'user');
    assert.equal(agents.get('tester')?.file, '~/.hearth/agents/tester.md');
    assert.equal(agents.get('reviewer')?.source, 'builtin');
    assert.equal(agents.get('mine')?.instructions, 'MINE');
    assert.equal(agents.get('repo-only')?.source, 'workspace');
    assert.equal(agents.get('repo-only')?.file, '.hearth/agents/repo-only.md');
    assert.equal(log.filter((m) => m.includes('is ignored')).length, 2);
    assert.equal((await catalog(false).list()).some((a) => a.source === 'workspace'), false);
  });

  it('reads Claude Code\'s and Copilot\'s folders: ~/.claude/agents, .github/agents/*.agent.md and .claude/agents, Hearth\'s own folder first', async () => {
    write(home, '.claude/agents/code-reviewer.md', CLAUDE_FILE);
    write(home, '.claude/agents/helper.md', '---\nname: helper\n---\nCLAUDE-HELPER');
    write(home, '.hearth/agents/helper.md', 'HEARTH-HELPER');
    write(root, '.github/agents/plan.agent.md', COPILOT_FILE);
    // Copilot's folder holds only `*.agent.md` agents: a README beside them is not one.
    write(root, '.github/agents/README.md', 'How our agents work');
    write(root, '.claude/agents/db-expert.md', '---\nname: db-expert\ndescription: Knows the schema\ntools: Read, Grep\n---\nDB-EXPERT');
    write(root, '.claude/agents/planning-mode.md', '---\nname: planning-mode\n---\nCLAUDE-PLANNING');
    write(root, '.hearth/agents/db-expert.md', 'HEARTH-DB-EXPERT');
    const log: string[] = [];
    const agents = await byName(true, log);
    assert.deepEqual(
      { source: agents.get('code-reviewer')?.source, file: agents.get('code-reviewer')?.file, tools: agents.get('code-reviewer')?.tools },
      { source: 'user', file: '~/.claude/agents/code-reviewer.md', tools: ['read_file', 'list_dir', 'get_problems', 'grep', 'glob', 'run_command'] },
    );
    assert.deepEqual({ text: agents.get('helper')?.instructions, file: agents.get('helper')?.file }, { text: 'HEARTH-HELPER', file: '~/.hearth/agents/helper.md' });
    assert.deepEqual({ source: agents.get('planning-mode')?.source, file: agents.get('planning-mode')?.file }, { source: 'workspace', file: '.github/agents/plan.agent.md' });
    assert.equal(agents.get('readme'), undefined);
    assert.deepEqual({ text: agents.get('db-expert')?.instructions, file: agents.get('db-expert')?.file }, { text: 'HEARTH-DB-EXPERT', file: '.hearth/agents/db-expert.md' });
    assert.ok(log.some((m) => m.includes('.claude/agents/planning-mode.md is ignored: @planning-mode is already defined by .github/agents/plan.agent.md')), log.join('\n'));
    assert.ok(log.some((m) => m.includes('~/.claude/agents/helper.md is ignored')), log.join('\n'));
    // The user's Claude agents are theirs in every workspace; the repository's Claude and Copilot agents need trust.
    const untrusted = await byName(false);
    assert.equal(untrusted.get('code-reviewer')?.source, 'user');
    assert.equal(untrusted.has('planning-mode') || untrusted.has('db-expert'), false);
  });

  it('a hostile repository: links out of the workspace (a file or a whole folder), a huge file, a pipe and role or user names are all ignored, and the rest still load', async () => {
    write(home, '.hearth/agents/security.md', 'MY-SECURITY');
    write(outside, 'secret.md', '---\nname: leak\n---\nSECRET');
    write(outside, 'agents/stolen.md', 'STOLEN');
    fs.symlinkSync(path.join(outside, 'secret.md'), path.join(root, '.hearth', 'agents', 'leak.md'));
    fs.mkdirSync(path.join(root, '.claude'), { recursive: true });
    fs.symlinkSync(path.join(outside, 'agents'), path.join(root, '.claude', 'agents'));
    write(root, '.github/agents/huge.agent.md', `---\nname: huge\n---\n${'x'.repeat(MAX_AGENT_FILE_BYTES + 1)}`);
    execFileSync('mkfifo', [path.join(root, '.github', 'agents', 'pipe.agent.md')]);
    write(root, '.github/agents/role.agent.md', "---\nname: 'Coder '\ntools: ['runCommands']\n---\nREPO-CODER");
    write(root, '.hearth/agents/security.md', 'REPO-SECURITY');
    write(root, '.github/agents/fine.agent.md', 'FINE');
    const log: string[] = [];
    const agents = await byName(true, log);
    assert.equal(agents.has('leak') || agents.has('stolen') || agents.has('huge') || agents.has('pipe'), false);
    assert.equal(agents.get('coder')?.source, 'builtin');
    assert.equal(agents.get('security')?.instructions, 'MY-SECURITY');
    assert.equal(agents.get('fine')?.file, '.github/agents/fine.agent.md');
    const joined = log.join('\n');
    assert.match(joined, /leak\.md is ignored: it is a link to a file outside the workspace folder/);
    assert.match(joined, /stolen\.md is ignored: it is a link to a file outside the workspace folder/);
    assert.match(joined, /huge\.agent\.md is ignored: it is larger than 32 KiB/);
    assert.match(joined, /role\.agent\.md is ignored: @coder is already one of Hearth's roles/);
    assert.match(joined, /\.hearth\/agents\/security\.md is ignored: @security is already defined by ~\/\.hearth\/agents\/security\.md/);
  });

  it('reads the folders again on every look-up, so a new or edited file applies to the next message', async () => {
    const c = catalog(false);
    assert.equal(await c.get('helper'), undefined);
    write(home, '.claude/agents/helper.md', 'v1');
    assert.equal((await c.get('helper'))?.instructions, 'v1');
    write(home, '.claude/agents/helper.md', 'v2');
    assert.equal((await c.get('helper'))?.instructions, 'v2');
  });
});

describe('agent routing', () => {
  const agents = [agent('tester', ['test', 'unit test'], 'Writes tests'), agent('docs', ['readme', 'docs'], 'Writes docs'), agent('coder', [], 'Changes code')];

  it('keywords match whole words, any case; the earliest match wins, the longer keyword on a tie', () => {
    assert.equal(keywordRoute('Update the README, then test it', agents)?.agent.name, 'docs');
    assert.equal(keywordRoute('write a Unit Test for parse', agents)?.keyword, 'unit test');
    assert.equal(keywordRoute('the latest build', agents), undefined);
  });

  it('an @name at the start wins over keywords and is removed from the message; an unknown @name is just text', async () => {
    const routed = await routeMessage({ text: '@docs write a test', agents, routing: 'keywords' });
    assert.deepEqual({ name: routed?.agent.name, reason: routed?.route.reason, text: routed?.text }, { name: 'docs', reason: 'explicit', text: 'write a test' });
    assert.equal((await routeMessage({ text: '@nobody hi', agents, routing: 'off' })), undefined);
    assert.equal((await routeMessage({ text: 'see @docs', agents, routing: 'off' })), undefined);
  });

  it('routing off ignores keywords; the default agent takes what nothing routed', async () => {
    assert.equal(await routeMessage({ text: 'add a test', agents, routing: 'off' }), undefined);
    assert.equal((await routeMessage({ text: 'hello', agents, routing: 'keywords', defaultAgent: 'coder' }))?.route.reason, 'default');
  });

  it('auto asks the classifier only when no keyword matched, and its failures and unknown answers fall back', async () => {
    let asked = 0;
    const classify = async () => {
      asked++;
      return { name: 'coder', reason: 'a change' };
    };
    assert.equal((await routeMessage({ text: 'add a test', agents, routing: 'auto', classify }))?.route.reason, 'keyword');
    assert.equal(asked, 0);
    const picked = await routeMessage({ text: 'rename foo', agents, routing: 'auto', classify });
    assert.deepEqual({ name: picked?.agent.name, detail: picked?.route.detail }, { name: 'coder', detail: 'a change' });
    const log: string[] = [];
    const failed = await routeMessage({ text: 'rename foo', agents, routing: 'auto', defaultAgent: 'docs', classify: async () => Promise.reject(new Error('boom')), log: (m) => log.push(m) });
    assert.equal(failed?.route.reason, 'default');
    assert.match(log[0], /boom/);
    assert.equal(await routeMessage({ text: 'rename foo', agents, routing: 'auto', classify: async () => undefined }), undefined);
  });

  it('reads the classifier\'s answer as a line, JSON or a bare name; "none" and unknown names are no pick', () => {
    assert.deepEqual(parseClassifierAnswer('tester - asks for tests', agents), { name: 'tester', reason: 'asks for tests' });
    assert.deepEqual(parseClassifierAnswer('{"agent": "docs", "reason": "readme"}', agents), { name: 'docs', reason: 'readme' });
    assert.deepEqual(parseClassifierAnswer('<think>hmm</think>\n**Coder**', agents), { name: 'coder', reason: '' });
    assert.equal(parseClassifierAnswer('none - nothing fits', agents), undefined);
    assert.equal(parseClassifierAnswer('astronaut', agents), undefined);
    assert.equal(parseClassifierAnswer('I think the tester would be best', agents), undefined);
  });

  it('settings: routing defaults to keywords, role models are kept per lowercase name', () => {
    const s = toSettings({ agent: { roleModels: { Tester: 'small:1b', bad: 3 }, routing: 'sometimes' } });
    assert.equal(s.agent?.routing, 'keywords');
    assert.deepEqual(s.agent?.roleModels, { tester: 'small:1b' });
  });

  it('an agent\'s model: the setting, else a user file\'s model the backend has, else the chat\'s; a repository\'s file never chooses', async () => {
    const backend = { listModels: async () => [{ name: 'small:1b' }, { name: 'tiny:latest' }] } as unknown as Agent;
    const signal = new AbortController().signal;
    const settings = toSettings({ agent: { roleModels: { pinned: 'big:70b' } } });
    const withModel = (name: string, model: string, source: CatalogAgent['source'] = 'user'): CatalogAgent => ({ ...agent(name), model, source });
    assert.deepEqual(await agentModel(withModel('pinned', 'small:1b'), settings, backend, 'chat:7b', signal), { model: 'big:70b' });
    assert.deepEqual(await agentModel(withModel('a', 'small:1b'), settings, backend, 'chat:7b', signal), { model: 'small:1b' });
    assert.deepEqual(await agentModel(withModel('b', 'tiny'), settings, backend, 'chat:7b', signal), { model: 'tiny:latest' });
    const missing = await agentModel(withModel('c', 'gpt-5'), settings, backend, 'chat:7b', signal);
    assert.equal(missing.model, 'chat:7b');
    assert.match(missing.note ?? '', /"gpt-5" is not available here/);
    const repo = await agentModel(withModel('d', 'small:1b', 'workspace'), settings, backend, 'chat:7b', signal);
    assert.equal(repo.model, 'chat:7b');
    assert.match(repo.note ?? '', /cannot choose the model/);
  });

  it("a named sub-agent's model follows the same rule, asks the backend once for all agents, and leaves an agent without a model to the role's", async () => {
    let asked = 0;
    const backend = { listModels: async () => (asked++, [{ name: 'small:1b' }]) } as unknown as Agent;
    const settings = toSettings({ agent: { roleModels: { pinned: 'big:70b' } } });
    const installed = installedModels(backend, new AbortController().signal);
    const withModel = (name: string, model: string | undefined, source: CatalogAgent['source'] = 'user'): CatalogAgent => ({ ...agent(name), ...(model ? { model } : {}), source });
    assert.deepEqual(await agentOwnModel(withModel('a', 'small:1b'), settings, installed), { model: 'small:1b' });
    assert.deepEqual(await agentOwnModel(withModel('pinned', 'gpt-5'), settings, installed), { model: 'big:70b' }, "the user's setting for the agent wins");
    assert.deepEqual(await agentOwnModel(withModel('b', undefined), settings, installed), {}, 'no model of its own: the role decides, as before');
    const missing = await agentOwnModel(withModel('c', 'gpt-5'), settings, installed);
    assert.deepEqual(missing, { note: 'model "gpt-5" is not available here' });
    const repo = await agentOwnModel(withModel('d', 'small:1b', 'workspace'), settings, installed);
    assert.equal(repo.model, undefined);
    assert.match(repo.note ?? '', /a repository's agent file cannot choose the model \("small:1b"\)/);
    assert.equal(asked, 1, 'one look-up for the whole turn');
  });

  it("the catalog's sub-agent list carries each agent file's chosen model and the note for one it could not use", async () => {
    const dirs = ['home', 'root'].map((n) => fs.mkdtempSync(path.join(os.tmpdir(), `hearth-subagent-models-${n}-`)));
    try {
      const [home, root] = dirs;
      fs.mkdirSync(path.join(home, '.claude', 'agents'), { recursive: true });
      fs.writeFileSync(path.join(home, '.claude', 'agents', 'fast.md'), '---\ndescription: quick looks\nmodel: small:1b\n---\nBe quick.');
      fs.writeFileSync(path.join(home, '.claude', 'agents', 'cloud.md'), '---\ndescription: cloud\nmodel: gpt-5\n---\nThink.');
      fs.writeFileSync(path.join(home, '.claude', 'agents', 'plain.md'), '---\ndescription: plain\n---\nPlain.');
      const backend = { listModels: async () => [{ name: 'small:1b' }] } as unknown as Agent;
      const installed = installedModels(backend, new AbortController().signal);
      const catalog = new AgentCatalog({ home, roots: () => [root], workspaceTrusted: () => true, log: () => undefined });
      const agents = await catalog.subagentAgents((a) => agentOwnModel(a, toSettings({}), installed));
      const byName = new Map(agents.map((a) => [a.name, a]));
      assert.equal(byName.get('fast')?.model, 'small:1b');
      assert.deepEqual({ model: byName.get('cloud')?.model, note: byName.get('cloud')?.modelNote }, { model: undefined, note: 'model "gpt-5" is not available here' });
      assert.deepEqual({ model: byName.get('plain')?.model, note: byName.get('plain')?.modelNote }, { model: undefined, note: undefined });
      assert.equal(byName.has('reviewer'), false, 'the built-in roles are not offered by name');
    } finally {
      for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
