/**
 * `@folder/` mentions: the `@` list offers the folders holding the workspace's
 * files, and a mentioned folder reaches the model as its file list plus the
 * contents of the files that fit, read on a real temporary workspace under
 * the same rules as the agent's glob and grep (.gitignore, no `.git/`, no
 * symlinks followed, no second hard links, no binaries).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatUserMessage } from '../../agent-host/index';
import { rankMentionPaths, withFolders } from '../../extension/mentions/rankMentionPaths';
import { createMentionResolver } from '../../language-server/chat/mentionResolver';
import { FOLDER_CONTENT_CHARS, FOLDER_LISTED_FILES, readWorkspaceFolder } from '../../language-server/workspace/readWorkspaceFolder';
import { isFolderMention } from '../../protocol/chat';

describe('@folder/ mentions', () => {
  let base: string;
  let root: string;
  let outside: string;
  beforeEach(async () => {
    base = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'hearth-folder-mention-')));
    root = path.join(base, 'app');
    outside = path.join(base, 'outside');
    await fs.mkdir(root);
    await fs.mkdir(outside);
    await fs.writeFile(path.join(outside, 'secret.txt'), 'OUTSIDE SECRET\n');
  });
  afterEach(() => fs.rm(base, { recursive: true, force: true }));

  async function files(entries: Record<string, string | Buffer>): Promise<void> {
    for (const [p, content] of Object.entries(entries)) {
      await fs.mkdir(path.dirname(path.join(root, p)), { recursive: true });
      await fs.writeFile(path.join(root, p), content);
    }
  }
  const read = (mentioned: string, roots = [root]) => readWorkspaceFolder(roots, mentioned, AbortSignal.timeout(10_000));

  it('lists the folder’s files with their sizes and gives the contents of each, with paths the tools accept', async () => {
    await files({ 'src/parser/lexer.ts': 'export const lex = 1;\n', 'src/parser/sub/util.ts': 'export const util = 2;\n', 'src/other.ts': 'NOT IN THE FOLDER\n' });
    const text = await read('src/parser/');
    assert.match(text, /^src\/parser\/ holds 2 files; the contents of all of them follow the list\.\n\nlexer\.ts \(22 B\)\nsub\/util\.ts \(23 B\)\n/);
    assert.match(text, /\n=== src\/parser\/lexer\.ts ===\nexport const lex = 1;\n/);
    assert.match(text, /\n=== src\/parser\/sub\/util\.ts ===\nexport const util = 2;\n/);
    assert.doesNotMatch(text, /NOT IN THE FOLDER/);
  });

  it('never follows a symlink out of the folder, and names a hard-linked or binary file without reading it', async () => {
    await files({ 'lib/a.ts': 'A\n', 'lib/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1, 2]) });
    await fs.symlink(path.join(outside, 'secret.txt'), path.join(root, 'lib', 'link.txt'));
    await fs.symlink(outside, path.join(root, 'lib', 'linked-dir'));
    await fs.link(path.join(outside, 'secret.txt'), path.join(root, 'lib', 'hard.txt'));
    const text = await read('lib/');
    assert.doesNotMatch(text, /OUTSIDE SECRET/);
    assert.doesNotMatch(text, /link\.txt|linked-dir/, 'symlinks are left out, as glob and grep leave them out');
    assert.match(text, /^hard\.txt \(15 B, 2 hard links, so it may be a file outside the workspace; not included\)$/m);
    assert.match(text, /^logo\.png \(10 B, binary, not included\)$/m);
    assert.match(text, /holds 3 files; the contents of 1 follow the list\. The others are named only: read them with read_file if you need them\./);
  });

  it('leaves out .gitignored files and .git/, and refuses paths outside the workspace, including through a symlinked folder', async () => {
    await files({ '.gitignore': 'secrets/\n*.log\n', 'pkg/index.ts': 'index\n', 'pkg/debug.log': 'LOG LINE\n', 'secrets/key.txt': 'KEY\n', '.git/config': '[core]\n' });
    const text = await read('pkg/');
    assert.match(text, /holds 1 file;/);
    assert.doesNotMatch(text, /LOG LINE/);
    assert.match(await read('secrets/'), /^secrets\/ has no files \(symlinks, \.git\/ and what \.gitignore excludes are left out\)\./);
    assert.doesNotMatch(await read('.git/'), /\[core\]/);
    await assert.rejects(read('../outside/'), /refused, it is outside the workspace/);
    await fs.symlink(outside, path.join(root, 'out-link'));
    await assert.rejects(read('out-link/'), /refused, it is outside the workspace/);
    await assert.rejects(read('pkg/index.ts/'), /is a file, not a folder/);
    await assert.rejects(read('nope/'), /nope was not found in the workspace/);
  });

  it('reads whole files until the content budget is spent, names the rest, and caps the list', async () => {
    const big = 'x'.repeat(FOLDER_CONTENT_CHARS - 100) + '\n';
    await files({ 'data/a-small.ts': 'SMALL A\n', 'data/b-big.ts': big, 'data/c-too-big.ts': big, 'data/d-small.ts': 'SMALL D\n' });
    const text = await read('data/');
    assert.match(text, /^c-too-big\.ts \(31\.2 KB, not included: it does not fit in what is left of the attachment\)$/m);
    assert.match(text, /SMALL A/);
    assert.match(text, /SMALL D/, 'a small file after a skipped one still fits');
    assert.ok(text.length < FOLDER_CONTENT_CHARS + 2_000, `the attachment stays near its budget (${text.length} characters)`);

    const many: Record<string, string> = {};
    for (let i = 0; i < FOLDER_LISTED_FILES + 5; i++) many[`many/f${String(i).padStart(4, '0')}.txt`] = '';
    await files(many);
    const listed = await read('many/');
    assert.match(listed, new RegExp(`holds ${FOLDER_LISTED_FILES + 5} files`));
    assert.match(listed, /\n… and 5 more files\n/);
  });

  it('names files by their workspace folder in a multi-root workspace, and takes a root folder itself', async () => {
    const second = path.join(base, 'web');
    await fs.mkdir(path.join(second, 'ui'), { recursive: true });
    await fs.writeFile(path.join(second, 'ui', 'button.tsx'), 'export const Button = 1;\n');
    const text = await read('web/ui/', [root, second]);
    assert.match(text, /^web\/ui\/ holds 1 file;/);
    assert.match(text, /\n=== web\/ui\/button\.tsx ===\n/);
    assert.match(await read('web/', [root, second]), /^web\/ holds 1 file;[\s\S]*\nui\/button\.tsx \(25 B\)\n/);
  });

  it('goes to the folder reader for a path ending in /, says why when it fails, and reads files as before', async () => {
    const resolve = createMentionResolver({
      readFile: async (p) => `FILE ${p}`,
      readFolder: async (p) => {
        if (p === 'gone/') throw new Error('gone was not found in the workspace');
        return `FOLDER ${p}`;
      },
    });
    const out = await resolve([
      { kind: 'mention', path: 'src/' },
      { kind: 'mention', path: 'gone/' },
      { kind: 'mention', path: 'src/a.ts' },
    ]);
    assert.deepEqual(
      out.map((i) => i.text),
      ['FOLDER src/', '(Hearth could not read the folder gone/: gone was not found in the workspace)', 'FILE src/a.ts'],
    );
    assert.equal(isFolderMention('mcp:docs/guide/'), false, 'an MCP resource whose URI ends in / is not a folder');
    assert.match(formatUserMessage({ text: 'explain', context: [{ kind: 'mention', path: 'src/', text: 'src/ holds 1 file' }] }), /^Mentioned folder src\/ \(its files, then the contents of those that fit\):\n```\nsrc\/ holds 1 file\n```\n\nexplain$/);
  });

  it('offers each folder above the workspace’s files, before the files in it', () => {
    const paths = withFolders(['src/parser/lexer.ts', 'src/parser.ts', 'README.md', 'src/main.ts']);
    assert.deepEqual(paths, ['README.md', 'src/', 'src/main.ts', 'src/parser.ts', 'src/parser/', 'src/parser/lexer.ts']);
    assert.deepEqual(rankMentionPaths(paths, 'pars', 10), ['src/parser/', 'src/parser.ts', 'src/parser/lexer.ts']);
    assert.deepEqual(rankMentionPaths(paths, 'src/p', 2), ['src/parser/', 'src/parser.ts']);
    assert.deepEqual(rankMentionPaths(paths, '', 3), ['README.md', 'src/', 'src/main.ts']);
  });
});
