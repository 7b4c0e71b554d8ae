/**
 * Runs chat turns for the editor: stores the user's message first (so nothing
 * typed is lost), streams the agent's events to the client while appending them
 * to the session log, and stops a turn on request by aborting its signal (which
 * aborts the HTTP request to the model).
 */
import { fileErrorReason } from '../tools/fileErrorReason';
import { MAX_TODO_ITEMS, MAX_TODO_TEXT, TODO_STATUSES, parseResourceMention, type AgentEvent, type ContextItem, type HearthError, type TodoItem, type UserInput, DEFAULT_CHAT_MODE, isChatMode, type RulesFile, type WorkspaceContextSection } from '../../protocol/chat';
import { imagesProblem } from '../../protocol/chatImages';
import type { ChatSendParams, ChatTurnStarted, HearthSettings, ChatModelParams } from '../../protocol/lspMethods';
import type { AssistantEntry, SessionEntry, SessionView, UserEntry } from '../../protocol/sessions';
import { HearthException, RUN_SUBAGENTS_TOOL, type Agent, type ToolExecutor } from '../../agent-host';
import type { SessionStore } from './sessionStore';
import type { ChatClient } from './chatClient';
import { historyFromEntries, keptFromAfterCompaction } from './historyFromEntries';
import { resolveModel, chosenModel, type ModelChoice } from './resolveModel';
import type { RunPlan } from '../model/modelRunPlanner';
import { promptRules, type FoundRulesFile } from './rulesFiles';
import { checkpointingExecutor } from '../checkpoints/checkpointingExecutor';
import type { SubagentAgent } from '../../protocol/agents';
import type { AgentChoice, ChooseAgentRequest } from '../agents/chooseAgent';
import { newAssistantEntry } from './newAssistantEntry';

/** Events that come from the model's answer: the first of them means the model is loaded. */
const MODEL_OUTPUT: ReadonlySet<AgentEvent['type']> = new Set(['text', 'thinking', 'toolCall', 'usage', 'error', 'done', 'agentSpawn']);

/** The id of a reply's model-load note: "Loading…" while the model loads, then how long it took. */
const MODEL_LOAD_NOTE = 'model-load';

/** A load's duration as people say it: "under 0.1 s", "0.4 s", "12 s", "1 min 5 s". */
function formatSeconds(ms: number): string {
  const s = ms / 1000;
  if (s < 0.1) return 'under 0.1 s';
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  return `${Math.floor(s / 60)} min ${Math.floor(s % 60)} s`;
}

export interface ChatServiceDeps {
  store: SessionStore;
  /** The agent for the current settings (local Ollama or a remote team server). */
  agent: () => Promise<Agent>;
  settings: () => Promise<HearthSettings>;
  client: ChatClient;
  /** Fills in the text of `@path` mentions from the workspace (and `@codebase` from a search for the message's text). */
  resolveContext: (items: ContextItem[], messageText?: string) => Promise<ContextItem[]>;
  /** Tools for a turn; undefined for plain chat. */
  /** The tools of one agent turn; `note` shows a call's note in the reply (see the tools' `ToolContext.note`). */
  executorForTurn?: (turn: { sessionId: string; entryId: string }, settings: HearthSettings, note: (callId: string, message: string) => void) => ToolExecutor | undefined;
  /**
   * Of the MCP resources attached earlier in this chat, those that changed
   * since the chat read them (their server said so); they are read again
   * for the new message. `now`: the resources attached to the new message.
   */
  changedResources?: (sessionId: string, earlier: string[], now: string[]) => string[];
  /** num_ctx and think for a chat turn, and whether the model must load first (ModelRunPlanner). */
  plan?: (agent: Agent, model: string, settings: HearthSettings, signal: AbortSignal) => Promise<RunPlan>;
  /** The repository's rules files for a message naming `paths` (rulesFiles.ts); none when absent. */
  rulesFor?: (paths: string[], disabled: readonly string[]) => Promise<FoundRulesFile[]>;
  /** The repository map and project memory for an agent turn (the core decides how much of them fits). */
  workspaceContext?: (settings: HearthSettings) => Promise<WorkspaceContextSection[]>;
  /** Takes a checkpoint of the workspace's files and returns its id (see language-server/checkpoints/). */
  checkpoint?: (signal: AbortSignal) => Promise<string>;
  /**
   * Whether a restore (or an edit of an earlier message) is running: no reply
   * may start then, or its tools would write files the restore is putting
   * back, and the restore's rewind would hide its message.
   */
  restoring?: () => boolean;
  /** The agent of a message and its model (language-server/agents/chooseAgent.ts); undefined: Hearth itself. */
  chooseAgent?: (req: Omit<ChooseAgentRequest, 'agent' | 'settings'> & { agent: Agent; settings: HearthSettings }) => Promise<AgentChoice | undefined>;
  /** The agent files the model may start as sub-agents by name (language-server/agents/agentCatalog.ts). */
  subagentAgents?: (settings: HearthSettings, agent: Agent, signal: AbortSignal) => Promise<SubagentAgent[]>;
}

