/**
 * The Agent Skills the agent may load: folders with a `SKILL.md`, where
 * people already keep them for other assistants, read with the same rules as
 * agent files (agents/agentCatalog.ts):
 *
 *   user (every workspace)      ~/.hearth/skills, ~/.copilot/skills, ~/.claude/skills, ~/.agents/skills
 *   workspace (trusted only)    per folder: .hearth/skills, .github/skills, .claude/skills, .agents/skills
 *
 * A name is taken by the first skill that has it, in that order, so a
 * repository cannot replace one of the user's skills by shipping one with the
 * same name. A repository's skill folder or file that links out of the
 * workspace folder is skipped, as is a SKILL.md larger than 64 KiB. Only the
 * names and descriptions go into the prompt; the model loads a skill's
 * instructions (and the files beside them) when a task calls for it.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { MAX_SKILL_FILE_BYTES, parseSkillFile, SKILL_NAME } from './skillFile';
import { listPinned, openPinnedDir, openPinnedSubdir, type PinnedDir } from '../tools';
import { isInsideOrSame } from '../workspace/pathInside';
import { readCheckedText } from '../workspace/readCheckedText';

/** At most this many skills are offered (the list goes into every agent turn's prompt). */
export const MAX_SKILLS = 50;
/** A file of a skill's folder larger than this is not read for the model. */
export const MAX_SKILL_RESOURCE_BYTES = 64 * 1024;
/** The files of a skill's folder listed for the model, at most (below the folder, three levels deep). */
const MAX_LISTED_FILES = 50;

export const USER_SKILL_FOLDERS: readonly string[][] = [
  ['.hearth', 'skills'],
  ['.copilot', 'skills'],
  ['.claude', 'skills'],
  ['.agents', 'skills'],
];
export const WORKSPACE_SKILL_FOLDERS: readonly string[][] = [
  ['.hearth', 'skills'],
  ['.github', 'skills'],
  ['.claude', 'skills'],
  ['.agents', 'skills'],
];

export interface Skill {
  name: string;
  description: string;
  instructions: string;
  source: 'user' | 'workspace';
  /** The skill's folder (its real path). */
  dir: string;
  /** Its SKILL.md as the user knows it: `~/.claude/skills/x/SKILL.md`, or workspace-relative. */
  shown: string;
}

export interface SkillCatalogDeps {
  home: string;
  roots(): readonly string[];
  workspaceTrusted(): boolean;
  log(message: string): void;
}


export class SkillCatalog {
  private listed: Skill[] = [];

  constructor(private readonly deps: SkillCatalogDeps) {}

  /** The skills found by the last `list()`: what the current turn offers. */
  get current(): readonly Skill[] {
    return this.listed;
  }

  /** Reads the skill folders again (a few small files), so a new or edited skill applies to the next turn. */
  async list(): Promise<Skill[]> {
    const byName = new Map<string, Skill>();
    const left: string[] = [];
    for (const folder of USER_SKILL_FOLDERS) await this.readFolder(this.deps.home, folder, 'user', byName, left);
    if (this.deps.workspaceTrusted()) {
      for (const root of this.deps.roots()) for (const folder of WORKSPACE_SKILL_FOLDERS) await this.readFolder(root, folder, 'workspace', byName, left);
    }
    if (left.length > 0) this.deps.log(`Only the first ${MAX_SKILLS} skills are offered; ${left.length} more skill folders were not read (${left.slice(0, 3).join(', ')}${left.length > 3 ? ', …' : ''}).`);
    this.listed = [...byName.values()];
    return this.listed;
  }

  /** Offers no skills (the user turned them off): the turn lists none and load_skill is not offered. */
  clear(): Skill[] {
    this.listed = [];
    return this.listed;
  }

  find(name: string): Skill | undefined {
    return this.listed.find((s) => s.name === name);
  }

