/**
 * Sub-agents: the main agent hands focused tasks to helpers that each start
 * with a short, purpose-built context instead of the whole conversation. A
 * small local model does better with one narrow task and a few tools than
 * with everything at once, and read-only helpers can work side by side.
 *
 * The main agent starts them with one tool call, `run_subagents`, which the
 * core runs itself (it never reaches the tool executor). Each sub-agent is
 * the same tool loop with its own system prompt, tool set and step limit;
 * its tool calls go through the turn's executor, so they are confined,
 * sandboxed and approved exactly like the main agent's, and they share the
 * turn's signal, so Stop ends the whole tree and every model request in it.
 * Sub-agents cannot start sub-agents.
 *
 * The model may also start one of the user's agents (or a trusted
 * repository's) by name: the sub-agent then works with that agent's
 * instructions, read-only, and its tools are the read-only tools the mode
 * and the turn's own agent allow, narrowed again by the named agent's list.
 * An agent file can only ever take tools away.
 */
import type { AgentEvent, DoneReason, HearthError, SubagentInfo, SubagentOutcome, SubagentRole, ToolCall, ToolResult, Usage } from '../../protocol/chat';
import { SUBAGENT_ROLES } from '../../protocol/chat';
import { AGENT_NAME, type SubagentAgent } from '../../protocol/agents';
import type { JsonSchema, ToolDefinition } from '../../protocol/tools';
import type { SubagentOptions, ToolExecutor, TurnOptions } from '../index';
import { agentPrompt, executorForAgent } from './agentTools';
import { internalError } from './errorMapping';
import { TurnCancelled } from './executeToolCall';
import { HearthException } from './hearthException';
import type { TurnSetup } from './toolLoop';

export const RUN_SUBAGENTS_TOOL = 'run_subagents';

export const DEFAULT_SUBAGENT_MAX_PARALLEL = 2;
export const DEFAULT_SUBAGENT_MAX_STEPS = 8;
/** At most this many sub-agents per call; more would only queue behind the parallel limit and flood the chat. */
export const MAX_SUBAGENTS_PER_CALL = 4;

/**
 * What the model reads for a second run_subagents call in one reply. Only the
 * first runs: otherwise a reply of many calls starts any number of sub-agents
 * in one step, and MAX_SUBAGENTS_PER_CALL bounds nothing.
 */
export const EXTRA_SUBAGENTS_CALL_REFUSAL = `Only one run_subagents call per reply runs, with up to ${MAX_SUBAGENTS_PER_CALL} sub-agents; this one was not run. Wait for the reports, then start more if they are still needed.`;
/** At most this many named agents are offered to the model; more would crowd the tool's description. */
export const MAX_SUBAGENT_AGENTS = 16;
/** The longest agent description the tool's description carries. */
const MAX_AGENT_DESCRIPTION_CHARS = 200;
/**
 * The longest task a sub-agent takes. The task is shown on its card, and in
 * remote mode that card crosses gRPC, whose client refuses a longer one
 * (protocol/grpc/decodeChat.ts, LIMITS.subagentTask) and with it the whole
 * reply; a model that pastes a file into a task is told to name it instead.
 */
export const MAX_SUBAGENT_TASK_CHARS = 16_000;
/** The longest summary the main agent reads back from one sub-agent. */
const MAX_SUMMARY_CHARS = 6000;

const READ_ONLY_ROLES: ReadonlySet<SubagentRole> = new Set(['explorer', 'researcher']);

