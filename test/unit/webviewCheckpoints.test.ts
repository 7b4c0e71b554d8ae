/** Checkpoints on the chat's timeline: where they sit, the restore choices with a confirmation, and Redo. */
import assert from 'node:assert/strict';
import type { AssistantEntry, UserEntry } from '../../protocol/sessions';
import { parseFromWebview } from '../../protocol/webviewMessages';
import { click, createHarness, sessionView, type Harness } from './webviewTestHarness';

const user: UserEntry = { kind: 'user', id: 'u1', text: 'Make the change', context: [], at: 1 };
const reply: AssistantEntry = {
  kind: 'assistant',
  id: 'a1',
  replyTo: 'u1',
  model: 'm',
  parts: [
    { kind: 'toolCall', call: { id: 'c1', name: 'write_file', arguments: { path: 'a.txt', content: 'x' } }, result: { callId: 'c1', name: 'write_file', content: 'ok', isError: false } },
    { kind: 'toolCall', call: { id: 'c2', name: 'run_command', arguments: { command: 'rm b.txt' } }, result: { callId: 'c2', name: 'run_command', content: 'ok', isError: false } },
    { kind: 'text', text: 'Done.' },
  ],
  checkpoints: [{ id: 'cp0' }, { id: 'cp1', callId: 'c1' }, { id: 'cp2', callId: 'c2' }],
  state: 'done',
  doneReason: 'stop',
  at: 2,
};

describe('webview: checkpoints on the timeline', () => {
  let h: Harness;
  afterEach(() => h.dispose());

  it('places a marker before the reply and after each tool row that took one', () => {
    h = createHarness();
    h.send({ type: 'session', session: sessionView('s1', [user, reply]) });
    const markers = h.$$('checkpoint');
    assert.deepEqual(markers.map((m) => m.getAttribute('data-checkpoint-id')), ['cp0', 'cp1', 'cp2']);
    assert.match(markers[0].textContent ?? '', /before this message/);
    assert.match(markers[2].textContent ?? '', /after run_command/);
    // The marker after run_command sits between its row and the answer's text.
    const following = markers[2].nextElementSibling;
    assert.ok(following && /Done\./.test(following.textContent ?? ''));
  });

  it('asks which restore and confirms before posting it; Cancel posts nothing', () => {
    h = createHarness();
    h.send({ type: 'session', session: sessionView('s1', [user, reply]) });
    const marker = h.$$('checkpoint')[1];
    click(marker.querySelector('[data-testid="checkpoint-restore"]')!);
    click(marker.querySelector('[data-testid="checkpoint-restore-files"]')!);
    assert.match(marker.textContent ?? '', /The conversation stays as it is/);
    click(marker.querySelector('[data-testid="checkpoint-cancel"]')!);
    assert.deepEqual(h.api.of('restoreCheckpoint'), []);
    click(marker.querySelector('[data-testid="checkpoint-restore"]')!);
    click(marker.querySelector('[data-testid="checkpoint-restore-both"]')!);
    click(marker.querySelector('[data-testid="checkpoint-confirm"]')!);
    assert.deepEqual(h.api.of('restoreCheckpoint'), [{ type: 'restoreCheckpoint', sessionId: 's1', checkpointId: 'cp1', scope: 'both' }]);
    assert.ok(parseFromWebview(h.api.last('restoreCheckpoint')).ok, 'the message passes the extension’s validation');
    // A scope the protocol does not name is refused at the boundary, not passed on.
    assert.equal(parseFromWebview({ type: 'restoreCheckpoint', sessionId: 's1', checkpointId: 'cp1', scope: 'everything' }).ok, false);
  });

  it('shows Redo after a restore until the next turn, and puts a taken-back message into the composer', () => {
    h = createHarness();
    h.send({ type: 'session', session: { ...sessionView('s1', [user, reply]), redo: { restoreId: 'r1', scope: 'conversation' } } });
    click(h.$('checkpoint-redo')!);
    assert.deepEqual(h.api.of('redoRestore'), [{ type: 'redoRestore', sessionId: 's1' }]);
    h.send({ type: 'checkpointRestored', sessionId: 's1', draft: 'Make the change' });
    assert.equal((h.$('composer') as HTMLTextAreaElement).value, 'Make the change');
    h.send({ type: 'turnStarted', sessionId: 's1', userEntryId: 'u2', assistantEntryId: 'a2', retry: false, input: { text: 'next', context: [] } });
    assert.equal(h.$$('redo-bar').length, 0);
  });
});
