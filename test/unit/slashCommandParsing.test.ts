/** Slash commands without processes: recognising a command, prompt-file front matter, argument substitution, MCP prompt arguments. */
import assert from 'node:assert/strict';
import type { McpPrompt } from '../../agent-host';
import { bindMcpPromptArguments, mcpPromptArgumentHint, mcpPromptCommandName } from '../../language-server/slash/mcpPromptCommand';
import { parsePromptFile } from '../../language-server/slash/promptFile';
import { splitArguments, substituteArguments } from '../../language-server/slash/substituteArguments';
import { findSlashQuery, parseSlashCommand } from '../../protocol/slashCommands';
import { parseFromWebview } from '../../protocol/webviewMessages';

describe('slash command parsing', () => {
  it('recognises /name followed by space or nothing, and keeps the rest as typed', () => {
    assert.deepEqual(parseSlashCommand('/explain why is this slow'), { name: 'explain', args: 'why is this slow' });
    assert.deepEqual(parseSlashCommand('/new'), { name: 'new', args: '' });
    assert.deepEqual(parseSlashCommand('/review  a.ts\n"two words"  '), { name: 'review', args: 'a.ts\n"two words"' });
    assert.deepEqual(parseSlashCommand('/mcp.everything.args-prompt city=Paris'), { name: 'mcp.everything.args-prompt', args: 'city=Paris' });
  });

  it('leaves text that only looks like a command alone', () => {
    assert.equal(parseSlashCommand('/usr/bin is odd'), undefined, 'a path');
    assert.equal(parseSlashCommand(' /explain'), undefined, 'a leading space sends it as text');
    assert.equal(parseSlashCommand('please /explain'), undefined);
    assert.equal(parseSlashCommand('/'), undefined);
    assert.equal(parseSlashCommand(`/${'a'.repeat(200)}`), undefined, 'an absurdly long name');
  });

  it('finds the command name being typed only at the start and before any space', () => {
    assert.deepEqual(findSlashQuery('/', 1), { query: '' });
    assert.deepEqual(findSlashQuery('/exp', 4), { query: 'exp' });
    assert.deepEqual(findSlashQuery('/explain more', 3), { query: 'ex' }, 'the caret is inside the name');
    assert.equal(findSlashQuery('/explain more', 13), undefined);
    assert.equal(findSlashQuery('a /b', 4), undefined);
  });

  it('validates a command from the webview like any other field', () => {
    const ok = parseFromWebview({ type: 'send', text: '/fix it', context: [], command: { name: 'fix', args: 'it' } });
    assert.equal(ok.ok, true);
    assert.equal(parseFromWebview({ type: 'send', text: '/x', context: [], command: { name: '../x', args: '' } }).ok, false);
    assert.equal(parseFromWebview({ type: 'send', text: '/x', context: [], command: { name: 'x' } }).ok, false);
    assert.equal(parseFromWebview({ type: 'findCommands', requestId: 1, query: 'ex' }).ok, true);
  });
});

