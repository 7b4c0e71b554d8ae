/**
 * Suggestions for an MCP prompt's arguments in the composer: asked for (debounced) while an
 * argument is typed after the command, shown like the `/` list, accepted only by the user, and
 * dropped when the text has changed since. A hostile server's values are capped and shown as text.
 */
import assert from 'node:assert/strict';
import type { SlashCommandInfo } from '../../protocol/slashCommands';
import { until } from '../fixtures/until';
import { createHarness, keydown, type, type Harness } from './webviewTestHarness';

const NAME = 'mcp.everything.completable-prompt';
const COMPLETABLE: SlashCommandInfo = {
  name: NAME,
  description: 'First argument choice narrows values for second argument.',
  argumentHint: '<department> <name>',
  source: 'mcp',
  server: 'everything',
  prompt: { name: 'completable-prompt', arguments: ['department', 'name'] },
};
const TEAM: SlashCommandInfo = { ...COMPLETABLE, name: 'team.docs.completable-prompt', server: 'docs', team: true };

describe('webview MCP prompt argument suggestions', () => {
  let h: Harness;
  let composer: HTMLTextAreaElement;
  beforeEach(() => {
    h = createHarness();
    composer = h.$('composer') as HTMLTextAreaElement;
  });
  afterEach(() => h.dispose());

  /** Waits for the composer's next question for suggestions (they are debounced). */
  async function nextQuestion(count: number) {
    await until(() => h.api.of('completeArgument').length === count, `question ${count} for suggestions`);
    return h.api.last('completeArgument')!;
  }

  function suggest(requestId: number, values: unknown[], hasMore = false): void {
    h.send({ type: 'argumentSuggestions', requestId, values: values as string[], hasMore });
  }

  const options = () => h.$$('argument-suggestion').map((o) => o.querySelector('.mention-name')?.textContent);
  const popupOpen = () => h.$('argument-popup')?.hidden === false;

  /** `/` then the prompt chosen from the list, as a user would. */
  function choosePrompt(command = COMPLETABLE): void {
    type(composer, '/');
    h.send({ type: 'commands', requestId: h.api.last('findCommands')!.requestId, commands: [command] });
    keydown(composer, 'Enter');
    assert.equal(composer.value, `/${command.name} `);
  }

  it('suggests the first argument once the prompt is chosen, then the next with the first as context, accepted with Enter and Tab', async () => {
    choosePrompt();
    const first = await nextQuestion(1);
    assert.deepEqual(
      { server: first.server, prompt: first.prompt, argument: first.argument, value: first.value, context: first.context },
      { server: 'everything', prompt: 'completable-prompt', argument: 'department', value: '', context: undefined },
    );
    suggest(first.requestId, ['Engineering', 'Sales', 'Marketing', 'Support']);
    assert.deepEqual(options(), ['Engineering', 'Sales', 'Marketing', 'Support']);
    assert.equal(h.$('argument-popup-note'), null, 'the whole list is shown');
    assert.equal(composer.getAttribute('aria-controls'), h.$('argument-popup')?.id);
    assert.equal(composer.getAttribute('aria-expanded'), 'true');

    keydown(composer, 'ArrowDown');
    const enter = keydown(composer, 'Enter');
    assert.equal(enter.defaultPrevented, true);
    assert.equal(h.api.of('send').length, 0, 'Enter accepted the value instead of sending');
    assert.equal(composer.value, `/${NAME} Sales `);
    assert.equal(composer.selectionStart, composer.value.length, 'the caret waits for the next argument');
    assert.equal(popupOpen(), false);

    const second = await nextQuestion(2);
    assert.deepEqual({ argument: second.argument, value: second.value, context: second.context }, { argument: 'name', value: '', context: { department: 'Sales' } });
    suggest(second.requestId, ['David', 'Eve', 'Frank']);
    keydown(composer, 'Tab');
    assert.equal(composer.value, `/${NAME} Sales David`);

    // The value is typed in full now: the server's echo of it is no suggestion, so Enter sends.
    const third = await nextQuestion(3);
    assert.equal(third.value, 'David');
    suggest(third.requestId, ['David']);
    assert.equal(popupOpen(), false);
    keydown(composer, 'Enter');
    assert.deepEqual(h.api.last('send')?.command, { name: NAME, args: 'Sales David' });
  });

  it('asks once per pause in typing, and drops answers for text that has changed', async () => {
    choosePrompt();
    const first = await nextQuestion(1);
    type(composer, `/${NAME} E`);
    type(composer, `/${NAME} En`);
    const second = await nextQuestion(2);
    assert.equal(second.value, 'En', 'one question for the burst of keys');
    suggest(first.requestId, ['Engineering', 'Sales']);
    assert.equal(popupOpen(), false, 'an answer to an older question is ignored');

    type(composer, `/${NAME} Eng`);
    suggest(second.requestId, ['Engineering']);
    assert.equal(popupOpen(), false, 'an answer that comes after the user typed on is ignored');
    const third = await nextQuestion(3);
    suggest(third.requestId, ['Engineering'], true);
    assert.deepEqual(options(), ['Engineering']);
    assert.equal(h.$('argument-popup-note')?.textContent, 'Type more to see other values', 'the server has more');

    // A keystroke closes the list at once: its values were for the text before it.
    type(composer, `/${NAME} Engx`);
    assert.equal(popupOpen(), false);
    assert.equal(composer.value, `/${NAME} Engx`, 'what the user typed stays');
  });

  it('closes with Escape without touching the text, and shows nothing when the server has nothing or failed', async () => {
    choosePrompt();
    type(composer, `/${NAME} S`);
    const question = await nextQuestion(1);
    assert.equal(question.value, 'S', 'the question for the empty value was not sent: the user typed on');
    suggest(question.requestId, ['Sales', 'Support']);
    const escape = keydown(composer, 'Escape');
    assert.equal(escape.defaultPrevented, true);
    assert.equal(popupOpen(), false);
    assert.equal(composer.value, `/${NAME} S`);

    type(composer, `/${NAME} Sx`);
    // The extension answers a failed or cancelled question with no values.
    suggest((await nextQuestion(2)).requestId, []);
    assert.equal(popupOpen(), false);
    keydown(composer, 'Enter');
    assert.equal(h.api.last('send')?.text, `/${NAME} Sx`, 'Enter sends what was typed');
  });

  it('shows at most 50 of a hostile server\'s values, as text, without control or direction characters', async () => {
    choosePrompt();
    const question = await nextQuestion(1);
    const long = `L${'o'.repeat(400)}ng`;
    const values = ['<img src=x onerror="alert(1)">', 'bad\u0007bell', 'evil\u202Egnp.exe', 'two\nlines', long, 42, ...Array.from({ length: 1000 }, (_, i) => `v${i}`)];
    suggest(question.requestId, values);
    const shown = h.$$('argument-suggestion');
    assert.equal(shown.length, 50);
    assert.equal(shown[0].querySelector('.mention-name')?.textContent, '<img src=x onerror="alert(1)">');
    assert.equal(h.$('argument-popup')?.querySelector('img'), null, 'markup is shown, never parsed');
    assert.equal(shown[1].querySelector('.mention-name')?.textContent, `${long.slice(0, 100)}…`, 'a long value shows its start');
    assert.equal(shown[1].title, long, 'and all of it on hover');
    assert.equal(shown[2].querySelector('.mention-name')?.textContent, 'v0', 'values with control or direction characters are left out');
    assert.equal(h.$('argument-popup-note')?.textContent, 'Type more to see other values', 'the list says it is cut');

    keydown(composer, 'ArrowDown');
    keydown(composer, 'Enter');
    assert.equal(composer.value, `/${NAME} ${long} `, 'the whole value goes in once accepted');
  });

  it('looks up a prompt typed without the list, asks nothing inside an @ mention, and asks about the team server\'s prompts as the team\'s', async () => {
    type(composer, `/${NAME} Mar`);
    const lookup = h.api.last('findCommands');
    assert.equal(lookup?.query, NAME, 'the typed command is looked up');
    h.send({ type: 'commands', requestId: lookup!.requestId, commands: [COMPLETABLE] });
    const question = await nextQuestion(1);
    assert.deepEqual({ argument: question.argument, value: question.value }, { argument: 'department', value: 'Mar' });
    assert.equal(h.$('slash-popup')?.hidden, true, 'the look-up is not shown as the / list');

    type(composer, `/${NAME} Marketing @sr`);
    await until(() => h.api.last('findFiles')?.query === 'sr', 'the @ mention search');
    assert.equal(h.api.of('completeArgument').length, 1, 'no question while an @ mention is typed');

    choosePrompt(TEAM);
    type(composer, `/${TEAM.name} S`);
    const team = await nextQuestion(2);
    assert.deepEqual(
      { server: team.server, team: team.team, prompt: team.prompt, argument: team.argument, value: team.value },
      { server: 'docs', team: true, prompt: 'completable-prompt', argument: 'department', value: 'S' },
      'asked as the team server\'s prompt, which the language server sends only to the team server',
    );
  });
});
