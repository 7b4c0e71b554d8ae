/**
 * What a team server needs to follow SubagentOptions.plan's `think`: the
 * caller's plan, asked ahead of the turn for every model a sub-agent can run
 * on other than the turn's, since a function cannot cross gRPC. The rule
 * stays the planner's (ModelRunPlanner, one owner in every mode); the server
 * only looks the answers up (agent-host/server/services/subagentThinkPlan.ts).
 * num_ctx is not sent: the team server chooses it for its own GPUs.
 */
import type { ThinkValue } from '../../protocol/chat';
import { otherSubagentModels, type SubagentOptions } from '../../agent-host';

export async function subagentThinkByModel(sub: SubagentOptions, turnModel: string, signal: AbortSignal): Promise<ReadonlyMap<string, ThinkValue | undefined> | undefined> {
  const plan = sub.plan;
  if (!plan) return undefined;
  const planned = await Promise.all(
    // A planning failure leaves that model out: the server then sends Ollama's default, never the turn's model's choice.
    otherSubagentModels(sub, turnModel).map(async (model) => [model, await plan(model, signal).catch(() => undefined)] as const),
  );
  return new Map(planned.flatMap(([model, own]) => (own && 'think' in own ? [[model, own.think] as const] : [])));
}