describe('prompt files', () => {
  it('reads description and argument-hint from the front matter and ignores every other key', () => {
    const file = parsePromptFile('---\ndescription: "Review a file"\nargument-hint: <file> [focus]\nmodel: big-model\nallowed-tools: run_command\n---\nReview $1.\n');
    assert.deepEqual(file, { description: 'Review a file', argumentHint: '<file> [focus]', body: 'Review $1.' });
  });

  it('treats a file without front matter, or with front matter that never closes, as all body', () => {
    assert.deepEqual(parsePromptFile('Just do $ARGUMENTS\n'), { body: 'Just do $ARGUMENTS' });
    assert.deepEqual(parsePromptFile('---\ndescription: x\nno end'), { body: '---\ndescription: x\nno end' });
    assert.deepEqual(parsePromptFile('\uFEFF---\r\ndescription: crlf\r\n---\r\nBody\r\n'), { description: 'crlf', body: 'Body' });
  });

  it('substitutes $ARGUMENTS and $1…$9, quoted words counting as one, in a single pass', () => {
    assert.deepEqual(splitArguments(`a "b c" 'd e' f\\"g "h \\"i\\"" city="New York" C:\\dir ""`), ['a', 'b c', 'd e', 'f"g', 'h "i"', 'city=New York', 'C:\\dir', '']);
    assert.equal(substituteArguments('Review $1 for $2. All: $ARGUMENTS', 'src/a.ts "error handling"'), 'Review src/a.ts for error handling. All: src/a.ts "error handling"');
    assert.equal(substituteArguments('Only $1 and $3', 'one'), 'Only one and ', 'a missing word is empty');
    assert.equal(substituteArguments('Echo $ARGUMENTS', '$1 $ARGUMENTS'), 'Echo $1 $ARGUMENTS', 'typed text is not substituted again');
  });

  it('appends the arguments to a body without placeholders, so nothing typed is dropped', () => {
    assert.equal(substituteArguments('Write a haiku.', 'about rust'), 'Write a haiku.\n\nabout rust');
    assert.equal(substituteArguments('Write a haiku.', '  '), 'Write a haiku.');
  });
});

describe('MCP prompt commands', () => {
  const prompt: McpPrompt = {
    server: 'everything',
    namespace: 'everything',
    name: 'args-prompt',
    description: 'A prompt with two arguments',
    arguments: [
      { name: 'city', description: 'Name of the city', required: true },
      { name: 'state', required: false },
    ],
  };

  it('names a prompt mcp.<namespace>.<prompt> and hints its arguments in declared order', () => {
    assert.equal(mcpPromptCommandName(prompt), 'mcp.everything.args-prompt');
    assert.equal(mcpPromptCommandName({ namespace: 'gh', name: 'review pr/now' }), 'mcp.gh.review_pr_now');
    assert.equal(mcpPromptArgumentHint(prompt), '<city> [state]');
    assert.equal(mcpPromptArgumentHint({ arguments: [] }), undefined);
  });

  it('binds words in declared order, name=value by name, and the two mixed', () => {
    assert.deepEqual(bindMcpPromptArguments(prompt, '"San Francisco" California'), { city: 'San Francisco', state: 'California' });
    assert.deepEqual(bindMcpPromptArguments(prompt, 'state=Oregon city=Portland'), { city: 'Portland', state: 'Oregon' });
    assert.deepEqual(bindMcpPromptArguments(prompt, 'state=Oregon Portland'), { city: 'Portland', state: 'Oregon' });
    assert.deepEqual(bindMcpPromptArguments(prompt, 'Paris'), { city: 'Paris' });
    assert.deepEqual(bindMcpPromptArguments(prompt, 'city="New York"'), { city: 'New York' });
  });

  it('gives a single-argument prompt the whole text', () => {
    const single: McpPrompt = { ...prompt, arguments: [{ name: 'code', required: true }] };
    assert.deepEqual(bindMcpPromptArguments(single, 'const x = a == b;'), { code: 'const x = a == b;' });
    assert.deepEqual(bindMcpPromptArguments(single, 'code=x'), { code: 'x' });
  });

  it('names what is missing or extra, with the way to write it', () => {
    assert.throws(() => bindMcpPromptArguments(prompt, ''), /needs the argument city \(Name of the city\)\. Write it as \/mcp\.everything\.args-prompt <city> \[state\]/);
    assert.throws(() => bindMcpPromptArguments(prompt, 'state=Oregon'), /needs the argument city/);
    assert.throws(() => bindMcpPromptArguments(prompt, 'a b c'), /more words than arguments/);
    assert.throws(() => bindMcpPromptArguments({ ...prompt, arguments: [] }, 'x'), /takes no arguments/);
    assert.deepEqual(bindMcpPromptArguments({ ...prompt, arguments: [] }, ''), {});
  });
});
