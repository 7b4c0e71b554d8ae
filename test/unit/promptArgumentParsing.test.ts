/**
 * Which MCP prompt argument the caret is in, and how an accepted suggestion
 * is written, without processes. The composer must bind arguments exactly as
 * the language server will (bindMcpPromptArguments), so each case checks the
 * text it produces against the server's own binding.
 */
import assert from 'node:assert/strict';
import type { McpPrompt } from '../../agent-host';
import type { CancellationToken } from 'vscode-languageserver-protocol';
import { PromptArgumentSuggestions } from '../../extension/mcp/promptArgumentSuggestions';
import { bindMcpPromptArguments } from '../../language-server/slash/mcpPromptCommand';
import type { McpCompleteParams, McpCompleteResult } from '../../protocol/lspMethods';
import { argumentText, promptArgumentAt, quoteArgument } from '../../protocol/promptArguments';
import { parseFromWebview, type ToWebview } from '../../protocol/webviewMessages';

function prompt(...names: string[]): McpPrompt {
  return { server: 'everything', namespace: 'everything', name: 'p', description: '', arguments: names.map((name) => ({ name, required: false })) };
}

/** The argument text with `value` accepted at the caret, as the composer writes it. */
function accept(text: string, caret: number, names: string[], value: string): string {
  const at = promptArgumentAt(text, caret, names);
  assert.ok(at, `an argument at ${caret} in ${JSON.stringify(text)}`);
  const written = argumentText(value, at, names);
  assert.ok(written !== undefined, `${JSON.stringify(value)} can be written`);
  return text.slice(0, at.start) + written + text.slice(at.end);
}

describe('MCP prompt argument at the caret', () => {
  const two = ['department', 'name'];

  it('finds positional arguments in declared order, with the value up to the caret and the others as context', () => {
    assert.deepEqual(promptArgumentAt(' Eng', 4, two), { name: 'department', value: 'Eng', start: 1, end: 4, form: 'positional', context: {}, moreToFill: true });
    assert.deepEqual(promptArgumentAt(' Marketing ', 11, two), { name: 'name', value: '', start: 11, end: 11, form: 'positional', context: { department: 'Marketing' }, moreToFill: false });
    assert.deepEqual(promptArgumentAt(' Marketing Gr', 13, two), { name: 'name', value: 'Gr', start: 11, end: 13, form: 'positional', context: { department: 'Marketing' }, moreToFill: false });
    assert.equal(promptArgumentAt(' Sales David x', 14, two), undefined, 'a third word binds to nothing');
    assert.equal(promptArgumentAt(' x', 2, []), undefined, 'a prompt without arguments');
  });

  it('reads name=value words, quotes and a caret inside a word like the language server', () => {
    assert.deepEqual(promptArgumentAt(' name=Gr department=Marketing', 8, two), {
      name: 'name',
      value: 'Gr',
      start: 6,
      end: 8,
      form: 'named',
      context: { department: 'Marketing' },
      moreToFill: false,
    });
    // department= takes the first argument, so the positional word is the name.
    assert.equal(promptArgumentAt(' department=Sales Da', 20, two)?.name, 'name');
    assert.deepEqual(promptArgumentAt(' "New Yo', 8, ['city', 'state']), { name: 'city', value: 'New Yo', start: 1, end: 8, form: 'positional', context: {}, moreToFill: true });
    assert.equal(promptArgumentAt(' Engineering Alice', 4, two)?.value, 'Eng', 'the value up to the caret');
    assert.deepEqual(promptArgumentAt(' Engineering Alice', 4, two)?.context, { name: 'Alice' }, 'a later argument already typed is context too');
  });

  it('gives a single-argument prompt all the text', () => {
    assert.deepEqual(promptArgumentAt(' San Fr', 7, ['city']), { name: 'city', value: 'San Fr', start: 1, end: 7, form: 'whole', context: {}, moreToFill: false });
    assert.equal(promptArgumentAt(' city=Pa', 8, ['city'])?.form, 'named');
  });

  it('writes an accepted value so the language server binds exactly it to that argument', () => {
    const cases: [text: string, caret: number, names: string[], value: string, expected: Record<string, string>][] = [
      [' Eng', 4, two, 'Engineering', { department: 'Engineering' }],
      [' Marketing Gr', 13, two, 'Grace', { department: 'Marketing', name: 'Grace' }],
      [' Eng Alice', 4, two, 'Engineering', { department: 'Engineering', name: 'Alice' }],
      [' N', 2, ['city', 'state'], 'New York', { city: 'New York' }],
      [' N', 2, ['city', 'state'], `it's "x"`, { city: `it's "x"` }],
      [' N', 2, ['city', 'state'], `it's a\\"`, { city: `it's a\\"` }],
      [' N', 2, ['city', 'state'], 'C:\\dir\\', { city: 'C:\\dir\\' }],
      [' N', 2, ['city', 'state'], 'state=Oregon', { city: 'state=Oregon' }],
      [' name=G department=Marketing', 7, two, 'Grace Hopper', { name: 'Grace Hopper', department: 'Marketing' }],
      [' San', 4, ['city'], 'San Francisco', { city: 'San Francisco' }],
    ];
    for (const [text, caret, names, value, expected] of cases) {
      const written = accept(text, caret, names, value);
      assert.deepEqual(bindMcpPromptArguments(prompt(...names), written), expected, `${JSON.stringify(value)} in ${JSON.stringify(text)} → ${JSON.stringify(written)}`);
    }
  });

  it('does not offer a value no text can carry', () => {
    assert.equal(quoteArgument(`it's\\`), undefined, 'a single quote and a trailing backslash');
    assert.equal(argumentText('', { name: 'city', form: 'positional' }, ['city', 'state']), undefined);
    assert.equal(argumentText(' padded ', { name: 'city', form: 'whole' }, ['city']), undefined, 'the single argument is trimmed');
    assert.equal(argumentText('city=x', { name: 'city', form: 'whole' }, ['city']), undefined, 'it would read as name=value');
  });

  it('validates the question from the webview', () => {
    const ok = { type: 'completeArgument', requestId: 1, server: 'everything', prompt: 'completable-prompt', argument: 'name', value: 'G', context: { department: 'Sales' } };
    assert.equal(parseFromWebview(ok).ok, true);
    assert.equal(parseFromWebview({ ...ok, context: undefined }).ok, true);
    assert.equal(parseFromWebview({ ...ok, value: 'x'.repeat(1001) }).ok, false);
    assert.equal(parseFromWebview({ ...ok, context: { department: 1 } }).ok, false);
    assert.equal(parseFromWebview({ ...ok, context: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`a${i}`, ''])) }).ok, false);
    assert.equal(parseFromWebview({ ...ok, server: undefined }).ok, false);
  });

  it('lets the team server\'s prompts and templates through to their suggestions', () => {
    const question = { type: 'completeArgument', requestId: 1, server: 'docs', team: true, prompt: 'completable-prompt', argument: 'department', value: 'S' };
    assert.equal(parseFromWebview(question).ok, true);
    assert.equal(parseFromWebview({ ...question, team: 'yes' }).ok, false);
    assert.equal(parseFromWebview({ type: 'expandTemplate', requestId: 2, mention: 'mcp-team:docs/demo://resource/dynamic/text/{resourceId}' }).ok, true);
    assert.equal(parseFromWebview({ type: 'expandTemplate', requestId: 2, mention: 'file:///etc/{x}' }).ok, false);
  });
});

