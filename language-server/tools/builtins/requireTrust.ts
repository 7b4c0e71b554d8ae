import type { ToolContext } from '../toolContext';
import { refused } from '../toolError';

/**
 * Refuses every changing tool in a workspace the user has not trusted (VS
 * Code Workspace Trust): such a workspace gets read-only tools, however the
 * model asks. Checked at every call because trust can be revoked mid-turn.
 */
export function requireTrust(ctx: ToolContext): void {
  if (!ctx.policy.trusted) {
    throw refused(
      `${ctx.toolName} is not available: this workspace is not trusted (VS Code Workspace Trust), so the agent may only read and search. ` +
        'Tell the user that trusting the workspace ("Manage Workspace Trust") enables edits and commands.',
    );
  }
}
