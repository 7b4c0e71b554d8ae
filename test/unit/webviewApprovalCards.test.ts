/**
 * Approvals in the chat: each kind of request renders as a card in the row of
 * the tool call it belongs to, with everything the user needs to decide and
 * the buttons that answer it; the row says it is waiting; a settled request
 * shows how it ended and no button; requests the transcript cannot place
 * still get a card; and the webview's messages carry only the approval id.
 */
import assert from 'node:assert/strict';
import type { AssistantEntry, UserEntry } from '../../protocol/sessions';
import type { AgentEvent, ToolResultDisplay } from '../../protocol/chat';
import type { ApprovalRequest } from '../../protocol/webviewMessages';
import { parseFromWebview } from '../../protocol/webviewMessages';
import { click, createHarness, sessionView } from './webviewTestHarness';
import type { Harness } from './webviewTestHarness';

const LONG_COMMAND = `echo hearth-approved > approved.txt && ${Array.from({ length: 30 }, (_, i) => `printf 'step ${i}\\n' >> log-${i}.txt`).join(' && ')}`;

const user: UserEntry = { kind: 'user', id: 'u1', text: 'Do it', context: [], at: 1 };

function streamingAnswer(calls: { id: string; name: string; arguments: Record<string, unknown> }[]): AssistantEntry {
  return { kind: 'assistant', id: 'a1', replyTo: 'u1', model: 'm', parts: calls.map((call) => ({ kind: 'toolCall' as const, call })), state: 'streaming', at: 2 };
}

const commandRequest: ApprovalRequest = {
  kind: 'command',
  id: 'ap-1',
  sessionId: 's1',
  entryId: 'a1',
  callId: 'c1',
  command: LONG_COMMAND,
  cwd: '/home/dev/project',
  reasons: ['it is not on your allow-list', 'it touches an execution-sensitive file (package.json)', 'it needs the network'],
  sandbox: { kind: 'none', network: false },
  suggestedRule: 'echo',
};

const editRequest: ApprovalRequest = {
  kind: 'edit',
  id: 'ap-2',
  sessionId: 's1',
  entryId: 'a1',
  callId: 'c2',
  toolName: 'edit_file',
  path: 'package.json',
  created: false,
  added: 3,
  removed: 1,
  executionSensitive: 'npm runs its scripts',
};

const readRequest: ApprovalRequest = { kind: 'read', id: 'ap-3', sessionId: 's1', entryId: 'a1', callId: 'c3', toolName: 'read_file', path: 'notes/linked.txt', reason: 'the file has 2 hard links, one may be outside the workspace' };

