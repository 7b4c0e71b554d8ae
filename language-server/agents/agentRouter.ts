/**
 * Which agent a message goes to. In order: the agent the user named
 * (`@tester …`, or the editor action's role); with routing on, the keyword
 * rules of the agent files (the earliest match in the message wins); with
 * `auto`, the small model as a classifier. An unknown answer, no answer, a
 * timeout or an error of the classifier falls back to the default agent:
 * routing never blocks a message.
 */
import { parseAgentMention, type AgentRoute } from '../../protocol/agents';
import type { CatalogAgent } from './agentCatalog';

/** `hearth.agent.routing`. */
export type RoutingSetting = 'off' | 'keywords' | 'auto';
export const ROUTING_SETTINGS: readonly RoutingSetting[] = ['off', 'keywords', 'auto'];

export interface Routed {
  agent: CatalogAgent;
  route: Omit<AgentRoute, 'model'>;
  /** The message for the model: without a leading `@name`. */
  text: string;
}

export interface RouteRequest {
  text: string;
  agents: CatalogAgent[];
  routing: RoutingSetting;
  /** An agent chosen by the caller (an editor action's role); wins over everything. */
  chosen?: { name: string; by: string };
  /** `hearth.agent.defaultAgent`: '' for Hearth itself. */
  defaultAgent?: string;
  /** The classifier; only called with `auto`. Its failures are caught here. */
  classify?: (text: string, agents: CatalogAgent[]) => Promise<ClassifierAnswer | undefined>;
  log?: (message: string) => void;
}

export interface ClassifierAnswer {
  name: string;
  reason: string;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The first keyword rule the message matches (whole words, any case): the earliest in the text, the longer keyword on a tie. */
export function keywordRoute(text: string, agents: CatalogAgent[]): { agent: CatalogAgent; keyword: string } | undefined {
  let best: { agent: CatalogAgent; keyword: string; at: number } | undefined;
  for (const agent of agents) {
    for (const keyword of agent.keywords) {
      const m = new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRegExp(keyword)}(?![\\p{L}\\p{N}_])`, 'iu').exec(text);
      if (!m) continue;
      if (!best || m.index < best.at || (m.index === best.at && keyword.length > best.keyword.length)) best = { agent, keyword, at: m.index };
    }
  }
  return best ? { agent: best.agent, keyword: best.keyword } : undefined;
}

/** The classifier's system prompt: the agents by name and description, one name back. */
export function classifierPrompt(agents: CatalogAgent[]): string {
  return [
    'You route a message to the best agent of a coding assistant. The agents:',
    ...agents.map((a) => `- ${a.name}: ${a.description.replace(/\s+/g, ' ').slice(0, 200) || '(no description)'}`),
    '- none: no agent fits better than the general assistant.',
    'Answer with one line only: the agent\'s name, " - ", and a reason of at most ten words. Example: "tester - the user asks for unit tests".',
  ].join('\n');
}

/** The agent the classifier named; undefined for "none", an unknown name or an answer of another shape. */
export function parseClassifierAnswer(answer: string, agents: CatalogAgent[]): ClassifierAnswer | undefined {
  const text = answer.replace(/<think>[\s\S]*?<\/think>/g, '').trim();
  let name: string | undefined;
  let reason = '';
  try {
    const json = JSON.parse(text) as { agent?: unknown; name?: unknown; reason?: unknown };
    const n = json.agent ?? json.name;
    if (typeof n === 'string') name = n;
    if (typeof json.reason === 'string') reason = json.reason;
  } catch {
    const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
    const m = /^[\s"'`*]*@?([A-Za-z0-9_-]+)[\s"'`*]*(?:[-–—:]\s*(.*))?$/.exec(line.trim());
    if (m) {
      name = m[1];
      reason = m[2] ?? '';
    }
  }
  const agent = name ? agents.find((a) => a.name === name!.toLowerCase()) : undefined;
  if (!agent) return undefined;
  return { name: agent.name, reason: reason.replace(/["`*]+$/g, '').replace(/\s+/g, ' ').trim().slice(0, 120) };
}

/** Decides the agent of a message; undefined: Hearth itself (no agent). Never throws. */
export async function routeMessage(req: RouteRequest): Promise<Routed | undefined> {
  const byName = (name: string) => req.agents.find((a) => a.name === name);
  const routed = (agent: CatalogAgent, reason: AgentRoute['reason'], detail?: string, text = req.text): Routed => ({
    agent,
    route: { agent: agent.name, source: agent.source, ...(agent.file ? { file: agent.file } : {}), reason, ...(detail ? { detail } : {}), ...(agent.notes.length ? { notes: agent.notes } : {}) },
    text,
  });
  if (req.chosen) {
    const agent = byName(req.chosen.name);
    if (agent) return routed(agent, 'action', req.chosen.by);
  }
  const mention = parseAgentMention(req.text, (name) => byName(name) !== undefined);
  if (mention) return routed(byName(mention.name)!, 'explicit', undefined, mention.rest || req.text);
  const fallback = () => {
    const agent = req.defaultAgent ? byName(req.defaultAgent) : undefined;
    return agent ? routed(agent, 'default') : undefined;
  };
  if (req.routing === 'off') return fallback();
  const keyword = keywordRoute(req.text, req.agents);
  if (keyword) return routed(keyword.agent, 'keyword', keyword.keyword);
  if (req.routing !== 'auto' || !req.classify) return fallback();
  try {
    const answer = await req.classify(req.text, req.agents);
    const agent = answer ? byName(answer.name) : undefined;
    if (agent) return routed(agent, 'classifier', answer!.reason || 'picked it');
  } catch (err) {
    req.log?.(`The agent classifier failed (${err instanceof Error ? err.message : String(err)}); the message goes to the default agent.`);
  }
  return fallback();
}
