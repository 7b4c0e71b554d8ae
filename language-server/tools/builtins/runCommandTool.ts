import * as path from 'node:path';
import type { ToolResultDisplay } from '../../../protocol/chat';
import { evaluateCommand, type CommandVerdict } from '../commandPolicy';
import { runShellCommand, type ShellRunOutcome } from '../processTreeRunner';
import { readableCommandOutput } from '../readableCommandOutput';
import { signalExitStatus } from '../signalExitStatus';
import { SandboxHidesFolder, SandboxWaitCancelled, type SandboxedSpawn } from '../sandbox/commandSandbox';
import { GUARD_SCAN_DEPTH, MAX_ENTRIES, MAX_GUARDS } from '../sandbox/findGuardedPaths';
import { optionalIntegerArg, stringArg } from '../toolArguments';
import { secretsFileTest } from '../secretsFileTest';
import type { ToolContext, ToolOutcome } from '../toolContext';
import { ToolError } from '../toolError';
import { requireTrust } from './requireTrust';

const MAX_TIMEOUT_SECONDS = 600;

/**
 * run_command: runs a command line with /bin/sh in the workspace root, inside
 * the OS sandbox (BRIEF invariant 1), after the policy allowed it or the user
 * approved it; a deny-list match is refused without asking. The allow-list
 * only decides whether to ask, never whether to sandbox: an allow-listed
 * command still asks where no sandbox exists, after this turn wrote an
 * execution-sensitive file (it may now run what was written), and in a
 * workspace folder too large for the sandbox to find every file it must keep
 * read-only.
 */