/** The plan as it last stood before `index` (the agent's own or the user's edit); empty when there is none. */
export function latestTodos(entries: SessionEntry[]): TodoItem[] {
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    if (entry.kind === 'assistant' && entry.todos) return entry.todos;
  }
  return [];
}

export class ChatService {
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private lastError: HearthError | undefined;
  private backend: 'local' | 'remote' = 'local';

  constructor(private readonly deps: ChatServiceDeps) {}

  isRunning(sessionId: string): boolean {
    return this.running.has(sessionId);
  }

  /** Whether any turn is streaming. */
  get busy(): boolean {
    return this.running.size > 0;
  }

  /**
   * Starts a turn with the user's message. `expansion` (a slash command's
   * expansion, see SlashCommandService) is what the model reads instead of
   * the typed text; both are stored.
   */
  async send(params: ChatSendParams, expansion?: string, options: { compact?: boolean; compactFocus?: string } = {}): Promise<ChatTurnStarted> {
    const { store } = this.deps;
    // A client other than Hearth's extension may drive this server: a mode it cannot name is refused, never guessed.
    if (params.mode !== undefined && !isChatMode(params.mode)) {
      throw new HearthException({ code: 'invalidRequest', message: `Unknown chat mode ${JSON.stringify(params.mode)}: use ask, plan or agent.`, retryable: false });
    }
    if (params.disabledRules !== undefined && (!Array.isArray(params.disabledRules) || !params.disabledRules.every((p) => typeof p === 'string'))) {
      throw new HearthException({ code: 'invalidRequest', message: 'disabledRules must be a list of workspace-relative paths.', retryable: false });
    }
    if (params.agent !== undefined && (typeof params.agent?.name !== 'string' || typeof params.agent.by !== 'string' || params.agent.name.length > 64 || params.agent.by.length > 100)) {
      throw new HearthException({ code: 'invalidRequest', message: 'agent must name an agent and what chose it.', retryable: false });
    }
    // Another client may drive this server too: images are checked by their bytes before anything is stored.
    const imageProblem = imagesProblem(params.input.images);
    if (imageProblem) throw new HearthException({ code: 'invalidRequest', message: imageProblem, retryable: false });
    if (params.sessionId && this.running.has(params.sessionId)) {
      throw new HearthException({ code: 'invalidRequest', message: 'A reply is still streaming in this chat. Stop it first, then send again.', retryable: true });
    }
    this.refuseWhileRestoring('send again');
    const session = params.sessionId ? store.get(params.sessionId) : store.create(params.model);
    if (!session) {
      throw new HearthException({ code: 'invalidRequest', message: `Chat ${params.sessionId} no longer exists. Start a new chat.`, retryable: false });
    }
    const sessionId = session.summary.id;
    // The newest exchange always stays whole, so a summary needs two before the /compact message.
    if (options.compact && session.entries.filter((e) => e.kind === 'user').length < 2) {
      throw new HearthException({ code: 'invalidRequest', message: 'There is nothing to compact yet: /compact summarises the earlier messages of a chat, and the newest exchange is always kept whole.', retryable: false });
    }
    // The chat's mode and switched-off rules files travel with the message and are stored with the session.
    if (params.mode !== undefined || params.disabledRules !== undefined) store.configure(sessionId, { mode: params.mode, disabledRules: params.disabledRules });
    const context = await this.deps.resolveContext([...params.input.context, ...this.changedResources(session, params.input.context)], params.input.text).then((items) =>
      items.map((item, i) => (i < params.input.context.length ? item : { ...item, text: `(This resource changed since it was attached earlier in this chat; this is its current content.)\n${item.text ?? ''}` })),
    );
    const activeFile = params.activeFile?.trim() || undefined;
    const rules = await this.findRules(sessionId, { context, activeFile });
    // The message is stored before anything can fail, so Retry always has it.
    const userEntry = store.addUserEntry(sessionId, {
      text: params.input.text,
      context,
      ...(params.input.images?.length ? { images: params.input.images.map(({ mimeType, name, dataBase64 }) => ({ mimeType, name, dataBase64 })) } : {}),
      ...(expansion !== undefined ? { expansion } : {}),
      ...(activeFile ? { activeFile } : {}),
      ...(params.agent ? { agent: { name: params.agent.name, by: params.agent.by } } : {}),
      ...(options.compact ? { compact: true as const, ...(options.compactFocus ? { compactFocus: options.compactFocus } : {}) } : {}),
      ...(rules.some((r) => r.info.enabled) ? { rules: rules.filter((r) => r.info.enabled).map((r) => ({ path: r.info.path, truncated: r.info.truncated })) } : {}),
    });
    const started = await this.startTurn(sessionId, userEntry, params.model, false, promptRules(rules), params.rememberedModel);
    const references = context.flatMap((item, i) => (item.references?.length ? [{ context: i, references: item.references }] : []));
    return references.length > 0 ? { ...started, references } : started;
  }

