import type { ToolExecutor } from '../../agent-host/index';
import type { ToolCall, ToolResult } from '../../protocol/chat';
import { BUILTIN_TOOL_LIST, BUILTIN_TOOLS, isToolName, ToolName, type JsonSchema, type ToolDefinition } from '../../protocol/tools';
import { codebaseSearchTool } from './builtins/codebaseSearchTool';
import { editFileTool } from './builtins/editFileTool';
import { fetchWebPageTool } from './builtins/fetchWebPageTool';
import { loadSkillTool } from './builtins/loadSkillTool';
import { findSymbolTool } from './builtins/findSymbolTool';
import { getProblemsTool } from './builtins/getProblemsTool';
import { globTool } from './builtins/globTool';
import { grepTool } from './builtins/grepTool';
import { listDirTool } from './builtins/listDirTool';
import { readFileTool } from './builtins/readFileTool';
import { rememberTool } from './builtins/rememberTool';
import { runCommandTool } from './builtins/runCommandTool';
import { writeFileTool } from './builtins/writeFileTool';
import { findRipgrep } from './ripgrepSearch';
import type { CommandSandbox } from './sandbox/commandSandbox';
import { detectCommandSandbox } from './sandbox/detectCommandSandbox';
import type { ToolContext, ToolOutcome, TurnState } from './toolContext';
import { ToolError } from './toolError';
import type { ApprovalGateway, CommandObserver, ProblemsProvider, ToolPolicy, SymbolLookup, CodebaseSearchProvider, WebPageFetcher, SkillLibrary } from './toolTypes';
import { TurnCheckpoints, type UndoReport } from './turnCheckpoints';
import { WorkspaceConfinement } from './workspaceConfinement';

export interface TurnExecutorOptions {
  /** The agent turn this executor serves; checkpoints and "accept all" are per turn. */
  turnId: string;
  /**
   * Absolute paths of the workspace folders; the first is where commands run.
   * A function is read again at every tool call (and before an approved change
   * is written or an approved command runs), so a folder removed from the
   * window while the turn runs is out of the tools' reach at once.
   */
  workspaceFolders: readonly string[] | (() => readonly string[]);
  /** The user's policy, or a function returning the current one (read at every call). */
  policy: ToolPolicy | (() => ToolPolicy);
  approvals: ApprovalGateway;
  /** VS Code's diagnostics; without it get_problems reports that they are unavailable. */
  problems?: ProblemsProvider;
  /** The codebase index; without it (or with its setting off) codebase_search is not offered. */
  codebaseSearch?: CodebaseSearchProvider;
  /** Whether codebase_search is offered, decided once per turn (the provider's setting); default false. */
  codebaseSearchEnabled?: boolean;
  /** Where checkpoints are stored (a directory), or a shared `TurnCheckpoints`. */
  checkpoints: string | TurnCheckpoints;
  /** VS Code's bundled ripgrep; null disables ripgrep (JavaScript search only); undefined looks on the PATH. */
  ripgrepPath?: string | null;
  /** Time between SIGTERM and SIGKILL when a command is stopped (default 500 ms). */
  killGraceMs?: number;
  /** Extra environment variables for commands. */
  commandEnv?: NodeJS.ProcessEnv;
  /** Folders commands must see empty wherever they are: Hearth's own storage (see `hearthPrivateFolders`). */
  hiddenFromCommands?: readonly string[];
  /** The OS sandbox for commands; default: the one detected for this machine. */
  sandbox?: CommandSandbox;
  /** Shows commands as they run (the editor's terminal view); optional. */
  commandObserver?: CommandObserver;
  /** Shows a call's note in the chat (see `ToolContext.note`); without it notes go nowhere. */
  notes?: (callId: string, message: string) => void;
  /** The symbol index; without it (or while it is off) find_symbol is not offered. */
  symbols?: SymbolLookup;
  /** Project memory is on for this workspace (`hearth.memory.enabled`): the remember tool is offered. */
  memoryEnabled?: boolean;
  /** Web pages for fetch_web_page; without it (fetching turned off) the tool is not offered. */
  webPages?: WebPageFetcher;
  /** The Agent Skills this turn offers; without any, load_skill is not offered. */
  skills?: SkillLibrary;
}

