/**
 * Agent files and routing without a model: the front matter of Claude's
 * sub-agent files and Copilot's .agent.md files, the tool-name mapping, the
 * catalog's precedence (a repository cannot replace a role or the user's
 * agent), keyword rules, and the classifier's answers and failures.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAgentFile } from '../../language-server/agents/agentFile';
import { mapAgentTools } from '../../language-server/agents/agentToolNames';
import { AgentCatalog, type CatalogAgent } from '../../language-server/agents/agentCatalog';
import { keywordRoute, parseClassifierAnswer, routeMessage } from '../../language-server/agents/agentRouter';
import { toSettings } from '../../language-server/settings/settingsReader';
import { agentModel } from '../../language-server/agents/chooseAgent';
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
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-agent-home-'));
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-agent-ws-'));
    fs.mkdirSync(path.join(root, '.hearth', 'agents'), { recursive: true });
  });
  afterEach(() => {
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(root, { recursive: true, force: true });
  });
  const catalog = (trusted: boolean, log: string[] = []) => new AgentCatalog({ userAgentsDir: home, roots: [root], workspaceTrusted: () => trusted, log: (m) => log.push(m) });

  it('the user\'s file replaces a built-in role; a repository\'s file cannot replace a role or the user\'s agent; an untrusted workspace has none', async () => {
    fs.writeFileSync(path.join(home, 'tester.md'), '---\ndescription: my tester\n---\nMY-TESTER');
    fs.writeFileSync(path.join(home, 'mine.md'), 'MINE');
    fs.writeFileSync(path.join(root, '.hearth', 'agents', 'reviewer.md'), 'REPO-REVIEWER');
    fs.writeFileSync(path.join(root, '.hearth', 'agents', 'mine.agent.md'), 'REPO-MINE');
    fs.writeFileSync(path.join(root, '.hearth', 'agents', 'repo-only.md'), 'REPO-ONLY');
    const log: string[] = [];
    const agents = await catalog(true, log).list();
    const byName = new Map(agents.map((a) => [a.name, a]));
    assert.equal(byName.get('tester')?.instructions, 'MY-TESTER');
    assert.equal(byName.get('tester')?.source, 'user');
    assert.equal(byName.get('reviewer')?.source, 'builtin');
    assert.equal(byName.get('mine')?.instructions, 'MINE');
    assert.equal(byName.get('repo-only')?.source, 'workspace');
    assert.equal(byName.get('repo-only')?.file, '.hearth/agents/repo-only.md');
    assert.equal(log.filter((m) => m.includes('is ignored')).length, 2);
    assert.equal((await catalog(false).list()).some((a) => a.source === 'workspace'), false);
  });

  it('a repository\'s agent file that links outside the workspace is not read', async () => {
    const outside = path.join(home, 'secret.md');
    fs.writeFileSync(outside, 'SECRET');
    fs.symlinkSync(outside, path.join(root, '.hearth', 'agents', 'leak.md'));
    const agents = await catalog(true).list();
    assert.equal(agents.some((a) => a.name === 'leak'), false);
  });

  it('reads the folders again on every look-up, so a new or edited file applies to the next message', async () => {
    const c = catalog(false);
    assert.equal(await c.get('helper'), undefined);
    fs.writeFileSync(path.join(home, 'helper.md'), 'v1');
    assert.equal((await c.get('helper'))?.instructions, 'v1');
    fs.writeFileSync(path.join(home, 'helper.md'), 'v2');
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
    assert.deepEqual(await agentModel(withModel('b', 'tiny'), settings, backend, 'chat:7b', signal), { model: 'tiny' });
    const missing = await agentModel(withModel('c', 'gpt-5'), settings, backend, 'chat:7b', signal);
    assert.equal(missing.model, 'chat:7b');
    assert.match(missing.note ?? '', /"gpt-5" is not available here/);
    const repo = await agentModel(withModel('d', 'small:1b', 'workspace'), settings, backend, 'chat:7b', signal);
    assert.equal(repo.model, 'chat:7b');
    assert.match(repo.note ?? '', /cannot choose the model/);
  });
});
