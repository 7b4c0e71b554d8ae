import * as assert from 'node:assert/strict';
import { isSuggestionComplete, postProcessCompletion, type SuggestionContext } from '../../language-server/completion/postProcessCompletion';

/** A context from a document with `|` marking the cursor. */
function at(doc: string, options: Partial<SuggestionContext> = {}): SuggestionContext {
  const cursor = doc.indexOf('|');
  const prefix = doc.slice(0, cursor);
  const suffix = doc.slice(cursor + 1);
  const restOfLine = suffix.split('\n', 1)[0];
  return { prefix, suffix, multiline: restOfLine.trim() === '', maxLines: 8, languageId: 'typescript', ...options };
}

describe('suggestion post-processing', () => {
  it('removes text the line already has after the cursor', () => {
    assert.equal(postProcessCompletion('a, b)', at('const m = Math.max(|)')), 'a, b');
    assert.equal(postProcessCompletion('x > 0) {', at('if (|) {')), 'x > 0');
    assert.equal(postProcessCompletion("'hello';", at("const s = |';")), "'hello");
  });

  it('never suggests a character the user cannot see that the code around does not already use', () => {
    // Trojan Source repeated from a hostile file: displayed, the check seems to end at the comment.
    assert.equal(postProcessCompletion('access !== "user\u202e \u2066// admin\u2069 \u2066") {', at('if (|\n', { multiline: false })), 'access !== "user');
    assert.equal(postProcessCompletion('rm\u200b -rf build', at('// then: |\n', { multiline: false })), 'rm');
    assert.equal(postProcessCompletion('\u00a0x = 1;', at('let|\n', { multiline: false })), undefined, 'nothing is left to show');
    // A file that already has right-to-left marks in its strings keeps getting them.
    const rtl = 'const a = "\u05e9\u05dc\u05d5\u05dd\u200f";\nconst b = |\n';
    assert.equal(postProcessCompletion('"\u05e2\u05d5\u05dc\u05dd\u200f";', at(rtl, { multiline: false })), '"\u05e2\u05d5\u05dc\u05dd\u200f";');
  });

  it('keeps a closing bracket the suggestion opened itself', () => {
    assert.equal(postProcessCompletion('bar(x)', at('foo(|)')), 'bar(x)');
    assert.equal(postProcessCompletion('bar(x))', at('foo(|)')), 'bar(x)');
  });

  it('balances brackets: cuts at a closer that matches nothing open', () => {
    assert.equal(postProcessCompletion('value]', at('call(|\n', { multiline: false })), 'value');
    assert.equal(postProcessCompletion('a + b) * 2', at('const x = (|\n', { multiline: false })), 'a + b) * 2');
    assert.equal(postProcessCompletion('")"', at('log(|\n', { multiline: false })), '")"', 'brackets inside strings do not count');
  });

  it('suggests one line when the cursor has code after it', () => {
    assert.equal(postProcessCompletion('width * height;\nconsole.log(1);', at('return |;', { multiline: false })), 'width * height');
  });

  it('stops a multi-line suggestion at the end of the block the cursor is in', () => {
    const doc = 'function f() {\n  |\n}\n';
    assert.equal(postProcessCompletion('const a = 1;\n  return a;\n}\n\nfunction g() {}', at(doc)), 'const a = 1;\n  return a;');
  });

  it('ends a block the suggestion opened after its closing line', () => {
    const doc = 'class A {\n  run() {|\n}\n';
    const raw = '\n    this.go();\n  }\n\n  stop() {\n    this.halt();\n  }';
    assert.equal(postProcessCompletion(raw, at(doc)), '\n    this.go();\n  }');
  });

  it('ends a Python block before the next definition', () => {
    const doc = 'def add(a, b):|\n';
    const raw = '\n    return a + b\n\ndef sub(a, b):\n    return a - b\n';
    assert.equal(postProcessCompletion(raw, at(doc, { languageId: 'python' })), '\n    return a + b');
  });

  it('drops lines that duplicate the code after the cursor', () => {
    const doc = 'if (ok) {\n  |\n  done();\n}\n';
    assert.equal(postProcessCompletion('prepare();\n  done();\n}', at(doc)), 'prepare();');
  });

  it('limits a suggestion to maxLines', () => {
    const doc = 'function f() {\n  |\n}';
    const raw = Array.from({ length: 10 }, (_, i) => `${i === 0 ? '' : '  '}step${i}();`).join('\n');
    assert.equal(postProcessCompletion(raw, at(doc, { maxLines: 3 })), 'step0();\n  step1();\n  step2();');
  });

  it('drops whitespace-only output', () => {
    assert.equal(postProcessCompletion('   \n\n  ', at('function f() {\n  |\n}')), undefined);
    assert.equal(postProcessCompletion('', at('x = |')), undefined);
  });

  it('drops output that repeats the line just typed', () => {
    const doc = "import { readFile } from 'node:fs';\n|\n";
    assert.equal(postProcessCompletion("import { readFile } from 'node:fs';", at(doc)), undefined);
  });

  it('cuts a line the model repeats in a loop', () => {
    const doc = 'function f() {\n  |\n}';
    assert.equal(postProcessCompletion('log();\n  tick();\n  tick();\n  tick();\n  tick();', at(doc)), 'log();\n  tick();');
  });

  it('cuts at a fill-in-the-middle sentinel the model leaked', () => {
    assert.equal(postProcessCompletion('width * height;<|endoftext|><|fim_prefix|>junk', at('return |\n', { multiline: false })), 'width * height;');
    assert.equal(postProcessCompletion('a + b <EOT>', at('return |\n', { multiline: false })), 'a + b');
  });

  it('knows when a streaming suggestion is complete, so the rest of the generation can be cancelled', () => {
    const single = at('return |;', { multiline: false });
    assert.equal(isSuggestionComplete('width * hei', single), false);
    assert.equal(isSuggestionComplete('width * height\n', single), true);
    const block = at('function f() {\n  |\n}\n');
    assert.equal(isSuggestionComplete('const a = 1;\n  return a;', block), false);
    assert.equal(isSuggestionComplete('const a = 1;\n  return a;\n}\n', block), true);
  });
});
