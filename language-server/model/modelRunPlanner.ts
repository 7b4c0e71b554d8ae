/**
 * The one place that decides, per model and request path, the `num_ctx` and
 * `think` Hearth sends to Ollama. Every request path (chat, editor actions,
 * commit messages, inline suggestions) asks here, so they agree.
 *
 * num_ctx: Ollama keeps one runner per model and reloads it whenever a
 * request's runner options differ from the loaded runner's (ollama/ollama
 * server/sched.go `needsReload`; a request without num_ctx gets the server's
 * VRAM-tier default, 4096 under 23 GiB of VRAM). A chat that sent 32768 and
 * suggestions that sent nothing made every switch between chatting and typing
 * a full reload. So one num_ctx per model: the context the loaded runner has
 * (/api/ps `context_length`) when the model is loaded, else the one chosen
 * before, else the model's trained length capped at 32768.
 *
 * think: a thinking model thinks when `think` is omitted (routes.go
 * `ChatHandler`), for seconds or minutes. Chat follows `hearth.chat.think`
 * (per model in `hearth.chat.thinkByModel`); short utility prompts (commit
 * messages) and inline suggestions send `think: false`, because waiting on
 * reasoning there is a defect. `think` on a model without the capability is a
 * 400, so it is only sent to models that have it (`false` is always accepted).
 */
import type { Agent, LoadedModel } from '../../agent-host';
import type { ThinkValue } from '../../protocol/chat';
import type { HearthSettings, ThinkSetting } from '../../protocol/lspMethods';
import { modelKey, sameModel } from '../../protocol/modelName';

/** Which kind of request the plan is for. */
export type RequestPath = 'chat' | 'utility' | 'completion';

export interface RunPlan {
  /** The num_ctx to send; undefined when the backend cannot tell (a team server decides for its own GPUs). */
  numCtx?: number;
  /** The `think` to send; undefined leaves Ollama's default. */
  think?: ThinkValue;
  /** True when the model is not loaded, so the first byte waits for a load (20–60 s for a large model). */
  cold: boolean;
}

/** Larger windows cost memory and speed on a laptop; the same cap the agent core uses by default. */
export const CONTEXT_CAP = 32768;
/** Ollama's own default context on most machines, when /api/show does not say. */
const FALLBACK_CONTEXT = 4096;
/** A loaded runner with less context than this is too small for chat; Hearth then loads its own. */
const MIN_ADOPTED_CONTEXT = 2048;
/** /api/ps answers are reused this long, so typing does not add a round trip per keystroke. */
const LOADED_TTL_MS = 3000;
/** How long a shared /api/ps request may take; it is local and answers in milliseconds. */
const LOADED_DEADLINE_MS = 5000;

/** The user's think setting as Ollama's `think` value for a model with the capability. */
function thinkFor(setting: ThinkSetting): ThinkValue | undefined {
  switch (setting) {
    case 'auto':
      return undefined;
    case 'on':
      return true;
    case 'off':
      return false;
    default:
      return setting;
  }
}

export class ModelRunPlanner {
  /** num_ctx chosen per host and model, reused while the model is not loaded so every path sends the same. */
  private readonly chosen = new Map<string, number>();
  private readonly loaded = new Map<string, { at: number; models: Promise<LoadedModel[] | undefined> }>();

  constructor(private readonly now: () => number = Date.now) {}

  async plan(agent: Agent, model: string, path: RequestPath, chat: HearthSettings['chat'] | undefined, signal?: AbortSignal): Promise<RunPlan> {
    if (!agent.modelDetails || !agent.loadedModels) {
      // A team server: it owns num_ctx for its GPUs; think still follows the user (the core drops it for models without the capability).
      return { think: path === 'chat' ? thinkFor(this.settingFor(model, chat)) : false, cold: false };
    }
    const [details, loadedList] = await Promise.all([agent.modelDetails(model, signal), this.loadedNow(agent, signal)]);
    const key = `${agent.host}\u0000${modelKey(model)}`;
    const loaded = loadedList?.find((m) => sameModel(m.name, model));
    let numCtx: number;
    if (loaded?.contextLength && loaded.contextLength >= MIN_ADOPTED_CONTEXT) {
      numCtx = loaded.contextLength;
    } else {
      numCtx = this.chosen.get(key) ?? Math.max(512, Math.min(details.contextLength ?? FALLBACK_CONTEXT, CONTEXT_CAP));
    }
    this.chosen.set(key, numCtx);
    // Without an /api/ps answer nothing is known about loading, and nothing is announced; nor for a provider's model, which /api/ps never lists.
    const cold = loadedList !== undefined && !loaded && details.loadTracked !== false;
    // The request about to be sent loads the model; the next plan must see that rather than a stale "not loaded".
    if (cold) this.loaded.delete(agent.host);
    return { numCtx, think: this.thinkFor(model, path, details.capabilities, chat), cold };
  }

  /** Forgets what is loaded (after a failure, or when the host changes). */
  invalidate(): void {
    this.loaded.clear();
  }

  private settingFor(model: string, chat: HearthSettings['chat'] | undefined): ThinkSetting {
    const byModel = chat?.thinkByModel ?? {};
    const exact = byModel[model.trim()];
    if (exact !== undefined) return exact;
    // A key naming the same model as Ollama resolves it ("qwen3" for qwen3:latest, another case).
    const same = Object.keys(byModel).find((key) => sameModel(key, model));
    return (same !== undefined ? byModel[same] : undefined) ?? chat?.think ?? 'auto';
  }

  private thinkFor(model: string, path: RequestPath, capabilities: string[] | undefined, chat: HearthSettings['chat'] | undefined): ThinkValue | undefined {
    // `think: false` is accepted by every model, thinking or not (routes.go only refuses a true value).
    if (path !== 'chat') return false;
    const wanted = thinkFor(this.settingFor(model, chat));
    if (wanted === false) return false;
    // Unknown capabilities (an old Ollama): asking to think could be refused with a 400, so leave the default.
    if (!capabilities || !capabilities.includes('thinking')) return undefined;
    return wanted;
  }

  /** What /api/ps says is loaded; undefined when it could not say (then cached too, so typing does not retry it per keystroke). */
  private loadedNow(agent: Agent, signal?: AbortSignal): Promise<LoadedModel[] | undefined> {
    const cached = this.loaded.get(agent.host);
    if (cached && this.now() - cached.at < LOADED_TTL_MS) return untilAborted(cached.models, signal);
    // The answer is shared by every request for the next few seconds, so it must
    // not die with the request that asked first (a keystroke aborts the suggestion
    // before it): it gets its own deadline, and each caller stops waiting on its own signal.
    // /api/ps failing (an old Ollama, a proxy) only costs the optimisation: num_ctx is still one per model.
    const models = agent.loadedModels!(AbortSignal.timeout(LOADED_DEADLINE_MS)).catch(() => undefined);
    this.loaded.set(agent.host, { at: this.now(), models });
    return untilAborted(models, signal);
  }
}

/** The shared answer, or undefined as soon as this caller's own request is aborted. */
function untilAborted<T>(shared: Promise<T | undefined>, signal: AbortSignal | undefined): Promise<T | undefined> {
  if (!signal) return shared;
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    void shared.then((value) => {
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    });
  });
}