describe('webview approval cards', () => {
  let h: Harness;
  afterEach(() => h.dispose());

  /** A new chat view showing one streaming answer that makes `calls`. */
  function showAnswerWith(calls: Parameters<typeof streamingAnswer>[0]): void {
    h = createHarness();
    h.send({ type: 'session', session: sessionView('s1', [user, streamingAnswer(calls)]) });
  }

  function showCalls(): void {
    showAnswerWith([
      { id: 'c1', name: 'run_command', arguments: { command: LONG_COMMAND } },
      { id: 'c2', name: 'edit_file', arguments: { path: 'package.json' } },
      { id: 'c3', name: 'read_file', arguments: { path: 'notes/linked.txt' } },
      { id: 'c4', name: 'fetch_web_page', arguments: { url: 'x' } },
    ]);
  }

  const row = (callId: string) => h.document.querySelector<HTMLElement>(`[data-testid="tool-row"][data-call-id="${callId}"]`)!;
  const card = (callId: string) => row(callId).querySelector<HTMLElement>('[data-testid="approval-card"]');
  const inCard = (callId: string, testId: string) => card(callId)?.querySelector<HTMLElement>(`[data-testid="${testId}"]`) ?? null;

  it('shows a command approval in its row: the whole command, where, every reason, how it runs, and its three answers', () => {
    showCalls();
    h.send({ type: 'approvalRequested', approval: commandRequest });
    h.scheduler.flush();
    assert.ok(card('c1'), 'the card is in the run_command row');
    assert.equal(inCard('c1', 'approval-command')?.textContent, LONG_COMMAND, 'the command is shown in full, not truncated');
    assert.equal(inCard('c1', 'approval-command')?.tagName, 'PRE');
    assert.equal(inCard('c1', 'approval-cwd')?.textContent, '/home/dev/project');
    assert.deepEqual(
      Array.from(inCard('c1', 'approval-reasons')!.querySelectorAll('li')).map((li) => li.textContent),
      commandRequest.kind === 'command' ? commandRequest.reasons : [],
    );
    assert.equal(inCard('c1', 'approval-sandbox')?.textContent, 'It will run WITHOUT a sandbox: this machine has none.');
    const buttons = Array.from(inCard('c1', 'approval-actions')!.querySelectorAll('button')).map((b) => b.textContent);
    assert.deepEqual(buttons, ['Allow once', 'Always allow echo', 'Reject']);
    assert.equal(row('c1').querySelector('[data-testid="tool-call"]')?.getAttribute('data-state'), 'waiting');
    assert.equal(row('c1').querySelector('[data-testid="tool-result-summary"]')?.textContent, 'waiting for your approval');
    // The other calls are not waiting: they have no card and still say running.
    assert.equal(card('c2'), null);
    assert.equal(row('c2').querySelector('[data-testid="tool-result-summary"]')?.textContent, 'running…');
  });

  it('tells a screen reader that a request waits, with what it asks, each time one comes', () => {
    showCalls();
    const announcer = h.$('announcer')!;
    assert.equal(announcer.getAttribute('aria-live'), 'polite');
    h.send({ type: 'approvalRequested', approval: editRequest });
    assert.equal(announcer.textContent, 'Approval needed: Change this file? package.json');
    h.send({ type: 'approvalRequested', approval: commandRequest });
    h.scheduler.flush();
    const said = announcer.textContent ?? '';
    assert.ok(said.startsWith('Approval needed: Run this command? echo hearth-approved > approved.txt && '), said);
    assert.ok(said.length < 250, 'a long command is cut: the card has all of it');
  });

  it('describes each sandbox the command may run in', () => {
    showCalls();
    h.send({ type: 'approvalRequested', approval: { ...commandRequest, sandbox: { kind: 'bubblewrap', network: false } } });
    h.scheduler.flush();
    assert.equal(inCard('c1', 'approval-sandbox')?.textContent, 'It will run in a sandbox: only the workspace is writable, no network.');
    h.send({ type: 'approvals', approvals: [{ request: { ...commandRequest, sandbox: { kind: 'seatbelt', network: true } } }] });
    h.scheduler.flush();
    assert.equal(inCard('c1', 'approval-sandbox')?.textContent, 'It will run in a sandbox, with network access.');
  });

  it('offers Always allow only when the extension suggested a rule, and sends that rule with the approval id', () => {
    showCalls();
    const { suggestedRule: _omitted, ...withoutRule } = commandRequest as Extract<ApprovalRequest, { kind: 'command' }>;
    h.send({ type: 'approvalRequested', approval: withoutRule });
    h.scheduler.flush();
    assert.equal(inCard('c1', 'approval-always-allow'), null);
    h.send({ type: 'approvals', approvals: [{ request: commandRequest }] });
    h.scheduler.flush();
    click(inCard('c1', 'approval-always-allow')!);
    assert.deepEqual(h.api.last('approvalDecision'), { type: 'approvalDecision', id: 'ap-1', decision: 'alwaysAllow', rule: 'echo' });
    assert.ok(parseFromWebview(h.api.last('approvalDecision')).ok, 'the message passes the extension’s validation');
    // One answer per request: the buttons are disabled until the extension says how it ended.
    assert.ok(Array.from(inCard('c1', 'approval-actions')!.querySelectorAll('button')).every((b) => b.disabled));
  });

  it('settles the card with its outcome, leaves no button, and puts the row back to running', () => {
    showCalls();
    h.send({ type: 'approvalRequested', approval: commandRequest });
    h.scheduler.flush();
    click(inCard('c1', 'approval-allow')!);
    assert.deepEqual(h.api.last('approvalDecision'), { type: 'approvalDecision', id: 'ap-1', decision: 'accept' });
    h.send({ type: 'approvalSettled', id: 'ap-1', outcome: 'accepted' });
    h.scheduler.flush();
    assert.equal(card('c1')?.getAttribute('data-state'), 'accepted');
    assert.equal(inCard('c1', 'approval-outcome')?.textContent, 'Allowed once.');
    assert.equal(card('c1')?.querySelectorAll('button').length, 0);
    assert.equal(row('c1').querySelector('[data-testid="tool-result-summary"]')?.textContent, 'running…');
    h.send({ type: 'event', sessionId: 's1', entryId: 'a1', event: { type: 'toolResult', result: { callId: 'c1', name: 'run_command', content: 'exit 0', isError: false, summary: 'exit 0' } } });
    h.scheduler.flush();
    assert.equal(row('c1').querySelector('[data-testid="tool-call"]')?.getAttribute('data-state'), 'ok');
  });

  it('a stopped reply settles the card as cancelled, with no dangling buttons', () => {
    showCalls();
    h.send({ type: 'approvalRequested', approval: commandRequest });
    h.send({ type: 'approvalSettled', id: 'ap-1', outcome: 'cancelled' });
    h.send({ type: 'event', sessionId: 's1', entryId: 'a1', event: { type: 'done', reason: 'cancelled' } });
    h.scheduler.flush();
    assert.equal(inCard('c1', 'approval-outcome')?.textContent, 'Cancelled: the reply was stopped before you answered.');
    assert.equal(card('c1')?.querySelectorAll('button').length, 0);
    assert.notEqual(row('c1').querySelector('[data-testid="tool-result-summary"]')?.textContent, 'waiting for your approval');
  });

  it('shows an edit approval with the path, the size of the change, the execution-sensitive warning and four buttons', () => {
    showCalls();
    h.send({ type: 'approvalRequested', approval: editRequest });
    h.scheduler.flush();
    assert.equal(inCard('c2', 'approval-path')?.textContent, 'package.json');
    assert.equal(inCard('c2', 'approval-diffstat')?.textContent, '+3 −1 lines');
    assert.equal(inCard('c2', 'approval-sensitive')?.textContent, 'This file makes other tools run code: npm runs its scripts');
    const buttons = Array.from(inCard('c2', 'approval-actions')!.querySelectorAll('button')).map((b) => b.textContent);
    assert.deepEqual(buttons, ['Accept', 'Accept all in this reply', 'Reject', 'Open diff']);
    click(inCard('c2', 'approval-open-diff')!);
    assert.deepEqual(h.api.last('openApprovalDiff'), { type: 'openApprovalDiff', id: 'ap-2' });
    assert.equal(inCard('c2', 'approval-accept-all')?.hasAttribute('disabled'), false, 'opening the diff is not an answer');
    click(inCard('c2', 'approval-accept-all')!);
    assert.deepEqual(h.api.last('approvalDecision'), { type: 'approvalDecision', id: 'ap-2', decision: 'acceptAllForTurn' });
    // The diff editor's Accept answered first: the card follows.
    h.send({ type: 'approvalSettled', id: 'ap-2', outcome: 'accepted' });
    h.scheduler.flush();
    assert.equal(inCard('c2', 'approval-outcome')?.textContent, 'Accepted.');
  });

  it('an ordinary edit has no warning', () => {
    showCalls();
    const { executionSensitive: _omitted, ...plain } = editRequest as Extract<ApprovalRequest, { kind: 'edit' }>;
    h.send({ type: 'approvalRequested', approval: { ...plain, created: true } });
    h.scheduler.flush();
    assert.equal(inCard('c2', 'approval-sensitive'), null);
    assert.match(card('c2')?.textContent ?? '', /Create this file\?/);
  });

  it('shows a read approval with the path, the reason, Allow and Reject', () => {
    showCalls();
    h.send({ type: 'approvalRequested', approval: readRequest });
    h.scheduler.flush();
    assert.equal(inCard('c3', 'approval-path')?.textContent, 'notes/linked.txt');
    assert.equal(inCard('c3', 'approval-reason')?.textContent, readRequest.kind === 'read' ? readRequest.reason : '');
    assert.deepEqual(Array.from(inCard('c3', 'approval-actions')!.querySelectorAll('button')).map((b) => b.textContent), ['Allow', 'Reject']);
    click(inCard('c3', 'approval-reject')!);
    assert.deepEqual(h.api.last('approvalDecision'), { type: 'approvalDecision', id: 'ap-3', decision: 'reject' });
  });

  it('shows a web page approval with the whole address, where it goes, a warning for a local one, Allow and Reject', () => {
    showCalls();
    const url = `https://docs.example.com/search?q=${'token-'.repeat(40)}\u200bend`;
    h.send({ type: 'approvalRequested', approval: { kind: 'webPage', id: 'ap-4', sessionId: 's1', entryId: 'a1', callId: 'c4', url, host: 'docs.example.com', via: 'http://proxy.corp:3128 (from http.proxy)', local: false } });
    h.scheduler.flush();
    assert.match(card('c4')?.textContent ?? '', /Fetch this web page\?/);
    assert.equal(inCard('c4', 'approval-url')?.textContent, url.replace('\u200b', '⟨U+200B⟩'), 'the address is shown in full, hidden characters made visible');
    assert.equal(inCard('c4', 'approval-reason')?.textContent, "The address is sent to docs.example.com through the proxy http://proxy.corp:3128 (from http.proxy): anything in it leaves this machine. The page's text goes to the model.");
    assert.equal(inCard('c4', 'approval-local'), null);
    assert.deepEqual(Array.from(inCard('c4', 'approval-actions')!.querySelectorAll('button')).map((b) => b.textContent), ['Allow', 'Reject']);
    click(inCard('c4', 'approval-allow')!);
    assert.deepEqual(h.api.last('approvalDecision'), { type: 'approvalDecision', id: 'ap-4', decision: 'accept' });
    h.dispose();

    showCalls();
    h.send({ type: 'approvalRequested', approval: { kind: 'webPage', id: 'ap-5', sessionId: 's1', entryId: 'a1', callId: 'c4', url: 'http://169.254.169.254/latest/meta-data/', host: '169.254.169.254', local: true } });
    h.scheduler.flush();
    assert.equal(inCard('c4', 'approval-local')?.textContent, 'This address is on this machine or your local network, not a public web page.');
    assert.match(inCard('c4', 'approval-reason')?.textContent ?? '', /^The address is sent to 169\.254\.169\.254: /);
    h.dispose();

    showCalls();
    h.send({ type: 'approvalRequested', approval: { kind: 'webPage', id: 'ap-6', sessionId: 's1', entryId: 'a1', callId: 'c4', url: 'https://docs.example.net/', host: 'docs.example.net', local: true, resolvesTo: '10.0.0.7' } });
    h.scheduler.flush();
    assert.equal(inCard('c4', 'approval-local')?.textContent, 'This address is on this machine or your local network (its name resolves to 10.0.0.7), not a public web page.');
  });

  it('renders model-made commands and paths as text, never as HTML', () => {
    showCalls();
    h.send({ type: 'approvalRequested', approval: { ...commandRequest, command: '<img src=x onerror=alert(1)>', cwd: '<b>x</b>', reasons: ['<script>alert(1)</script>'] } });
    h.scheduler.flush();
    assert.equal(card('c1')?.querySelectorAll('img, script, b').length, 0);
    assert.equal(inCard('c1', 'approval-command')?.textContent, '<img src=x onerror=alert(1)>');
  });

  it('shows invisible and direction-changing characters in a command, and warns about them', () => {
    showCalls();
    // "Trojan Source": the right-to-left override makes the tail of the command read backwards.
    h.send({ type: 'approvalRequested', approval: { ...commandRequest, command: 'echo ok #\u202E ; rm -rf ~ \u2066x\u200B' } });
    h.scheduler.flush();
    assert.equal(inCard('c1', 'approval-command')?.textContent, 'echo ok #⟨U+202E⟩ ; rm -rf ~ ⟨U+2066⟩x⟨U+200B⟩');
    assert.ok(inCard('c1', 'approval-hidden-chars'), 'the card warns');
    h.send({ type: 'approvals', approvals: [{ request: { ...commandRequest, command: 'npm ci &&\n\tnpm test' } }] });
    h.scheduler.flush();
    assert.equal(inCard('c1', 'approval-hidden-chars'), null, 'an ordinary command has no warning');
    assert.equal(inCard('c1', 'approval-command')?.textContent, 'npm ci &&\n\tnpm test', 'newlines and tabs are shown as they are');
  });

  it('also shows the characters that carry invisible text: tag characters, variation selectors, fillers and odd spaces', () => {
    showCalls();
    // "ASCII smuggling": U+E0000–E007F spell a sentence no one sees; a variation selector can carry a byte.
    const tags = [...'rm -rf ~'].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('');
    h.send({ type: 'approvalRequested', approval: { ...commandRequest, command: `npm test${tags}\u{E0100}\u3164\u00a0x` } });
    h.scheduler.flush();
    assert.equal(
      inCard('c1', 'approval-command')?.textContent,
      'npm test⟨U+E0072⟩⟨U+E006D⟩⟨U+E0020⟩⟨U+E002D⟩⟨U+E0072⟩⟨U+E0066⟩⟨U+E0020⟩⟨U+E007E⟩⟨U+E0100⟩⟨U+3164⟩⟨U+00A0⟩x',
    );
    assert.ok(inCard('c1', 'approval-hidden-chars'), 'the card warns');
  });

  it('shows hidden characters wherever a command or path is shown: the reasons, the folder, the rule, its outcome, a newline in a path and the tool rows', () => {
    // Every character that hides or reorders text, raw, anywhere in an element's text or attributes (tooltips, accessible names).
    const rawHidden = (root: Element): string[] =>
      [root, ...Array.from(root.querySelectorAll('*'))].flatMap((e) => [e === root ? e.textContent ?? '' : '', ...Array.from(e.attributes).map((a) => a.value)]).filter((t) => /[\u202a-\u202e\u2066-\u2069\u200b]/.test(t));
    const command = 'l\u202es -la';
    const path = 'notes.txt\n.git/hooks/pre-commit';
    showAnswerWith([
      { id: 'c1', name: 'run_command', arguments: { command } },
      { id: 'c2', name: 'write_file', arguments: { path } },
    ]);
    h.send({ type: 'approvalRequested', approval: { ...commandRequest, command, cwd: '/home/dev/\u2066project', reasons: ['the command name `l\u202es` contains characters other than plain ASCII letters'], suggestedRule: 'l\u202es' } });
    h.send({ type: 'approvalRequested', approval: { ...editRequest, path } });
    h.scheduler.flush();
    assert.equal(inCard('c1', 'approval-reasons')?.textContent, 'the command name `l⟨U+202E⟩s` contains characters other than plain ASCII letters');
    assert.equal(inCard('c1', 'approval-cwd')?.textContent, '/home/dev/⟨U+2066⟩project');
    assert.equal(inCard('c1', 'approval-always-allow')?.getAttribute('title'), 'Always allow l⟨U+202E⟩s');
    assert.match(row('c1').querySelector('.tool-summary')?.textContent ?? '', /l⟨U\+202E⟩s -la/, 'the waiting row shows the command revealed too');
    assert.deepEqual(rawHidden(row('c1')), []);
    // A newline in a path would wrap like a space: "notes.txt .git/hooks/pre-commit" reads as one file.
    assert.equal(inCard('c2', 'approval-path')?.textContent, 'notes.txt⟨U+000A⟩.git/hooks/pre-commit');
    assert.ok(inCard('c2', 'approval-hidden-chars'), 'the card warns');
    h.send({ type: 'approvalSettled', id: 'ap-1', outcome: 'alwaysAllowed' });
    h.scheduler.flush();
    assert.equal(inCard('c1', 'approval-outcome')?.textContent, 'Always allowed: l⟨U+202E⟩s');

    // Once they ran, the rows name the command and the file as their tools reported them.
    const ran = (id: string, name: string, display: ToolResultDisplay) => ({ callId: id, name, content: 'done', isError: false, display });
    h.send({
      type: 'session',
      session: sessionView('s1', [
        user,
        {
          ...streamingAnswer([]),
          state: 'done',
          parts: [
            { kind: 'toolCall', call: { id: 'c1', name: 'run_command', arguments: { command } }, result: ran('c1', 'run_command', { kind: 'command', command, exitCode: 0 }) },
            { kind: 'toolCall', call: { id: 'c2', name: 'write_file', arguments: { path: 'src/\u202etxt.exe' } }, result: ran('c2', 'write_file', { kind: 'fileChange', path: 'src/\u202etxt.exe', added: 1, removed: 0, created: true }) },
          ],
        },
      ]),
    });
    h.scheduler.flush();
    assert.equal(row('c1').querySelector('.tool-args')?.textContent, '$ l⟨U+202E⟩s -la');
    assert.equal(row('c2').querySelector('[data-testid="tool-change"] .tool-args')?.textContent, 'src/⟨U+202E⟩txt.exe');
    assert.deepEqual([...rawHidden(row('c1')), ...rawHidden(row('c2'))], []);
  });

  it('replaces its approvals with the extension’s list on load: an expired request leaves no card', () => {
    showCalls();
    h.send({ type: 'approvalRequested', approval: commandRequest });
    h.scheduler.flush();
    assert.ok(inCard('c1', 'approval-allow'));
    h.send({ type: 'approvals', approvals: [] });
    h.scheduler.flush();
    assert.equal(card('c1'), null);
    assert.equal(row('c1').querySelector('[data-testid="tool-result-summary"]')?.textContent, 'running…');
  });

  it('puts an approval whose tool call is not in the shown chat above the input, and removes it once settled', () => {
    showCalls();
    h.send({ type: 'approvalRequested', approval: { ...commandRequest, sessionId: 'other' } });
    h.scheduler.flush();
    const dock = h.$('approval-dock')!;
    assert.equal(dock.hidden, false);
    assert.match(dock.textContent ?? '', /another chat/);
    assert.ok(dock.querySelector('[data-testid="approval-allow"]'));
    assert.equal(card('c1'), null, 'not shown in the same-named call of this chat');
    click(dock.querySelector('[data-testid="approval-reject"]')!);
    assert.deepEqual(h.api.last('approvalDecision'), { type: 'approvalDecision', id: 'ap-1', decision: 'reject' });
    h.send({ type: 'approvalSettled', id: 'ap-1', outcome: 'rejected' });
    assert.equal(dock.hidden, true);
  });

  it('moves a docked approval into its row once the tool call arrives', () => {
    h = createHarness();
    h.send({ type: 'session', session: sessionView('s1', [user, streamingAnswer([])]) });
    h.send({ type: 'approvalRequested', approval: commandRequest });
    assert.equal(h.$('approval-dock')!.hidden, false);
    h.send({ type: 'event', sessionId: 's1', entryId: 'a1', event: { type: 'toolCall', call: { id: 'c1', name: 'run_command', arguments: { command: LONG_COMMAND } } } });
    h.scheduler.flush();
    assert.ok(card('c1'));
    assert.equal(h.$('approval-dock')!.hidden, true);
  });
});

