import type { ToolResultDisplay } from '../../protocol/chat';
import type { CommandSandbox } from './sandbox/commandSandbox';
import type { TurnCheckpoints } from './turnCheckpoints';
import type { ApprovalGateway, CommandObserver, ProblemsProvider, ToolPolicy, SymbolLookup, CodebaseSearchProvider, WebPageFetcher, SkillLibrary } from './toolTypes';
import type { WorkspaceConfinement } from './workspaceConfinement';

/** What one tool call sees: the call's identity, the turn's state and the injected services. */
export interface ToolContext {
  readonly turnId: string;
  readonly callId: string;
  readonly toolName: string;
  /** The user's policy as of now (read again for every call). */
  readonly policy: ToolPolicy;
  /** The workspace folders as this call started. */
  readonly confinement: WorkspaceConfinement;
  /**
   * The workspace folders open now: what a change or a command checks again
   * after waiting for approval, since the user may have removed a folder from
   * the window meanwhile.
   */
  currentConfinement(): Promise<WorkspaceConfinement>;
  readonly approvals: ApprovalGateway;
  readonly problems?: ProblemsProvider;
  /** The symbol index (find_symbol); undefined when it is off. */
  readonly symbols?: SymbolLookup;
  /** Whether project memory (the remember tool) is on for this workspace. */
  readonly memoryEnabled?: boolean;
  /** The codebase index; without it codebase_search reports that it is unavailable. */
  readonly codebaseSearch?: CodebaseSearchProvider;
  /** Web pages (fetch_web_page); undefined when the user turned fetching off. */
  readonly webPages?: WebPageFetcher;
  /** The Agent Skills of this turn (load_skill). */
  readonly skills?: SkillLibrary;
  readonly checkpoints: TurnCheckpoints;
  /** The OS sandbox commands run in (kind 'none' where this machine has none: then every command asks). */
  readonly sandbox: CommandSandbox;
  /** The ripgrep binary, or null to use the JavaScript search. */
  ripgrep(): Promise<string | null>;
  /** State shared by the calls of one turn. */
  readonly turn: TurnState;
  /** Options for run_command that tests shorten. */
  readonly commandOptions: { killGraceMs?: number; env?: NodeJS.ProcessEnv; hidden?: readonly string[] };
  /** Watches commands as they run (the editor's "Hearth Agent" terminal); never decides anything. */
  readonly commandObserver?: CommandObserver;
  /**
   * Shows a line under this call in the chat while it runs, for what the user
   * must know now (why a command has not started yet); a later note replaces
   * the earlier one. Never seen by the model.
   */
  note(message: string): void;
  /** Runs `work` after every earlier change of this turn finished, so two edits never interleave. */
  serializeChange<T>(work: () => Promise<T>): Promise<T>;
}

export interface TurnState {
  /** The user chose "accept all edits for this turn". */
  acceptAllEdits: boolean;
  /**
   * Execution-sensitive files this turn changed (display paths). Once one is
   * written, no command in the same turn runs without asking, since any of
   * them may now run what was written.
   */
  executionSensitiveWrites: string[];
  /**
   * Secrets files (resolved absolute paths) the user allowed read_file to
   * read in this turn after being asked, so reading one in parts asks once.
   */
  approvedReads: Set<string>;
}

/** What a tool produces; the executor adds the call id, name and duration. */
export interface ToolOutcome {
  content: string;
  summary: string;
  isError?: boolean;
  /** What the chat shows at a glance (see `ToolResultDisplay`); the tool computes it because it has the numbers. */
  display?: ToolResultDisplay;
}
