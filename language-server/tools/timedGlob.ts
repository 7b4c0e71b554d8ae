import type { CompiledGlob } from './globPattern';

/**
 * How long the model's glob may spend matching paths in one tool call. The
 * matcher cannot backtrack (globPattern.ts), but its work per path is the
 * path's length times the pattern's size after `{a,b}` expansion, so a
 * kilobyte of `*a*a…` in 256 alternatives costs tens of milliseconds a path:
 * minutes over an ordinary repository, with the turn stuck until the user
 * stops it. The same bound as grep's JavaScript fallback gives its pattern.
 */
export const GLOB_MATCH_BUDGET_MS = 5_000;

/** The message for a search cut short by the budget, for the model and the user. */
export const GLOB_TOO_SLOW = `the glob pattern took longer than ${GLOB_MATCH_BUDGET_MS / 1000} s to match the workspace's paths; use a shorter pattern with fewer "*" and {…} alternatives`;

/**
 * A compiled glob whose matching time over one tool call is counted:
 * `matches` answers undefined once the budget is spent, and the caller stops
 * and says why (GLOB_TOO_SLOW).
 */
export class TimedGlob {
  private spentMs = 0;

  constructor(
    readonly glob: CompiledGlob,
    private readonly budgetMs = GLOB_MATCH_BUDGET_MS,
  ) {}

  /** Whether the path matches, or undefined when the budget is spent. */
  matches(relativePath: string, isDir: boolean): boolean | undefined {
    if (this.spentMs > this.budgetMs) return undefined;
    const started = performance.now();
    const matched = this.glob.matches(relativePath, isDir);
    this.spentMs += performance.now() - started;
    return matched;
  }
}
