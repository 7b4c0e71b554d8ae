/**
 * The seams of the tool executor. Everything the executor needs from the
 * outside world (the user's approval, VS Code's diagnostics, the user's policy)
 * comes through these small interfaces, so the executor runs in-process in
 * tests without VS Code or JSON-RPC, and the language server implements them
 * over LSP requests to the extension.
 */

import { DEFAULT_COMMAND_ALLOW_LIST, DEFAULT_COMMAND_DENY_LIST, DEFAULT_DISABLED_FILES } from './agentPolicyDefaults';
import type { TurnRef, WebPageApprovalParams } from '../../protocol/lspMethods';
import type { WebPageOptions } from '../chat/readWebPage';
import type { HttpProxy } from '../net/httpProxy';

/**
 * Sees a command run: its line, its output as it arrives and how it ended.
 * Implemented over LSP notifications for the editor's "Hearth Agent"
 * terminal, which is only a view: nothing an observer does reaches the
 * process, and a failing observer never affects the command.
 */
export interface CommandObserver {
  started(callId: string, command: string, cwd: string): void;
  output(callId: string, chunk: Buffer): void;
  ended(callId: string, end: { exitCode: number | null; signal?: string; timedOut: boolean; cancelled: boolean; durationMs: number }): void;
}

/** What the user decided about one proposed file change. */
export type EditDecision = 'accept' | 'reject' | 'acceptAllForTurn';

/**
 * What the user decided about one command that needs approval. `alwaysAllow`
 * runs it and adds `suggestedRule` to the user's allow-list (the editor writes
 * the user's setting; the agent never can).
 */
export type CommandDecision = 'accept' | 'reject' | 'alwaysAllow';

export interface EditApprovalRequest {
  callId: string;
  toolName: string;
  /** Absolute real path of the file (symlinks resolved). */
  path: string;
  /** The path as the chat shows it (workspace-relative; prefixed with the folder name in multi-root workspaces). */
  relativePath: string;
  /** The current content; null when the file does not exist yet. */
  oldContent: string | null;
  newContent: string;
  /** True when the current content is not text (the diff shows it lossily decoded). */
  oldIsBinary?: boolean;
  /**
   * Set when the file makes another program run code (package.json, .npmrc,
   * a Makefile…): why, in words for the user. Such changes always ask, even
   * with auto-approved edits.
   */
  executionSensitive?: string;
}

export interface CommandApprovalRequest {
  callId: string;
  /** The full command line exactly as it will be run by /bin/sh. */
  command: string;
  /** Absolute working directory. */
  cwd: string;
  /** Why approval is needed, e.g. "`rm` is not in your allow-list"; the first of `reasons`. */
  reason: string;
  /** Every reason the command needs approval, most important first. */
  reasons: string[];
  /** How the command will be confined if approved. */
  sandbox: { kind: 'bubblewrap' | 'seatbelt' | 'none'; network: boolean };
  /** The allow-list entry "Always allow" would add, when one exactly covers this command. */
  suggestedRule?: string;
}

/**
 * A read that needs the user's approval: a file with more than one hard link
 * may be the same file as one outside the workspace, so reading it is asked.
 */
export interface ReadApprovalRequest {
  callId: string;
  toolName: string;
  /** Absolute real path of the file. */
  path: string;
  relativePath: string;
  /** Why reading needs approval, in words for the user. */
  reason: string;
}

export type ReadDecision = 'accept' | 'reject';

/** A web page fetch_web_page would fetch: its address leaves the machine, so the user sees it in full first (the LSP request without the turn). */
export type WebPageApprovalRequest = Omit<WebPageApprovalParams, keyof TurnRef>;

/** The Agent Skills a turn offers (load_skill), as read when the turn started. */
export interface SkillLibrary {
  /** The names of the skills offered; none: load_skill is not offered. */
  names(): readonly string[];
  /** A skill's instructions, introduced with where they come from, and the files beside them; throws with a sentence for the model. */
  load(name: string): Promise<string>;
  /** One file of a skill's folder; throws with a sentence for the model. */
  readFile(name: string, file: string): Promise<string>;
}

/** Reads web pages for fetch_web_page (the same reader and proxy as `@https://…` mentions). */
export interface WebPageFetcher {
  /** The proxy the address goes through, or undefined for a direct request; throws when the proxy setting is unusable. */
  proxyFor(url: URL): Promise<HttpProxy | undefined>;
  /** The address a host name resolves to (the system's resolver: hosts file, DNS); throws when it does not. */
  resolve(hostname: string): Promise<{ address: string; family: number }>;
  /**
   * The page as text for the model, following redirects within its server
   * only, through the proxy the user was shown, or connected to the address
   * they were shown; throws with the reason it could not be read.
   */
  read(url: string, signal: AbortSignal, route: Pick<WebPageOptions, 'proxy' | 'pinnedAddress'>): Promise<string>;
}

