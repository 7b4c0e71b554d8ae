/**
 * The inline-suggestion status item, inside VS Code's extension host: its
 * tooltip is Markdown, and the model name in it comes from a server (a
 * provider's model list, a team server), so it must show as text.
 */
import * as assert from 'node:assert/strict';
import { CompletionStatusItem } from '../../../extension/completion/completionStatusItem';

describe('the inline-suggestion status item', () => {
  it('shows a model name that looks like Markdown as text, not as a link', () => {
    const item = new CompletionStatusItem(false, true);
    try {
      const model = 'lm::[Update Hearth](https://example.invalid/pwn) $(check)';
      item.update({ state: 'idle', model });
      const markdown = item.tooltipMarkdown;
      assert.match(markdown, /Hearth inline suggestions are on/);
      assert.ok(!markdown.includes('[Update Hearth](https://'), `the name is not Markdown link syntax: ${markdown}`);
      assert.ok(!markdown.includes(' $(check)'), `the name draws no icon: ${markdown}`);
      assert.match(markdown, /Update(&nbsp;| )Hearth/, `the name is still shown: ${markdown}`);
    } finally {
      item.dispose();
    }
  });
});
