/**
 * A thinking model's reasoning in the chat: it shows as soon as it streams,
 * in a block that starts collapsed and opens on a click, stays apart from the
 * answer (and from "Copy answer"), and comes back the same way from a stored session.
 */
import assert from 'node:assert/strict';
import type { AgentEvent } from '../../protocol/chat';
import type { AssistantEntry, UserEntry } from '../../protocol/sessions';
import { click, createHarness, keydown, sessionView, type, type Harness } from './webviewTestHarness';

describe('webview reasoning (thinking models)', () => {
  let h: Harness;
  afterEach(() => h.dispose());

  const event = (e: AgentEvent) => h.send({ type: 'event', sessionId: 's1', entryId: 'a1', event: e });

  function startTurn(): void {
    h.send({ type: 'session', session: sessionView('s1', []) });
    const composer = h.$('composer') as HTMLTextAreaElement;
    type(composer, 'How many r in strawberry?');
    keydown(composer, 'Enter');
    h.send({ type: 'turnStarted', sessionId: 's1', userEntryId: 'u1', assistantEntryId: 'a1', retry: false });
  }

  it('shows reasoning as it streams, collapsed, then keeps it apart from the answer', () => {
    h = createHarness();
    startTurn();
    event({ type: 'thinking', delta: 'Count the letters: ' });
    h.scheduler.flush();
    const block = h.$('thinking') as HTMLDetailsElement;
    assert.ok(block, 'the reasoning block appears with the first reasoning chunk');
    assert.equal(block.tagName, 'DETAILS');
    assert.equal(block.open, false, 'collapsed by default');
    assert.equal(h.$('thinking-summary')!.textContent, 'Thinking…');
    assert.equal(h.$('streaming-indicator')!.hidden, true, 'the generic spinner gives way to the reasoning block');

    event({ type: 'thinking', delta: 's-t-r-a-w-b-e-r-r-y has three.' });
    h.scheduler.flush();
    assert.equal(h.$('thinking-body')!.textContent, 'Count the letters: s-t-r-a-w-b-e-r-r-y has three.');

    event({ type: 'text', delta: 'There are **3** r’s.' });
    event({ type: 'done', reason: 'stop' });
    h.scheduler.flush();
    assert.equal(h.$('thinking-summary')!.textContent, 'Reasoning', 'the summary stops saying Thinking once the answer comes');
    const answer = h.$('assistant-message')!;
    const parts = answer.querySelector('.parts')!;
    assert.equal(parts.children.length, 2, 'reasoning and answer are separate parts');
    assert.ok(!parts.children[1].textContent!.includes('s-t-r-a-w'), 'the answer does not contain the reasoning');
    assert.match(parts.children[1].textContent!, /There are 3 r’s\./);
    assert.ok(!h.$('thinking-body')!.textContent!.includes('There are'), 'the reasoning does not contain the answer');
  });

  it('opens on a click and stays open while more reasoning streams', () => {
    h = createHarness();
    startTurn();
    event({ type: 'thinking', delta: 'First step.' });
    h.scheduler.flush();
    const block = h.$('thinking') as HTMLDetailsElement;
    click(h.$('thinking-summary')!);
    assert.equal(block.open, true, 'a click on the summary expands the reasoning');
    event({ type: 'thinking', delta: ' Second step.' });
    h.scheduler.flush();
    assert.equal(block.open, true, 'a streamed update never collapses what the user opened');
    assert.equal(h.$('thinking-body')!.textContent, 'First step. Second step.');
  });

  it('renders stored reasoning collapsed when a session is loaded', () => {
    h = createHarness();
    const user: UserEntry = { kind: 'user', id: 'u0', text: 'q', context: [], at: 1 };
    const stored: AssistantEntry = {
      kind: 'assistant',
      id: 'a0',
      replyTo: 'u0',
      model: 'qwen3:8b',
      parts: [
        { kind: 'thinking', text: 'Stored reasoning.' },
        { kind: 'text', text: 'Stored answer.' },
      ],
      state: 'done',
      doneReason: 'stop',
      at: 2,
    };
    h.send({ type: 'session', session: sessionView('s0', [user, stored]) });
    const block = h.$('thinking') as HTMLDetailsElement;
    assert.equal(block.open, false);
    assert.equal(h.$('thinking-summary')!.textContent, 'Reasoning');
    assert.equal(h.$('thinking-body')!.textContent, 'Stored reasoning.');
  });

  it('offers Continue on the last answer cut at the length limit; the continuation grows the same reply in place, without a new message', () => {
    h = createHarness();
    startTurn();
    event({ type: 'text', delta: 'The first half of a long' });
    event({ type: 'done', reason: 'length' });
    h.scheduler.flush();
    assert.ok(h.$('length-notice'), 'the cut is explained');
    click(h.$('continue')!);
    assert.deepEqual(h.api.last('continue'), { type: 'continue', sessionId: 's1' });
    h.send({ type: 'turnStarted', sessionId: 's1', userEntryId: 'u1', assistantEntryId: 'a1', retry: false, continued: true });
    h.scheduler.flush();
    assert.equal(h.$('length-notice'), null, 'the cut notice goes while the answer continues');
    assert.equal(h.$('assistant-message')?.getAttribute('data-state'), 'streaming');
    h.send({ type: 'event', sessionId: 's1', entryId: 'a1', event: { type: 'text', delta: ' answer, finished.' } });
    h.send({ type: 'event', sessionId: 's1', entryId: 'a1', event: { type: 'done', reason: 'stop' } });
    h.scheduler.flush();
    assert.equal(h.$$('user-message').length, 1, 'no new user message for a continuation');
    const answers = h.$$('assistant-message');
    assert.equal(answers.length, 1, 'one reply bubble');
    assert.match(answers[0].textContent!, /The first half of a long answer, finished\./);
    assert.equal(h.$('continue'), null, 'only the last answer offers Continue, and the continuation was not cut');
  });
});