const ROLE_PROMPTS: Record<SubagentRole, string> = {
  explorer: `You are an explorer sub-agent of Hearth, a coding assistant. Another agent gave you one task: find where things are in the user's workspace.
Use the read-only tools (list_dir, glob, grep, read_file) to look; never guess. You cannot change anything.
Finish with a concise report: the relevant files (workspace-relative paths with line numbers) and what each one holds. Nothing else.`,
  researcher: `You are a researcher sub-agent of Hearth, a coding assistant. Another agent gave you one question about the user's code or documentation.
Use the read-only tools to read the code that answers it; never guess. You cannot change anything.
Finish with a concise answer that cites the files (workspace-relative paths with line numbers) it rests on.`,
  executor: `You are an executor sub-agent of Hearth, a coding assistant. Another agent gave you one change to make in the user's workspace.
Read a file before you edit it, and keep the change to what the task asks. Every change and command is shown to the user, who may decline it; if a tool result says so, do not retry the same call.
Finish with a short report: what you changed (paths) and anything you could not do.`,
};

/** Read-only helpers may run side by side; an executor always runs alone, after them. */
export function isReadOnlyRole(role: SubagentRole): boolean {
  return READ_ONLY_ROLES.has(role);
}

/** The roles a turn can start: an executor only when the turn offers a tool that changes something. */
function availableRoles(tools: ToolDefinition[]): SubagentRole[] {
  const canWrite = tools.some((t) => !t.readOnly);
  return SUBAGENT_ROLES.filter((role) => canWrite || isReadOnlyRole(role));
}

/**
 * The named agents a turn offers: valid, distinct names only, at most
 * MAX_SUBAGENT_AGENTS. The caller's list is input like any other (in remote
 * mode it comes over gRPC), so the core checks it here.
 */
export function offeredAgents(agents: SubagentAgent[] | undefined): SubagentAgent[] {
  const seen = new Set<string>();
  const out: SubagentAgent[] = [];
  for (const agent of agents ?? []) {
    if (!AGENT_NAME.test(agent.name) || seen.has(agent.name)) continue;
    seen.add(agent.name);
    out.push(agent);
    if (out.length === MAX_SUBAGENT_AGENTS) break;
  }
  return out;
}

/** One line per named agent for the tool's description: its name and what it is for. */
function agentHelp(agents: SubagentAgent[]): string {
  return agents
    .map((a) => {
      const description = a.description.replace(/\s+/g, ' ').trim();
      return description ? `${a.name} (${description.length > MAX_AGENT_DESCRIPTION_CHARS ? `${description.slice(0, MAX_AGENT_DESCRIPTION_CHARS)}…` : description})` : a.name;
    })
    .join('; ');
}

/** The `run_subagents` tool as the main agent sees it, given the tools of the turn and the agents it may start by name. */
export function runSubagentsDefinition(tools: ToolDefinition[], agents: SubagentAgent[] = []): ToolDefinition {
  const roles = availableRoles(tools);
  const roleHelp = [
    'explorer (read-only: finds where things are and reports paths and lines)',
    'researcher (read-only: answers one question about the code, citing files)',
    ...(roles.includes('executor') ? ['executor (makes one change, each edit and command approved by the user like yours)'] : []),
  ].join('; ');
  const named = offeredAgents(agents);
  const item: JsonSchema = {
    type: 'object',
    properties: {
      role: { type: 'string', enum: roles, description: named.length > 0 ? 'What kind of sub-agent; may be left out when `agent` is given.' : 'What kind of sub-agent.' },
      ...(named.length > 0
        ? { agent: { type: 'string', enum: named.map((a) => a.name), description: "Run the sub-agent as this agent: it follows the agent's instructions and only reads (explorer or researcher)." } }
        : {}),
      task: { type: 'string', description: 'The task, self-contained.' },
    },
    required: named.length > 0 ? ['task'] : ['role', 'task'],
  };
  return {
    name: RUN_SUBAGENTS_TOOL,
    description:
      `Starts up to ${MAX_SUBAGENTS_PER_CALL} sub-agents, each working on one focused task with a fresh, short context, and returns their reports. ` +
      `Roles: ${roleHelp}. Read-only sub-agents run in parallel. Sub-agents do not see this conversation: give each task everything it needs to know.` +
      (named.length > 0 ? ` Agents a sub-agent can run as (read-only): ${agentHelp(named)}.` : ''),
    readOnly: !roles.includes('executor'),
    parameters: {
      type: 'object',
      properties: {
        agents: {
          type: 'array',
          description: 'The sub-agents to start.',
          minItems: 1,
          maxItems: MAX_SUBAGENTS_PER_CALL,
          items: item,
        },
      },
      required: ['agents'],
    },
  };
}

