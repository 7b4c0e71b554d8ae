/**
 * Agent Skills: SKILL.md folders found where Copilot, Claude Code and Codex
 * keep them, the user's before the repository's, with the Agent Skills name
 * rules; a repository's skill that leads out of the workspace, a file
 * outside a skill's folder and an untrusted workspace's skills are never
 * read.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SkillCatalog } from '../../language-server/skills/skillCatalog';
import { parseSkillFile } from '../../language-server/skills/skillFile';
import { skillForModel, skillsSection } from '../../language-server/skills/skillText';
import { skillText as skill, writeSkill } from '../fixtures/skillFolders';

describe('Agent Skills', () => {
  let home: string;
  let workspace: string;
  let outside: string;
  let trusted: boolean;
  const logs: string[] = [];
  const catalog = () => new SkillCatalog({ home, roots: () => [workspace], workspaceTrusted: () => trusted, log: (m) => logs.push(m) });

  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-skills-home-'));
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-skills-ws-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-skills-out-'));
    trusted = true;
    logs.length = 0;
  });
  afterEach(() => {
    for (const dir of [home, workspace, outside]) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads a SKILL.md by the Agent Skills rules, and says why one is not loaded', () => {
    assert.deepEqual(parseSkillFile(skill('release-notes', 'Writes release notes from the git log.', '# Steps\n1. Read the log.'), 'release-notes'), {
      name: 'release-notes',
      description: 'Writes release notes from the git log.',
      instructions: '# Steps\n1. Read the log.',
    });
    assert.equal((parseSkillFile('Just instructions.', 'pdf') as { problem: string }).problem, 'it has no description');
    assert.match((parseSkillFile(skill('PDF_Tools', 'x'), 'PDF_Tools') as { problem: string }).problem, /not lowercase letters, digits and single hyphens/);
    assert.match((parseSkillFile(skill('pdf', 'x'), 'other') as { problem: string }).problem, /not its folder's name "other"/);
    assert.equal((parseSkillFile('---\ndescription: d\n---\n', 'pdf') as { problem: string }).problem, 'it has no instructions after the front matter');
  });

  it('finds skills in Hearth’s, Copilot’s, Claude’s and Codex’s folders; the user’s name wins over the repository’s', async () => {
    writeSkill(home, ['.claude', 'skills'], 'release-notes', skill('release-notes', 'The user’s release notes.'));
    writeSkill(home, ['.agents', 'skills'], 'deploy', skill('deploy', 'Deploys to staging.'));
    writeSkill(workspace, ['.github', 'skills'], 'release-notes', skill('release-notes', 'The repository’s release notes.'));
    writeSkill(workspace, ['.github', 'skills'], 'db-migration', skill('db-migration', 'Writes a database migration.'));
    writeSkill(workspace, ['.hearth', 'skills'], 'broken', 'no front matter at all');
    const skills = await catalog().list();
    assert.deepEqual(
      skills.map((s) => [s.name, s.source, s.shown, s.description]),
      [
        ['release-notes', 'user', '~/.claude/skills/release-notes/SKILL.md', 'The user’s release notes.'],
        ['deploy', 'user', '~/.agents/skills/deploy/SKILL.md', 'Deploys to staging.'],
        ['db-migration', 'workspace', '.github/skills/db-migration/SKILL.md', 'Writes a database migration.'],
      ],
    );
    assert.ok(logs.some((l) => /\.github\/skills\/release-notes\/SKILL\.md is ignored: the skill "release-notes" is already ~\/\.claude/.test(l)));
    assert.ok(logs.some((l) => /\.hearth\/skills\/broken\/SKILL\.md is ignored: it has no description/.test(l)));
    const section = skillsSection(skills)!;
    assert.match(section.text, /^- db-migration: Writes a database migration\. \(from this repository\)$/m);
    assert.match(section.title, /load it with load_skill first/);
  });

  it('offers the first 50 skills and reads no folder past them, saying how many it left unread', async () => {
    writeSkill(home, ['.claude', 'skills'], 'deploy', skill('deploy', 'The user’s deploy.'));
    for (let i = 0; i < 60; i++) writeSkill(workspace, ['.github', 'skills'], `skill-${String(i).padStart(2, '0')}`, skill(`skill-${String(i).padStart(2, '0')}`, `Skill ${i}.`));
    writeSkill(workspace, ['.github', 'skills'], 'deploy', skill('deploy', 'The repository’s deploy.'));
    // Past the 50th skill: a broken one here is never read, so it is never reported as broken.
    writeSkill(workspace, ['.github', 'skills'], 'zz-broken', 'no front matter at all');
    const skills = await catalog().list();
    assert.equal(skills.length, 50);
    assert.deepEqual(skills.slice(0, 2).map((s) => s.name), ['deploy', 'skill-00']);
    assert.equal(skills.at(-1)!.name, 'skill-48');
    assert.ok(logs.some((l) => /\.github\/skills\/deploy\/SKILL\.md is ignored: the skill "deploy" is already ~\/\.claude/.test(l)), logs.join('\n'));
    assert.ok(logs.some((l) => l === 'Only the first 50 skills are offered; 12 more skill folders were not read (.github/skills/skill-49, .github/skills/skill-50, .github/skills/skill-51, …).'), logs.join('\n'));
    assert.ok(!logs.some((l) => /zz-broken/.test(l) && /no description/.test(l)), 'a folder past the cap is not read');
  });

  it('reads no repository skills in an untrusted workspace, and none that lead out of the workspace', async () => {
    writeSkill(workspace, ['.claude', 'skills'], 'lint', skill('lint', 'Lints.'));
    trusted = false;
    assert.deepEqual(await catalog().list(), []);
    trusted = true;
    const elsewhere = writeSkill(outside, [], 'exfil', skill('exfil', 'Looks harmless.'));
    fs.mkdirSync(path.join(workspace, '.agents', 'skills'), { recursive: true });
    fs.symlinkSync(elsewhere, path.join(workspace, '.agents', 'skills', 'exfil'));
    const linked = writeSkill(workspace, ['.github', 'skills'], 'linked', skill('linked', 'Hard-linked elsewhere.'));
    fs.linkSync(path.join(linked, 'SKILL.md'), path.join(outside, 'SKILL-copy.md'));
    // A SKILL.md that is a FIFO would hang a plain read (and with it every agent turn) until something wrote to it.
    fs.mkdirSync(path.join(workspace, '.hearth', 'skills', 'stuck'), { recursive: true });
    execFileSync('mkfifo', [path.join(workspace, '.hearth', 'skills', 'stuck', 'SKILL.md')]);
    assert.deepEqual((await catalog().list()).map((s) => s.name), ['lint']);
    assert.ok(logs.some((l) => /stuck\/SKILL\.md is ignored: its SKILL\.md is not a file/.test(l)), logs.join('\n'));
    assert.ok(logs.some((l) => /exfil\/SKILL\.md is ignored: it is a link to something outside the workspace folder/.test(l)));
    assert.ok(logs.some((l) => /linked\/SKILL\.md is ignored: its SKILL\.md has several hard links/.test(l)));
  });

  it('lists a skill’s files and reads them, never outside its folder', async () => {
    const dir = writeSkill(workspace, ['.github', 'skills'], 'release-notes', skill('release-notes', 'Release notes.'), { 'references/template.md': '## Added\n', 'scripts/collect.sh': 'git log\n' });
    fs.writeFileSync(path.join(workspace, 'secret.txt'), 'TOKEN');
    fs.symlinkSync(path.join(workspace, 'secret.txt'), path.join(dir, 'references', 'leak.md'));
    fs.linkSync(path.join(workspace, 'secret.txt'), path.join(dir, 'references', 'hard.md'));
    // A FIFO would hang a plain read until something writes to it; the read is refused at once instead.
    execFileSync('mkfifo', [path.join(dir, 'references', 'pipe')]);
    fs.writeFileSync(path.join(dir, 'references', 'big.md'), 'x'.repeat(64 * 1024 + 1));
    fs.writeFileSync(path.join(dir, 'references', 'blob.bin'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]));
    const c = catalog();
    const [found] = await c.list();
    const files = await c.files(found);
    assert.deepEqual(files, ['references/big.md', 'references/blob.bin', 'references/hard.md', 'references/template.md', 'scripts/collect.sh'], 'links and FIFOs are not listed');
    assert.match(skillForModel(found, files), /^Skill "release-notes" \(\.github\/skills\/release-notes\/SKILL\.md; from this repository: its author’s text, not the user’s instructions\)\. Its folder: /);
    assert.equal(await c.readFile(found, 'references/template.md'), '## Added\n');
    for (const [file, why] of [
      ['../../secret.txt', /not a path inside the skill's folder/],
      [path.join(workspace, 'secret.txt'), /not a path inside the skill's folder/],
      ['references/leak.md', /leads outside the skill's folder/],
      ['references/hard.md', /several hard links/],
      ['references/missing.md', /has no file/],
      ['references/pipe', /is not a file/],
      ['references/big.md', /is larger than 64 KiB/],
      ['references/blob.bin', /is a binary file/],
    ] as const) {
      await assert.rejects(c.readFile(found, file), why, file);
    }
  });
});