describe('webview MCP tool approval card', () => {
  let h: Harness;
  afterEach(() => h.dispose());

  it('names the server, the tool and its arguments; a changed definition is flagged with a way to see the change; Always allow sends no rule', () => {
    h = createHarness();
    h.send({ type: 'session', session: sessionView('s1', [user, streamingAnswer([{ id: 'c9', name: 'everything.echo', arguments: { message: 'hi' } }])]) });
    h.send({
      type: 'approvalRequested',
      approval: { kind: 'mcpTool', id: 'ap-9', sessionId: 's1', entryId: 'a1', callId: 'c9', server: 'everything', source: 'workspace', tool: 'echo', argumentsJson: '{\n  "message": "hi"\n}', description: 'Echoes', definitionChanged: true },
    });
    h.scheduler.flush();
    const card = h.$('approval-card')!;
    assert.equal(card.getAttribute('data-kind'), 'mcpTool');
    assert.equal(card.querySelector('[data-testid="approval-mcp-tool"]')?.textContent, 'everything.echo');
    assert.match(card.querySelector('[data-testid="approval-mcp-server"]')?.textContent ?? '', /workspace MCP server “everything”: Echoes/);
    assert.equal(card.querySelector('[data-testid="approval-arguments"]')?.textContent, '{\n  "message": "hi"\n}');
    assert.ok(card.querySelector('[data-testid="approval-definition-changed"]'));
    assert.deepEqual(Array.from(card.querySelectorAll('button')).map((b) => b.textContent), ['Allow once', 'Always allow this tool', 'Reject', 'Show the change']);
    click(card.querySelector('[data-testid="approval-always-allow"]')!);
    assert.deepEqual(h.api.last('approvalDecision'), { type: 'approvalDecision', id: 'ap-9', decision: 'alwaysAllow' });
    assert.ok(parseFromWebview(h.api.last('approvalDecision')).ok);
  });

  it('shows hidden characters in the names and description a server gives its tool, and warns', () => {
    h = createHarness();
    h.send({ type: 'session', session: sessionView('s1', [user, streamingAnswer([{ id: 'c9', name: 'docs.read', arguments: {} }])]) });
    h.send({
      type: 'approvalRequested',
      approval: { kind: 'mcpTool', id: 'ap-9', sessionId: 's1', entryId: 'a1', callId: 'c9', server: 'docs\u200b', source: 'workspace', tool: 'read\u202e', argumentsJson: '{}', description: 'Reads\u{E0041}', definitionChanged: false },
    });
    h.scheduler.flush();
    const card = h.$('approval-card')!;
    assert.equal(card.querySelector('[data-testid="approval-mcp-tool"]')?.textContent, 'docs⟨U+200B⟩.read⟨U+202E⟩');
    assert.match(card.querySelector('[data-testid="approval-mcp-server"]')?.textContent ?? '', /server “docs⟨U\+200B⟩”: Reads⟨U\+E0041⟩/);
    assert.ok(card.querySelector('[data-testid="approval-hidden-chars"]'), 'the card warns');
  });

  it("opens a folded sub-agent card when a call inside it waits for approval, once per request", () => {
    h = createHarness();
    h.send({ type: 'session', session: sessionView('s1', [user, streamingAnswer([{ id: 'c1', name: 'run_subagents', arguments: { agents: [] } }])]) });
    const send = (event: AgentEvent) => h.send({ type: 'event', sessionId: 's1', entryId: 'a1', event });
    send({ type: 'agentSpawn', agent: { id: 'c1.a1', role: 'executor', model: 'm', task: 'Fix package.json', parentCallId: 'c1' } });
    send({ type: 'agentEvent', agentId: 'c1.a1', event: { type: 'toolCall', call: { id: 'c1.a1.c1', name: 'edit_file', arguments: { path: 'package.json' } } } });
    h.scheduler.flush();
    const subagent = h.$('subagent-card') as HTMLDetailsElement;
    // The user folded the card while the sub-agent worked.
    subagent.open = false;
    h.send({ type: 'approvalRequested', approval: { ...editRequest, callId: 'c1.a1.c1' } });
    h.scheduler.flush();
    assert.ok(subagent.querySelector('[data-testid="approval-card"]'), 'the approval is in the sub-agent\'s card');
    assert.equal(subagent.open, true, 'the card opened so the question is seen');
    // Folded again by the user while the same request waits, it stays folded.
    subagent.open = false;
    send({ type: 'agentEvent', agentId: 'c1.a1', event: { type: 'status', level: 'info', message: 'still waiting' } });
    h.scheduler.flush();
    assert.equal(subagent.open, false);
  });
});

describe('webview approval messages', () => {
  it('accepts a decision with its id, and Always allow only with a rule', () => {
    assert.ok(parseFromWebview({ type: 'approvalDecision', id: 'ap-1', decision: 'accept' }).ok);
    assert.ok(parseFromWebview({ type: 'approvalDecision', id: 'ap-1', decision: 'alwaysAllow', rule: 'echo' }).ok);
    assert.ok(parseFromWebview({ type: 'openApprovalDiff', id: 'ap-1' }).ok);
    assert.equal(parseFromWebview({ type: 'approvalDecision', id: 'ap-1', decision: 'accept', rule: 'rm' }).ok, false);
    assert.equal(parseFromWebview({ type: 'approvalDecision', id: 'ap-1', decision: 'runAnything' }).ok, false);
    assert.equal(parseFromWebview({ type: 'approvalDecision', id: 7, decision: 'accept' }).ok, false);
    assert.equal(parseFromWebview({ type: 'openApprovalDiff' }).ok, false);
  });
});
