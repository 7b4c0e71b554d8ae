/** How attached context reaches the model: clearly labelled, fenced, and impossible to break out of. */
import assert from 'node:assert/strict';
import { formatUserMessage } from '../../agent-host/index';
import { parseResourceMention, resourceMention } from '../../protocol/chat';

describe('formatUserMessage', () => {
  it('returns the text alone when nothing is attached', () => {
    assert.equal(formatUserMessage({ text: 'hello', context: [] }), 'hello');
  });

  it('labels a selection with its path and lines and fences it with its language', () => {
    const message = formatUserMessage({
      text: 'explain',
      context: [{ kind: 'selection', path: 'src/app.py', range: { startLine: 10, endLine: 12 }, text: 'def f():\n    return 1' }],
    });
    assert.equal(message, 'Selected code from src/app.py (lines 10-12):\n```python\ndef f():\n    return 1\n```\n\nexplain');
  });

  it('includes files and mentions, and says when a mention has no contents', () => {
    const message = formatUserMessage({
      text: 'compare',
      context: [
        { kind: 'file', path: 'a.go', text: 'package a\n', languageId: 'go' },
        { kind: 'mention', path: 'docs/missing.md' },
      ],
    });
    assert.match(message, /^File a\.go:\n```go\npackage a\n```/);
    assert.match(message, /Mentioned file docs\/missing\.md: \(contents not available\)/);
    assert.ok(message.endsWith('\n\ncompare'));
  });

  it('uses a longer fence when the code itself contains a fence', () => {
    const text = 'Example:\n```js\nx()\n```\n';
    const message = formatUserMessage({ text: 'fix the readme', context: [{ kind: 'file', path: 'README.md', text }] });
    assert.ok(message.includes(`\`\`\`\`markdown\n${text}\`\`\`\``), message);
  });

  it('names where an MCP resource came from: the developer\'s server, or the team server\'s', () => {
    const message = formatUserMessage({
      text: 'compare',
      context: [
        { kind: 'mention', path: resourceMention('docs', 'demo://a'), text: 'mine' },
        { kind: 'mention', path: resourceMention('docs', 'demo://a', true), text: 'shared' },
      ],
    });
    assert.match(message, /^Resource demo:\/\/a from the MCP server "docs":\n```\nmine\n```/);
    assert.match(message, /Resource demo:\/\/a from the team server's MCP server "docs":\n```\nshared\n```/);
    assert.deepEqual(parseResourceMention('mcp-team:docs/demo://a'), { server: 'docs', uri: 'demo://a', team: true });
    assert.deepEqual(parseResourceMention('mcp:docs/demo://a'), { server: 'docs', uri: 'demo://a', team: false });
    assert.equal(parseResourceMention('mcp-teams:docs/demo://a'), undefined);
  });
});
