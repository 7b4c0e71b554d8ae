/**
 * Paths the agent may read but never write, whatever the user's policy says:
 * Git's internals (a hook or a config change is code execution later), and
 * every file that holds Hearth's or VS Code's configuration, so the agent can
 * never change its own approval policy (BRIEF invariant 2).
 *
 * The comparison is always case-folded, also on case-sensitive file systems:
 * `.GIT/config` is a different file from `.git/config` on Linux, but the same
 * file once the repository is cloned on macOS or Windows, and nobody has a
 * legitimate reason to write either. Trailing dots and spaces are dropped
 * because Windows ignores them (`.git.` opens `.git`).
 */

function fold(segment: string): string {
  return segment.toLowerCase().replace(/[. ]+$/, '');
}

/**
 * Returns why writing the path is forbidden, or null when it is allowed.
 * `segments` is the path relative to a workspace folder, split on `/`.
 */
export function protectedPathReason(segments: readonly string[]): string | null {
  const folded = segments.map(fold);
  for (let i = 0; i < folded.length; i++) {
    const seg = folded[i];
    if (seg === '.git') {
      return 'files inside .git/ are Git\'s internals (hooks and config run code); the agent may not write them. Use run_command with a git command instead';
    }
    if (seg === '.hearth') {
      return '.hearth/ holds Hearth\'s own configuration, which the agent may not change';
    }
    const isLast = i === folded.length - 1;
    if (isLast && seg.endsWith('.code-workspace')) {
      return '*.code-workspace files hold VS Code workspace settings, which the agent may not change';
    }
    if (isLast && i > 0 && folded[i - 1] === '.vscode' && (seg === 'settings.json' || seg === 'mcp.json')) {
      return `.vscode/${seg} holds VS Code and Hearth settings (including the agent's approval policy and MCP servers), which the agent may not change`;
    }
  }
  return null;
}
