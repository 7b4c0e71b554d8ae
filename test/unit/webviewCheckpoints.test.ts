/** Checkpoints on the chat's timeline: where they sit, the restore choices with a confirmation, Redo, and taking a message back to edit it. */
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

  it('says a restore stopped partway, and still offers Redo', () => {
    h = createHarness();
    h.send({ type: 'session', session: { ...sessionView('s1', [user, reply]), redo: { restoreId: 'r1', scope: 'files', filesBefore: 'f1', interrupted: true } } });
    assert.match(h.$('redo-bar')!.textContent ?? '', /stopped partway.*Redo puts every file back as it was before the restore/);
    click(h.$('checkpoint-redo')!);
    assert.deepEqual(h.api.of('redoRestore'), [{ type: 'redoRestore', sessionId: 's1' }]);
  });

  it('Edit on a message takes it back into the composer with its context and images once the chat is rewound', () => {
    h = createHarness();
    const png = { name: 'shot.png', mimeType: 'image/png' as const, dataBase64: 'iVBORw0KGgo=' };
    const withContext: UserEntry = { ...user, context: [{ kind: 'file', path: 'src/a.ts', text: 'export {}' }], images: [png] };
    h.send({ type: 'session', session: sessionView('s1', [withContext, reply]) });
    const edit = h.$$('edit-message');
    assert.equal(edit.length, 1, 'every message of yours has an Edit');
    assert.match(edit[0].getAttribute('aria-label') ?? '', /Edit this message/);
    click(edit[0]);
    assert.deepEqual(h.api.of('editMessage'), [{ type: 'editMessage', sessionId: 's1', entryId: 'u1' }]);
    assert.ok(parseFromWebview(h.api.last('editMessage')).ok, 'the message passes the extension’s validation');
    assert.equal((h.$('composer') as HTMLTextAreaElement).value, '', 'nothing moves before the language server agrees');
    // The extension shows the rewound chat, then says which message came back.
    h.send({ type: 'session', session: { ...sessionView('s1', []), redo: { restoreId: 'r1', scope: 'conversation' } } });
    h.send({ type: 'checkpointRestored', sessionId: 's1', draft: 'Make the change', edited: 'u1' });
    assert.equal((h.$('composer') as HTMLTextAreaElement).value, 'Make the change');
    assert.deepEqual(h.$$('context-chip').map((c) => c.getAttribute('title')), ['src/a.ts']);
    assert.equal(h.$$('image-chip').length, 1, 'the image comes back too');
    assert.equal(h.$$('redo-bar').length, 1, 'and Redo is offered');
  });

  it('Redo takes the message a restore put into the composer out again, unless the user changed it', () => {
    h = createHarness();
    const composer = () => h.$('composer') as HTMLTextAreaElement;
    const restoreThenRedo = (typed?: string) => {
      h.send({ type: 'session', session: { ...sessionView('s1', []), redo: { restoreId: 'r1', scope: 'conversation' } } });
      h.send({ type: 'checkpointRestored', sessionId: 's1', draft: 'Make the change' });
      assert.equal(composer().value, 'Make the change');
      if (typed !== undefined) {
        composer().value = typed;
        composer().dispatchEvent(new h.window.Event('input'));
      }
      click(h.$('checkpoint-redo')!);
      h.send({ type: 'session', session: sessionView('s1', [user, reply]) });
      h.send({ type: 'checkpointRestored', sessionId: 's1' });
    };
    restoreThenRedo();
    assert.equal(composer().value, '', 'the message is back in the chat, so not also in the composer (Enter would send it twice)');
    restoreThenRedo('Make the change, and test it');
    assert.equal(composer().value, 'Make the change, and test it', 'what the user typed stays');
  });
});
