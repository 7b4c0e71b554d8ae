import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createMentionResolver, MENTION_READ_BYTES } from '../../language-server/chat/mentionResolver';
import { readWorkspaceFile } from '../../language-server/workspace/readWorkspaceFile';

describe('readWorkspaceFile: a mentioned file is read only as far as the mention attaches', () => {
  let root: string;
  beforeEach(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-read-mention-')));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reads at most the bytes asked for, however large the file is', async () => {
    fs.writeFileSync(path.join(root, 'big.log'), `${'a'.repeat(2_000_000)}TAIL`);
    const text = await readWorkspaceFile([root], 'big.log', 1000);
    assert.equal(text, 'a'.repeat(1000));
  });

  it('a mention of a huge file attaches its first 200,000 characters and says it was cut, also for four-byte characters', async () => {
    const resolve = createMentionResolver({ readFile: (rel) => readWorkspaceFile([root], rel, MENTION_READ_BYTES) });
    // 300,000 characters of four bytes each: 1.2 MB, more than MENTION_READ_BYTES, yet the cut still falls at 200,000 characters.
    fs.writeFileSync(path.join(root, 'emoji.txt'), '🔥'.repeat(300_000));
    fs.writeFileSync(path.join(root, 'ascii.txt'), `${'b'.repeat(5_000_000)}TAIL`);
    const [emoji, ascii] = await resolve([
      { kind: 'mention', path: 'emoji.txt' },
      { kind: 'mention', path: 'ascii.txt' },
    ]);
    // The cut counts UTF-16 code units, as JavaScript strings do: 200,000 of them are 100,000 of these emoji.
    for (const [item, expected] of [[emoji, '🔥'.repeat(100_000)], [ascii, 'b'.repeat(200_000)]] as const) {
      const text = item.text ?? '';
      const [body, note] = text.split('\n… ');
      assert.ok(body === expected, `attached ${body.length} code units, starting ${JSON.stringify(body.slice(0, 8))}`);
      assert.equal(note, '(truncated: the file is longer than 200000 characters)');
    }
  });

  it('a small file is attached whole', async () => {
    fs.writeFileSync(path.join(root, 'small.ts'), 'export const x = 1;\n');
    assert.equal(await readWorkspaceFile([root], 'small.ts', MENTION_READ_BYTES), 'export const x = 1;\n');
  });
});