  /**
   * The files beside a skill's SKILL.md, relative to its folder, that the
   * model may read. Each folder is opened pinned and listed through what was
   * opened, so a subfolder swapped for a link to a folder outside after its
   * parent was listed is skipped, never listed.
   */
  async files(skill: Skill): Promise<string[]> {
    const out: string[] = [];
    const walk = async (dir: PinnedDir, relative: string, depth: number): Promise<void> => {
      const entries = await listPinned(dir, skill.shown).catch(() => []);
      for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
        if (out.length >= MAX_LISTED_FILES) return;
        const name = relative === '' ? entry.name : `${relative}/${entry.name}`;
        if (entry.isDirectory() && depth < 3 && !entry.name.startsWith('.')) {
          const sub = await openPinnedSubdir(dir, entry.name, name).catch(() => undefined);
          if (!sub) continue;
          try {
            await walk(sub, name, depth + 1);
          } finally {
            await sub.close();
          }
        } else if (entry.isFile() && !(depth === 0 && entry.name === 'SKILL.md')) out.push(name);
      }
    };
    const root = await openPinnedDir(skill.dir, skill.shown).catch(() => undefined);
    if (!root) return out;
    try {
      await walk(root, '', 0);
    } finally {
      await root.close();
    }
    return out;
  }

  /**
   * A text file of the skill's folder, named relative to it. Throws with a
   * sentence for the model when the file is outside the folder (also
   * through a link), too large, binary, or (for a repository's skill) has a
   * second hard link.
   */
  async readFile(skill: Skill, relative: string): Promise<string> {
    if (path.isAbsolute(relative) || relative.split(/[\\/]/).includes('..')) throw new Error(`"${relative}" is not a path inside the skill's folder.`);
    let real: string;
    try {
      real = await fs.realpath(path.join(skill.dir, relative));
    } catch {
      throw new Error(`The skill "${skill.name}" has no file "${relative}".`);
    }
    if (!isInsideOrSame(skill.dir, real)) throw new Error(`"${relative}" leads outside the skill's folder; it is not read.`);
    const read = await readCheckedText(real, { maxBytes: MAX_SKILL_RESOURCE_BYTES, oneLink: skill.source === 'workspace' });
    if (typeof read !== 'string') throw new Error(`"${relative}" ${read.problem}; it is not read.`);
    return read;
  }

  /**
   * Adds to `byName` the skills in one folder under `base`: each subfolder
   * with a SKILL.md. The user's folders may be links (dotfiles kept
   * elsewhere); a repository's skill may not lead out of the repository. A
   * skill's name is its folder's, so a name already taken is passed over
   * unread, and once MAX_SKILLS are found the remaining folders are only
   * counted in `left`: this runs before every agent turn, and a repository
   * with thousands of skill folders would otherwise have every one read
   * each time.
   */
  private async readFolder(base: string, folder: readonly string[], source: Skill['source'], byName: Map<string, Skill>, left: string[]): Promise<void> {
    const parent = path.join(base, ...folder);
    let names: string[];
    let realRoot: string | undefined;
    try {
      names = (await fs.readdir(parent)).filter((n) => SKILL_NAME.test(n)).sort();
      if (source === 'workspace') realRoot = await fs.realpath(base);
    } catch {
      return;
    }
    for (const name of names) {
      const shownDir = source === 'workspace' ? [...folder, name].join('/') : `~/${[...folder, name].join('/')}`;
      const shown = `${shownDir}/SKILL.md`;
      const existing = byName.get(name);
      if (existing) {
        this.deps.log(`Skill ${shown} is ignored: the skill "${name}" is already ${existing.shown}.`);
        continue;
      }
      if (byName.size >= MAX_SKILLS) {
        left.push(shownDir);
        continue;
      }
      try {
        const dir = await fs.realpath(path.join(parent, name));
        const file = await fs.realpath(path.join(dir, 'SKILL.md')).catch(() => undefined);
        if (!file) continue;
        if (realRoot && (!isInsideOrSame(realRoot, dir) || !isInsideOrSame(dir, file))) {
          this.deps.log(`Skill ${shown} is ignored: it is a link to something outside the workspace folder.`);
          continue;
        }
        const read = await readCheckedText(file, { maxBytes: MAX_SKILL_FILE_BYTES, oneLink: source === 'workspace' });
        if (typeof read !== 'string') {
          this.deps.log(`Skill ${shown} is ignored: its SKILL.md ${read.problem}.`);
          continue;
        }
        const parsed = parseSkillFile(read, name);
        if ('problem' in parsed) {
          this.deps.log(`Skill ${shown} is ignored: ${parsed.problem}.`);
          continue;
        }
        byName.set(name, { ...parsed, source, dir, shown });
      } catch (err) {
        this.deps.log(`Skill ${shown} could not be read: ${err instanceof Error ? err.message : String(err)}.`);
      }
    }
  }
}