  /** Runs the last user message again; a failed or stopped reply to it is replaced. */
  async retry(sessionId: string, model?: string): Promise<ChatTurnStarted> {
    const { store } = this.deps;
    if (this.running.has(sessionId)) {
      throw new HearthException({ code: 'invalidRequest', message: 'A reply is still streaming in this chat. Stop it first.', retryable: true });
    }
    this.refuseWhileRestoring('retry');
    const session = store.get(sessionId);
    const lastUser = session ? [...session.entries].reverse().find((e): e is UserEntry => e.kind === 'user') : undefined;
    if (!session || !lastUser) {
      throw new HearthException({ code: 'invalidRequest', message: 'There is no message to retry in this chat.', retryable: false });
    }
    for (const entry of [...session.entries]) {
      if (entry.kind === 'assistant' && entry.replyTo === lastUser.id) store.removeEntry(sessionId, entry.id);
    }
    return this.startTurn(sessionId, lastUser, model);
  }

  /**
   * Resumes the session's last answer after it stopped at the length limit:
   * a new reply to the same message, sent with the cut answer as the last
   * history message and no new user message, so the model continues it.
   */
  async continueReply(sessionId: string, model?: string): Promise<ChatTurnStarted> {
    const { store } = this.deps;
    if (this.running.has(sessionId)) {
      throw new HearthException({ code: 'invalidRequest', message: 'A reply is still streaming in this chat. Wait for it or stop it first.', retryable: true });
    }
    this.refuseWhileRestoring('continue');
    const last = store.get(sessionId)?.entries.at(-1);
    if (!last || last.kind !== 'assistant' || last.doneReason !== 'length') {
      throw new HearthException({ code: 'invalidRequest', message: 'Only an answer that stopped at the length limit can be continued. Send a new message instead.', retryable: false });
    }
    const userEntry = store.get(sessionId)!.entries.find((e): e is UserEntry => e.kind === 'user' && e.id === last.replyTo);
    if (!userEntry) throw new HearthException({ code: 'invalidRequest', message: 'The message this answer replied to is gone. Send a new message instead.', retryable: false });
    return this.startTurn(sessionId, userEntry, model ?? last.model, true, undefined, undefined);
  }

