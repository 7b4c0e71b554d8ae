/**
 * Model output is untrusted: these tests attack the Markdown pipeline with what
 * a prompt injection would produce, and check code blocks, links and tool
 * results render with the right actions.
 */
import assert from 'node:assert/strict';
import type { AssistantEntry, UserEntry } from '../../protocol/sessions';
import { MAX_MARKDOWN_NESTING, MAX_TABLE_CELLS, MAX_TABLE_COLUMNS, MarkdownRenderer } from '../../webview/markdownRenderer';
import { parseFromWebview } from '../../protocol/webviewMessages';
import { click, createDom, createHarness, sessionView } from './webviewTestHarness';
import type { Harness } from './webviewTestHarness';

function renderer() {
  const dom = createDom();
  const copied: string[] = [];
  const inserted: string[] = [];
  const applied: { text: string; info: string }[] = [];
  const md = new MarkdownRenderer(dom.window.document, { copy: (t) => copied.push(t), insert: (t) => inserted.push(t), apply: (text, info) => applied.push({ text, info }) });
  const host = dom.window.document.createElement('div');
  dom.window.document.body.appendChild(host);
  const render = (markdown: string) => {
    host.replaceChildren(md.render(markdown));
    return host;
  };
  return { dom, md, render, host, copied, inserted, applied };
}

/** Asserts nothing executable or styling survived in `root` (our own `svg.icon` button icons aside). */
function assertInert(root: Element): void {
  for (const tag of ['script', 'iframe', 'img', 'object', 'embed', 'style', 'form', 'input', 'svg:not(.icon)', 'link', 'meta']) {
    assert.equal(root.querySelector(tag), null, `<${tag}> survived`);
  }
  for (const node of Array.from(root.querySelectorAll('*'))) {
    if (node.closest('svg.icon')) continue;
    for (const attr of Array.from(node.attributes)) {
      assert.ok(!/^on/i.test(attr.name), `${attr.name} survived on <${node.tagName}>`);
      assert.notEqual(attr.name, 'style', `style survived on <${node.tagName}>`);
      if (attr.name === 'href') assert.match(attr.value, /^(https?:|mailto:)/i, `unsafe href ${attr.value}`);
    }
  }
}

const ATTACK = [
  '<script>alert(1)</script>',
  '<img src=x onerror="alert(1)">',
  '<iframe src="https://evil.example/"></iframe>',
  '<a href="javascript:alert(1)" onclick="alert(2)" style="position:fixed;inset:0">click me</a>',
  '<p style="display:none" onmouseover="alert(3)">styled</p>',
  '<svg onload="alert(4)"><circle r="1"/></svg>',
  '<form action="https://evil.example/"><input name="x"><button formaction="javascript:alert(5)">go</button></form>',
  '<a href="  JaVaScRiPt:alert(6)">spaced</a>',
  '<a href="data:text/html,<script>alert(7)</script>">data</a>',
  '<object data="x.swf"></object><embed src="x.swf">',
  '<style>body{display:none}</style>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(8)>',
].join('\n');

