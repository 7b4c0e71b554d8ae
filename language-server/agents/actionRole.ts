/**
 * The editor actions that produce code run as their role: Fix and Refactor
 * as the coder, Add Documentation as the documenter, Write Tests as the
 * tester, and a review as the reviewer. The role decides the model (`hearth.agent.roleModels`, else the
 * user's agent file's model when the backend has it, else the chat's) and,
 * when the user replaced the role with an agent file of their own, adds
 * that file's instructions to the action's prompt. The actions have no
 * tools, so a role's tool list does not apply.
 */
import { agentPrompt, type Agent } from '../../agent-host';
import type { BuiltinRole } from '../../protocol/agents';
import type { EditKind, HearthSettings } from '../../protocol/lspMethods';
import type { AgentCatalog } from './agentCatalog';
import { agentModel } from './chooseAgent';

/** What an editor action does: one of the edits, or a review (Review Uncommitted Changes, Review Selection). */
export type ActionKind = EditKind | 'review';

export const ACTION_ROLES: Record<ActionKind, BuiltinRole> = { fix: 'coder', refactor: 'coder', document: 'documenter', tests: 'tester', review: 'reviewer' };

export interface ActionRole {
  role: BuiltinRole;
  model: string;
  /** The user's own instructions for the role, as a system-prompt section; undefined for Hearth's built-in role. */
  prompt?: string;
}

export async function actionRole(catalog: AgentCatalog, kind: ActionKind, settings: HearthSettings, backend: Agent, chatModel: string, signal: AbortSignal): Promise<ActionRole> {
  const role = ACTION_ROLES[kind];
  const agent = await catalog.get(role).catch(() => undefined);
  if (!agent) return { role, model: settings.agent?.roleModels?.[role] || chatModel };
  const { model } = await agentModel(agent, settings, backend, chatModel, signal);
  // Hearth's own role instructions speak of tools an action does not have; its edit prompt already is the role's.
  const prompt = agent.source === 'builtin' ? undefined : agentPrompt({ name: agent.name, instructions: `${agent.instructions}\n(Answer in the format asked for above.)`, source: agent.source });
  return { role, model, prompt };
}