/**
 * The executor a read-only sub-agent gets: only the read-only tools are
 * offered, and a call to anything else is refused here as well, whatever the
 * model writes.
 */
function readOnlyExecutor(executor: ToolExecutor): ToolExecutor {
  return {
    definitions: () => executor.definitions().filter((t) => t.readOnly),
    execute: (call, signal) => {
      const tool = executor.definitions().find((t) => t.name === call.name);
      if (!tool?.readOnly) {
        return Promise.resolve({ callId: call.id, name: call.name, content: `${call.name} is not available to a read-only sub-agent.`, isError: true, summary: 'refused' });
      }
      return executor.execute(call, signal);
    },
  };
}

interface Task {
  info: SubagentInfo;
  /** The agent the sub-agent runs as, when the call named one. */
  agent?: SubagentAgent;
  /** Why the entry cannot run (a role or agent the call did not give); it then fails without a model call. */
  invalid?: string;
  outcome?: SubagentOutcome;
}

type Loop = (setup: TurnSetup) => AsyncGenerator<AgentEvent, DoneReason>;

function errorOf(err: unknown): HearthError {
  return err instanceof HearthException ? err.error : internalError(err);
}

/** Runs one sub-agent to its end, yielding its activity; never throws, the outcome says how it ended. */
async function* runOne(task: Task, setup: TurnSetup, sub: SubagentOptions, loop: Loop): AsyncGenerator<AgentEvent, void> {
  const { info, agent } = task;
  const started = Date.now();
  if (task.invalid) {
    const error: HearthError = { code: 'invalidRequest', message: task.invalid, retryable: false };
    yield { type: 'agentSpawn', agent: info };
    task.outcome = { reason: 'error', summary: `It could not start: ${task.invalid}`, durationMs: 0, error };
    yield { type: 'agentResult', agentId: info.id, outcome: task.outcome };
    return;
  }
  const executor = setup.options.executor!;
  // A named agent narrows on top of the turn's own agent: the child loop narrows by `agent` (the named one), so the
  // turn's agent's list is applied here first, and the read-only wrapper keeps the sub-agent from changing anything.
  const instructions = agent ? agentPrompt(agent) : undefined;
  const options: TurnOptions = {
    ...setup.options,
    model: info.model,
    systemPrompt: instructions ? `${ROLE_PROMPTS[info.role]}\n\n${instructions}` : ROLE_PROMPTS[info.role],
    executor: agent ? readOnlyExecutor(executorForAgent(executor, setup.options.agent)) : isReadOnlyRole(info.role) ? readOnlyExecutor(executor) : executor,
    ...(agent ? { agent } : {}),
    maxSteps: Math.max(1, sub.maxSteps ?? DEFAULT_SUBAGENT_MAX_STEPS),
    subagents: undefined,
    todos: undefined,
    compactAt: undefined,
    continueReply: false,
  };
  yield { type: 'agentSpawn', agent: info };
  // The language server could not use the agent file's model (see SubagentAgent.model): say why on the card, not silently.
  if (agent?.modelNote) yield { type: 'agentEvent', agentId: info.id, event: { type: 'status', level: 'warning', message: `@${agent.name}: ${agent.modelNote}; this sub-agent uses ${info.model}.` } };
  // After agentSpawn, so the cards appear in the order the call listed them whatever the planning takes.
  if (info.model !== setup.options.model) {
    // The turn's num_ctx and think were decided for the turn's model; this one gets its own (see SubagentOptions.plan).
    // Without a plan, num_ctx is left to the loop (toolLoop's chooseNumCtx, from this model's facts): the turn's window
    // can be larger than this model holds, and Ollama then cuts the prompt from the front (the role, the tools, the task).
    // A planning failure (Ollama briefly away) leaves the core's choice; the sub-agent's request then reports the real problem.
    const own = await sub.plan?.(info.model, setup.signal).catch(() => undefined);
    options.numCtx = own?.numCtx;
    if (own && 'think' in own) options.think = own.think;
  }
  let text = '';
  let usage: Usage | undefined;
  let error: HearthError | undefined;
  let reason: DoneReason;
  try {
    const child = loop({ ...setup, history: [], input: { text: info.task, context: [] }, options, callIdPrefix: `${info.id}.` });
    for (;;) {
      const step = await child.next();
      if (step.done) {
        reason = step.value;
        break;
      }
      const event = step.value;
      if (event.type === 'text') text += event.delta;
      else if (event.type === 'usage') usage = event.usage;
      else if (event.type === 'error') error = event.error;
      else if (event.type === 'toolCall' || event.type === 'toolResult' || event.type === 'status') yield { type: 'agentEvent', agentId: info.id, event };
    }
  } catch (err) {
    if (err instanceof TurnCancelled || setup.signal.aborted) reason = 'cancelled';
    else {
      error = errorOf(err);
      reason = 'error';
    }
  }
  const trimmed = text.trim();
  const summary =
    reason === 'cancelled'
      ? 'Stopped before it finished.'
      : trimmed !== ''
        ? trimmed.length > MAX_SUMMARY_CHARS
          ? `${trimmed.slice(0, MAX_SUMMARY_CHARS)}\n[report cut at ${MAX_SUMMARY_CHARS} characters]`
          : trimmed
        : error
          ? `It failed: ${error.message}`
          : 'It finished without a report.';
  task.outcome = { reason, summary, durationMs: Date.now() - started, ...(usage ? { usage } : {}), ...(error ? { error } : {}) };
  yield { type: 'agentResult', agentId: info.id, outcome: task.outcome };
}