export async function runCommandTool(ctx: ToolContext, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolOutcome> {
  requireTrust(ctx);
  const command = stringArg(args, 'command');
  const timeoutSeconds = optionalIntegerArg(args, 'timeoutSeconds', 1, MAX_TIMEOUT_SECONDS);
  const timeoutMs = timeoutSeconds !== undefined ? timeoutSeconds * 1000 : Math.min(ctx.policy.commandTimeoutMs, MAX_TIMEOUT_SECONDS * 1000);
  if (command.trim() === '') throw new ToolError('The command is empty.', 'bad arguments');
  // In the turn's order of changes, like write_file and edit_file: a command is judged and run
  // with no file change in between, so a write approved while it waited (a team server may send
  // calls without waiting for results) is one it sees and asks about, never one it runs unasked.
  return ctx.serializeChange(() => judgeAndRun(ctx, command, timeoutMs, signal));
}

async function judgeAndRun(ctx: ToolContext, command: string, timeoutMs: number, signal: AbortSignal): Promise<ToolOutcome> {
  const cwd = ctx.confinement.primaryRoot.realPath;
  const roots = ctx.confinement.roots.map((r) => r.realPath);
  const verdict = evaluateCommand(command, { allow: ctx.policy.commandAllowList, deny: ctx.policy.commandDenyList }, { roots, cwd, isSecretsFile: secretsFileTest(ctx.policy, roots) });
  if (verdict.action === 'deny') {
    return {
      isError: true,
      summary: 'refused by deny-list',
      content: `Refused without running: ${verdict.reason}. The user's deny-list always wins and cannot be approved; do not try the same thing in another form. Explain to the user what you wanted to do instead.`,
    };
  }

  // A folder the guard scan cannot cover whole has package.json, Makefile … files that a
  // command could rewrite for the next one to run. Refusing every command there would make
  // Hearth useless in exactly the large repositories it is used in, and only saying so in the
  // result would come after the harm; so an allow-listed command asks instead, and the card
  // tells the user why (the scan is cached, so asking costs little).
  let unguarded: string[];
  try {
    unguarded = ctx.sandbox.kind !== 'none' && ctx.sandbox.unguardedFolders ? await ctx.sandbox.unguardedFolders(roots) : [];
  } catch (e) {
    throw new ToolError(`The command sandbox could not be set up (${(e as Error).message}). The command did not run; try again, and tell the user if it keeps failing.`, 'failed to start');
  }
  const ask = whyAsk(ctx, verdict, unguarded);
  let network = false;
  let writeExecutionSensitive = false;
  if (ask.reasons.length > 0) {
    let decision: unknown;
    try {
      decision = await ctx.approvals.approveCommand(
        {
          callId: ctx.callId,
          command,
          cwd,
          reason: ask.reasons[0],
          reasons: ask.reasons,
          // Without a sandbox nothing limits the network; with one, only an approved command that needs it gets it.
          sandbox: { kind: ctx.sandbox.kind, network: ctx.sandbox.kind === 'none' || ask.needsNetwork },
          ...(ask.suggestedRule !== undefined ? { suggestedRule: ask.suggestedRule } : {}),
        },
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
        content: `The user rejected running \`${command}\` (it needed approval because ${ask.reasons[0]}). It did not run. Do not retry it; ask the user how to proceed.`,
      };
    }
    // Only an approved command the policy says needs the network gets it, and only an approved install (one that
    // needs the network, or makes a Python environment) may write node_modules/, .venv/ and lockfiles, as installing
    // must. Allow-listed commands never do.
    network = ask.needsNetwork;
    writeExecutionSensitive = ask.installs;
    if (writeExecutionSensitive) {
      // What it installed runs in the next command of this turn, so those ask too.
      ctx.turn.executionSensitiveWrites.push(`node_modules/, Python environments and lockfiles (through \`${shorten(command)}\`)`);
    }
  }

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // Commands must never wait for input nobody can give: no pager, no credential prompt.
    PAGER: 'cat',
    GIT_PAGER: 'cat',
    GIT_TERMINAL_PROMPT: '0',
    HEARTH_AGENT: '1',
    ...ctx.commandOptions.env,
  };
  let prepared: SandboxedSpawn;
  let waitingSince: number | undefined;
  const onWait = (holder: string) => {
    waitingSince = Date.now();
    ctx.note(`Waiting for “${shorten(holder)}” to finish: Hearth runs one command at a time, across chats, so each is checked against the files it must not change.`);
  };
  // What runs without asking is exactly what the policy judged: the line rebuilt from the
  // parsed words, so a shell that would read the original differently cannot run anything
  // else. An approved command runs as the user saw it.
  const line = verdict.action === 'run' && ask.reasons.length === 0 && verdict.exec ? verdict.exec : command;
  try {
    prepared = await ctx.sandbox.prepare(line, { cwd, roots, grant: { network, writeExecutionSensitive }, env, hidden: ctx.commandOptions.hidden, signal, onWait });
    // The note becomes what happened, so a finished call does not still say it is waiting.
    if (waitingSince !== undefined) ctx.note(`Waited ${formatSeconds(Date.now() - waitingSince)} s for another command to finish.`);
  } catch (e) {
    if (waitingSince !== undefined) ctx.note('Cancelled while waiting for another command to finish; it did not run.');
    if (e instanceof SandboxWaitCancelled) throw new ToolError('The command was cancelled while it waited for a command of another chat to finish; it did not run.', 'cancelled');
    if (e instanceof SandboxHidesFolder) throw new ToolError(e.message, 'not run: folder hidden');
    throw new ToolError(`The command sandbox could not be set up (${(e as Error).message}). The command did not run; try again, and tell the user if it keeps failing.`, 'failed to start');
  }
  // The approval and the wait for another chat's command may have taken minutes: a folder the
  // user removed from the window meanwhile must not be bound writable, nor be where the command runs.
  const removed = await removedFolders(ctx, roots);
  if (removed.length > 0) {
    await prepared.finish().catch(() => []);
    return {
      isError: true,
      summary: 'not run: folder removed',
      content: `The command did not run: ${removed.join(', ')} ${removed.length === 1 ? 'was' : 'were'} removed from the workspace while the command waited, and the agent no longer works there. Tell the user; do not retry it there.`,
    };
  }
  const unguardedNow = prepared.unguardedFolders ?? [];
  if (ask.reasons.length === 0 && unguardedNow.length > 0) {
    // The folder grew past the scan's caps between the check above and this scan: the command
    // would run unasked with files unguarded, so it does not run; the next try asks.
    await prepared.finish().catch(() => []);
    return {
      isError: true,
      summary: 'not run: folder too large to guard',
      content: `The command did not run: ${unguardedReason(unguardedNow)}. Run it again; the user will be asked to approve it.`,
    };
  }
  let outcome: ShellRunOutcome;
  let audit: string[];
  const observer = ctx.commandObserver;
  observer?.started(ctx.callId, line, cwd);
  try {
    outcome = await runShellCommand({
      ...(observer ? { onOutput: (chunk: Buffer) => observer.output(ctx.callId, chunk) } : {}),
      command,
      spawn: { file: prepared.file, args: prepared.args },
      cwd,
      timeoutMs,
      maxOutputBytes: ctx.policy.maxOutputBytes,
      signal,
      killGraceMs: ctx.commandOptions.killGraceMs,
      env: prepared.env,
      ...(prepared.strayReportFd ? { strayReportFd: true } : {}),
      ...(prepared.commandDepth !== undefined ? { commandDepth: prepared.commandDepth } : {}),
      ...(prepared.markProcesses ? { markProcesses: true } : {}),
    });
  } finally {
    // Always, also after a cancel: whatever the command created must not stay.
    audit = await prepared.finish().catch((e: Error) => [
      `Hearth could not check what the command created (${e.message}); tell the user to look for new files in .vscode/, .git/ or hooks folders.`,
    ]);
  }
  observer?.ended(ctx.callId, {
    exitCode: outcome.spawnError ? null : outcome.exitCode,
    ...(outcome.exitSignal ? { signal: outcome.exitSignal } : {}),
    timedOut: outcome.timedOut,
    cancelled: outcome.cancelled,
    durationMs: outcome.durationMs,
  });
  if (outcome.spawnError) throw new ToolError(`The command could not be started: ${outcome.spawnError}.${audit.length > 0 ? ` ${audit.join(' ')}` : ''}`, 'failed to start');

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
    // A status above 128 is how the shell (and bubblewrap, for the sandbox's shell) reports a signal; say which.
    const bySignal = outcome.exitCode !== null ? signalExitStatus(outcome.exitCode) : undefined;
    const exit = outcome.exitCode !== null ? `exit code ${outcome.exitCode}${bySignal ? ` (${bySignal.explanation})` : ''}` : `killed by ${outcome.exitSignal}`;
    lines.push(`The command finished with ${exit} in ${seconds} s.`);
    summary = outcome.exitCode !== null ? `exit ${outcome.exitCode}${bySignal ? ` (${bySignal.signal})` : ''} in ${seconds} s` : `killed by ${outcome.exitSignal}`;
  }
  if (outcome.strayProcessesStopped) {
    lines.push(
      'Processes it started in the background (with &, nohup, setsid, a daemon) were still running when it ended and were stopped: nothing it started runs now. ' +
        'To use a server, start it and run what needs it in the same command, then stop it.',
    );
  }
  lines.push(...audit);
  if (unguardedNow.length > 0) lines.push(`Note: ${unguardedReason(unguardedNow)}; that is why it asked.`);
  if (ctx.sandbox.kind !== 'none') lines.push(...sandboxHints(outcome.output, network));
  if (outcome.droppedBytes > 0) lines.push(`The output was ${outcome.outputBytes} bytes; the middle ${outcome.droppedBytes} bytes are omitted below.`);
  const readable = readableCommandOutput(outcome.output);
  const changes = [
    ...(readable.removedSequences ? ['terminal escape sequences (colours, cursor moves, titles, links) were taken out'] : []),
    ...(readable.redrewLines ? ['lines redrawn with \\r or backspaces (progress bars) show only what they showed last'] : []),
    ...(readable.escapedControls ? ['other control characters are written as \\xNN'] : []),
  ];
  if (changes.length > 0) lines.push(`As a terminal would show it: ${changes.join('; ')}.`);
  if (readable.binary) lines.push(`The output (${outcome.outputBytes} bytes) is not text and is not shown; to look at it, pipe it through \`od -c | head\` or write it to a file.`);
  else lines.push(readable.text.length > 0 ? `Output:\n${readable.text}` : '(no output)');
  const display: ToolResultDisplay = {
    kind: 'command',
    command: line,
    exitCode: outcome.cancelled || outcome.timedOut ? null : outcome.exitCode,
    ...(outcome.exitSignal && !outcome.cancelled && !outcome.timedOut ? { signal: outcome.exitSignal } : {}),
    ...(outcome.timedOut ? { timedOut: true } : {}),
    ...(outcome.cancelled ? { cancelled: true } : {}),
  };
  return { content: lines.join('\n'), summary, isError: outcome.cancelled || outcome.timedOut, display };
}

