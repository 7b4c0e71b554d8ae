/**
 * An MCP server's own requests in the chat: the sampling card (the exact
 * prompt, the model that answers, Allow once and Decline, and no "always
 * allow") and the form card (fields from the schema, checked before
 * anything is sent, a warning against secrets), both in the row of the
 * server's tool call or above the input, with the server's text shown as
 * plain text.
 */
import assert from 'node:assert/strict';
import { elicitationFields } from '../../protocol/elicitationForm';
import type { AssistantEntry, UserEntry } from '../../protocol/sessions';
import type { ApprovalRequest } from '../../protocol/webviewMessages';
import { parseFromWebview } from '../../protocol/webviewMessages';
import { click, createHarness, sessionView, type Harness } from './webviewTestHarness';

const user: UserEntry = { kind: 'user', id: 'u1', text: 'Do it', context: [], at: 1 };
const answer: AssistantEntry = {
  kind: 'assistant',
  id: 'a1',
  replyTo: 'u1',
  model: 'm',
  parts: [{ kind: 'toolCall', call: { id: 'c1', name: 'everything.trigger-sampling-request', arguments: {} } }],
  state: 'streaming',
  at: 2,
};

const sampling: ApprovalRequest = {
  kind: 'mcpSampling',
  id: 'ap-s',
  sessionId: 's1',
  entryId: 'a1',
  callId: 'c1',
  server: 'everything',
  source: 'workspace',
  messages: [
    { role: 'user', text: 'Summarise [this](javascript:alert(1)) <img src=x onerror=alert(1)>' },
    { role: 'assistant', text: '**Sure**' },
    { role: 'user', text: 'Go on' },
  ],
  systemPrompt: 'You are a helpful test server.',
  maxTokens: 64,
  temperature: 0.7,
  model: 'qwen2.5-coder:7b',
  modelHints: ['claude-3-sonnet'],
};

const parsed = elicitationFields({
  type: 'object',
  properties: {
    name: { type: 'string', title: 'Your name' },
    age: { type: 'integer', minimum: 1, maximum: 120 },
    agree: { type: 'boolean' },
    size: { type: 'string', enum: ['s', 'm'], enumNames: ['Small', 'Medium'] },
  },
  required: ['name'],
});
const form: ApprovalRequest = {
  kind: 'mcpElicitation',
  id: 'ap-f',
  sessionId: 's1',
  entryId: '',
  callId: '',
  server: 'everything',
  source: 'user',
  message: 'Please fill in <b>this</b>',
  fields: parsed.ok ? parsed.value : [],
};

