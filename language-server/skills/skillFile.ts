/**
 * An Agent Skill's `SKILL.md` (the open Agent Skills format Copilot, Claude
 * Code, Codex and others read): front matter with a `name` (lowercase
 * letters, digits and single hyphens, at most 64 characters, the skill's
 * folder name) and a `description` of what the skill does and when to use
 * it (at most 1,024 characters), then the instructions. Other keys
 * (`license`, `metadata`, `allowed-tools`, …) are read by nobody: a skill is
 * text for the model and never grants a tool or an approval.
 */
import { scalarField, splitFrontMatter } from '../agents/frontMatter';

/** A SKILL.md larger than this is not loaded. */
export const MAX_SKILL_FILE_BYTES = 64 * 1024;
const MAX_DESCRIPTION_CHARS = 1024;
/** The Agent Skills name rule. */
export const SKILL_NAME = /^(?=.{1,64}$)[a-z0-9]+(-[a-z0-9]+)*$/;

export interface ParsedSkill {
  name: string;
  description: string;
  instructions: string;
}

/** The skill in `text`, found in folder `folderName`; or why it is not loaded. */
export function parseSkillFile(text: string, folderName: string): ParsedSkill | { problem: string } {
  const { fields, body } = splitFrontMatter(text);
  const name = scalarField(fields, 'name') ?? folderName;
  if (!SKILL_NAME.test(name)) return { problem: `its name "${name.slice(0, 80)}" is not lowercase letters, digits and single hyphens (at most 64)` };
  if (name !== folderName) return { problem: `its name "${name}" is not its folder's name "${folderName}"` };
  const description = scalarField(fields, 'description');
  // The model chooses a skill by its description alone: one without says nothing about when to use it.
  if (!description) return { problem: 'it has no description' };
  if (body === '') return { problem: 'it has no instructions after the front matter' };
  return { name, description: description.slice(0, MAX_DESCRIPTION_CHARS), instructions: body };
}