/**
 * Implemented by the language server over LSP: the extension shows a diff
 * editor or a prompt. Aborting `signal` (the turn was cancelled) must settle
 * the promise; a rejected promise is treated like a rejection by the user.
 */
export interface ApprovalGateway {
  approveEdit(req: EditApprovalRequest, signal: AbortSignal): Promise<EditDecision>;
  approveCommand(req: CommandApprovalRequest, signal: AbortSignal): Promise<CommandDecision>;
  approveRead(req: ReadApprovalRequest, signal: AbortSignal): Promise<ReadDecision>;
  approveWebPage(req: WebPageApprovalRequest, signal: AbortSignal): Promise<ReadDecision>;
}

export type ProblemSeverity = 'error' | 'warning' | 'info';

export interface Problem {
  /** Workspace-relative path, as the client reports it. */
  path: string;
  /** 1-based line. */
  line: number;
  severity: ProblemSeverity;
  message: string;
  source?: string;
}

/** VS Code's diagnostics, asked from the client. */
export interface ProblemsProvider {
  /** All problems, or those of one file when `relativePath` is given. */
  getProblems(relativePath?: string): Promise<Problem[]>;
}

/** One result of codebase_search: a chunk of a workspace file. */
export interface CodebaseSearchHit {
  /** Workspace-relative display path (prefixed with the folder name in multi-root workspaces). */
  path: string;
  startLine: number;
  endLine: number;
  snippet: string;
  /** Set for a passage of one of the user's documentation folders (that folder), which read_file may not reach: the snippet is then the passage itself. */
  documentation?: string;
}

/** The codebase index as codebase_search sees it (implemented by language-server/semanticSearch). */
export interface CodebaseSearchProvider {
  /** Whether the tool is offered now (the user's setting). */
  enabled(): Promise<boolean>;
  search(query: string, limit: number, signal: AbortSignal): Promise<{ hits: CodebaseSearchHit[]; ranking: 'hybrid' | 'full-text'; notes: string[] }>;
}

/**
 * The user's policy, read from settings the agent cannot write. It is read
 * again at every tool call (see `ToolExecutorOptions.policy`), so revoking
 * Workspace Trust or tightening a list applies to the running turn at once.
 */
export interface ToolPolicy {
  /** VS Code Workspace Trust. Untrusted workspaces get read-only tools only. */
  trusted: boolean;
  /** Write edits without showing the diff first. */
  autoApproveEdits: boolean;
  /**
   * Commands that run without asking, matched as word prefixes ("npm test" allows "npm test -- --grep x"),
   * provided the further arguments pass the option and path checks of `commandPolicy.ts`.
   */
  commandAllowList: string[];
  /** Commands that are refused outright, anywhere in a compound command. Always wins over the allow-list. */
  commandDenyList: string[];
  /** Default timeout of run_command when the model gives none. */
  commandTimeoutMs: number;
  /** Cap on the output run_command, grep and get_problems return to the model. */
  maxOutputBytes: number;
  /** Cap on the text read_file returns in one call. */
  maxReadBytes: number;
  /**
   * The user's secrets files: the `hearth.completion.disabledFiles` patterns,
   * which only user settings set, never a repository. read_file asks before
   * reading one, grep leaves them out, and an allow-listed command that names
   * one asks: their contents would go to the model, and in team mode to the
   * team server.
   */
  secretsFiles: readonly string[];
}

/** Conservative defaults; the language server overrides them from the user's settings. */
// The command lists come from one module, shared with the settings reader and checked against package.json.
export const DEFAULT_TOOL_POLICY: ToolPolicy = {
  trusted: true,
  autoApproveEdits: false,
  commandAllowList: [...DEFAULT_COMMAND_ALLOW_LIST],
  commandDenyList: [...DEFAULT_COMMAND_DENY_LIST],
  commandTimeoutMs: 60_000,
  maxOutputBytes: 30_000,
  maxReadBytes: 100_000,
  secretsFiles: DEFAULT_DISABLED_FILES,
};

/**
 * The symbol index as find_symbol sees it (implemented by language-server/codeIndex).
 * Paths are the workspace folder's real path and a `/`-separated path inside it.
 */
export interface SymbolLookup {
  /** `indexing` while a build runs (answers may be incomplete), `ready` once it finished. */
  state(): 'idle' | 'indexing' | 'ready' | 'off' | 'error';
  definitions(name: string): { root: string; relative: string; line: number; kind: string; signature: string }[];
  references(name: string): { root: string; relative: string; lines: number[] }[];
}
