/**
 * A turn's tools, run only while the developer who started the turn may
 * still use this team server. The token was checked once, when the Chat call
 * opened, but one turn can go on for up to max_steps model calls and tool
 * round trips (each tool up to its deadline): without a check here, a
 * developer removed from the API keys, or a sign-in revoked because its
 * refresh token was copied, would keep the GPU, the admin's MCP tools and
 * the team index (team_search) for as long as that turn ran.
 */
import type { ToolCall, ToolResult } from '../../../protocol/chat';
import type { ToolExecutor } from '../../index';
import type { AuthFailure } from '../auth/authFailure';

/**
 * `inner`, asking `check` before and after every tool call. When it names a
 * refusal, `revoke` ends the turn (the Chat call fails with that status) and
 * the call gets an error result instead of running, or instead of its output.
 */
export function whileAuthorized(inner: ToolExecutor, check: () => Promise<AuthFailure | undefined>, revoke: (failure: AuthFailure) => void): ToolExecutor {
  const refused = (call: ToolCall, failure: AuthFailure): ToolResult => ({ callId: call.id, name: call.name, content: failure.message, isError: true, summary: 'access revoked' });
  const executor: ToolExecutor = {
    definitions: () => inner.definitions(),
    async execute(call: ToolCall, signal: AbortSignal): Promise<ToolResult> {
      const before = await check();
      if (before) {
        revoke(before);
        return refused(call, before);
      }
      const result = await inner.execute(call, signal);
      // The developer's access may have ended while the tool ran (a client can hold a call open until its deadline).
      const after = await check();
      if (after) {
        revoke(after);
        return refused(call, after);
      }
      return result;
    },
  };
  if (inner.refusalFor) executor.refusalFor = (name) => inner.refusalFor!(name);
  if (inner.turnedOff) executor.turnedOff = () => inner.turnedOff!();
  return executor;
}
