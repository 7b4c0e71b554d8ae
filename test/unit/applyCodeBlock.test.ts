/**
 * "Apply" on a chat code block: which file a block names (and that a path
 * from model output cannot leave the workspace), the purpose-built merge
 * prompt, and the deterministic merge of a whole declaration, checked
 * against every fixture in test/fixtures/apply.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { confinedRelativePath, isConfigurationPath, namedTarget, onlyTailMatch, pathFromFirstLine, pathFromInfo } from '../../extension/actions/codeBlockTarget';
import { APPLY_SYSTEM_PROMPT, applyUserMessage, finishMergedFile } from '../../language-server/completion/applyPrompts';
import { mergeWholeDeclaration } from '../../language-server/completion/mergeWholeDeclaration';
import { parseFromWebview } from '../../protocol/webviewMessages';

interface ApplyCase {
  name: string;
  languageId: string;
  file: string;
  snippet: string;
  expected: string;
  expectedVia: 'symbol' | 'model';
}

const FIXTURES = path.resolve('test/fixtures/apply');
const cases = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'cases.json'), 'utf8')) as ApplyCase[];
const read = (c: ApplyCase, file: string) => fs.readFileSync(path.join(FIXTURES, c.name, file), 'utf8');

describe('Apply: the file a code block names', () => {
  it('reads the path from the fence info string in the forms models write', () => {
    assert.equal(pathFromInfo('ts src/math.ts'), 'src/math.ts');
    assert.equal(pathFromInfo('typescript:src/math.ts'), 'src/math.ts');
    assert.equal(pathFromInfo('ts title="src/math.ts"'), 'src/math.ts');
    assert.equal(pathFromInfo('python filename=app/main.py'), 'app/main.py');
    assert.equal(pathFromInfo('src/math.ts'), 'src/math.ts', 'a path with no language word');
    assert.equal(pathFromInfo('Dockerfile'), 'Dockerfile');
  });

  it('does not mistake a language or a plain word for a file', () => {
    for (const info of ['', 'ts', 'typescript', 'c++', 'diff', 'shell session', 'js {1,3}']) assert.equal(pathFromInfo(info), undefined, info);
  });

  it('reads a first-line path comment in each comment style, and drops that label from the code to merge', () => {
    assert.equal(pathFromFirstLine('// src/math.ts\nexport const x = 1;'), 'src/math.ts');
    assert.equal(pathFromFirstLine('# File: app/main.py\nprint(1)'), 'app/main.py');
    assert.equal(pathFromFirstLine('/* lib/a.c */\nint x;'), 'lib/a.c');
    assert.equal(pathFromFirstLine('<!-- index.html -->\n<p>'), 'index.html');
    assert.equal(pathFromFirstLine('-- filepath: db/schema.sql\nSELECT 1;'), 'db/schema.sql');
    // Ordinary comments are code, not labels.
    assert.equal(pathFromFirstLine('// add the two numbers\nreturn a + b;'), undefined);
    assert.equal(pathFromFirstLine('// TODO: handle errors.\nx();'), undefined);
    assert.deepEqual(namedTarget('ts', '// src/math.ts\nexport const x = 1;\n'), { path: 'src/math.ts', code: 'export const x = 1;\n' });
    // The info string wins, and a label comment is still not merged into the file.
    assert.deepEqual(namedTarget('ts src/a.ts', '// src/b.ts\nx();\n'), { path: 'src/a.ts', code: 'x();\n' });
    assert.deepEqual(namedTarget('ts', 'x();\n'), { path: undefined, code: 'x();\n' });
  });

  it('keeps a path from model output inside the workspace', () => {
    assert.equal(confinedRelativePath('src/math.ts'), 'src/math.ts');
    assert.equal(confinedRelativePath('./src//math.ts'), 'src/math.ts');
    assert.equal(confinedRelativePath('src\\win\\a.ts'), 'src/win/a.ts');
    for (const hostile of ['../outside.ts', 'src/../../etc/passwd', '/etc/passwd', '~/.bashrc', 'C:/Windows/system.ini', 'C:\\x.ts', '..']) {
      assert.equal(confinedRelativePath(hostile), undefined, hostile);
    }
  });

  it('does not follow a block that names configuration (the user picks the file instead)', () => {
    for (const p of ['.vscode/settings.json', '.vscode/tasks.json', '.hearth/prompts/x.md', '.git/hooks/pre-commit', 'app.code-workspace', 'sub/.vscode/launch.json']) {
      assert.equal(isConfigurationPath(p), true, p);
    }
    for (const p of ['src/math.ts', 'vscode/notes.md', 'docs/.gitignore.md', 'src/git/log.ts']) assert.equal(isConfigurationPath(p), false, p);
  });

  it('does not reach configuration through a bare file name either (tasks.json is not .vscode/tasks.json)', () => {
    // The workspace-relative paths of the files whose path ends with the name the block gave.
    const tail = (...paths: string[]) => onlyTailMatch(paths, (p) => p);
    assert.equal(tail('.vscode/tasks.json'), undefined);
    assert.equal(tail('sub\\.vscode\\settings.json'), undefined);
    assert.equal(tail('.hearth/mcp.json'), undefined);
    assert.equal(tail('.vscode/settings.json', 'config/settings.json'), 'config/settings.json');
    assert.equal(tail('src/math.ts'), 'src/math.ts');
    assert.equal(tail('src/math.ts', 'test/math.ts'), undefined, 'two files: the user picks');
    assert.equal(tail(), undefined);
  });
});

