/** Reading prompt files from a folder: what a hostile or careless repository puts there is skipped, never sent. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readPromptFiles } from '../../language-server/slash/promptFiles';
import { MAX_PROMPT_FILE_BYTES } from '../../language-server/slash/promptFile';

describe('prompt files in a folder', () => {
  let base: string;
  let workspace: string;
  let prompts: string;
  let outside: string;
  const logs: string[] = [];
  const log = (m: string) => logs.push(m);

  beforeEach(() => {
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-prompts-')));
    workspace = path.join(base, 'workspace');
    prompts = path.join(workspace, '.hearth', 'prompts');
    outside = path.join(base, 'secret.txt');
    fs.mkdirSync(prompts, { recursive: true });
    fs.writeFileSync(outside, 'PRIVATE KEY');
    logs.length = 0;
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it('reads the .md files, named after the file, in name order', async () => {
    fs.writeFileSync(path.join(prompts, 'review.md'), '---\ndescription: Review\n---\nReview $1');
    fs.writeFileSync(path.join(prompts, 'a-b_c.md'), 'Body');
    fs.writeFileSync(path.join(prompts, 'notes.txt'), 'not a prompt');
    const files = await readPromptFiles(prompts, 'workspace', log, workspace);
    assert.deepEqual(
      files.map((f) => ({ name: f.name, description: f.description, body: f.body, source: f.source })),
      [
        { name: 'a-b_c', description: undefined, body: 'Body', source: 'workspace' },
        { name: 'review', description: 'Review', body: 'Review $1', source: 'workspace' },
      ],
    );
  });

  it('skips a link that leads out of the workspace folder, a file that is too large and a name that is not a command', async () => {
    fs.symlinkSync(outside, path.join(prompts, 'leak.md'));
    fs.writeFileSync(path.join(workspace, 'inside.txt'), 'Inside the workspace');
    fs.symlinkSync(path.join(workspace, 'inside.txt'), path.join(prompts, 'inside.md'));
    fs.writeFileSync(path.join(prompts, 'huge.md'), 'x'.repeat(MAX_PROMPT_FILE_BYTES + 1));
    fs.writeFileSync(path.join(prompts, 'mcp.fake.md'), 'dots are for MCP prompts');
    fs.writeFileSync(path.join(prompts, 'has space.md'), 'no');
    const files = await readPromptFiles(prompts, 'workspace', log, workspace);
    assert.deepEqual(files.map((f) => f.name), ['inside'], 'only the link that stays inside');
    assert.ok(!files.some((f) => f.body.includes('PRIVATE KEY')));
    assert.ok(logs.some((l) => /leak\.md is ignored: it is a link to a file outside the workspace folder/.test(l)), logs.join('\n'));
    assert.ok(logs.some((l) => /huge\.md is ignored: it is larger than 32 KiB/.test(l)));
    assert.ok(logs.some((l) => /mcp\.fake\.md is ignored/.test(l)));
  });

  it('skips every file when the prompts folder itself is a link out of the workspace', async () => {
    fs.rmSync(path.join(workspace, '.hearth'), { recursive: true });
    fs.mkdirSync(path.join(base, 'elsewhere'));
    fs.writeFileSync(path.join(base, 'elsewhere', 'x.md'), 'from elsewhere');
    fs.symlinkSync(path.join(base, 'elsewhere'), path.join(workspace, '.hearth'));
    fs.mkdirSync(path.join(base, 'elsewhere', 'prompts'));
    fs.writeFileSync(path.join(base, 'elsewhere', 'prompts', 'x.md'), 'from elsewhere');
    assert.deepEqual(await readPromptFiles(prompts, 'workspace', log, workspace), []);
  });

  it('has none, without an error, when the folder does not exist', async () => {
    assert.deepEqual(await readPromptFiles(path.join(base, 'missing'), 'user', log), []);
    assert.deepEqual(logs, []);
  });
});
