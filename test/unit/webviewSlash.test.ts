/** `/` commands in the composer: the list comes from the extension, is keyboard-driven, and a command is sent as its name and argument text. */
import assert from 'node:assert/strict';
import type { SlashCommandInfo } from '../../protocol/slashCommands';
import { createHarness, delay, keydown, type } from './webviewTestHarness';
import type { Harness } from './webviewTestHarness';

const COMMANDS: SlashCommandInfo[] = [
  { name: 'explain', description: 'Explain the selected code (or the active file)', argumentHint: '[what to focus on]', source: 'builtin' },
  { name: 'review', description: 'Review a file', argumentHint: '<file> <concern>', source: 'workspace' },
  { name: 'mcp.everything.args-prompt', description: 'A prompt with two arguments', argumentHint: '<city> [state]', source: 'mcp', server: 'everything' },
];

describe('webview / commands', () => {
  let h: Harness;
  let composer: HTMLTextAreaElement;
  beforeEach(() => {
    h = createHarness();
    composer = h.$('composer') as HTMLTextAreaElement;
  });
  afterEach(() => h.dispose());

  function answer(commands: SlashCommandInfo[]): void {
    const request = h.api.last('findCommands');
    assert.ok(request, 'findCommands was requested');
    h.send({ type: 'commands', requestId: request.requestId, commands });
  }

  it('lists the commands as soon as / is typed, with name, argument hint and description', () => {
    type(composer, '/');
    assert.deepEqual(h.api.last('findCommands')?.query, '', 'the first list is asked for at once');
    answer(COMMANDS);
    const options = h.$$('slash-suggestion');
    assert.deepEqual(options.map((o) => o.querySelector('.mention-name')?.textContent), ['/explain', '/review', '/mcp.everything.args-prompt']);
    assert.deepEqual(options.map((o) => o.querySelector('.completion-hint')?.textContent), ['[what to focus on]', '<file> <concern>', '<city> [state]']);
    assert.match(options[1].querySelector('.mention-dir')?.textContent ?? '', /Review a file · workspace prompt/);
    assert.match(options[2].querySelector('.mention-dir')?.textContent ?? '', /MCP prompt of everything/);
    assert.equal(composer.getAttribute('aria-expanded'), 'true');
    assert.equal(composer.getAttribute('aria-controls'), h.$('slash-popup')?.id);
    assert.equal(composer.getAttribute('aria-activedescendant'), options[0].id);
  });

  it('narrows as the name is typed (debounced), and chooses with the keyboard', async () => {
    type(composer, '/');
    answer(COMMANDS);
    type(composer, '/re');
    type(composer, '/rev');
    await delay(20);
    assert.equal(h.api.of('findCommands').length, 2, 'one more request for the burst of keystrokes');
    assert.equal(h.api.last('findCommands')?.query, 'rev');
    answer([COMMANDS[1]]);
    const enter = keydown(composer, 'Enter');
    assert.equal(enter.defaultPrevented, true);
    assert.equal(h.api.of('send').length, 0, 'Enter chose the command instead of sending');
    assert.equal(composer.value, '/review ');
    assert.equal(h.$('slash-popup')?.hidden, true);

    type(composer, '/review src/a.ts "error handling"');
    assert.equal(h.$('slash-popup')?.hidden, true, 'no list while typing the arguments');
    keydown(composer, 'Enter');
    const sent = h.api.last('send');
    assert.equal(sent?.text, '/review src/a.ts "error handling"');
    assert.deepEqual(sent?.command, { name: 'review', args: 'src/a.ts "error handling"' });
  });

  it('moves with the arrows, chooses with Tab, closes with Escape', () => {
    type(composer, '/');
    answer(COMMANDS);
    keydown(composer, 'ArrowUp');
    assert.equal(h.$$('slash-suggestion')[2].getAttribute('aria-selected'), 'true', 'ArrowUp wraps to the last');
    keydown(composer, 'ArrowDown');
    keydown(composer, 'ArrowDown');
    keydown(composer, 'Tab');
    assert.equal(composer.value, '/review ');

    type(composer, '/e');
    answer(COMMANDS);
    const escape = keydown(composer, 'Escape');
    assert.equal(escape.defaultPrevented, true);
    assert.equal(h.$('slash-popup')?.hidden, true);
    assert.equal(composer.value, '/e');
  });

  it('keeps what follows the name when a command is chosen in front of it', () => {
    composer.value = '/ex why is this slow';
    composer.setSelectionRange(3, 3);
    composer.dispatchEvent(new h.window.Event('input', { bubbles: true }));
    answer(COMMANDS);
    keydown(composer, 'Enter');
    assert.equal(composer.value, '/explain why is this slow');
    assert.equal(composer.selectionStart, '/explain '.length);
  });

  it('sends ordinary text without a command, and drops stale lists', async () => {
    type(composer, '/');
    const first = h.api.last('findCommands')!;
    type(composer, '/zz');
    await delay(20);
    h.send({ type: 'commands', requestId: first.requestId, commands: COMMANDS });
    assert.equal(h.$$('slash-suggestion').length, 0, 'an older answer is ignored');
    answer([]);
    assert.match(h.$('slash-popup')?.textContent ?? '', /No matching commands/);

    type(composer, '/usr/bin is odd');
    assert.equal(h.$('slash-popup')?.hidden, true);
    keydown(composer, 'Enter');
    assert.equal(h.api.last('send')?.text, '/usr/bin is odd');
    assert.equal(h.api.last('send')?.command, undefined);
  });

  it('finishes the pending send when the extension answers /new with an empty chat', () => {
    type(composer, '/new');
    keydown(composer, 'Escape');
    keydown(composer, 'Enter');
    assert.deepEqual(h.api.last('send')?.command, { name: 'new', args: '' });
    assert.equal(h.$('send')?.hasAttribute('disabled'), true, 'waiting for the answer');
    h.send({ type: 'session', session: null, answersSend: true });
    assert.equal(h.$('send')?.hasAttribute('disabled'), false);
  });
});
