import { evaluateCommand } from '../commandPolicy';
import { runShellCommand } from '../processTreeRunner';
import { optionalIntegerArg, stringArg } from '../toolArguments';
import type { ToolContext, ToolOutcome } from '../toolContext';
import { ToolError } from '../toolError';
import { requireTrust } from './requireTrust';

const MAX_TIMEOUT_SECONDS = 600;

/**
 * run_command: runs a command line with /bin/sh in the workspace root, after
 * the policy allowed it or the user approved it; a deny-list match is refused
 * without asking.
 */
export async function runCommandTool(ctx: ToolContext, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolOutcome> {
  requireTrust(ctx);
  const command = stringArg(args, 'command');
  const timeoutSeconds = optionalIntegerArg(args, 'timeoutSeconds', 1, MAX_TIMEOUT_SECONDS);
  const timeoutMs = timeoutSeconds !== undefined ? timeoutSeconds * 1000 : Math.min(ctx.policy.commandTimeoutMs, MAX_TIMEOUT_SECONDS * 1000);
  const cwd = ctx.confinement.primaryRoot.realPath;
  if (command.trim() === '') throw new ToolError('The command is empty.', 'bad arguments');

  const verdict = evaluateCommand(command, { allow: ctx.policy.commandAllowList, deny: ctx.policy.commandDenyList });
  if (verdict.action === 'deny') {
    return {
      isError: true,
      summary: 'refused by deny-list',
      content: `Refused without running: ${verdict.reason}. The user's deny-list always wins and cannot be approved; do not try the same thing in another form. Explain to the user what you wanted to do instead.`,
    };
  }
  if (verdict.action === 'ask') {
    let decision: unknown;
    try {
      decision = await ctx.approvals.approveCommand(
        { callId: ctx.callId, command, cwd, reason: verdict.reason, reasons: [verdict.reason], sandbox: { kind: ctx.sandbox.kind, network: false } },
        signal,
      );
    } catch (e) {
      if (signal.aborted) throw new ToolError('The turn was cancelled while the command was waiting for approval. It did not run.', 'cancelled');
      throw new ToolError(`The command could not be shown to the user for approval (${(e as Error).message}). It did not run.`, 'approval failed');
    }
    if (signal.aborted) throw new ToolError('The turn was cancelled while the command was waiting for approval. It did not run.', 'cancelled');
    if (decision !== 'accept' && decision !== 'alwaysAllow') {
      return {
        isError: true,
        summary: 'rejected by user',
        content: `The user rejected running \`${command}\` (it needed approval because ${verdict.reason}). It did not run. Do not retry it; ask the user how to proceed.`,
      };
    }
  }

  const outcome = await runShellCommand({
    command,
    cwd,
    timeoutMs,
    maxOutputBytes: ctx.policy.maxOutputBytes,
    signal,
    killGraceMs: ctx.commandOptions.killGraceMs,
    env: {
      ...process.env,
      // Commands must never wait for input nobody can give: no pager, no credential prompt.
      PAGER: 'cat',
      GIT_PAGER: 'cat',
      GIT_TERMINAL_PROMPT: '0',
      HEARTH_AGENT: '1',
      ...ctx.commandOptions.env,
    },
  });
  if (outcome.spawnError) throw new ToolError(`The command could not be started: ${outcome.spawnError}.`, 'failed to start');

  const seconds = formatSeconds(outcome.durationMs);
  const lines: string[] = [];
  let summary: string;
  if (outcome.cancelled) {
    lines.push(`The command was cancelled after ${seconds} s; it and every process it started were stopped.`);
    summary = 'cancelled';
  } else if (outcome.timedOut) {
    lines.push(
      `The command timed out after ${formatSeconds(timeoutMs)} s; it and every process it started were stopped. ` +
        'If it needs longer, run it again with a larger timeoutSeconds; if it waits for input or runs forever (a server, a watcher), run something that finishes instead.',
    );
    summary = `timed out after ${formatSeconds(timeoutMs)} s`;
  } else {
    const exit = outcome.exitCode !== null ? `exit code ${outcome.exitCode}` : `killed by ${outcome.exitSignal}`;
    lines.push(`The command finished with ${exit} in ${seconds} s.`);
    summary = outcome.exitCode !== null ? `exit ${outcome.exitCode} in ${seconds} s` : `killed by ${outcome.exitSignal}`;
  }
  if (outcome.strayProcessesStopped) lines.push('Background processes it left running were stopped.');
  if (outcome.droppedBytes > 0) lines.push(`The output was ${outcome.outputBytes} bytes; the middle ${outcome.droppedBytes} bytes are omitted below.`);
  lines.push(outcome.output.length > 0 ? `Output:\n${outcome.output}` : '(no output)');
  return { content: lines.join('\n'), summary, isError: outcome.cancelled || outcome.timedOut };
}

/** "0.3", "1.2", "42": tenths while they matter, whole seconds after. */
function formatSeconds(ms: number): string {
  return ms < 10_000 ? (ms / 1000).toFixed(1) : String(Math.round(ms / 1000));
}