/**
 * Drains several generators at once, at most `limit` at a time, yielding
 * their events in the order they happen. A job that throws does not stop the
 * others (runOne never throws; this only guards the contract).
 */
async function* runConcurrently<T>(jobs: (() => AsyncGenerator<T, void>)[], limit: number): AsyncGenerator<T, void> {
  const queue: T[] = [];
  let wake: (() => void) | undefined;
  let next = 0;
  let running = 0;
  let finished = 0;
  const notify = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const startMore = () => {
    while (running < limit && next < jobs.length) {
      const job = jobs[next++];
      running++;
      void (async () => {
        try {
          for await (const event of job()) {
            queue.push(event);
            notify();
          }
        } catch {
          // runOne reports its own failures as outcomes.
        } finally {
          running--;
          finished++;
          startMore();
          notify();
        }
      })();
    }
  };
  startMore();
  for (;;) {
    while (queue.length > 0) yield queue.shift()!;
    if (finished === jobs.length) return;
    await new Promise<void>((resolve) => (wake = resolve));
  }
}

/**
 * The model a sub-agent uses: its named agent's, else its role's, else the
 * turn's. The core never judges the named agent's model itself: the language
 * server chose it (SubagentAgent.model) by the rule the turn's own agent
 * follows, against the models of the backend that runs the turn, so one
 * process owns the choice. A team server takes it as it takes the turn's
 * model: its router serves only models its backends have.
 */
export function subagentModel(role: SubagentRole, agent: SubagentAgent | undefined, sub: SubagentOptions, turnModel: string): string {
  return agent?.model ?? sub.models?.[role] ?? turnModel;
}

/**
 * Every model a sub-agent of this turn can run on other than the turn's own
 * (the roles' and the named agents' models, as subagentModel picks them): the
 * models a caller that cannot pass `plan` (a team server's client) plans for
 * ahead of the turn.
 */