  /**
   * The user's version of a reply's plan: stored as a `todos` event of that
   * reply (so it replays), shown at once, and the plan the next turn starts
   * from. Not while that chat is streaming, when the agent may be updating it.
   */
  editTodos(sessionId: string, entryId: string, items: TodoItem[]): void {
    if (this.running.has(sessionId)) {
      throw new HearthException({ code: 'invalidRequest', message: 'The agent is still working in this chat. Edit its plan when the reply has finished.', retryable: true });
    }
    const entry = this.deps.store.get(sessionId)?.entries.find((e) => e.id === entryId);
    if (!entry || entry.kind !== 'assistant') throw new HearthException({ code: 'invalidRequest', message: 'That reply no longer exists.', retryable: false });
    if (items.length > MAX_TODO_ITEMS || items.some((i) => typeof i.text !== 'string' || i.text.length > MAX_TODO_TEXT || !TODO_STATUSES.includes(i.status))) {
      throw new HearthException({ code: 'invalidRequest', message: `A plan holds at most ${MAX_TODO_ITEMS} steps of at most ${MAX_TODO_TEXT} characters each.`, retryable: false });
    }
    const clean = items.map((i) => ({ text: i.text.replace(/\s+/g, ' ').trim(), status: i.status })).filter((i) => i.text !== '');
    const event: AgentEvent = { type: 'todos', items: clean, byUser: true };
    this.deps.store.appendEvent(sessionId, entryId, event);
    this.deps.client.sendEvent({ sessionId, entryId, event });
  }

  /** Brings back the full history a reply's compaction replaced; the chat no longer compacts. */
  undoCompaction(sessionId: string, entryId: string): void {
    if (this.running.has(sessionId)) {
      throw new HearthException({ code: 'invalidRequest', message: 'A reply is still streaming in this chat. Undo the compaction when it has finished.', retryable: true });
    }
    const entry = this.deps.store.get(sessionId)?.entries.find((e) => e.id === entryId);
    if (!entry || entry.kind !== 'assistant' || !entry.compaction) throw new HearthException({ code: 'invalidRequest', message: 'That reply compacted nothing.', retryable: false });
    const event: AgentEvent = { type: 'compactionUndone' };
    this.deps.store.appendEvent(sessionId, entryId, event);
    this.deps.client.sendEvent({ sessionId, entryId, event });
  }

  /** `action`: what the user can do once the restore has finished, as the refusal tells them. */
  private refuseWhileRestoring(action: string): void {
    if (this.deps.restoring?.()) throw new HearthException({ code: 'invalidRequest', message: `A restore is still running. Wait for it to finish, then ${action}.`, retryable: true });
  }

  /** Stops the running turn of a session. Resolves once its final event is stored. */
  /** Mentions of MCP resources attached earlier in the session that changed since (see ChatServiceDeps.changedResources). */
  /** The agents for run_subagents; a failure offers none, it never fails the turn. */
  private async subagentAgents(settings: HearthSettings, agent: Agent, signal: AbortSignal): Promise<SubagentAgent[] | undefined> {
    const agents = await this.deps.subagentAgents?.(settings, agent, signal).catch(() => undefined);
    return agents?.length ? agents : undefined;
  }

  private changedResources(session: SessionView, context: ContextItem[]): ContextItem[] {
    if (!this.deps.changedResources) return [];
    const isResource = (c: ContextItem) => c.kind === 'mention' && parseResourceMention(c.path) !== undefined;
    const earlier = [...new Set(session.entries.flatMap((e) => (e.kind === 'user' ? e.context.filter(isResource).map((c) => c.path) : [])))];
    const now = context.filter(isResource).map((c) => c.path);
    return this.deps.changedResources(session.summary.id, earlier, now).map((path) => ({ kind: 'mention', path }));
  }

