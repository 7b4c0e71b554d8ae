/**
 * The tool executor's public surface. The language server uses the tools only
 * through what this file exports; everything else in this folder is internal.
 * Nothing here imports `vscode` (BRIEF invariant 3): the editor is reached
 * through the injected `ApprovalGateway` and `ProblemsProvider`.
 */
export { createTurnExecutor, WorkspaceToolExecutor, type TurnExecutorOptions } from './workspaceToolExecutor';
export { TurnCheckpoints, type UndoReport, type RestoredFile } from './turnCheckpoints';
export { showHiddenCharacters, WorkspaceConfinement, type ConfinedPath, type WorkspaceRoot, type PathIntent } from './workspaceConfinement';
export { evaluateCommand, type CommandVerdict, type CommandLists, type CommandContext } from './commandPolicy';
export { parseShellCommand, type ParsedCommandLine, type SimpleCommand } from './shellCommand';
export { findRipgrep } from './ripgrepSearch';
export { looksBinary } from './textFiles';
// The symbol index walks the workspace exactly as glob and grep do (same .gitignore rules, no symlinks followed).
export { walkFiles } from './workspaceWalker';
export { GitignoreRules } from './gitignoreRules';
export { listPinned, openPinnedDir, openPinnedPath, openPinnedSubdir, readPinnedPrefix, type PinnedDir } from './pinnedFiles';
export {
  DEFAULT_TOOL_POLICY,
  type ApprovalGateway,
  type CodebaseSearchHit,
  type CodebaseSearchProvider,
  type CommandApprovalRequest,
  type CommandDecision,
  type CommandObserver,
  type EditApprovalRequest,
  type EditDecision,
  type Problem,
  type ProblemSeverity,
  type ProblemsProvider,
  type ReadApprovalRequest,
  type ReadDecision,
  type SkillLibrary,
  type SymbolLookup,
  type ToolPolicy,
} from './toolTypes';