export function otherSubagentModels(sub: SubagentOptions, turnModel: string): string[] {
  const models = [...Object.values(sub.models ?? {}), ...(sub.agents ?? []).map((a) => a.model)];
  return [...new Set(models.filter((m): m is string => m !== undefined && m !== '' && m !== turnModel))];
}

function resultText(tasks: Task[]): string {
  return tasks
    .map((t, i) => `## Sub-agent ${i + 1}: ${t.info.role}${t.agent ? ` as @${t.agent.name}` : ''} (${t.outcome?.reason ?? 'cancelled'})\nTask: ${t.info.task}\n\n${t.outcome?.summary ?? 'Stopped before it finished.'}`)
    .join('\n\n');
}

/**
 * Runs the sub-agents one `run_subagents` call asks for and returns the
 * tool result the main agent reads: each sub-agent's report, in the order
 * the call listed them. Read-only sub-agents run first, side by side up to
 * `maxParallel`; executors then run one at a time, so two never edit at once
 * and approvals come one after another. A cancelled turn throws
 * `TurnCancelled` once every sub-agent has stopped.
 */
export async function* runSubagents(call: ToolCall, setup: TurnSetup, sub: SubagentOptions, loop: Loop): AsyncGenerator<AgentEvent, ToolResult> {
  const requested = call.arguments.agents as { role?: SubagentRole; agent?: string; task: string }[];
  const named = offeredAgents(sub.agents);
  const tasks: Task[] = requested.map((r, i): Task => {
    const agent = r.agent === undefined ? undefined : named.find((a) => a.name === r.agent);
    // A named agent's sub-agent only reads: an explorer when asked for one, else a researcher.
    const role: SubagentRole = r.agent !== undefined ? (r.role === 'explorer' ? 'explorer' : 'researcher') : (r.role ?? 'researcher');
    const tooLong = r.task.length > MAX_SUBAGENT_TASK_CHARS;
    const invalid =
      r.agent !== undefined && !agent
        ? `there is no agent named "${r.agent}"; the agents are ${named.map((a) => a.name).join(', ') || 'none'}.`
        : r.agent === undefined && r.role === undefined
          ? 'each sub-agent needs a role or an agent.'
          : tooLong
            ? `its task is too long (${r.task.length} characters, at most ${MAX_SUBAGENT_TASK_CHARS}). Name the files and lines it should read instead of pasting them; it can read them itself.`
            : undefined;
    // The card shows the start of a task that is too long: the whole of it would not even reach the chat in remote mode.
    const task = tooLong ? `${r.task.slice(0, MAX_SUBAGENT_TASK_CHARS)}\n[task cut at ${MAX_SUBAGENT_TASK_CHARS} characters]` : r.task;
    return {
      info: { id: `${call.id}.a${i + 1}`, role, ...(agent ? { agent: agent.name } : {}), model: subagentModel(role, agent, sub, setup.options.model), task, parentCallId: call.id },
      ...(agent ? { agent } : {}),
      ...(invalid ? { invalid } : {}),
    };
  });
  const job = (task: Task) => () => runOne(task, setup, sub, loop);
  const parallel = Math.max(1, sub.maxParallel ?? DEFAULT_SUBAGENT_MAX_PARALLEL);
  yield* runConcurrently(tasks.filter((t) => isReadOnlyRole(t.info.role)).map(job), parallel);
  for (const task of tasks.filter((t) => !isReadOnlyRole(t.info.role))) {
    if (setup.signal.aborted) break;
    yield* runOne(task, setup, sub, loop);
  }
  if (setup.signal.aborted) throw new TurnCancelled();
  const allFailed = tasks.every((t) => t.outcome?.reason === 'error');
  return { callId: call.id, name: call.name, content: resultText(tasks), isError: allFailed, summary: `${tasks.length} sub-agent${tasks.length === 1 ? '' : 's'}` };
}
