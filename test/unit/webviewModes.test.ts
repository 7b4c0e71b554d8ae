/**
 * The chat view's side of modes and rules files: the header's mode switch
 * shows the chat's mode and asks for a change, a finished plan offers "Run in
 * Agent mode" (Agent mode, the plan in the composer for editing), and the
 * rules files show as chips that open the file or switch it off.
 */
import assert from 'node:assert/strict';
import type { AssistantEntry, UserEntry } from '../../protocol/sessions';
import { click, createHarness, sessionView, type Harness } from './webviewTestHarness';

const user: UserEntry = { kind: 'user', id: 'u1', text: 'How should I add a cache?', context: [], at: 1 };
const plan = (mode: AssistantEntry['mode'], doneReason: AssistantEntry['doneReason'] = 'stop'): AssistantEntry => ({
  kind: 'assistant',
  id: 'a1',
  replyTo: 'u1',
  model: 'm',
  mode,
  parts: [{ kind: 'text', text: '1. Add src/cache.ts.\n2. Use it in src/api.ts.\n' }],
  state: 'done',
  doneReason,
  at: 2,
});

describe('webview: chat modes and rules files', () => {
  let h: Harness;
  afterEach(() => h.dispose());

  it('the header shows the chat’s mode and posts setMode when the user picks another', () => {
    h = createHarness();
    h.send({ type: 'chatConfig', mode: 'plan', rules: [] });
    assert.equal(h.$('mode-plan')?.getAttribute('aria-pressed'), 'true');
    assert.equal(h.$('mode-agent')?.getAttribute('aria-pressed'), 'false');
    click(h.$('mode-ask')!);
    assert.deepEqual(h.api.of('setMode'), [{ type: 'setMode', mode: 'ask' }]);
    assert.equal(h.$('mode-ask')?.getAttribute('aria-pressed'), 'true');
    click(h.$('mode-ask')!);
    assert.equal(h.api.of('setMode').length, 1, 'picking the current mode posts nothing');
  });

  it('a finished plan offers Run in Agent mode: the chat switches to Agent and the plan waits in the composer, editable', () => {
    h = createHarness();
    h.send({ type: 'session', session: sessionView('s1', [user, plan('plan')]) });
    click(h.$('run-plan')!);
    assert.deepEqual(h.api.of('setMode'), [{ type: 'setMode', mode: 'agent' }]);
    assert.equal(h.$('mode-agent')?.getAttribute('aria-pressed'), 'true');
    const composer = h.$('composer') as HTMLTextAreaElement;
    assert.equal(composer.value, 'Carry out this plan:\n\n1. Add src/cache.ts.\n2. Use it in src/api.ts.');
    assert.equal(h.api.of('send').length, 0, 'nothing is sent until the user sends it');
  });

  it('a live Plan reply offers Run in Agent mode once it finishes', () => {
    h = createHarness();
    h.send({ type: 'session', session: sessionView('s1', []) });
    h.send({ type: 'turnStarted', sessionId: 's1', userEntryId: 'u1', assistantEntryId: 'a1', retry: false, mode: 'plan', input: { text: 'plan', context: [] } });
    h.send({ type: 'event', sessionId: 's1', entryId: 'a1', event: { type: 'text', delta: '1. Do it.' } });
    h.scheduler.flush();
    assert.equal(h.$('run-plan'), null, 'not while it streams');
    h.send({ type: 'event', sessionId: 's1', entryId: 'a1', event: { type: 'done', reason: 'stop' } });
    h.scheduler.flush();
    assert.ok(h.$('run-plan'));
  });

  it('only a finished plan offers it: not an Agent reply, not a plan cut at the length limit', () => {
    h = createHarness();
    h.send({ type: 'session', session: sessionView('s1', [user, plan('agent')]) });
    assert.equal(h.$('run-plan'), null);
    h.send({ type: 'session', session: sessionView('s2', [user, plan('plan', 'length')]) });
    assert.equal(h.$('run-plan'), null);
  });

  it('rules files show as chips that open the file and switch it off or on for the chat', () => {
    h = createHarness();
    h.send({
      type: 'chatConfig',
      mode: 'agent',
      rules: [
        { path: 'AGENTS.md', truncated: false, enabled: true },
        { path: 'CLAUDE.md', truncated: true, enabled: false },
      ],
    });
    const chips = h.$$('rules-chip');
    assert.deepEqual(chips.map((c) => [c.dataset.path, c.dataset.enabled]), [['AGENTS.md', 'true'], ['CLAUDE.md', 'false']]);
    assert.match(chips[1].textContent ?? '', /CLAUDE\.md \(cut\)/);
    click(chips[0].querySelector('[data-testid="rules-chip-open"]')!);
    click(chips[0].querySelector('[data-testid="rules-chip-toggle"]')!);
    click(chips[1].querySelector('[data-testid="rules-chip-toggle"]')!);
    assert.deepEqual(h.api.of('openRule'), [{ type: 'openRule', path: 'AGENTS.md' }]);
    assert.deepEqual(h.api.of('toggleRule'), [
      { type: 'toggleRule', path: 'AGENTS.md', enabled: false },
      { type: 'toggleRule', path: 'CLAUDE.md', enabled: true },
    ]);
  });

  it('attaching a file tells the extension its path, so its nearest AGENTS.md can apply', () => {
    h = createHarness();
    h.send({ type: 'addContext', item: { kind: 'file', path: 'src/deep/x.ts', text: 'x' } });
    assert.deepEqual(h.api.last('contextPaths'), { type: 'contextPaths', paths: ['src/deep/x.ts'] });
  });
});