describe('webview markdown renderer', () => {
  it('sanitizes raw HTML directly: no scripts, handlers, javascript: links, frames or style attributes survive', () => {
    const { md, host } = renderer();
    host.replaceChildren(md.sanitize(ATTACK));
    assertInert(host);
    assert.match(host.textContent ?? '', /click me/);
    assert.match(host.textContent ?? '', /styled/);
  });

  it('shows raw HTML in model Markdown as text, never as elements', () => {
    const { render } = renderer();
    const root = render(`Here you go:\n\n${ATTACK}\n\nand inline <img src=x onerror=alert(1)> too`);
    assertInert(root);
    assert.match(root.textContent ?? '', /<script>alert\(1\)<\/script>/);
    assert.match(root.textContent ?? '', /<img src=x onerror=alert\(1\)>/);
  });

  it('keeps http(s) and mailto links, drops javascript:, data:, vscode: and relative ones', () => {
    const { render } = renderer();
    const root = render(
      '[ok](https://example.com/a?b=1) [mail](mailto:a@b.c) [bad](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) [cmd](command:workbench.action.terminal.new) [rel](./src/a.ts) <https://auto.example>',
    );
    assertInert(root);
    const hrefs = Array.from(root.querySelectorAll('a')).map((a) => a.getAttribute('href'));
    assert.deepEqual(hrefs.filter(Boolean), ['https://example.com/a?b=1', 'mailto:a@b.c', 'https://auto.example']);
    for (const a of Array.from(root.querySelectorAll('a[href]'))) {
      assert.equal(a.getAttribute('rel'), 'noopener noreferrer');
      assert.equal(a.getAttribute('target'), null);
    }
  });

  it('shows where a link really leads when hovered, whatever title the model gave it', () => {
    const { render } = renderer();
    const root = render('[the docs](https://collect.example/?k=secret "https://docs.python.org/3/") and [plain](https://example.com/)');
    const [spoofed, plain] = Array.from(root.querySelectorAll('a'));
    assert.equal(spoofed.getAttribute('title'), 'https://collect.example/?k=secret');
    assert.equal(plain.getAttribute('title'), 'https://example.com/');
  });

  it('says where a link really goes when its text names another address', () => {
    const { render } = renderer();
    const root = render(
      [
        '[https://github.com/org/repo](https://collect.example/?k=secret)',
        '[docs.python.org/3](http://collect.example/)',
        '[example.com](https://www.example.com/docs)',
        '[https://example.com/a](https://example.com/b)',
        '[the docs](https://collect.example/)',
        'https://example.org/plain',
        '[https://github.com/login](https://gіthub.com/login)',
        '![https://github.com/org/repo/raw/main/chart.png](https://collect.example/p.png?k=secret)',
        '![chart](https://collect.example/p.png)',
      ].join('\n\n'),
    );
    const shown = Array.from(root.querySelectorAll('p')).map((p) => p.textContent);
    assert.deepEqual(shown, [
      'https://github.com/org/repo → collect.example',
      'docs.python.org/3 → collect.example',
      'example.com',
      'https://example.com/a',
      'the docs',
      'https://example.org/plain',
      // A look-alike host (a Cyrillic і) is shown as the URL parser spells it.
      'https://github.com/login → xn--gthub-n2e.com',
      // An image is a link: an alt text that names an address gets the real one beside it too.
      'image: https://github.com/org/repo/raw/main/chart.png → collect.example',
      'image: chart',
    ]);
  });

  it('turns images into links (no remote loads) and task lists into glyphs (no inputs)', () => {
    const { render } = renderer();
    const root = render('![a chart](https://tracker.example/pixel.png)\n\n- [x] done\n- [ ] todo');
    assertInert(root);
    const link = root.querySelector('a')!;
    assert.equal(link.getAttribute('href'), 'https://tracker.example/pixel.png');
    assert.equal(link.textContent, 'image: a chart');
    assert.match(root.textContent ?? '', /☑ done/);
    assert.match(root.textContent ?? '', /☐ todo/);
  });

  it('shows blockquotes and lists nested thousands deep as text: a hostile answer neither overflows the stack nor stalls the view', () => {
    const { render } = renderer();
    // The deepest element under `root`, counted without recursion.
    const depthOf = (root: Element): number => {
      let deepest = 0;
      const pending: [Element, number][] = [[root, 0]];
      for (let next = pending.pop(); next; next = pending.pop()) {
        deepest = Math.max(deepest, next[1]);
        for (const child of Array.from(next[0].children)) pending.push([child, next[1] + 1]);
      }
      return deepest;
    };
    // Past a few thousand levels marked's recursive lexer overflows the stack; a thousand
    // still lexes but makes a DOM two thousand elements deep, which takes seconds to sanitize.
    for (const attack of ['>'.repeat(5000) + ' deep', '- '.repeat(5000) + 'deep', '>'.repeat(1000) + ' deep', '* '.repeat(1000) + 'deep']) {
      const root = render(`Intro\n\n${attack}\n\nOutro`);
      assertInert(root);
      assert.ok(depthOf(root) < 2 * MAX_MARKDOWN_NESTING + 10, `${attack.slice(0, 6)}… made a DOM ${depthOf(root)} elements deep`);
      assert.ok(root.textContent?.includes(attack.slice(0, 100)), 'the nested text is shown as it is');
    }
    // Ordinary nesting is still rendered as Markdown.
    const normal = render('> quoted\n>\n> - a\n>   - b\n>     - c');
    assert.equal(normal.querySelectorAll('blockquote ul ul ul li').length, 1);
  });

  it('draws the first rows and columns of a huge table, says how much is left out, and draws all of it on request', () => {
    const { render } = renderer();
    const rows = 1000;
    const long = `| n | twice | code |\n|---|---|---|\n${Array.from({ length: rows }, (_, i) => `| row ${i} | **${i * 2}** | x${i} |`).join('\n')}\n\nAfter the table.`;
    // Each cell costs a parse, a sanitize and DOM nodes, drawn again every frame while the table streams: the cells drawn are what bounds the time.
    let root = render(long);
    assert.ok(root.querySelectorAll('th, td').length <= MAX_TABLE_CELLS, `${root.querySelectorAll('th, td').length} cells drawn`);
    const shownRows = root.querySelectorAll('tbody tr').length;
    assert.ok(shownRows > 100, `only ${shownRows} rows shown`);
    const note = root.querySelector('[data-testid="table-clipped"]')!;
    assert.equal(note.textContent, `Showing ${shownRows} of ${rows} rows of this table. Show the whole table`);
    assert.match(root.textContent ?? '', /After the table\./);
    click(root.querySelector('[data-testid="table-show-all"]')!);
    assert.equal(root.querySelectorAll('tbody tr').length, rows);
    assert.equal(root.querySelector('[data-testid="table-clipped"]'), null);
    assert.equal(root.querySelector('tbody tr:last-child strong')?.textContent, String((rows - 1) * 2));
    assertInert(root);

    // A header line of thousands of columns, also inside a quote.
    const columns = 20_000;
    root = render(`> |${' h |'.repeat(columns)}\n> |${'---|'.repeat(columns)}\n> |${' c |'.repeat(columns)}\n`);
    assert.equal(root.querySelectorAll('blockquote th').length, MAX_TABLE_COLUMNS);
    assert.equal(root.querySelector('[data-testid="table-clipped"]')?.textContent, `Showing ${MAX_TABLE_COLUMNS} of ${columns} columns of this table. Show the whole table`);

    // An ordinary table is drawn whole, with no note.
    root = render('| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |');
    assert.equal(root.querySelectorAll('td').length, 4);
    assert.equal(root.querySelector('[data-testid="table-clipped"]'), null);
  });

  it('still shows the rest of a chat when one of its answers is nested too deeply to render', () => {
    const h = createHarness();
    try {
      const ask = (id: string, text: string): UserEntry => ({ kind: 'user', id, text, context: [], at: 1 });
      const answer = (id: string, replyTo: string, text: string): AssistantEntry => ({ kind: 'assistant', id, replyTo, model: 'm', parts: [{ kind: 'text', text }], state: 'done', doneReason: 'stop', at: 2 });
      h.send({ type: 'session', session: sessionView('s1', [ask('u0', 'first'), answer('a0', 'u0', '>'.repeat(4000) + ' x'), ask('u1', 'second'), answer('a1', 'u1', 'the **later** answer')]) });
      h.scheduler.settle();
      const answers = h.$$('assistant-message');
      assert.equal(answers.length, 2);
      assert.match(answers[1].textContent ?? '', /the later answer/);
    } finally {
      h.dispose();
    }
  });

  it('highlights fenced code and gives each block a header with the language, Copy and Insert', () => {
    const { render, copied, inserted } = renderer();
    const code = 'const greeting: string = "<b>hi</b>";\nfunction f() { return 1; }';
    const root = render(`Try:\n\n\`\`\`ts title="x.ts"\n${code}\n\`\`\`\n\n\`\`\`mystery-lang\nplain & <simple>\n\`\`\``);
    assertInert(root);
    const blocks = root.querySelectorAll('[data-testid="code-block"]');
    assert.equal(blocks.length, 2);
    const [ts, plain] = Array.from(blocks);
    assert.equal(ts.querySelector('.code-language')?.textContent, 'ts');
    assert.ok(ts.querySelector('code .hljs-keyword'), 'TypeScript keywords are highlighted');
    assert.ok(ts.querySelector('code .hljs-string'), 'strings are highlighted');
    assert.equal(ts.querySelector('code')?.textContent, code, 'highlighting keeps the exact code text');
    assert.equal(plain.querySelector('code .hljs-keyword'), null, 'unknown languages are not guessed');
    assert.equal(plain.querySelector('code')?.textContent, 'plain & <simple>');

    click(ts.querySelector('[data-testid="copy-code"]')!);
    click(plain.querySelector('[data-testid="insert-code"]')!);
    assert.deepEqual(copied, [code]);
    assert.deepEqual(inserted, ['plain & <simple>']);
  });

  it('marks invisible and bidirectional characters in code and warns in its header, while Copy still takes the exact code', () => {
    const { render, copied, applied } = renderer();
    // Trojan Source: displayed, the comment seems to end the line; compiled, the check goes on inside the string.
    const trojan = 'if (access !== "user\u202e \u2066// Check if admin\u2069 \u2066") {\n  deny();\n}';
    const root = render(`Here:\n\n\`\`\`js\n${trojan}\n\`\`\`\n\nRun \`rm\u200b -rf build\` after.\n\n\`\`\`js\nconst plain = 1;\n\`\`\``);
    assertInert(root);
    const [block, plain] = Array.from(root.querySelectorAll('[data-testid="code-block"]'));
    const marks = Array.from(block.querySelectorAll('code .hidden-char')).map((m) => (m as HTMLElement).dataset.label);
    assert.deepEqual(marks, ['U+202E', 'U+2066', 'U+2069', 'U+2066']);
    const warning = block.querySelector('.code-header [data-testid="hidden-characters"]');
    assert.ok(warning, 'the header warns before the code is copied or applied');
    assert.match(warning.getAttribute('title') ?? '', /U\+202E RIGHT-TO-LEFT OVERRIDE, U\+2066 LEFT-TO-RIGHT ISOLATE, U\+2069 POP DIRECTIONAL ISOLATE/);
    assert.equal(block.querySelector('code')?.textContent, trojan, 'the marks are drawn by CSS: the text is the code');
    click(block.querySelector('[data-testid="copy-code"]')!);
    click(block.querySelector('[data-testid="apply-code"]')!);
    assert.deepEqual(copied, [trojan]);
    assert.equal(applied[0].text, trojan);
    // Inline code gets the marks too; code without such characters gets neither marks nor a warning.
    const inline = Array.from(root.querySelectorAll('p code')).find((c) => c.textContent?.startsWith('rm'));
    assert.equal((inline?.querySelector('.hidden-char') as HTMLElement | null)?.dataset.label, 'U+200B');
    assert.equal(plain.querySelector('.hidden-char, [data-testid="hidden-characters"]'), null);
  });

  it('leaves prose in right-to-left languages alone: only code is marked', () => {
    const { render } = renderer();
    const root = render('\u05e9\u05dc\u05d5\u05dd \u200fHearth\u200f \u05e2\u05d5\u05dc\u05dd');
    assert.equal(root.querySelector('.hidden-char'), null);
    assert.equal(root.textContent?.trim(), '\u05e9\u05dc\u05d5\u05dd \u200fHearth\u200f \u05e2\u05d5\u05dc\u05dd');
  });

  it('Apply on each code block passes the code with its fence info string, which may name the file', () => {
    const { render, applied } = renderer();
    // Three blocks, one inside a list, so the info strings must stay with their own blocks.
    const root = render('```ts src/math.ts\nexport const one = 1;\n```\n\n- step:\n\n  ```python\n  print(1)\n  ```\n\n```\nplain\n```');
    const buttons = Array.from(root.querySelectorAll('[data-testid="apply-code"]'));
    assert.equal(buttons.length, 3, 'every block has Apply beside Copy and Insert');
    for (const b of buttons) click(b);
    assert.deepEqual(applied, [
      { text: 'export const one = 1;', info: 'ts src/math.ts' },
      { text: 'print(1)', info: 'python' },
      { text: 'plain', info: '' },
    ]);
    // Rendering again (as streaming does) starts a fresh list of info strings.
    const again = render('```js lib/a.js\nx();\n```');
    click(again.querySelector('[data-testid="apply-code"]')!);
    assert.deepEqual(applied.at(-1), { text: 'x();', info: 'js lib/a.js' });
    // A hostile fence: a language name of thousands of letters and an info string the extension would refuse whole.
    const hostile = render(`\`\`\`${'x'.repeat(5000)} src/a.ts ${'y'.repeat(5000)}\nz();\n\`\`\``);
    assert.ok((hostile.querySelector('.code-language')?.textContent ?? '').length <= 32, 'the header label stays short, so the buttons stay in sight');
    click(hostile.querySelector('[data-testid="apply-code"]')!);
    const last = applied.at(-1)!;
    assert.equal(last.text, 'z();');
    assert.ok(parseFromWebview({ type: 'apply', ...last }).ok, 'the extension takes the apply message');
  });

  it('highlights every registered language', () => {
    const { render } = renderer();
    const samples: Record<string, string> = {
      ts: 'interface A { b: number }',
      js: 'const a = () => 1;',
      json: '{"a": 1}',
      python: 'def f():\n    return None',
      bash: 'if [ -f x ]; then echo "hi"; fi',
      go: 'func main() { return }',
      rust: 'fn main() { let x = 1; }',
      java: 'public class A { }',
      c: 'int main(void) { return 0; }',
      cpp: 'class A { public: int x; };',
      css: '.a { color: red; }',
      html: '<div class="a">x</div>',
      markdown: '# Title\n\n*x*',
      yaml: 'a: 1\nb: "x"',
      sql: 'SELECT * FROM t WHERE a = 1',
      diff: '--- a\n+++ b\n-x\n+y',
    };
    for (const [lang, code] of Object.entries(samples)) {
      const root = render(`\`\`\`${lang}\n${code}\n\`\`\``);
      assert.ok(root.querySelector('code [class^="hljs-"]'), `${lang} is highlighted`);
      assert.equal(root.querySelector('code')?.textContent, code);
    }
  });
});

