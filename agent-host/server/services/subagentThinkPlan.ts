/**
 * The team server's side of SubagentOptions.plan. The developer's language
 * server decides `think` per model (its ModelRunPlanner, from the user's
 * hearth.chat.think and thinkByModel), and a function cannot cross gRPC, so
 * the client sends its decision for every model a sub-agent of the turn can
 * run on (SubagentOptions.think_by_model); this only looks it up. The turn's
 * own `think` was decided for the turn's model: given to another model it
 * asks a non-thinking model to think (Ollama's 400, "does not support
 * thinking") or turns off a thinking model's reasoning the user asked for.
 */
import type { ThinkValue } from '../../../protocol/chat';
import { sameModel } from '../../../protocol/modelName';
import type { SubagentOptions } from '../../index';

export function subagentThinkPlan(thinkByModel: ReadonlyMap<string, ThinkValue | undefined>): NonNullable<SubagentOptions['plan']> {
  return (model) => {
    const named = thinkByModel.has(model) ? model : [...thinkByModel.keys()].find((key) => sameModel(key, model));
    // A model the client did not plan for gets Ollama's default: no decision is safer than one made for another model.
    // num_ctx is the team server's own, for its GPUs (the core chooses it from the model's facts).
    return Promise.resolve({ think: named === undefined ? undefined : thinkByModel.get(named) });
  };
}