interface AskReasons {
  /** Every reason to ask, most important first; empty when the command runs without asking. */
  reasons: string[];
  /** The policy says the command needs the network (an install, a fetch); granted only when the user approves. */
  needsNetwork: boolean;
  /** The policy says the command installs (see CommandVerdict): once approved it may write execution-sensitive files. */
  installs: boolean;
  suggestedRule?: string;
}

/** Why a folder's files that decide what runs are not all read-only for a command. */
function unguardedReason(folders: readonly string[]): string {
  const named = folders.map((f) => path.basename(f) || f).join(', ');
  return (
    `${folders.length === 1 ? 'the workspace folder' : 'the workspace folders'} ${named} ${folders.length === 1 ? 'is' : 'are'} too large for Hearth to guard fully ` +
    `(more than ${MAX_ENTRIES.toLocaleString('en-US')} entries, or ${MAX_GUARDS} protected paths, package.json and the like counted down to ${GUARD_SCAN_DEPTH} folder levels), ` +
    'so a package.json, Makefile or similar file deep inside is not read-only for this command'
  );
}

/** Why the user must approve this command: the policy's reasons, plus the sandbox's and this turn's. */
function whyAsk(ctx: ToolContext, verdict: CommandVerdict, unguarded: readonly string[]): AskReasons {
  const reasons: string[] = [];
  let needsNetwork = false;
  let installs = false;
  let suggestedRule: string | undefined;
  if (verdict.action === 'ask') {
    reasons.push(verdict.reason);
    for (const r of verdict.reasons) if (!reasons.includes(r)) reasons.push(r);
    needsNetwork = verdict.network;
    installs = verdict.installs;
    suggestedRule = verdict.suggestedRule;
  }
  if (ctx.sandbox.kind === 'none') {
    reasons.push(`no OS sandbox is available here: ${ctx.sandbox.unavailableReason ?? 'unknown reason'}, so the command could change anything your user account can`);
  }
  if (unguarded.length > 0) reasons.push(unguardedReason(unguarded));
  const written = ctx.turn.executionSensitiveWrites;
  if (written.length > 0) {
    const shown = written.length <= 3 ? written.join(', ') : `${written.slice(0, 3).join(', ')} and ${written.length - 3} more`;
    reasons.push(`this reply changed ${shown}, which can change what this command runs`);
  }
  return { reasons, needsNetwork, installs, suggestedRule };
}

