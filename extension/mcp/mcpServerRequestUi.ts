import type { ElicitationValue } from '../../protocol/elicitationForm';
import type { McpElicitationParams, McpSamplingParams } from '../../protocol/lspMethods';
import type { CancelSignal, PendingApprovals } from '../approvals/pendingApprovals';

/**
 * Asks whether an MCP server's sampling request may run, as a card in the
 * chat (in the row of the server's running tool call, or above the input):
 * the server, the exact messages and system prompt, the token limit and the
 * model that will answer. Allow once or Decline; there is no "always allow".
 * A cancelled request counts as declined.
 */
export async function askMcpSampling(params: McpSamplingParams, approvals: PendingApprovals, token: CancelSignal): Promise<'accept' | 'reject'> {
  const { answer } = approvals.ask(
    {
      kind: 'mcpSampling',
      sessionId: params.sessionId,
      entryId: params.entryId,
      callId: params.callId,
      server: params.server,
      source: params.source,
      messages: params.messages,
      systemPrompt: params.systemPrompt,
      maxTokens: params.maxTokens,
      temperature: params.temperature,
      model: params.model,
      modelHints: params.modelHints,
    },
    token,
  );
  return (await answer) === 'accept' ? 'accept' : 'reject';
}

/**
 * Shows an MCP server's form in the chat. Accept sends the values (checked
 * against the form by PendingApprovals), Decline and Cancel send none; a
 * cancelled request (the turn stopped) answers `cancel`.
 */
export async function askMcpElicitation(
  params: McpElicitationParams,
  approvals: PendingApprovals,
  token: CancelSignal,
): Promise<{ action: 'accept' | 'decline' | 'cancel'; content?: Record<string, ElicitationValue> }> {
  const { id, answer } = approvals.ask(
    {
      kind: 'mcpElicitation',
      sessionId: params.sessionId,
      entryId: params.entryId,
      callId: params.callId,
      server: params.server,
      source: params.source,
      message: params.message,
      fields: params.fields,
    },
    token,
  );
  const decision = await answer;
  if (decision === 'accept') return { action: 'accept', content: approvals.formContent(id) ?? {} };
  return { action: decision === 'reject' ? 'decline' : 'cancel' };
}
