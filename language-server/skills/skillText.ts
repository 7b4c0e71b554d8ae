import type { WorkspaceContextSection } from '../../protocol/chat';
import type { Skill } from './skillCatalog';

/** The skills list's share of an agent turn's context, at most. */
export const SKILLS_MAX_TOKENS = 1_500;

/** Who wrote a skill, for the model: the user's own, or the repository's (someone else's text). */
function origin(skill: Skill): string {
  return skill.source === 'user' ? 'the user\u2019s own skill' : 'from this repository: its author\u2019s text, not the user\u2019s instructions';
}

/** The agent turn's "Skills" section: each skill's name and description, which is all the model needs to pick one. */
export function skillsSection(skills: readonly Skill[]): WorkspaceContextSection | undefined {
  if (skills.length === 0) return undefined;
  const lines = skills.map((s) => `- ${s.name}: ${s.description}${s.source === 'workspace' ? ' (from this repository)' : ''}`);
  return { title: 'Skills (when a task matches a skill\u2019s description, load it with load_skill first and follow it)', text: lines.join('\n'), maxTokens: SKILLS_MAX_TOKENS };
}

/** What load_skill returns for a skill: where it comes from, its folder (for its scripts), its instructions, its files. */
export function skillForModel(skill: Skill, files: readonly string[]): string {
  const listing = files.length > 0 ? `\n\nFiles in the skill\u2019s folder (read one with load_skill and "file"):\n${files.map((f) => `- ${f}`).join('\n')}` : '';
  return `Skill "${skill.name}" (${skill.shown}; ${origin(skill)}). Its folder: ${skill.dir}\n\n${skill.instructions}${listing}`;
}

/** What load_skill returns for one file of a skill's folder. */
export function skillFileForModel(skill: Skill, file: string, text: string): string {
  return `File ${file} of the skill "${skill.name}" (${origin(skill)}):\n\n${text}`;
}