/** Explains sandbox refusals the model would otherwise retry blindly. */
function sandboxHints(output: string, network: boolean): string[] {
  const hints: string[] = [];
  if (/read-only file system|EROFS/i.test(output)) {
    hints.push(
      'The command ran in Hearth\'s sandbox, where everything outside the workspace, .git/, .vscode/ and files that decide what runs (package.json, lockfiles, node_modules/, Makefile, .npmrc …) are read-only. ' +
        'Change such files with write_file or edit_file (the user reviews them); git commands that write (commit, add, checkout) must be run by the user.',
    );
  }
  if (!network && /could not resolve|ENOTFOUND|EAI_AGAIN|Temporary failure in name resolution|Network is unreachable|ENETUNREACH/i.test(output)) {
    hints.push('The command ran without network access (the sandbox grants it only to commands the user approves that need it).');
  }
  return hints;
}

/** A command line as a note names it: one line of at most 60 characters. */
function shorten(command: string): string {
  const flat = command.replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
}

/** "0.3", "1.2", "42": tenths while they matter, whole seconds after. */
function formatSeconds(ms: number): string {
  return ms < 10_000 ? (ms / 1000).toFixed(1) : String(Math.round(ms / 1000));
}

/** The folders of `roots` (real paths) that are no longer workspace folders. */
async function removedFolders(ctx: ToolContext, roots: readonly string[]): Promise<string[]> {
  const open = new Set((await ctx.currentConfinement()).roots.map((r) => r.realPath));
  return roots.filter((root) => !open.has(root));
}
