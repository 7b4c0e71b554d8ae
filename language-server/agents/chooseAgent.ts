/**
 * The agent of one chat message, with its model: what ChatService asks
 * before a turn. The catalog is read afresh (so an edited agent file applies
 * at once), the router decides, and the model is the user's setting for the
 * agent (`hearth.agent.roleModels`), else the agent file's model when the
 * backend has it, else the chat's model.
 */
import type { Agent } from '../../agent-host';
import type { AgentRoute, TurnAgent } from '../../protocol/agents';
import type { HearthSettings } from '../../protocol/lspMethods';
import { sameModel } from '../../protocol/modelName';
import { toTurnAgent, type AgentCatalog, type CatalogAgent } from './agentCatalog';
import { classifyWithModel } from './agentClassifier';
import { routeMessage } from './agentRouter';

export interface AgentChoice {
  agent: TurnAgent;
  route: AgentRoute;
  /** The message for the model (a leading `@name` removed). */
  text: string;
  model: string;
}

export interface ChooseAgentRequest {
  text: string;
  /** An agent the caller chose (an editor action or a slash command): `by` names it for the chip. */
  chosen?: { name: string; by: string };
  settings: HearthSettings;
  agent: Agent;
  chatModel: string;
  signal: AbortSignal;
}

export interface ChooseAgentDeps {
  catalog: AgentCatalog;
  log(message: string): void;
}

/** The names of the backend's models, asked for once however often it is called; undefined when it cannot be asked. */
export function installedModels(backend: Agent, signal: AbortSignal): () => Promise<string[] | undefined> {
  let names: Promise<string[] | undefined> | undefined;
  return () =>
    (names ??= backend.listModels(AbortSignal.any([signal, AbortSignal.timeout(5000)])).then(
      (models) => models.map((m) => m.name),
      () => undefined,
    ));
}

/**
 * An agent's own model: the user's setting for it (`hearth.agent.roleModels`),
 * else its agent file's model when the backend has it. Undefined when it has
 * none or cannot use it; `note` then says why the file's model is not used.
 * The one rule for both a routed agent and a named sub-agent.
 */
export async function agentOwnModel(catalogAgent: CatalogAgent, settings: HearthSettings, installed: () => Promise<string[] | undefined>): Promise<{ model?: string; note?: string }> {
  const fromSettings = settings.agent?.roleModels?.[catalogAgent.name];
  if (fromSettings) return { model: fromSettings };
  const wanted = catalogAgent.model;
  if (!wanted) return {};
  // Which model reads the user's code is the user's choice: a repository's agent file cannot make it (roleModels can).
  if (catalogAgent.source === 'workspace') return { note: `a repository's agent file cannot choose the model ("${wanted}"), only hearth.agent.roleModels can` };
  // An agent file may come from another tool (a cloud model's name) or another machine: use it only when the backend has it.
  // Ollama resolves a name whatever its case ("Llama3.2:3B" runs llama3.2:3b); the installed name is the one used, so every
  // later comparison (the turn's model, a team server's backends) sees the name the backend lists.
  const installedName = (await installed())?.find((name) => sameModel(name, wanted));
  if (installedName) return { model: installedName };
  return { note: `model "${wanted}" is not available here` };
}

/** The model a routed agent uses, and a note when the agent file's own could not be used. */
export async function agentModel(catalogAgent: CatalogAgent, settings: HearthSettings, backend: Agent, chatModel: string, signal: AbortSignal): Promise<{ model: string; note?: string }> {
  // The chat's own model needs no check: the turn reports it if it is missing.
  if (catalogAgent.model && sameModel(catalogAgent.model, chatModel) && !settings.agent?.roleModels?.[catalogAgent.name]) return { model: chatModel };
  const own = await agentOwnModel(catalogAgent, settings, installedModels(backend, signal));
  return own.model ? { model: own.model } : { model: chatModel, ...(own.note ? { note: `${own.note}; ${chatModel} is used` } : {}) };
}

export async function chooseAgent(deps: ChooseAgentDeps, req: ChooseAgentRequest): Promise<AgentChoice | undefined> {
  const agentSettings = req.settings.agent;
  const agents = await deps.catalog.list().catch((err: unknown) => {
    deps.log(`The agent files could not be read: ${err instanceof Error ? err.message : String(err)}.`);
    return [] as CatalogAgent[];
  });
  const routerModel = agentSettings?.routerModel || req.settings.completion.model || req.chatModel;
  const routed = await routeMessage({
    text: req.text,
    agents,
    routing: agentSettings?.routing ?? 'keywords',
    chosen: req.chosen,
    defaultAgent: agentSettings?.defaultAgent,
    classify: (text, list) => classifyWithModel(req.agent, routerModel, text, list, req.signal),
    log: deps.log,
  });
  if (!routed) return undefined;
  const { model, note } = await agentModel(routed.agent, req.settings, req.agent, req.chatModel, req.signal);
  const notes = [...(routed.route.notes ?? []), ...(note ? [note] : [])];
  return { agent: toTurnAgent(routed.agent), route: { ...routed.route, model, ...(notes.length ? { notes } : {}) }, text: routed.text, model };
}