type ToolImplementation = (ctx: ToolContext, args: Record<string, unknown>, signal: AbortSignal) => Promise<ToolOutcome>;

const IMPLEMENTATIONS: Record<ToolName, ToolImplementation> = {
  [ToolName.ReadFile]: readFileTool,
  [ToolName.ListDir]: listDirTool,
  [ToolName.Glob]: globTool,
  [ToolName.Grep]: grepTool,
  [ToolName.WriteFile]: writeFileTool,
  [ToolName.EditFile]: editFileTool,
  [ToolName.RunCommand]: runCommandTool,
  [ToolName.GetProblems]: getProblemsTool,
  [ToolName.FindSymbol]: findSymbolTool,
  [ToolName.Remember]: rememberTool,
  [ToolName.CodebaseSearch]: codebaseSearchTool,
  [ToolName.FetchWebPage]: fetchWebPageTool,
  [ToolName.LoadSkill]: loadSkillTool,
};

/**
 * Runs the built-in tools for one agent turn over the workspace folders, on
 * the developer's machine (BRIEF invariant 1). Every dependency is injected,
 * so it runs in-process in tests. `execute` never throws: a bad call, a
 * refused path, a rejected change or a failing command all become `isError`
 * results the model reads and can correct.
 */
export class WorkspaceToolExecutor implements ToolExecutor {
  readonly turnId: string;
  readonly checkpoints: TurnCheckpoints;
  private readonly turn: TurnState = { acceptAllEdits: false, executionSensitiveWrites: [], approvedReads: new Set() };
  private confinement?: { key: string; value: Promise<WorkspaceConfinement> };
  private ripgrep?: Promise<string | null>;
  private changes: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: TurnExecutorOptions) {
    this.turnId = options.turnId;
    this.checkpoints = typeof options.checkpoints === 'string' ? new TurnCheckpoints(options.checkpoints) : options.checkpoints;
  }

  private currentPolicy(): ToolPolicy {
    return typeof this.options.policy === 'function' ? this.options.policy() : this.options.policy;
  }

  /**
   * All built-in tools in a trusted workspace; only the read-only ones in an
   * untrusted one. find_symbol only while the symbol index is on, remember
   * only where the user turned project memory on, fetch_web_page only while
   * fetching web pages is on and the workspace is trusted, load_skill only
   * when there are skills to load.
   */
  definitions(): ToolDefinition[] {
    const trusted = this.currentPolicy().trusted;
    return BUILTIN_TOOL_LIST.filter((d) => (trusted || d.readOnly) && this.offered(d.name)).map((d) => (d.name === ToolName.LoadSkill ? this.loadSkillDefinition(d) : d));
  }

  /**
   * load_skill with the names it accepts spelled out in its schema: a
   * sub-agent's prompt has no "Skills" section (it starts from a short,
   * purpose-built context), so the tool itself says which skills there are,
   * and a small model picks a name from the list instead of inventing one.
   */
  private loadSkillDefinition(d: ToolDefinition): ToolDefinition {
    const names = this.options.skills?.names() ?? [];
    const name: JsonSchema = { type: 'string', enum: [...names], description: 'The skill\'s name, one of the listed ones.' };
    return { ...d, parameters: { ...d.parameters, properties: { ...d.parameters.properties, name } } };
  }

  private offered(name: string): boolean {
    if (name === ToolName.FindSymbol) return this.options.symbols !== undefined && this.options.symbols.state() !== 'off';
    if (name === ToolName.Remember) return this.options.memoryEnabled === true;
    if (name === ToolName.CodebaseSearch) return this.options.codebaseSearch !== undefined && this.options.codebaseSearchEnabled === true;
    if (name === ToolName.FetchWebPage) return this.options.webPages !== undefined && this.currentPolicy().trusted;
    if (name === ToolName.LoadSkill) return (this.options.skills?.names().length ?? 0) > 0;
    return true;
  }

  async execute(call: ToolCall, signal: AbortSignal): Promise<ToolResult> {
    const started = performance.now();
    const result = (outcome: ToolOutcome): ToolResult => ({
      callId: call.id,
      name: call.name,
      content: outcome.content,
      isError: outcome.isError ?? false,
      summary: outcome.summary,
      ...(outcome.display ? { display: outcome.display } : {}),
      durationMs: Math.round(performance.now() - started),
    });
    try {
      if (signal.aborted) return result({ isError: true, content: 'The turn was cancelled before this tool ran.', summary: 'cancelled' });
      if (!isToolName(call.name)) {
        return result({
          isError: true,
          summary: 'unknown tool',
          content: `There is no tool named ${JSON.stringify(call.name)}. Available tools: ${this.definitions().map((d) => d.name).join(', ')}.`,
        });
      }
      const args = call.arguments;
      if (typeof args !== 'object' || args === null || Array.isArray(args)) {
        return result({ isError: true, summary: 'bad arguments', content: `The arguments of ${call.name} must be a JSON object.` });
      }
      const policy = this.currentPolicy();
      const ctx: ToolContext = {
        turnId: this.turnId,
        callId: call.id,
        toolName: call.name,
        policy,
        confinement: await this.getConfinement(),
        currentConfinement: () => this.getConfinement(),
        approvals: this.options.approvals,
        problems: this.options.problems,
        symbols: this.options.symbols,
        memoryEnabled: this.options.memoryEnabled === true,
        codebaseSearch: this.options.codebaseSearchEnabled ? this.options.codebaseSearch : undefined,
        webPages: this.options.webPages,
        skills: this.options.skills,
        checkpoints: this.checkpoints,
        sandbox: this.options.sandbox ?? (await detectCommandSandbox()),
        ripgrep: () => this.getRipgrep(),
        turn: this.turn,
        commandOptions: { killGraceMs: this.options.killGraceMs, env: this.options.commandEnv, hidden: this.options.hiddenFromCommands },
        ...(this.options.commandObserver ? { commandObserver: this.options.commandObserver } : {}),
        note: (message) => this.options.notes?.(call.id, message),
        serializeChange: (work) => this.serializeChange(work),
      };
      if (!BUILTIN_TOOLS[call.name].readOnly && !policy.trusted) {
        return result({
          isError: true,
          summary: 'refused: untrusted workspace',
          content: `${call.name} is not available: this workspace is not trusted (VS Code Workspace Trust), so the agent may only read and search. Tell the user that trusting the workspace enables edits and commands.`,
        });
      }
      return result(await IMPLEMENTATIONS[call.name](ctx, args, signal));
    } catch (e) {
      if (e instanceof ToolError) return result({ isError: true, content: e.message, summary: e.summary });
      if (signal.aborted || (e as Error).name === 'AbortError') return result({ isError: true, content: 'The tool was cancelled.', summary: 'cancelled' });
      const err = e as NodeJS.ErrnoException;
      const detail = err.code ? `${err.code}: ${err.message}` : String(err?.message ?? e);
      return result({ isError: true, summary: 'failed', content: `${call.name} failed: ${detail}. Check the arguments and the path, and try again or take another approach.` });
    }
  }

  /** Restores every file this turn changed (see `TurnCheckpoints.undoTurn`). */
  undo(): Promise<UndoReport> {
    return this.checkpoints.undoTurn(this.turnId, this.currentFolders());
  }

  private currentFolders(): readonly string[] {
    const given = this.options.workspaceFolders;
    return typeof given === 'function' ? given() : given;
  }

  /**
   * The confinement of the folders open now, made again only when they
   * changed (resolving the folders' real paths and probing their case
   * sensitivity costs file-system calls that need not repeat at every call).
   */
  private getConfinement(): Promise<WorkspaceConfinement> {
    const folders = this.currentFolders();
    const key = folders.join('\0');
    if (this.confinement?.key !== key) this.confinement = { key, value: WorkspaceConfinement.create(folders) };
    return this.confinement.value;
  }

  private getRipgrep(): Promise<string | null> {
    this.ripgrep ??= this.options.ripgrepPath === null ? Promise.resolve(null) : findRipgrep(this.options.ripgrepPath);
    return this.ripgrep;
  }

  private serializeChange<T>(work: () => Promise<T>): Promise<T> {
    const run = this.changes.then(work, work);
    this.changes = run.catch(() => undefined);
    return run;
  }
}

/** Creates the executor for one agent turn. */
export function createTurnExecutor(options: TurnExecutorOptions): WorkspaceToolExecutor {
  return new WorkspaceToolExecutor(options);
}
