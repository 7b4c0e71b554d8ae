/**
 * The composer: Enter sends, Shift+Enter and IME composition don't, Send turns
 * into Stop while an answer streams, and nothing the user typed is lost (drafts
 * persist, a failed send puts the text back).
 */
import assert from 'node:assert/strict';
import type { HearthError } from '../../protocol/chat';
import { click, createHarness, keydown, sessionView, type } from './webviewTestHarness';
import type { Harness } from './webviewTestHarness';

const serverDown: HearthError = { code: 'ollamaUnreachable', message: 'Cannot reach Ollama at http://localhost:11434. Start it with “ollama serve”.', host: 'http://localhost:11434', retryable: true };

describe('webview composer', () => {
  let h: Harness;
  let composer: HTMLTextAreaElement;
  beforeEach(() => {
    h = createHarness();
    composer = h.$('composer') as HTMLTextAreaElement;
    h.send({ type: 'models', models: [{ name: 'qwen2.5-coder:7b' }, { name: 'llama3.1:8b' }], selected: 'qwen2.5-coder:7b', host: 'http://localhost:11434' });
  });
  afterEach(() => h.dispose());

  it('sends on Enter with the selected model and clears the input', () => {
    type(composer, 'Explain this function');
    const event = keydown(composer, 'Enter');
    assert.equal(event.defaultPrevented, true);
    assert.deepEqual(h.api.of('send'), [{ type: 'send', text: 'Explain this function', context: [], model: 'qwen2.5-coder:7b', sessionId: undefined }]);
    assert.equal(composer.value, '');
    assert.equal(h.api.state?.draft, '');
  });

  it('does not send on Shift+Enter (the newline is left to the textarea)', () => {
    type(composer, 'line one');
    const event = keydown(composer, 'Enter', { shiftKey: true });
    assert.equal(event.defaultPrevented, false);
    assert.equal(h.api.of('send').length, 0);
    assert.equal(composer.value, 'line one');
  });

  it('does not send while an IME composition is in progress', () => {
    type(composer, 'にほんご');
    keydown(composer, 'Enter', { isComposing: true });
    keydown(composer, 'Process', { keyCode: 229 });
    composer.dispatchEvent(new h.window.CompositionEvent('compositionstart'));
    keydown(composer, 'Enter');
    assert.equal(h.api.of('send').length, 0);
    composer.dispatchEvent(new h.window.CompositionEvent('compositionend'));
    keydown(composer, 'Enter');
    assert.equal(h.api.of('send').length, 1);
  });

  it('ignores blank messages', () => {
    type(composer, '   \n ');
    keydown(composer, 'Enter');
    click(h.$('send')!);
    assert.equal(h.api.of('send').length, 0);
  });

  it('puts the text and chips back and shows the error when the send fails', () => {
    h.send({ type: 'addContext', item: { kind: 'file', path: 'src/server.ts' } });
    type(composer, 'Why does this crash?');
    click(h.$('send')!);
    assert.equal(composer.value, '');
    assert.equal(h.$('send')?.hasAttribute('disabled'), true, 'Send waits for the turn to start');

    h.send({ type: 'sendFailed', error: serverDown });
    assert.equal(composer.value, 'Why does this crash?');
    assert.deepEqual(h.$$('context-chip').map((c) => c.textContent), ['src/server.ts']);
    assert.equal(h.$('send-error')?.hidden, false);
    assert.match(h.$('send-error')?.textContent ?? '', /Cannot reach Ollama/);
    assert.equal(h.api.state?.draft, 'Why does this crash?', 'the restored text is persisted too');
    assert.equal(h.$('send')?.hasAttribute('disabled'), false);
  });

  it('keeps what was typed after sending when restoring a failed send', () => {
    type(composer, 'first');
    keydown(composer, 'Enter');
    type(composer, 'second thought');
    h.send({ type: 'sendFailed', error: serverDown });
    assert.equal(composer.value, 'first\nsecond thought');
  });

  it('persists the draft with setState and restores it in a new view', () => {
    h.send({ type: 'addContext', item: { kind: 'selection', path: 'src/a.ts', range: { startLine: 4, endLine: 12 }, text: 'x' } });
    type(composer, 'half-written question');
    assert.equal(h.api.state?.draft, 'half-written question');
    const saved = h.api.state;
    h.dispose();
    h = createHarness({ state: saved });
    assert.equal((h.$('composer') as HTMLTextAreaElement).value, 'half-written question');
    assert.deepEqual(h.$$('context-chip').map((c) => c.textContent), ['src/a.ts:4-12']);
  });

  it('shows context chips, removes them with ×, and sends the rest', () => {
    h.send({ type: 'addContext', item: { kind: 'selection', path: 'src/a.ts', range: { startLine: 10, endLine: 20 }, text: 'code' } });
    h.send({ type: 'addContext', item: { kind: 'file', path: 'README.md', text: '# readme' } });
    h.send({ type: 'addContext', item: { kind: 'file', path: 'README.md', text: '# readme' } });
    assert.deepEqual(h.$$('context-chip').map((c) => c.textContent), ['src/a.ts:10-20', 'README.md']);
    click(h.$$('context-chip')[1].querySelector('[data-testid="context-chip-remove"]')!);
    assert.deepEqual(h.$$('context-chip').map((c) => c.textContent), ['src/a.ts:10-20']);
    type(composer, 'review');
    keydown(composer, 'Enter');
    assert.deepEqual(h.api.last('send')?.context, [{ kind: 'selection', path: 'src/a.ts', range: { startLine: 10, endLine: 20 }, text: 'code' }]);
    assert.equal(h.$$('context-chip').length, 0);
  });

  it('asks the extension to attach the selection or the active file', () => {
    click(h.$('attach-selection')!);
    click(h.$('attach-file')!);
    assert.deepEqual(h.api.of('attach'), [
      { type: 'attach', what: 'selection' },
      { type: 'attach', what: 'activeFile' },
    ]);
  });

  it('turns Send into Stop while the answer streams, and back when it is done', () => {
    type(composer, 'hi');
    keydown(composer, 'Enter');
    h.send({ type: 'turnStarted', sessionId: 's1', userEntryId: 'u1', assistantEntryId: 'a1', retry: false });
    assert.equal(h.$('send'), null);
    assert.ok(h.$('stop'));
    assert.equal(h.$('user-message')?.textContent, 'hi');
    assert.equal(h.$('assistant-message')?.getAttribute('data-state'), 'streaming');

    // Enter does not start a second turn while one is running; the text waits.
    type(composer, 'next question');
    keydown(composer, 'Enter');
    assert.equal(h.api.of('send').length, 1);
    assert.equal(composer.value, 'next question');

    click(h.$('stop')!);
    assert.deepEqual(h.api.of('stop'), [{ type: 'stop', sessionId: 's1' }]);
    h.send({ type: 'event', sessionId: 's1', entryId: 'a1', event: { type: 'done', reason: 'cancelled' } });
    h.scheduler.flush();
    assert.ok(h.$('send'));
    assert.equal(h.$('assistant-message')?.getAttribute('data-state'), 'done');
    assert.ok(h.$('stopped-notice'));
  });

  it('accepts a new session in place of turnStarted for the first message of a chat', () => {
    type(composer, 'first message');
    keydown(composer, 'Enter');
    h.send({
      type: 'session',
      session: sessionView('s-new', [
        { kind: 'user', id: 'u1', text: 'first message', context: [], at: 1 },
        { kind: 'assistant', id: 'a1', replyTo: 'u1', model: 'qwen2.5-coder:7b', parts: [], state: 'streaming', at: 2 },
      ]),
    });
    assert.ok(h.$('stop'), 'the streaming answer can be stopped');
    h.send({ type: 'event', sessionId: 's-new', entryId: 'a1', event: { type: 'text', delta: 'Hi!' } });
    h.send({ type: 'event', sessionId: 's-new', entryId: 'a1', event: { type: 'done', reason: 'stop' } });
    h.scheduler.flush();
    assert.equal(h.$('assistant-message')?.textContent?.includes('Hi!'), true);
    // The first send is settled: a failure of the next one restores only the next one.
    type(composer, 'second');
    keydown(composer, 'Enter');
    assert.equal(h.api.last('send')?.sessionId, 's-new');
    h.send({ type: 'sendFailed', error: serverDown });
    assert.equal(composer.value, 'second');
  });

  it('sends in the shown session and recalls the last message with ArrowUp', () => {
    h.send({ type: 'session', session: sessionView('s9', []) });
    type(composer, 'again');
    keydown(composer, 'Enter');
    assert.equal(h.api.last('send')?.sessionId, 's9');
    h.send({ type: 'turnStarted', sessionId: 's9', userEntryId: 'u1', assistantEntryId: 'a1', retry: false });
    h.send({ type: 'event', sessionId: 's9', entryId: 'a1', event: { type: 'done', reason: 'stop' } });
    const up = keydown(composer, 'ArrowUp');
    assert.equal(up.defaultPrevented, true);
    assert.equal(composer.value, 'again');
  });

  it('focuses the input or opens history on `show`', () => {
    h.send({ type: 'show', what: 'history' });
    assert.equal(h.$('history-view')?.hidden, false);
    assert.deepEqual(h.api.of('listSessions').length, 1);
    h.send({ type: 'show', what: 'input' });
    assert.equal(h.$('history-view')?.hidden, true);
    assert.equal(h.document.activeElement, h.$('composer'));
  });
});