describe('webview MCP server request cards', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
    h.send({ type: 'session', session: sessionView('s1', [user, answer]) });
    h.scheduler.flush();
  });
  afterEach(() => h.dispose());

  const row = () => h.document.querySelector<HTMLElement>('[data-testid="tool-row"][data-call-id="c1"]')!;

  it('shows a sampling request in its tool call\'s row: server, system prompt, every message as text, the model and the limit, with no "always allow"', () => {
    h.send({ type: 'approvalRequested', approval: sampling });
    h.scheduler.flush();
    const card = row().querySelector<HTMLElement>('[data-testid="approval-card"]')!;
    assert.ok(card, 'the card is in the row');
    assert.equal(card.getAttribute('data-kind'), 'mcpSampling');
    assert.match(card.querySelector('[data-testid="approval-mcp-server"]')!.textContent!, /workspace MCP server “everything”/);
    assert.equal(card.querySelector('[data-testid="approval-sampling-system"]')!.textContent, 'You are a helpful test server.');
    const messages = [...card.querySelectorAll('[data-testid="approval-sampling-messages"] li')].map((li) => [li.getAttribute('data-role'), li.querySelector('pre')!.textContent]);
    assert.deepEqual(messages, [
      ['user', 'Summarise [this](javascript:alert(1)) <img src=x onerror=alert(1)>'],
      ['assistant', '**Sure**'],
      ['user', 'Go on'],
    ]);
    assert.equal(card.querySelectorAll('a, img, strong, script').length, 0, 'no link, image or markup from the server is made live');
    assert.match(card.querySelector('[data-testid="approval-sampling-model"]')!.textContent!, /qwen2\.5-coder:7b, at most 64 tokens, temperature 0\.7, without tools/);
    assert.match(card.querySelector('[data-testid="approval-sampling-hints"]')!.textContent!, /claude-3-sonnet \(not used/);
    assert.equal(card.querySelector('[data-testid="approval-always-allow"]'), null);
    click(card.querySelector('[data-testid="approval-allow"]')!);
    assert.deepEqual(h.api.last('approvalDecision'), { type: 'approvalDecision', id: 'ap-s', decision: 'accept' });
  });

  it('shows invisible and direction-changing characters in a server\'s prompt, and warns about them', () => {
    h.send({ type: 'approvalRequested', approval: { ...sampling, messages: [{ role: 'user', text: 'Summarise\u202E txt.exe' }] } });
    h.scheduler.flush();
    const card = row().querySelector<HTMLElement>('[data-testid="approval-card"]')!;
    assert.ok(card.querySelector('[data-testid="approval-hidden-chars"]'));
    assert.equal(card.querySelector('[data-testid="approval-sampling-messages"] pre')!.textContent, 'Summarise⟨U+202E⟩ txt.exe');
  });

  it('after the tool\'s own approval and its sampling request are both settled, the row shows how the latest ended', () => {
    const tool: ApprovalRequest = { kind: 'mcpTool', id: 'ap-t', sessionId: 's1', entryId: 'a1', callId: 'c1', server: 'everything', source: 'user', tool: 'trigger-sampling-request', argumentsJson: '{}', description: '', definitionChanged: false };
    h.send({ type: 'approvalRequested', approval: tool });
    h.send({ type: 'approvalSettled', id: 'ap-t', outcome: 'accepted' });
    h.send({ type: 'approvalRequested', approval: sampling });
    h.scheduler.flush();
    assert.equal(row().querySelector('[data-testid="approval-card"]')!.getAttribute('data-kind'), 'mcpSampling', 'the pending request wins');
    h.send({ type: 'approvalSettled', id: 'ap-s', outcome: 'accepted' });
    h.scheduler.flush();
    const card = row().querySelector('[data-testid="approval-card"]')!;
    assert.equal(card.getAttribute('data-kind'), 'mcpSampling');
    assert.equal(card.querySelector('[data-testid="approval-outcome"]')!.textContent, 'Allowed once: qwen2.5-coder:7b answered the server.');
  });

  it('shows a form with no running call above the input, refuses to send what does not fit, and sends the checked values', () => {
    h.send({ type: 'approvalRequested', approval: form });
    h.scheduler.flush();
    const dock = h.$('approval-dock')!;
    assert.equal(dock.hidden, false);
    assert.match(dock.textContent!, /An MCP server is waiting for your answer/);
    const card = dock.querySelector<HTMLElement>('[data-testid="approval-card"]')!;
    assert.equal(card.querySelector('[data-testid="approval-form-message"]')!.textContent, 'Please fill in <b>this</b>');
    assert.equal(card.querySelectorAll('b').length, 0);
    assert.match(card.querySelector('[data-testid="approval-form-secrets"]')!.textContent!, /Do not enter passwords/);
    assert.equal(card.querySelectorAll('input[type="password"]').length, 0);

    const input = (name: string) => card.querySelector<HTMLInputElement & HTMLSelectElement>(`[data-field="${name}"]`)!;
    const fire = (el: HTMLElement, type: string) => el.dispatchEvent(new h.window.Event(type, { bubbles: true }));
    input('age').value = '500';
    fire(input('age'), 'input');
    click(card.querySelector('[data-testid="approval-accept"]')!);
    assert.equal(h.api.of('approvalDecision').length, 0, 'nothing is sent while the form does not fit');
    const error = (name: string) => card.querySelector(`[data-testid="form-error"][data-name="${name}"]`)!.textContent;
    assert.equal(error('name'), 'Required.');
    assert.equal(error('age'), 'At most 120.');

    input('name').value = 'Ada';
    fire(input('name'), 'input');
    input('age').value = '36';
    fire(input('age'), 'input');
    input('agree').checked = true;
    fire(input('agree'), 'change');
    input('size').value = 'm';
    fire(input('size'), 'change');
    click(card.querySelector('[data-testid="approval-accept"]')!);
    const sent = h.api.last('approvalDecision')!;
    assert.deepEqual(sent, { type: 'approvalDecision', id: 'ap-f', decision: 'accept', values: { name: 'Ada', age: 36, agree: true, size: 'm' } });
    assert.equal(parseFromWebview(sent).ok, true, 'the extension accepts the message');
  });

  it('keeps what the user typed when the chat repaints, and Decline and Cancel send no values', () => {
    h.send({ type: 'approvalRequested', approval: form });
    h.scheduler.flush();
    const nameBox = () => h.$('approval-dock')!.querySelector<HTMLInputElement>('[data-field="name"]')!;
    nameBox().value = 'Grace';
    nameBox().dispatchEvent(new h.window.Event('input', { bubbles: true }));
    // Another request arrives: the dock is rebuilt.
    h.send({ type: 'approvalRequested', approval: { ...sampling, id: 'ap-s2', sessionId: 'other' } });
    h.scheduler.flush();
    assert.equal(nameBox().value, 'Grace');
    click(h.$('approval-dock')!.querySelector('[data-approval-id="ap-f"] [data-testid="approval-cancel"]')!);
    assert.deepEqual(h.api.last('approvalDecision'), { type: 'approvalDecision', id: 'ap-f', decision: 'cancel' });
    h.send({ type: 'approvalSettled', id: 'ap-f', outcome: 'cancelled' });
    h.scheduler.flush();
    assert.equal(parseFromWebview({ type: 'approvalDecision', id: 'ap-f', decision: 'reject', values: { name: 'x' } }).ok, false, 'values go only with accept');
  });
});