  async stop(sessionId: string): Promise<boolean> {
    const turn = this.running.get(sessionId);
    if (!turn) return false;
    turn.controller.abort();
    await turn.done;
    return true;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.stop(id)));
  }

  /** The rules files for a message: never throws (a file that cannot be read is left out). */
  private async findRules(sessionId: string, entry: { context: ContextItem[]; activeFile?: string }): Promise<FoundRulesFile[]> {
    if (!this.deps.rulesFor) return [];
    const paths = entry.context.filter((c) => !parseResourceMention(c.path)).map((c) => c.path);
    if (entry.activeFile) paths.push(entry.activeFile);
    const disabled = this.deps.store.get(sessionId)?.summary.disabledRules ?? [];
    return this.deps.rulesFor(paths, disabled).catch(() => []);
  }

  /** The model the chat's next message would use (the same decision as a turn's); '' when none can be chosen. */
  async modelFor(params: ChatModelParams): Promise<string> {
    const settings = await this.deps.settings();
    const agent = await this.deps.agent();
    const summary = params.sessionId ? this.deps.store.get(params.sessionId)?.summary : undefined;
    const mode = params.mode ?? summary?.mode ?? DEFAULT_CHAT_MODE;
    const choice: ModelChoice = { chat: summary?.models?.[mode], remembered: params.rememberedModel, setting: settings.chat.model };
    return resolveModel(agent, choice, AbortSignal.timeout(5000)).catch(() => '');
  }

  private async startTurn(
    sessionId: string,
    userEntry: UserEntry,
    requestedModel: string | undefined,
    continueReply = false,
    knownRules?: RulesFile[],
    rememberedModel?: string,
  ): Promise<ChatTurnStarted> {
    const { store } = this.deps;
    // The session's mode decides the turn's tools (in the agent core); a retry or a continuation keeps it.
    const summary = store.get(sessionId)?.summary;
    const mode = summary?.mode ?? DEFAULT_CHAT_MODE;
    const rules = knownRules ?? promptRules(await this.findRules(sessionId, userEntry));
    const settings = await this.deps.settings();
    this.backend = settings.server?.mode ?? 'local';
    const agent = await this.deps.agent();
    const controller = new AbortController();
    // One decider for the model (resolveModel): this request's override, the chat's pick for its mode, the mode's remembered pick, the setting.
    const choice: ModelChoice = { override: requestedModel, chat: summary?.models?.[mode], remembered: rememberedModel, setting: settings.chat.model };
    const model = await resolveModel(agent, choice, controller.signal).catch((err: unknown) => err);
    const modelName = typeof model === 'string' ? model : (chosenModel(choice) ?? '');
    // A continuation streams into the cut reply itself (the last entry), so the answer grows in place.
    const cut = continueReply ? store.get(sessionId)?.entries.at(-1) : undefined;
    // The first write of this reply that failed (a full disk): the turn stops, and the user is told instead of left waiting.
    let storeFailure: unknown;
    let entry: AssistantEntry;
    try {
      entry = cut?.kind === 'assistant' ? store.resumeAssistantEntry(sessionId, cut.id) : store.startAssistantEntry(sessionId, userEntry.id, modelName, mode);
    } catch (err) {
      // The user's message is already on disk. Refusing the send would put it back in the composer, and sending it
      // again would store it twice; the reply fails instead, as one whose later write failed does, with Retry.
      if (!(err instanceof HearthException && err.error.code === 'storageFailed')) throw err;
      storeFailure = err;
      entry = cut?.kind === 'assistant' ? cut : newAssistantEntry(userEntry.id, modelName, mode, Date.now());
    }
    const session = store.get(sessionId);
    const index = session ? session.entries.findIndex((e) => e.id === userEntry.id) : -1;
    // A continuation's history runs through the cut answer, which ends it.
    const history = session && index >= 0 ? historyFromEntries(continueReply ? session.entries : session.entries.slice(0, index)) : [];
    const input: UserInput = { text: userEntry.expansion ?? userEntry.text, context: userEntry.context, ...(userEntry.images?.length ? { images: userEntry.images } : {}) };

    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    this.running.set(sessionId, { controller, done });
    this.publishStatus(agent, modelName);

    const historyEntries = session && index >= 0 ? (continueReply ? session.entries.filter((e) => e.id !== entry.id) : session.entries.slice(0, index)) : [];
    const emit = (raw: AgentEvent) => {
      // A compaction is stored with the first entry it kept, so later histories start from its summary there.
      const event: AgentEvent = raw.type === 'compacted' ? { ...raw, keptFrom: keptFromAfterCompaction(historyEntries, raw.summarizedExchanges) } : raw;
      try {
        store.appendEvent(sessionId, entry.id, event);
      } catch (err) {
        // The chat still shows the event (the entry in memory has it); an agent must not go on changing files while its checkpoints cannot be kept.
        if (storeFailure === undefined) {
          storeFailure = err;
          controller.abort();
        }
      }
      this.deps.client.sendEvent({ sessionId, entryId: entry.id, event });
    };

    const run = async () => {
      let sawDone = false;
      let turnError: HearthError | undefined;
      try {
        if (storeFailure !== undefined) throw storeFailure;
        if (typeof model !== 'string') throw model;
        // The agent of this message (its @name, a keyword, the classifier, an editor action) and that agent's model.
        // A continuation keeps the cut reply's agent. Routing never fails a turn: without a choice the turn is Hearth's own.
        const cutRoute = cut?.kind === 'assistant' ? cut.route : undefined;
        const chosen = cutRoute ? { name: cutRoute.agent, by: 'continue' } : userEntry.agent;
        const choice =
          continueReply && !cutRoute
            ? undefined
            : await this.deps.chooseAgent?.({ text: input.text, chosen, settings, agent, chatModel: model, signal: controller.signal }).catch((err: unknown) => {
                this.deps.client.log(`Choosing an agent failed: ${err instanceof Error ? err.message : String(err)}`);
                return undefined;
              });
        // A model named for this request (Retry on an installed model, Continue on the cut answer's) wins over the agent's.
        if (choice && requestedModel) choice.route = { ...choice.route, model };
        if (choice && !continueReply) emit({ type: 'agentRoute', route: choice.route });
        const turnModel = requestedModel ? model : (choice?.model ?? model);
        const turnInput: UserInput = choice ? { ...input, text: choice.text } : input;
        // A call's note is one line of the reply that changes in place (its id), below the call's card.
        const tools = this.deps.executorForTurn?.({ sessionId, entryId: entry.id }, settings, (callId, message) => emit({ type: 'status', level: 'info', id: `call-note-${callId}`, message }));
        // Checkpoints: before the reply's first step and after every call that may change files (an agent turn only).
        const take = this.deps.checkpoint;
        const checkpoint = async (callId?: string) => {
          if (!take) return;
          try {
            emit({ type: 'checkpoint', checkpointId: await take(controller.signal), ...(callId !== undefined ? { callId } : {}) });
          } catch (err) {
            if (controller.signal.aborted) return;
            this.deps.client.log(`Hearth could not take a checkpoint: ${(err as Error).message}`);
            // Said in the chat too (one line, replaced in place): without it the timeline just lacks a Restore point, and a
            // user who relies on one finds out only when they need it.
            emit({
              type: 'status',
              level: 'warning',
              id: 'checkpoint-failed',
              message: `Hearth could not take a checkpoint of the files, because ${fileErrorReason(err)}, so this step has no Restore point. Free some disk space (or make Hearth's storage folder writable); the next checkpoint is taken as usual.`,
            });
          }
        };
        // A sub-agent's calls get no Restore point of their own: the chat shows them inside its card, and a restore to
        // one would put the files back to part-way through the card while the conversation kept the whole card and its
        // report. The run_subagents call that holds them gets one, once all its sub-agents are done (below).
        const subagentRuns = new Set<string>();
        const subagentWrites = new Set<string>();
        const runOf = (callId: string) => [...subagentRuns].find((id) => callId.startsWith(`${id}.a`));
        const executor =
          tools && take
            ? checkpointingExecutor(tools, (call) => {
                const run = runOf(call.id);
                if (run === undefined) return checkpoint(call.id);
                subagentWrites.add(run);
                return Promise.resolve();
              })
            : tools;
        if (tools && !continueReply) await checkpoint();
        // A planning failure (Ollama briefly away) leaves the defaults; the turn itself then reports the real problem.
        const plan = await this.deps.plan?.(agent, turnModel, settings, controller.signal).catch(() => undefined);
        let loadingSince: number | undefined;
        if (plan?.cold) {
          // A cold load takes 20–60 s before the first byte; say so instead of a silent spinner. No timeout: the load is progress.
          loadingSince = Date.now();
          emit({ type: 'status', level: 'info', id: MODEL_LOAD_NOTE, message: `Loading ${turnModel}… The first answer after a load can take a minute.` });
          this.publishStatus(agent, modelName, `Loading ${turnModel}…`);
        }
        // Only an agent turn (with tools) gets the map; a failure to build it never fails the turn.
        const workspaceContext = executor ? await this.deps.workspaceContext?.(settings).catch(() => undefined) : undefined;
        const agentSettings = settings.agent;
        // Sub-agents need tools to work with; their models are decided here, with the turn's, never by the model.
        // The agents the model may start by name are read from the agent files now, like the turn's own agent, and
        // their models chosen by the same rule (language-server/agents/chooseAgent.ts: agentOwnModel).
        const subagents =
          executor && agentSettings?.subagents
            ? {
                maxParallel: agentSettings.subagentMaxParallel,
                models: agentSettings.subagentModels,
                agents: await this.subagentAgents(settings, agent, controller.signal),
                // A sub-agent on another model gets that model's num_ctx and think, so it never makes Ollama reload it.
                plan: (model: string, signal: AbortSignal) => this.deps.plan?.(agent, model, settings, signal) ?? Promise.resolve({}),
              }
            : undefined;
        // The plan so far comes from the earlier replies of this chat, the user's edits included.
        const todos = executor && agentSettings?.todoList ? { current: latestTodos(session && index >= 0 ? session.entries.slice(0, index) : []) } : undefined;
        // A chat whose compaction the user undid keeps its full history from then on.
        const compactionUndone = session?.entries.some((e) => e.kind === 'assistant' && e.compaction?.undone) ?? false;
        const threshold = settings.chat.compactionThreshold;
        // /compact summarises now, whatever the threshold, also in a chat whose automatic compaction the user undid.
        const compactAt = userEntry.compact ? 0 : !compactionUndone && threshold !== undefined && threshold < 1 ? threshold : undefined;
        const options = { model: turnModel, executor, maxSteps: agentSettings?.maxSteps, numCtx: plan?.numCtx, think: plan?.think, continueReply, subagents, todos, compactAt, compactFocus: userEntry.compact ? userEntry.compactFocus : undefined, mode, rules, workspaceContext, agent: choice?.agent };
        for await (const event of agent.startTurn(history, turnInput, options, controller.signal)) {
          if (storeFailure !== undefined) throw storeFailure;
          // The load ends with the model's first output (the core's own events, such as the context estimate, come before it).
          if (loadingSince !== undefined && MODEL_OUTPUT.has(event.type)) {
            // The note becomes what happened, so a finished reply does not still say it is loading. A failed
            // load keeps the note: the error below it says why.
            if (event.type !== 'error') emit({ type: 'status', level: 'info', id: MODEL_LOAD_NOTE, message: `Loaded ${turnModel} in ${formatSeconds(Date.now() - loadingSince)}.` });
            loadingSince = undefined;
            this.publishStatus(agent, modelName);
          }
          if (event.type === 'error') turnError = event.error;
          if (event.type === 'done') sawDone = true;
          if (event.type === 'toolCall' && event.call.name === RUN_SUBAGENTS_TOOL) subagentRuns.add(event.call.id);
          emit(event);
          if (event.type === 'toolResult' && subagentWrites.delete(event.result.callId)) await checkpoint(event.result.callId);
          if (sawDone) break;
        }
        if (storeFailure !== undefined && !sawDone) throw storeFailure;
        if (!sawDone) emit({ type: 'done', reason: controller.signal.aborted ? 'cancelled' : 'stop' });
      } catch (err) {
        const error = toHearthError(storeFailure ?? err);
        turnError = error;
        if (!sawDone) {
          emit({ type: 'error', error });
          emit({ type: 'done', reason: 'error' });
        }
      } finally {
        this.running.delete(sessionId);
        // A stop is the user's choice, not a backend fault, so it clears the error state too.
        this.lastError = turnError && turnError.code !== 'cancelled' ? turnError : undefined;
        this.publishStatus(agent, modelName);
        finish();
      }
    };
    void run();
    return { sessionId, userEntryId: userEntry.id, assistantEntryId: entry.id, mode, ...(cut ? { continued: true } : {}) };
  }

  /** `loading`: the sentence for the status bar while the model loads. */
  private publishStatus(agent: Agent, model: string, loading?: string): void {
    const error = this.lastError;
    this.deps.client.sendStatus({
      backend: this.backend,
      host: agent.host,
      model,
      state: loading && this.busy ? 'loading' : error ? 'error' : this.busy ? 'busy' : 'idle',
      message: loading && this.busy ? loading : error?.message,
      ...(error && !(loading && this.busy) ? { errorCode: error.code } : {}),
    });
  }
}

export function toHearthError(err: unknown): HearthError {
  if (err instanceof HearthException) return err.error;
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message: `Hearth hit an unexpected error: ${message}. The message is kept; press Retry, or see Hearth: Show Logs.`, retryable: true };
}
