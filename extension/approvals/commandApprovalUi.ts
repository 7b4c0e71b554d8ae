import * as vscode from 'vscode';
import type { CommandApprovalParams } from '../../protocol/lspMethods';

const RUN = 'Run';
const REJECT = 'Reject';

/**
 * Shows the full command the agent wants to run and why it needs approval,
 * in a notification that does not take focus. A cancelled request (the turn
 * was stopped) counts as a rejection.
 */
export async function askCommandApproval(params: CommandApprovalParams, token: vscode.CancellationToken): Promise<'accept' | 'reject'> {
  const answer = new Promise<string | undefined>((resolve) => {
    void vscode.window.showWarningMessage(`Hearth wants to run: ${params.command} — in ${params.cwd}. ${params.reason}`, RUN, REJECT).then(resolve);
  });
  const cancelled = new Promise<undefined>((resolve) => token.onCancellationRequested(() => resolve(undefined)));
  const choice = await Promise.race([answer, cancelled]);
  return !token.isCancellationRequested && choice === RUN ? 'accept' : 'reject';
}
