/** `@` mentions: typing asks the extension for files, the popup is keyboard-driven, and choices become mention context. */
import assert from 'node:assert/strict';
import { textMentions } from '../../webview/composer';
import { findMentionQuery } from '../../webview/mentionPopup';
import { click, createHarness, delay, keydown, type } from './webviewTestHarness';
import type { Harness } from './webviewTestHarness';

describe('webview @ mentions', () => {
  let h: Harness;
  let composer: HTMLTextAreaElement;
  beforeEach(() => {
    h = createHarness();
    composer = h.$('composer') as HTMLTextAreaElement;
  });
  afterEach(() => h.dispose());

  /** Types `text`, waits out the debounce and answers the resulting findFiles with `paths`. */
  async function mention(text: string, paths: string[]): Promise<void> {
    type(composer, text);
    await delay(20);
    const request = h.api.last('findFiles');
    assert.ok(request, 'findFiles was requested');
    h.send({ type: 'files', requestId: request.requestId, paths });
  }

  it('asks findFiles (debounced) and inserts the chosen path with a mention chip', async () => {
    type(composer, 'look at @s');
    type(composer, 'look at @se');
    type(composer, 'look at @ser');
    assert.equal(h.api.of('findFiles').length, 0, 'nothing is sent before the debounce');
    await delay(20);
    const requests = h.api.of('findFiles');
    assert.equal(requests.length, 1, 'one request for the burst of keystrokes');
    assert.equal(requests[0].query, 'ser');

    h.send({ type: 'files', requestId: requests[0].requestId, paths: ['src/server.ts', 'src/lsp/serverMain.ts', 'test/server.test.ts'] });
    const suggestions = h.$$('mention-suggestion');
    assert.deepEqual(suggestions.map((s) => s.getAttribute('data-path')), ['src/server.ts', 'src/lsp/serverMain.ts', 'test/server.test.ts']);
    assert.equal(suggestions[0].getAttribute('aria-selected'), 'true');
    assert.equal(composer.getAttribute('aria-expanded'), 'true');

    keydown(composer, 'ArrowDown');
    assert.equal(suggestions[1].getAttribute('aria-selected'), 'true');
    assert.equal(composer.getAttribute('aria-activedescendant'), suggestions[1].id);
    const enter = keydown(composer, 'Enter');
    assert.equal(enter.defaultPrevented, true);
    assert.equal(h.api.of('send').length, 0, 'Enter chose the suggestion instead of sending');
    assert.equal(composer.value, 'look at @src/lsp/serverMain.ts ');
    assert.equal(h.$('mention-popup')?.hidden, true);
    assert.deepEqual(h.$$('context-chip').map((c) => c.textContent), ['@src/lsp/serverMain.ts']);

    type(composer, `${composer.value}please`);
    keydown(composer, 'Enter');
    assert.deepEqual(h.api.last('send')?.context, [{ kind: 'mention', path: 'src/lsp/serverMain.ts' }]);
  });

  it('shows a file name\'s hidden characters in the list and on the chip, so a look-alike cannot pass for the file it copies', async () => {
    // A repository's second "config.ts", its name carrying a zero-width space, and a name reversed by a right-to-left override.
    const lookAlike = 'src/config\u200b.ts';
    const reversed = 'src/\u202esj.gifnoc.ts';
    await mention('check @conf', ['src/config.ts', lookAlike, reversed]);
    const suggestions = h.$$('mention-suggestion');
    assert.deepEqual(suggestions.map((s) => s.querySelector('.mention-name')?.textContent), ['config.ts', 'config⟨U+200B⟩.ts', '⟨U+202E⟩sj.gifnoc.ts']);
    assert.deepEqual(suggestions.map((s) => s.getAttribute('title')), ['src/config.ts', 'src/config⟨U+200B⟩.ts', 'src/⟨U+202E⟩sj.gifnoc.ts']);
    keydown(composer, 'ArrowDown');
    keydown(composer, 'Enter');
    const chip = h.$$('context-chip')[0];
    assert.equal(chip.textContent, '@src/config⟨U+200B⟩.ts');
    assert.equal(chip.getAttribute('title'), '@src/config⟨U+200B⟩.ts');
    keydown(composer, 'Enter');
    // What is attached is the file picked, by its real name.
    assert.deepEqual(h.api.last('send')?.context, [{ kind: 'mention', path: lookAlike }]);
  });

  it('offers MCP resources after the files, named by their URI and their server, and attaches the chosen one', async () => {
    const resource = 'mcp:everything/demo://resource/static/document/architecture.md';
    await mention('explain @arch', ['docs/architecture.md', resource]);
    const suggestions = h.$$('mention-suggestion');
    assert.deepEqual(suggestions.map((s) => s.querySelector('.mention-name')?.textContent), ['architecture.md', 'architecture.md']);
    assert.deepEqual(suggestions.map((s) => s.querySelector('.mention-dir')?.textContent), ['docs', 'MCP resource of everything']);
    assert.equal(suggestions[1].getAttribute('title'), 'demo://resource/static/document/architecture.md');
    keydown(composer, 'ArrowDown');
    keydown(composer, 'Enter');
    assert.equal(composer.value, `explain @${resource} `);
    type(composer, `${composer.value}briefly`);
    keydown(composer, 'Enter');
    assert.deepEqual(h.api.last('send')?.context, [{ kind: 'mention', path: resource }]);
  });

  it('offers a folder by its name and what it attaches, and sends it as a folder mention with a folder chip', async () => {
    await mention('review @pars', ['src/parser/', 'src/parser.ts', 'lib/']);
    const suggestions = h.$$('mention-suggestion');
    assert.deepEqual(suggestions.map((s) => s.querySelector('.mention-name')?.textContent), ['parser/', 'parser.ts', 'lib/']);
    assert.deepEqual(suggestions.map((s) => s.querySelector('.mention-dir')?.textContent), ['folder in src: its files and their contents', 'src', 'folder: its files and their contents']);
    keydown(composer, 'Enter');
    assert.equal(composer.value, 'review @src/parser/ ');
    const chip = h.$$('context-chip')[0];
    assert.equal(chip.textContent, '@src/parser/');
    assert.ok(chip.querySelector('svg.icon-folder'), 'the chip shows a folder icon, not a file icon');
    type(composer, `${composer.value}for dead code`);
    keydown(composer, 'Enter');
    assert.deepEqual(h.api.last('send')?.context, [{ kind: 'mention', path: 'src/parser/' }]);
  });

  it('offers a typed web address as a page to fetch, with a globe chip', async () => {
    const url = 'https://nodejs.org/api/stream.html#streampipelinesource-transforms-destination-options';
    await mention(`read @${url}`, [url]);
    const [suggestion] = h.$$('mention-suggestion');
    assert.equal(suggestion.querySelector('.mention-name')?.textContent, 'nodejs.org/api/stream.html#streampipelinesource-transforms-…');
    assert.equal(suggestion.querySelector('.mention-dir')?.textContent, 'web page: fetched when you send');
    assert.equal(suggestion.getAttribute('title'), url);
    keydown(composer, 'Enter');
    assert.equal(composer.value, `read @${url} `);
    assert.ok(h.$$('context-chip')[0].querySelector('svg.icon-globe'), 'the chip shows a globe');
    keydown(composer, 'Enter');
    assert.deepEqual(h.api.last('send')?.context, [{ kind: 'mention', path: url }]);
  });

  it('a mention added from outside (the explorer’s Add to Chat) is written into the text, so it goes with the message', () => {
    type(composer, 'compare');
    h.send({ type: 'addContext', item: { kind: 'mention', path: 'src/parser/' } });
    h.send({ type: 'addContext', item: { kind: 'mention', path: 'README.md' } });
    h.send({ type: 'addContext', item: { kind: 'mention', path: 'README.md' } });
    assert.equal(composer.value, 'compare @src/parser/ @README.md ', 'each once, after what was typed');
    assert.deepEqual(h.$$('context-chip').map((c) => c.textContent), ['@src/parser/', '@README.md']);
    keydown(composer, 'Enter');
    assert.deepEqual(h.api.last('send')?.context, [{ kind: 'mention', path: 'src/parser/' }, { kind: 'mention', path: 'README.md' }]);
  });

  it('offers @problems and @changes with what they attach, as removable chips that go with the message', async () => {
    await mention('why does it fail? @p', ['problems', 'src/p.ts']);
    let suggestions = h.$$('mention-suggestion');
    assert.deepEqual(suggestions.map((s) => s.querySelector('.mention-name')?.textContent), ['problems', 'p.ts']);
    assert.equal(suggestions[0].querySelector('.mention-dir')?.textContent, 'errors and warnings in the workspace');
    keydown(composer, 'Enter');
    assert.equal(composer.value, 'why does it fail? @problems ');
    await mention(`${composer.value}and @ch`, ['changes']);
    suggestions = h.$$('mention-suggestion');
    assert.equal(suggestions[0].querySelector('.mention-dir')?.textContent, 'uncommitted git changes (staged and not)');
    keydown(composer, 'Enter');
    assert.equal(composer.value, 'why does it fail? @problems and @changes ');
    assert.deepEqual(h.$$('context-chip').map((c) => c.textContent), ['@problems', '@changes']);

    // Removing a chip takes it off the message.
    click(h.$$('context-chip')[1].querySelector('[data-testid="context-chip-remove"]')!);
    assert.deepEqual(h.$$('context-chip').map((c) => c.textContent), ['@problems']);
    keydown(composer, 'Enter');
    assert.deepEqual(h.api.last('send')?.context, [{ kind: 'mention', path: 'problems' }]);
  });

  it('wraps with ArrowUp, chooses with Tab and with the mouse', async () => {
    await mention('@a', ['a.ts', 'b/a.ts']);
    keydown(composer, 'ArrowUp');
    keydown(composer, 'Tab');
    assert.equal(composer.value, '@b/a.ts ');

    await mention(`${composer.value}and @x`, ['x.py', 'y/x.py']);
    const option = h.$$('mention-suggestion')[0];
    option.dispatchEvent(new h.window.MouseEvent('mousedown', { bubbles: true, cancelable: true }));
    assert.equal(composer.value, '@b/a.ts and @x.py ');
    assert.deepEqual(h.$$('context-chip').map((c) => c.textContent), ['@b/a.ts', '@x.py']);
  });

  it('closes on Escape without changing the text, and Enter then sends', async () => {
    await mention('fix @util', ['src/util.ts']);
    const escape = keydown(composer, 'Escape');
    assert.equal(escape.defaultPrevented, true);
    assert.equal(h.$('mention-popup')?.hidden, true);
    assert.equal(composer.value, 'fix @util');
    keydown(composer, 'Enter');
    assert.equal(h.api.last('send')?.text, 'fix @util');
    assert.deepEqual(h.api.last('send')?.context, []);
  });

  it('drops stale answers and answers after the mention was closed', async () => {
    type(composer, '@ab');
    await delay(20);
    const first = h.api.last('findFiles')!;
    type(composer, '@abc');
    await delay(20);
    const second = h.api.last('findFiles')!;
    assert.notEqual(first.requestId, second.requestId);
    h.send({ type: 'files', requestId: first.requestId, paths: ['old.ts'] });
    assert.equal(h.$$('mention-suggestion').length, 0);
    h.send({ type: 'files', requestId: second.requestId, paths: ['abc.ts'] });
    assert.equal(h.$$('mention-suggestion').length, 1);
    type(composer, '@abc done');
    assert.equal(h.$('mention-popup')?.hidden, true);
  });

  it('does not send mentions whose @path was deleted from the text', async () => {
    await mention('@main', ['src/main.ts']);
    keydown(composer, 'Enter');
    type(composer, 'never mind the file');
    keydown(composer, 'Enter');
    assert.deepEqual(h.api.last('send')?.context, []);
  });

  it('says so when nothing matches', async () => {
    await mention('@zzz', []);
    assert.equal(h.$$('mention-suggestion').length, 0);
    assert.match(h.$('mention-popup')?.textContent ?? '', /No matching files, folders or resources/);
    click(h.$('send')!);
    assert.equal(h.api.last('send')?.text, '@zzz');
  });

  it('finds the @query before the caret, but not inside e-mail addresses', () => {
    assert.deepEqual(findMentionQuery('see @src/a', 10), { start: 4, query: 'src/a' });
    assert.deepEqual(findMentionQuery('@', 1), { start: 0, query: '' });
    assert.equal(findMentionQuery('mail me@example.com', 19), undefined);
    assert.equal(findMentionQuery('@done and more', 14), undefined);
    assert.equal(textMentions('use @src/a.ts.', 'src/a.ts'), true);
    assert.equal(textMentions('use @src/a.tsx', 'src/a.ts'), false);
    assert.equal(textMentions('x@src/a.ts', 'src/a.ts'), false);
  });
});
