/**
 * The policy around what MCP servers ask of Hearth (McpServerRequests and
 * createMcpSampler), in-process with a recording editor: one request per
 * server at a time, the hourly limit (declined requests count), a model the
 * server cannot choose, and sampling refused in remote mode with the reason.
 */
import assert from 'node:assert/strict';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import type { Agent, McpSamplingRequest } from '../../agent-host';
import type { HearthSettings, McpSamplingParams } from '../../protocol/lspMethods';
import { createMcpSampler } from '../../language-server/mcp/createMcpSampler';
import type { McpEditor } from '../../language-server/mcp/mcpEditor';
import { McpServerRequests, type McpSampler } from '../../language-server/mcp/mcpServerRequests';
import type { RemoteAgent } from '../../language-server/remote/remoteAgent';

const request: McpSamplingRequest = { server: 'srv', messages: [{ role: 'user', text: 'hi' }], maxTokens: 10, modelHints: ['claude-3-sonnet'] };

function settings(mcp: Partial<NonNullable<HearthSettings['mcp']>> = {}, mode?: 'remote'): HearthSettings {
  return {
    ollama: { host: 'http://127.0.0.1:1' },
    chat: { model: 'qwen2.5-coder:7b', think: 'auto', thinkByModel: {} },
    mcp: { servers: {}, ...mcp },
    ...(mode ? { server: { mode, url: 'https://team.example' } } : {}),
  } as HearthSettings;
}

describe('MCP server requests: sampling policy', () => {
  let asked: McpSamplingParams[];
  let answers: ((d: 'accept' | 'reject') => void)[];
  let completed: string[];
  let current: HearthSettings;
  let now: number;

  const editor = {
    approveSampling: (params: McpSamplingParams) => {
      asked.push(params);
      return new Promise<'accept' | 'reject'>((resolve) => answers.push(resolve));
    },
    log: () => undefined,
  } as unknown as McpEditor;
  const sampler: McpSampler = {
    model: async () => 'chat-model',
    complete: async (r, model) => {
      completed.push(`${model}:${r.messages[0].text}`);
      return { text: 'ok', model, stopReason: 'endTurn' };
    },
  };
  const make = () =>
    new McpServerRequests({ editor, settings: async () => current, sampler, sourceOf: () => 'user', runningCall: () => undefined, now: () => now });

  beforeEach(() => {
    asked = [];
    answers = [];
    completed = [];
    current = settings();
    now = 1_000_000;
  });

  it('asks with the user\'s model, shows the server\'s hints, and runs only after accept', async () => {
    const requests = make();
    const pending = requests.sample(request, new AbortController().signal);
    await new Promise((r) => setImmediate(r));
    assert.equal(asked.length, 1);
    assert.equal(asked[0].model, 'chat-model');
    assert.deepEqual(asked[0].modelHints, ['claude-3-sonnet']);
    assert.deepEqual(asked[0].callId, '', 'no running call: the card goes above the input');
    assert.deepEqual(completed, []);
    answers[0]('accept');
    assert.deepEqual(await pending, { text: 'ok', model: 'chat-model', stopReason: 'endTurn' });
    assert.deepEqual(completed, ['chat-model:hi']);
  });

  it('refuses a second request from the same server while one waits, but not another server\'s', async () => {
    const requests = make();
    const first = requests.sample(request, new AbortController().signal);
    await new Promise((r) => setImmediate(r));
    await assert.rejects(requests.sample(request, new AbortController().signal), /another one from this server is still waiting/);
    const other = requests.sample({ ...request, server: 'other' }, new AbortController().signal);
    await new Promise((r) => setImmediate(r));
    assert.equal(asked.length, 2);
    answers[0]('reject');
    answers[1]('reject');
    await assert.rejects(first, (err: unknown) => err instanceof McpError && err.code === -1 && /declined/.test(err.message));
    await assert.rejects(other, /declined/);
  });

  it('counts declined requests toward the hourly limit, and forgets them after an hour', async () => {
    current = settings({ samplingPerHour: 2 });
    const requests = make();
    for (let i = 0; i < 2; i++) {
      const p = requests.sample(request, new AbortController().signal);
      await new Promise((r) => setImmediate(r));
      answers[i]('reject');
      await assert.rejects(p, /declined/);
    }
    await assert.rejects(requests.sample(request, new AbortController().signal), /asked 2 times in the last hour.*samplingPerHour \(2\)/);
    assert.equal(asked.length, 2, 'the third was never shown');
    now += 60 * 60_000 + 1;
    const later = requests.sample(request, new AbortController().signal);
    await new Promise((r) => setImmediate(r));
    assert.equal(asked.length, 3);
    answers[2]('accept');
    await later;
  });

  it('a limit of 0 turns sampling off', async () => {
    current = settings({ samplingPerHour: 0 });
    await assert.rejects(make().sample(request, new AbortController().signal), /sampling is turned off/);
    assert.equal(asked.length, 0);
  });

  it('the sampler uses the chat model, locally or on the team server, and sends the team server exactly the approved request', async () => {
    const agent = { host: 'h', listModels: async () => [{ name: 'first-installed' }] } as unknown as Agent;
    const sent: unknown[] = [];
    const team = {
      sample: async (params: unknown, maxChars: number) => {
        sent.push({ params, maxChars });
        return { text: 'from the team', stopReason: 'maxTokens' };
      },
    } as unknown as RemoteAgent;
    const remote = createMcpSampler({ settings: async () => settings({}, 'remote'), agent: async () => agent, team: async () => team, plan: async () => ({ think: false }) });
    assert.equal(await remote.model(new AbortController().signal), 'qwen2.5-coder:7b');
    const answer = await remote.complete(
      { server: 'everything', messages: [{ role: 'user', text: 'Name a colour' }], systemPrompt: 'Be brief.', maxTokens: 12, temperature: 0.5, stopSequences: ['\n'], modelHints: ['claude'] },
      'qwen2.5-coder:7b',
      new AbortController().signal,
    );
    assert.deepEqual(answer, { text: 'from the team', model: 'qwen2.5-coder:7b', stopReason: 'maxTokens' });
    assert.deepEqual(sent, [
      {
        params: { model: 'qwen2.5-coder:7b', messages: [{ role: 'user', text: 'Name a colour' }], systemPrompt: 'Be brief.', maxTokens: 12, temperature: 0.5, stopSequences: ['\n'], think: false, mcpServer: 'everything' },
        maxChars: 12 * 32 + 1_000,
      },
    ]);
    const local = createMcpSampler({ settings: async () => settings(), agent: async () => agent, team: async () => undefined, plan: async () => ({}) });
    assert.equal(await local.model(new AbortController().signal), 'qwen2.5-coder:7b');
    const unset = createMcpSampler({ settings: async () => ({ ...settings(), chat: { model: '', think: 'auto', thinkByModel: {} } }) as HearthSettings, agent: async () => agent, team: async () => undefined, plan: async () => ({}) });
    assert.equal(await unset.model(new AbortController().signal), 'first-installed', 'as chat chooses when no model is set');
  });
});

