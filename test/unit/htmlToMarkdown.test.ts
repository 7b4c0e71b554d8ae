/**
 * The web page converter for `@https://…`: what a documentation page looks
 * like to the model, and pages built to hurt (deep nesting, tags that never
 * close, unterminated quotes, huge inputs) that must come back at once with
 * their text rather than hold the language server's thread.
 */
import assert from 'node:assert/strict';
import { decodeEntities, htmlTitle, htmlToMarkdown } from '../../language-server/chat/htmlToMarkdown';

const BASE = 'https://docs.example.com/guide/streams.html';
const md = (html: string, max = 100_000) => htmlToMarkdown(html, BASE, max);

describe('htmlToMarkdown (web page mentions)', function () {
  // The hostile pages below must finish far inside this; a converter with a quadratic path takes minutes on them.
  this.timeout(20_000);

  it('turns a documentation page into Markdown: headings, paragraphs, emphasis, links made absolute, code with its language', () => {
    const out = md(`<html><head><title>x</title></head><body><main>
      <h2 id="a">Pipelines <a href="#a">#</a></h2>
      <p>Call   <code>pipeline()</code>,
      see <a href="../api/stream.html#pipeline">the API</a> or <a href="javascript:alert(1)">this</a>.</p>
      <p><strong>Note:</strong> <em>errors</em> propagate.<br>Second line.</p>
      <pre><code class="language-ts">const a = 1 &lt; 2;
if (a) {
  run();
}</code></pre>
      <p>Done &amp; dusted&nbsp;&#x2014; &#8220;ok&#8221;</p>
    </main></body></html>`);
    assert.equal(
      out,
      [
        '## Pipelines #',
        '',
        'Call `pipeline()`, see [the API](https://docs.example.com/api/stream.html#pipeline) or this.',
        '',
        '**Note:** _errors_ propagate.',
        'Second line.',
        '',
        '```ts',
        'const a = 1 < 2;',
        'if (a) {',
        '  run();',
        '}',
        '```',
        '',
        'Done & dusted — “ok”',
      ].join('\n'),
    );
  });

  it('writes nested and numbered lists, unclosed <li>s, tables with a header row, quotes and image alt text', () => {
    const out = md(`<body>
      <ol start="3"><li>three<li>four<ul><li>nested</li></ul></li></ol>
      <table><tr><th>Name</th><th>Type</th></tr><tr><td>a<td>string</tr></table>
      <blockquote>Quoted words.</blockquote>
      <img src="x.png" alt="A diagram"><img src="spacer.gif">
    </body>`);
    assert.match(out, /^3\. three\n4\. four\n {2}- nested\n\n/);
    assert.match(out, /\n\| Name \| Type \|\n\| --- \| --- \|\n\| a \| string \|\n/);
    assert.match(out, /\n> Quoted words\.\n/);
    assert.match(out, /\[image: A diagram\]$/);
  });

  it('reads only <main> (else the articles) and leaves out scripts, styles, navigation, footers, forms and comments', () => {
    const page = `<html><head><style>p{}</style><script>var s = "<p>SCRIPT</p>";</script></head><body>
      <nav>NAV</nav><header>SITE HEADER</header><!-- COMMENT <p>x</p> -->
      <main><p>Body text.</p><aside>ASIDE</aside><form><input value="FORM">FORM TEXT</form><svg><text>SVG</text></svg></main>
      <footer>FOOTER</footer><script>late()</script></body></html>`;
    assert.equal(md(page), 'Body text.');
    assert.equal(md('<body><div>CHROME</div><article><p>One.</p></article><div>BETWEEN</div><article><p>Two.</p></article><div>AFTER</div></body>'), 'One.\n\nBETWEEN\n\nTwo.');
    assert.equal(md('<p>No main here.</p>'), 'No main here.');
  });

  it('stops near maxChars, and always closes a code block it opened', () => {
    const long = `<p>${'word '.repeat(10_000)}</p>`;
    const out = md(long, 1_000);
    assert.ok(out.length >= 1_000 && out.length < 1_100, `stopped near the cap (${out.length})`);
    assert.equal(md('<pre><code>never closed'), '```\nnever closed\n```');
  });

  it('comes back at once, with the text, from pages built to hurt', () => {
    const nested = `${'<div>'.repeat(50_000)}deep text${'</div>'.repeat(50_000)}`;
    assert.equal(md(nested), 'deep text');
    const unclosed = '<p><b><i><a href="x">'.repeat(50_000) + 'end';
    assert.match(md(unclosed, 10_000_000), /end/);
    // Quotes that never close, and `<` + letters that never reach `>`: each is text, scanned once.
    const quotes = `<a href="${'x'.repeat(100)} `.repeat(20_000);
    assert.ok(md(quotes, 10_000_000).length > 0);
    const lessThans = '<a'.repeat(500_000);
    assert.ok(md(lessThans, 10_000_000).startsWith('<a<a'), 'a lone `<` is kept as text');
    const lists = '<ul><li>'.repeat(30_000);
    assert.match(md(lists, 10_000_000), /^-\n {2}-\n {4}-\n/);
    const table = `<table>${'<tr><td>c'.repeat(100_000)}`;
    assert.match(md(table, 10_000_000), /^\| c \|/);
  });

  it('decodes character references and reads the title', () => {
    assert.equal(decodeEntities('&lt;a&gt; &amp;amp; &#65;&#x42; &bogus; &#xD800; &#1114112;'), '<a> &amp; AB &bogus; &#xD800; &#1114112;');
    assert.equal(decodeEntities('&valueOf; &toString; &AMP;'), '&valueOf; &toString; &', 'only the table’s own names');
    assert.equal(md('<p><constructor>a</constructor> <valueOf>b</valueOf> <hasOwnProperty>c</hasOwnProperty></p>'), 'a b c', 'any tag name is just a tag');
    assert.equal(htmlTitle('<head><title> Streams &amp; <b>Pipes</b>\n — Node.js </title></head>'), 'Streams & Pipes — Node.js');
    assert.equal(htmlTitle('<title></title>'), undefined);
    assert.equal(htmlTitle('<p>no title</p>'), undefined);
  });
});
