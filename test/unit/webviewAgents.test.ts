/** Agents in the chat view: the `@` list offers them at the start of a message, and a reply names its agent and why. */
import assert from 'node:assert/strict';
import type { AgentRoute } from '../../protocol/agents';
import { createHarness, delay, keydown, sessionView, type, type Harness } from './webviewTestHarness';

describe('webview agents', () => {
  let h: Harness;
  let composer: HTMLTextAreaElement;
  beforeEach(() => {
    h = createHarness();
    composer = h.$('composer') as HTMLTextAreaElement;
  });
  afterEach(() => h.dispose());

  const agents = [
    { name: 'tester', description: 'Writes and runs tests.', source: 'builtin' as const },
    { name: 'test-docs', description: 'Docs for tests', source: 'workspace' as const, file: '.claude/agents/test-docs.md' },
  ];

  it('at the start of a message the @ list leads with the agents; choosing one types @name and attaches nothing', async () => {
    type(composer, '@te');
    await delay(20);
    const request = h.api.last('findFiles')!;
    h.send({ type: 'files', requestId: request.requestId, paths: ['src/test.ts'], agents });
    const suggestions = h.$$('mention-suggestion');
    assert.deepEqual(suggestions.map((s) => s.getAttribute('data-path')), ['agent:tester', 'agent:test-docs', 'src/test.ts']);
    assert.match(suggestions[1].querySelector('.mention-dir')?.textContent ?? '', /agent from this repository \(\.claude\/agents\/test-docs\.md\)/);
    keydown(composer, 'Enter');
    assert.equal(composer.value, '@tester ');
    assert.deepEqual(h.$$('context-chip'), []);
    type(composer, `${composer.value}cover parse`);
    keydown(composer, 'Enter');
    assert.deepEqual({ text: h.api.last('send')?.text, context: h.api.last('send')?.context }, { text: '@tester cover parse', context: [] });
  });

  it('later in a message only files are offered (only a leading @name routes)', async () => {
    type(composer, 'look at @te');
    await delay(20);
    const request = h.api.last('findFiles')!;
    h.send({ type: 'files', requestId: request.requestId, paths: ['src/test.ts'], agents });
    assert.deepEqual(h.$$('mention-suggestion').map((s) => s.getAttribute('data-path')), ['src/test.ts']);
  });

  it('a reply shows its agent, why it was chosen and where it came from', () => {
    const route: AgentRoute = { agent: 'docs', source: 'workspace', file: '.hearth/agents/docs.md', reason: 'keyword', detail: 'readme', model: 'qwen2.5-coder:7b', notes: ['Hearth has no tool like "fetch"; left out'] };
    h.send({
      type: 'session',
      session: sessionView('s1', [
        { kind: 'user', id: 'u1', text: 'fix the readme', context: [], at: 1 },
        { kind: 'assistant', id: 'a1', replyTo: 'u1', model: 'm', parts: [{ kind: 'text', text: 'ok' }], state: 'done', doneReason: 'stop', at: 2 },
      ]),
    });
    h.scheduler.flush();
    assert.equal(h.$('agent-route'), null, 'no chip without an agent');
    h.send({ type: 'event', sessionId: 's1', entryId: 'a1', event: { type: 'agentRoute', route } });
    h.scheduler.flush();
    const chip = h.$('agent-route')!;
    assert.equal(chip.textContent, "@docs — matched keyword 'readme' · from this repository · Hearth has no tool like \"fetch\"; left out");
    assert.match(chip.getAttribute('title') ?? '', /from this repository \(\.hearth\/agents\/docs\.md\)\nmodel: qwen2\.5-coder:7b/);
  });
});
