/**
 * What the extension does with the chat view's answers to approvals
 * (PendingApprovals): each request is settled once, by the first answer that
 * fits it; "Always allow" adds only the rule offered for that very request, so
 * a compromised webview cannot add rules of its own; a cancelled request ends
 * as cancelled and a stopped server's requests expire.
 */
import assert from 'node:assert/strict';
import { PendingApprovals, type ApprovalChange, type CancelSignal } from '../../extension/approvals/pendingApprovals';

class Token implements CancelSignal {
  isCancellationRequested = false;
  private listeners: (() => void)[] = [];
  onCancellationRequested(listener: () => void) {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  }
  cancel(): void {
    this.isCancellationRequested = true;
    for (const l of this.listeners) l();
  }
}

const command = {
  kind: 'command' as const,
  sessionId: 's1',
  entryId: 'a1',
  callId: 'c1',
  command: 'echo hearth-approved > approved.txt',
  cwd: '/w',
  reasons: ['it is not on your allow-list'],
  sandbox: { kind: 'none' as const, network: false },
  suggestedRule: 'echo',
};

describe('webview approval decisions (the extension’s pending approvals)', () => {
  let rules: string[];
  let changes: ApprovalChange[];
  let approvals: PendingApprovals;
  beforeEach(() => {
    rules = [];
    changes = [];
    approvals = new PendingApprovals(async (rule) => void rules.push(rule));
    approvals.onDidChange((c) => changes.push(c));
  });

  it('settles a request with the first answer and refuses a second one', async () => {
    const { id, answer } = approvals.ask(command, new Token());
    assert.equal(approvals.pendingCount, 1);
    assert.deepEqual(await approvals.decide(id, 'accept'), { ok: true });
    assert.equal(await answer, 'accept');
    assert.equal((await approvals.decide(id, 'reject')).ok, false);
    assert.deepEqual(approvals.get(id)?.outcome, 'accepted');
    assert.deepEqual(
      changes.map((c) => c.type),
      ['requested', 'settled'],
    );
    assert.equal(approvals.pendingCount, 0);
  });

  it('adds the offered rule on Always allow, and refuses any other rule without adding it', async () => {
    const { id, answer } = approvals.ask(command, new Token());
    assert.equal((await approvals.decide(id, 'alwaysAllow', 'rm -rf /')).ok, false);
    assert.equal((await approvals.decide(id, 'alwaysAllow')).ok, false);
    assert.deepEqual(rules, [], 'nothing was added');
    assert.equal(approvals.get(id)?.outcome, undefined, 'still pending');
    assert.deepEqual(await approvals.decide(id, 'alwaysAllow', 'echo'), { ok: true });
    assert.equal(await answer, 'alwaysAllow');
    assert.deepEqual(rules, ['echo']);
  });

  it('refuses Always allow for a command with no suggested rule, and answers that do not fit the kind', async () => {
    const { suggestedRule: _none, ...noRule } = command;
    const cmd = approvals.ask(noRule, new Token());
    assert.equal((await approvals.decide(cmd.id, 'alwaysAllow', 'echo')).ok, false);
    assert.equal((await approvals.decide(cmd.id, 'acceptAllForTurn')).ok, false);
    const read = approvals.ask({ kind: 'read', sessionId: 's1', entryId: 'a1', callId: 'c2', toolName: 'read_file', path: 'x', reason: 'r' }, new Token());
    assert.equal((await approvals.decide(read.id, 'alwaysAllow', 'echo')).ok, false);
    assert.equal((await approvals.decide('approval-unknown', 'accept')).ok, false);
    assert.deepEqual(rules, []);
    assert.equal(approvals.pendingCount, 2);
  });

  it('always allows an MCP tool without any rule (the language server remembers it), and refuses a smuggled rule', async () => {
    const mcp = { kind: 'mcpTool' as const, sessionId: 's1', entryId: 'a1', callId: 'c3', server: 'everything', source: 'workspace' as const, tool: 'echo', argumentsJson: '{}', description: '', definitionChanged: false };
    const { id, answer } = approvals.ask(mcp, new Token());
    assert.equal((await approvals.decide(id, 'alwaysAllow', 'echo')).ok, false);
    assert.deepEqual(await approvals.decide(id, 'alwaysAllow'), { ok: true });
    assert.equal(await answer, 'alwaysAllow');
    assert.deepEqual(rules, [], 'nothing is added to the command allow-list');
  });

  it('never always allows a sampling request, and takes a form\'s values only when they fit the form', async () => {
    const base = { sessionId: 's1', entryId: '', callId: '', server: 'everything', source: 'user' as const };
    const sampling = approvals.ask({ ...base, kind: 'mcpSampling', messages: [{ role: 'user', text: 'hi' }], maxTokens: 10, model: 'm', modelHints: [] }, new Token());
    assert.equal((await approvals.decide(sampling.id, 'alwaysAllow')).ok, false);
    assert.equal((await approvals.decide(sampling.id, 'accept', undefined, { smuggled: 'x' })).ok, false, 'a sampling answer carries no values');
    const fields = [{ kind: 'number' as const, name: 'age', title: 'Age', required: true, integer: true, maximum: 120 }];
    const form = approvals.ask({ ...base, kind: 'mcpElicitation', message: 'Age?', fields }, new Token());
    assert.equal((await approvals.decide(form.id, 'accept', undefined, { age: 500 })).ok, false);
    assert.equal((await approvals.decide(form.id, 'accept', undefined, { age: 30, extra: 'x' })).ok, false);
    assert.equal(approvals.get(form.id)?.outcome, undefined, 'still pending after refused answers');
    assert.deepEqual(await approvals.decide(form.id, 'accept', undefined, { age: 30 }), { ok: true });
    assert.equal(await form.answer, 'accept');
    assert.deepEqual(approvals.formContent(form.id), { age: 30 });
    const other = approvals.ask({ ...base, kind: 'mcpElicitation', message: 'Age?', fields }, new Token());
    assert.deepEqual(await approvals.decide(other.id, 'cancel'), { ok: true });
    assert.equal(await other.answer, 'cancelled');
    assert.equal(approvals.formContent(other.id), undefined);
  });

  it('runs the command once when the rule cannot be saved, and says so', async () => {
    const errors: string[] = [];
    approvals = new PendingApprovals(
      async () => {
        throw new Error('settings are read-only');
      },
      (m) => errors.push(m),
    );
    const { id, answer } = approvals.ask(command, new Token());
    await approvals.decide(id, 'alwaysAllow', 'echo');
    assert.equal(await answer, 'accept');
    assert.match(errors[0] ?? '', /could not add "echo".*runs this once/);
  });

  it('a cancelled request ends as cancelled; a stopped server expires what is left', async () => {
    const token = new Token();
    const first = approvals.ask(command, token);
    const second = approvals.ask({ ...command, callId: 'c2' }, new Token());
    token.cancel();
    assert.equal(await first.answer, 'cancelled');
    assert.equal(approvals.get(first.id)?.outcome, 'cancelled');
    assert.equal((await approvals.decide(first.id, 'accept')).ok, false, 'a cancelled request cannot be answered');
    approvals.expireAll();
    assert.equal(await second.answer, 'expired');
    assert.equal(approvals.pendingCount, 0);
  });
});
