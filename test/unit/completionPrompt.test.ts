import * as assert from 'node:assert/strict';
import { allowsMultiline, buildCompletionPrompt, promptBudgetChars } from '../../language-server/completion/buildCompletionPrompt';
import { cleanCommitMessage, commitUserMessage, extractCode, matchIndentation, MAX_DIFF_CHARS } from '../../language-server/completion/editPrompts';

function bigFile(lines: number): string {
  return Array.from({ length: lines }, (_, i) => `const value${i} = compute(${i}); // line ${i}`).join('\n') + '\n';
}

describe('completion prompt', () => {
  it('puts the path and language header first, as comments of the language', () => {
    const text = 'def add(a, b):\n    return \n';
    const prompt = buildCompletionPrompt({ text, offset: text.indexOf('return ') + 7, path: 'pkg/math.py', languageId: 'python', snippets: [], contextLength: 8192, maxTokens: 64 });
    assert.equal(prompt.prefix, '# Path: pkg/math.py\n# Language: python\ndef add(a, b):\n    return ');
    assert.equal(prompt.suffix, '\n');
  });

  it('adds snippets of other files of the language before the header', () => {
    const text = 'export const b = ';
    const prompt = buildCompletionPrompt({
      text,
      offset: text.length,
      path: 'src/b.ts',
      languageId: 'typescript',
      snippets: [{ path: 'src/a.ts', text: 'export function helper(): number {\n  return 1;\n}\n' }],
      contextLength: 8192,
      maxTokens: 64,
    });
    assert.equal(
      prompt.prefix,
      '// Compare this snippet from src/a.ts:\n// export function helper(): number {\n//   return 1;\n// }\n// Path: src/b.ts\n// Language: typescript\nexport const b = ',
    );
  });

  it('adds no header in languages without comments, where it would be copied into suggestions', () => {
    const text = '{"name": ';
    const prompt = buildCompletionPrompt({ text, offset: text.length, path: 'package.json', languageId: 'json', snippets: [{ path: 'x.json', text: '{}' }], contextLength: 8192, maxTokens: 64 });
    assert.equal(prompt.prefix, text);
  });

  it('sizes the windows to the model’s context, cutting on line boundaries', () => {
    const text = bigFile(2000);
    const offset = Math.floor(text.length / 2);
    const small = buildCompletionPrompt({ text, offset, path: 'a.ts', languageId: 'typescript', snippets: [], contextLength: 1024, maxTokens: 64 });
    const large = buildCompletionPrompt({ text, offset, path: 'a.ts', languageId: 'typescript', snippets: [], contextLength: 32768, maxTokens: 64 });
    assert.ok(small.prefix.length + small.suffix.length <= promptBudgetChars(1024, 64));
    assert.ok(large.prefix.length + large.suffix.length <= promptBudgetChars(32768, 64));
    assert.ok(large.documentPrefix.length > small.documentPrefix.length * 2, 'a bigger context gets a bigger window');
    assert.ok(text.slice(0, offset).endsWith(large.documentPrefix));
    assert.equal(text[offset - large.documentPrefix.length - 1], '\n', 'the prefix window starts at a line start');
    assert.ok(large.suffix.endsWith('\n'), 'the suffix window ends at a line end');
  });

  it('keeps the prompt’s beginning stable while the user types, so Ollama can reuse its prompt cache', () => {
    let text = bigFile(2000);
    const base = Math.floor(text.length / 2);
    const starts = new Set<string>();
    for (let i = 0; i < 40; i++) {
      text = text.slice(0, base + i) + 'x' + text.slice(base + i);
      const p = buildCompletionPrompt({ text, offset: base + i + 1, path: 'a.ts', languageId: 'typescript', snippets: [], contextLength: 8192, maxTokens: 64 });
      starts.add(p.documentPrefix.slice(0, 80));
    }
    assert.ok(starts.size <= 2, `the window start moved ${starts.size - 1} times in 40 keystrokes`);
  });

  it('allows multi-line suggestions only on an empty line or after a block opener', () => {
    const check = (doc: string) => allowsMultiline(doc.replace('|', ''), doc.indexOf('|'));
    assert.equal(check('function f() {|\n}'), true);
    assert.equal(check('  |\n'), true);
    assert.equal(check('def f():|\n'), true);
    assert.equal(check('const x = foo|\n'), false);
    assert.equal(check('call(|)\n'), false);
  });
});

describe('editor action prompts', () => {
  it('takes the code from the first fenced block of the answer', () => {
    assert.equal(extractCode('Sure!\n```ts\nreturn a;\n```\nThat fixes it.'), 'return a;\n');
    assert.equal(extractCode('return a;'), 'return a;\n');
  });

  it('takes a block the model opened and never closed as running to the end, without its fence line or the sentence before it', () => {
    assert.equal(extractCode('Here it is:\n```ts\n  area(w: number, h: number) {\n    return w * h;\n  }\n'), '  area(w: number, h: number) {\n    return w * h;\n  }\n');
    assert.equal(extractCode('~~~python\nreturn a\n\n'), 'return a\n');
  });

  it('puts dedented code back at the original indentation', () => {
    assert.equal(matchIndentation('if (x) {\n  y();\n}\n', '    if (x) {\n      z();\n    }\n'), '    if (x) {\n      y();\n    }\n');
    assert.equal(matchIndentation('a();\n', 'b();'), 'a();');
  });

  it('cuts a long diff and names the files it left out', () => {
    const file = (name: string) => `diff --git a/${name} b/${name}\n${'+line\n'.repeat(1500)}`;
    const message = commitUserMessage(file('one.ts') + file('two.ts') + file('three.ts'));
    assert.ok(message.length < MAX_DIFF_CHARS + 500);
    assert.match(message, /it also changes: two\.ts, three\.ts/);
  });

  it('strips fences, labels and quotes from a commit message', () => {
    assert.equal(cleanCommitMessage('```\nFix bug\n```'), 'Fix bug');
    assert.equal(cleanCommitMessage('Commit message: "Add tests"'), 'Add tests');
  });
});