describe('MCP server requests: elicitation policy', () => {
  it('refuses a form it cannot show without asking, allows one form per server at a time, and passes the checked answer on', async () => {
    const shown: string[] = [];
    let answer!: (a: { action: 'accept' | 'decline' | 'cancel'; content?: Record<string, string> }) => void;
    const editor = {
      askElicitation: (params: { message: string }) => {
        shown.push(params.message);
        return new Promise((resolve) => (answer = resolve));
      },
      log: () => undefined,
    } as unknown as McpEditor;
    const requests = new McpServerRequests({ editor, settings: async () => settings(), sourceOf: () => 'user', runningCall: () => undefined });
    assert.equal(requests.handlers().sampling, undefined, 'no sampler: sampling is not offered');

    const nested = { type: 'object', properties: { address: { type: 'object', properties: { street: { type: 'string' } } } } };
    await assert.rejects(requests.elicit({ server: 'srv', message: 'Where?', requestedSchema: nested }, new AbortController().signal), (err: unknown) => err instanceof McpError && err.code === -32602 && /cannot show this form/.test(err.message));
    assert.deepEqual(shown, []);

    const schema = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] };
    const first = requests.elicit({ server: 'srv', message: 'Name?', requestedSchema: schema }, new AbortController().signal);
    await new Promise((r) => setImmediate(r));
    await assert.rejects(requests.elicit({ server: 'srv', message: 'Again?', requestedSchema: schema }, new AbortController().signal), /still waiting for the user/);
    answer({ action: 'accept', content: { name: 'Ada' } });
    assert.deepEqual(await first, { action: 'accept', content: { name: 'Ada' } });
    assert.deepEqual(shown, ['Name?']);
  });
});