describe('Apply: the merge prompt', () => {
  it('gives the model the whole file and the snippet, fenced so content cannot close the fence', () => {
    const original = 'Install:\n\n```sh\nnpm install\n```\n';
    const snippet = 'Test:\n\n```sh\nnpm test\n```\n';
    const text = applyUserMessage({ path: 'README.md', languageId: 'markdown', original, snippet });
    assert.match(text, /^File: README\.md \(markdown\)/);
    assert.ok(text.includes('````markdown\nInstall:\n\n```sh\nnpm install\n```\n````'), 'the file is fenced with a longer fence than its own');
    assert.ok(text.includes('````markdown\nTest:'), 'the snippet too');
    assert.ok(text.indexOf('Install:') < text.indexOf('Test:'), 'file first, then the snippet');
    assert.match(text, /complete new content of README\.md/);
  });

  it('asks for the whole merged file in one block, changing nothing else, and understands placeholders', () => {
    assert.match(APPLY_SYSTEM_PROMPT, /existing code/);
    assert.match(APPLY_SYSTEM_PROMPT, /keep everything else exactly/);
    assert.match(APPLY_SYSTEM_PROMPT, /exactly one fenced code block containing the complete merged file/);
  });

  it('keeps the original file’s final newline state whatever the model does', () => {
    assert.equal(finishMergedFile('a\nb\n\n\n', 'x\n'), 'a\nb\n');
    assert.equal(finishMergedFile('a\nb', 'x\n'), 'a\nb\n');
    assert.equal(finishMergedFile('a\nb\n', 'x'), 'a\nb');
  });
});

describe('Apply: the deterministic merge of a whole declaration', () => {
  it(`has at least 20 fixtures, of both kinds (${cases.length})`, () => {
    assert.ok(cases.length >= 20);
    assert.ok(cases.some((c) => c.expectedVia === 'symbol') && cases.some((c) => c.expectedVia === 'model'));
  });

  for (const c of cases) {
    it(`${c.name}: ${c.expectedVia === 'symbol' ? 'swaps in the declaration exactly as expected' : 'leaves the partial snippet to the model'}`, () => {
      const merged = mergeWholeDeclaration(read(c, c.file), read(c, c.snippet), c.languageId);
      if (c.expectedVia === 'symbol') assert.equal(merged, read(c, c.expected));
      else assert.equal(merged, undefined);
    });
  }

  it('never replaces a declaration of another kind that has the same name', () => {
    const original = 'class area {}\n\nfunction other() {\n  return 1;\n}\n';
    assert.equal(mergeWholeDeclaration(original, 'function area() {\n  return 2;\n}\n', 'typescript'), undefined);
  });

  it('leaves an ambiguous name to the model: two classes each with an area() method', () => {
    const original = fs.readFileSync(path.join(FIXTURES, 'ts-ambiguous-method', 'original.ts'), 'utf8');
    assert.equal(mergeWholeDeclaration(original, 'area(): number {\n  return 0;\n}\n', 'typescript'), undefined);
  });

  it('refuses a snippet with code after the declaration, or one that never closes', () => {
    const original = 'function a() {\n  return 1;\n}\n';
    assert.equal(mergeWholeDeclaration(original, 'function a() {\n  return 2;\n}\nconsole.log(a());\n', 'javascript'), undefined);
    assert.equal(mergeWholeDeclaration(original, 'function a() {\n  return 2;\n', 'javascript'), undefined);
  });
});

describe('Inline chat: the Ctrl+I binding', () => {
  it('binds Ctrl+I / Cmd+I in a writable editor only while Hearth owns it, and offers the choice as a setting', () => {
    const manifest = JSON.parse(fs.readFileSync(path.resolve('package.json'), 'utf8'));
    const binding = manifest.contributes.keybindings.find((k: { command: string }) => k.command === 'hearth.inlineChat');
    assert.deepEqual(binding, { command: 'hearth.inlineChat', key: 'ctrl+i', mac: 'cmd+i', when: 'editorTextFocus && !editorReadonly && hearth.inlineChat.ownsCtrlI' });
    // Settings are grouped in titled sections.
    const sections = manifest.contributes.configuration as { properties: Record<string, { enum?: string[]; default?: unknown }> }[];
    const setting = sections.find((s) => 'hearth.inlineChat.ctrlI' in s.properties)!.properties['hearth.inlineChat.ctrlI'];
    assert.deepEqual(setting.enum, ['auto', 'hearth', 'vscode']);
    assert.equal(setting.default, 'auto');
  });
});

describe('Apply: the webview message', () => {
  it('accepts apply with text, info and an optional model, and refuses anything else', () => {
    assert.equal(parseFromWebview({ type: 'apply', text: 'x', info: 'ts src/a.ts', model: 'm' }).ok, true);
    assert.equal(parseFromWebview({ type: 'apply', text: 'x', info: '' }).ok, true);
    assert.equal(parseFromWebview({ type: 'apply', text: 'x' }).ok, false, 'info is required');
    assert.equal(parseFromWebview({ type: 'apply', text: 1, info: '' }).ok, false);
    assert.equal(parseFromWebview({ type: 'apply', text: 'x', info: 'i'.repeat(2000) }).ok, false, 'an oversized info string is refused');
    assert.equal(parseFromWebview({ type: 'apply', text: 'x', info: '', model: 3 }).ok, false);
  });
});