describe('the extension passing argument questions to the language server', () => {
  const question = (requestId: number, value: string) => ({ requestId, server: 'everything', prompt: 'completable-prompt', argument: 'department', value });

  it('asks hearth/mcp/complete, cancels the question before, and answers every question (failures with nothing)', async () => {
    const asked: { params: McpCompleteParams; token: CancellationToken; answer: (r: McpCompleteResult) => void; fail: (e: Error) => void }[] = [];
    const posted: ToWebview[] = [];
    const suggestions = new PromptArgumentSuggestions(
      (params, token) => new Promise((answer, fail) => asked.push({ params, token, answer, fail })),
      (m) => posted.push(m),
    );
    const first = suggestions.ask(question(1, 'E'));
    const second = suggestions.ask({ ...question(2, 'S'), context: { name: 'Eve' } });
    assert.equal(asked[0].token.isCancellationRequested, true, 'the older question is cancelled');
    assert.deepEqual(asked[1].params, { server: 'everything', ref: { type: 'prompt', name: 'completable-prompt' }, argument: { name: 'department', value: 'S' }, context: { name: 'Eve' } });
    asked[0].answer({ values: ['Engineering'], hasMore: false });
    asked[1].answer({ values: ['Sales', 'Support'], hasMore: true });
    await Promise.all([first, second]);
    assert.deepEqual(posted, [
      { type: 'argumentSuggestions', requestId: 1, values: [], hasMore: false },
      { type: 'argumentSuggestions', requestId: 2, values: ['Sales', 'Support'], hasMore: true },
    ]);

    const third = suggestions.ask(question(3, 'x'));
    asked[2].fail(new Error('there is no MCP server "everything"'));
    await third;
    assert.deepEqual(posted[2], { type: 'argumentSuggestions', requestId: 3, values: [], hasMore: false });
  });
});