describe('webview transcript rendering', () => {
  let h: Harness;
  afterEach(() => h.dispose());

  const user: UserEntry = { kind: 'user', id: 'u1', text: 'hello <b>there</b>', context: [{ kind: 'selection', path: 'src/a.ts', range: { startLine: 3, endLine: 9 } }], at: 1 };
  const answer = (parts: AssistantEntry['parts'], extra: Partial<AssistantEntry> = {}): AssistantEntry => ({
    kind: 'assistant',
    id: 'a1',
    replyTo: 'u1',
    model: 'qwen2.5-coder:7b',
    parts,
    state: 'done',
    doneReason: 'stop',
    at: 2,
    ...extra,
  });

  it('code block buttons in an answer post copy and insert messages', () => {
    h = createHarness();
    h.send({ type: 'session', session: sessionView('s1', [user, answer([{ kind: 'text', text: 'Use:\n\n```python\nprint("hi")\n```' }])]) });
    click(h.$('copy-code')!);
    click(h.$('insert-code')!);
    assert.deepEqual(h.api.of('copy'), [{ type: 'copy', text: 'print("hi")' }]);
    assert.deepEqual(h.api.of('insert'), [{ type: 'insert', text: 'print("hi")' }]);
    // Apply merges with the chat's model: the one the picker shows.
    h.send({ type: 'models', models: [{ name: 'qwen2.5-coder:7b' }, { name: 'llama3.1:8b' }], selected: 'llama3.1:8b', host: 'http://localhost:11434' });
    click(h.$('apply-code')!);
    assert.deepEqual(h.api.of('apply'), [{ type: 'apply', text: 'print("hi")', info: 'python', model: 'llama3.1:8b' }]);
  });

  it('shows user text literally and its context chips', () => {
    h = createHarness();
    h.send({ type: 'session', session: sessionView('s1', [user]) });
    const message = h.$('user-message')!;
    assert.equal(message.querySelector('.user-text')?.textContent, 'hello <b>there</b>');
    assert.equal(message.querySelector('b'), null);
    assert.equal(h.$('user-context')?.textContent, 'src/a.ts:3-9');
  });

  it('opens links through the extension and never navigates', () => {
    h = createHarness();
    h.send({ type: 'session', session: sessionView('s1', [user, answer([{ kind: 'text', text: '[docs](https://example.com/docs) and [evil](javascript:alert(1))' }])]) });
    const [docs, evil] = Array.from(h.document.querySelectorAll<HTMLAnchorElement>('[data-testid="assistant-message"] a'));
    const view = h.window;
    const docsClick = new view.MouseEvent('click', { bubbles: true, cancelable: true });
    docs.dispatchEvent(docsClick);
    assert.equal(docsClick.defaultPrevented, true);
    const evilClick = new view.MouseEvent('click', { bubbles: true, cancelable: true });
    evil.dispatchEvent(evilClick);
    assert.equal(evilClick.defaultPrevented, true);
    assert.deepEqual(h.api.of('openLink'), [{ type: 'openLink', url: 'https://example.com/docs' }]);
  });

  it('renders tool calls as collapsible rows whose arguments and results are text', () => {
    h = createHarness();
    h.send({
      type: 'session',
      session: sessionView('s1', [
        user,
        answer([
          { kind: 'toolCall', call: { id: 'c1', name: 'read_file', arguments: { path: 'src/<img src=x onerror=alert(1)>.ts' } }, result: { callId: 'c1', name: 'read_file', content: '<script>alert(1)</script>\nline 2', isError: false, summary: 'read 2 lines', durationMs: 1234 } },
          { kind: 'toolCall', call: { id: 'c2', name: 'run_command', arguments: { command: 'npm test' } }, result: { callId: 'c2', name: 'run_command', content: 'exit 1', isError: true, durationMs: 80 } },
          { kind: 'status', message: 'History trimmed to fit the context window.', level: 'info' },
          { kind: 'text', text: 'Done.' },
        ]),
      ]),
    });
    const [read, run] = h.$$('tool-call') as HTMLDetailsElement[];
    assertInert(h.$('transcript')!);
    assert.equal(read.tagName, 'DETAILS');
    assert.equal(read.open, false);
    assert.equal(read.getAttribute('data-state'), 'ok');
    assert.equal(read.querySelector('[data-testid="tool-name"]')?.textContent, 'read_file');
    assert.match(read.querySelector('summary')?.textContent ?? '', /src\/<img src=x onerror=alert\(1\)>\.ts/);
    assert.match(read.querySelector('summary')?.textContent ?? '', /read 2 lines/);
    assert.match(read.querySelector('summary')?.textContent ?? '', /1\.2 s/);
    assert.equal(read.querySelector('[data-testid="tool-result"]')?.textContent, '<script>alert(1)</script>\nline 2');
    assert.equal(run.getAttribute('data-state'), 'error');
    assert.match(run.querySelector('[data-testid="tool-arguments"]')?.textContent ?? '', /"command": "npm test"/);
    assert.equal(h.$('status-notice')?.textContent, 'History trimmed to fit the context window.');
  });

  it('keeps an expanded tool call open while the answer keeps streaming', () => {
    h = createHarness();
    h.send({ type: 'session', session: sessionView('s1', [user, answer([], { state: 'streaming', doneReason: undefined })]) });
    h.send({ type: 'event', sessionId: 's1', entryId: 'a1', event: { type: 'toolCall', call: { id: 'c1', name: 'search', arguments: { query: 'foo' } } } });
    h.scheduler.flush();
    const row = h.$('tool-call') as HTMLDetailsElement;
    assert.equal(row.getAttribute('data-state'), 'running');
    row.open = true;
    h.send({ type: 'event', sessionId: 's1', entryId: 'a1', event: { type: 'toolResult', result: { callId: 'c1', name: 'search', content: '3 matches', isError: false } } });
    h.send({ type: 'event', sessionId: 's1', entryId: 'a1', event: { type: 'text', delta: 'Found them.' } });
    h.scheduler.flush();
    assert.equal(h.$('tool-call'), row, 'the row is updated in place');
    assert.equal(row.open, true);
    assert.equal(row.getAttribute('data-state'), 'ok');
  });
});
