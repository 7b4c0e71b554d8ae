import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CommandApprovalRequest, EditApprovalRequest, ReadApprovalRequest, WebPageApprovalRequest } from '../../protocol/lspMethods';
import type { EditDiff, EditDiffs } from './editApprovalUi';
import { lineChangeCounts } from '../../protocol/lineChangeCounts';
import type { PendingApprovals } from './pendingApprovals';

/**
 * Answers the language server's approval requests (command, edit, read, web page) from
 * the pending approvals the chat shows as cards. Edits also open in the diff
 * editor, whose own actions answer the same request; whichever answer comes
 * first wins and the other UI follows (the card shows the outcome, the diff
 * closes). A cancelled request (the turn was stopped) counts as a rejection.
 */
export function registerApprovalRequests(context: vscode.ExtensionContext, client: LanguageClient, approvals: PendingApprovals, diffs: EditDiffs): void {
  context.subscriptions.push(
    client.onRequest(CommandApprovalRequest.type, async (params, token) => {
      const { answer } = approvals.ask(
        {
          kind: 'command',
          sessionId: params.sessionId,
          entryId: params.entryId,
          callId: params.callId,
          command: params.command,
          cwd: params.cwd,
          reasons: params.reasons.length > 0 ? params.reasons : [params.reason],
          sandbox: params.sandbox,
          suggestedRule: params.suggestedRule,
        },
        token,
      );
      const decision = await answer;
      return { decision: decision === 'accept' || decision === 'alwaysAllow' ? decision : 'reject' };
    }),
    client.onRequest(EditApprovalRequest.type, async (params, token) => {
      const { id, answer } = approvals.ask(
        {
          kind: 'edit',
          sessionId: params.sessionId,
          entryId: params.entryId,
          callId: params.callId,
          toolName: params.toolName,
          path: params.relativePath,
          created: params.oldContent === null,
          ...lineChangeCounts(params.oldContent, params.newContent),
          executionSensitive: params.executionSensitive,
        },
        token,
      );
      let diff: EditDiff | undefined;
      try {
        // The card can answer even when the diff cannot be shown, so a failure here is logged, not fatal.
        const opened = await diffs.open(params, (decision) => void approvals.decide(id, decision), { allowAcceptAll: true });
        diff = opened;
        approvals.setDiff(id, () => opened.show());
      } catch (err) {
        client.warn(`Hearth could not open the diff of ${params.relativePath}: ${err instanceof Error ? err.message : String(err)}`, undefined, false);
      }
      try {
        const decision = await answer;
        return { decision: decision === 'accept' || decision === 'acceptAllForTurn' ? decision : 'reject' };
      } finally {
        await diff?.close();
      }
    }),
    client.onRequest(ReadApprovalRequest.type, async (params, token) => {
      const { answer } = approvals.ask(
        { kind: 'read', sessionId: params.sessionId, entryId: params.entryId, callId: params.callId, toolName: params.toolName, path: params.relativePath, reason: params.reason },
        token,
      );
      return { decision: (await answer) === 'accept' ? 'accept' : 'reject' };
    }),
    client.onRequest(WebPageApprovalRequest.type, async (params, token) => {
      const { answer } = approvals.ask(
        { kind: 'webPage', sessionId: params.sessionId, entryId: params.entryId, callId: params.callId, url: params.url, host: params.host, via: params.via, local: params.local, resolvesTo: params.resolvesTo },
        token,
      );
      return { decision: (await answer) === 'accept' ? 'accept' : 'reject' };
    }),
    // A stopped or restarted server no longer waits for these answers: their buttons must not look usable.
    client.onDidChangeState(() => {
      if (!client.isRunning()) approvals.expireAll();
    }),
  );
}

/**
 * Adds an "Always allow" rule to the user's own (global) allow-list. Starting
 * from the defaults when the user never set the list, so adding one rule does
 * not drop the others.
 */
export async function addToCommandAllowList(rule: string): Promise<void> {
  const config = vscode.workspace.getConfiguration('hearth');
  const inspected = config.inspect<string[]>('agent.commandAllowList');
  const current = inspected?.globalValue ?? inspected?.defaultValue ?? [];
  if (current.includes(rule)) return;
  await config.update('agent.commandAllowList', [...current, rule], vscode.ConfigurationTarget.Global);
}
