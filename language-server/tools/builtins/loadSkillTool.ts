import { stringArg } from '../toolArguments';
import type { ToolContext, ToolOutcome } from '../toolContext';
import { ToolError } from '../toolError';

/**
 * load_skill: hands the model one Agent Skill's instructions (or a file of
 * its folder) when a task matches the skill's description, so only the
 * names and descriptions sit in every prompt. It reads only the skill
 * folders the turn listed; what a skill says is text for the model and
 * changes no tool, mode or approval.
 */
export async function loadSkillTool(ctx: ToolContext, args: Record<string, unknown>): Promise<ToolOutcome> {
  const skills = ctx.skills;
  if (!skills || skills.names().length === 0) throw new ToolError('There are no skills to load. Carry on without one.', 'unavailable');
  const name = stringArg(args, 'name').trim();
  if (!skills.names().includes(name)) throw new ToolError(`There is no skill named ${JSON.stringify(name.slice(0, 100))}. The skills are: ${skills.names().join(', ')}.`, 'not found');
  const file = typeof args.file === 'string' && args.file.trim() !== '' ? args.file.trim() : undefined;
  try {
    if (file === undefined) return { content: await skills.load(name), summary: `skill ${name}` };
    return { content: await skills.readFile(name, file), summary: `${name}/${file}` };
  } catch (err) {
    throw new ToolError(err instanceof Error ? err.message : String(err), file === undefined ? 'not loaded' : 'not read');
  }
}
