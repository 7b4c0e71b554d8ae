/**
 * Streaming and session rendering: a long answer streams without quadratic
 * re-rendering (counted, not timed), errors offer the actions that fix them,
 * and history, models and backend status reach the UI.
 */
import assert from 'node:assert/strict';
import type { AgentEvent } from '../../protocol/chat';
import type { AssistantEntry, UserEntry } from '../../protocol/sessions';
import { MarkdownRenderer } from '../../webview/markdownRenderer';
import { withoutRetryHint } from '../../webview/retryHint';
import { click, createHarness, keydown, sessionView, type } from './webviewTestHarness';
import type { Harness } from './webviewTestHarness';

/** A long, realistic answer: paragraphs, lists, tables and code blocks, cut into small token deltas. */
function longAnswerTokens(count: number): string[] {
  const blocks = [
    'Here is how the **request pipeline** works, step by step, with `fetch` and a retry loop.\n\n',
    '1. Parse the input.\n2. Validate it with the schema.\n3. Send it.\n\n',
    '```ts\nexport async function send(url: string, body: unknown): Promise<Response> {\n  for (let attempt = 0; attempt < 3; attempt++) {\n    const res = await fetch(url, { method: "POST", body: JSON.stringify(body) });\n    if (res.ok) return res;\n  }\n  throw new Error("gave up");\n}\n```\n\n',
    '| step | cost |\n|---|---|\n| parse | low |\n| send | high |\n\n',
    '> Note: retries must be idempotent, or the server sees the request twice.\n\n',
    '- first point with [a link](https://example.com)\n- second point\n  continued on the next line\n\n',
  ];
  const text: string[] = [];
  let i = 0;
  while (text.join('').length < count * 4) text.push(blocks[i++ % blocks.length]);
  const whole = text.join('');
  // Split into roughly 4-character tokens, as a model's deltas are.
  const tokens: string[] = [];
  for (let at = 0; tokens.length < count; at += 4) tokens.push(whole.slice(at, at + 4));
  return tokens;
}

const user: UserEntry = { kind: 'user', id: 'u0', text: 'earlier question', context: [], at: 1 };
const oldAnswer: AssistantEntry = { kind: 'assistant', id: 'a0', replyTo: 'u0', model: 'm', parts: [{ kind: 'text', text: '# Earlier answer\n\nwith `code`' }], state: 'done', doneReason: 'stop', at: 2 };

describe('webview streaming', () => {
  let h: Harness;
  afterEach(() => h.dispose());

  function startTurn(sessionId = 's1'): void {
    const composer = h.$('composer') as HTMLTextAreaElement;
    type(composer, 'Explain the pipeline');
    keydown(composer, 'Enter');
    h.send({ type: 'turnStarted', sessionId, userEntryId: 'u1', assistantEntryId: 'a1', retry: false });
  }

  const event = (e: AgentEvent, entryId = 'a1', sessionId = 's1') => h.send({ type: 'event', sessionId, entryId, event: e });

  it('streams 10,000 tokens with no full re-renders and linear Markdown work', function () {
    // jsdom is much slower than a browser at DOM work; the assertions count renders, they do not time them.
    this.timeout(30_000);
    h = createHarness();
    h.send({ type: 'session', session: sessionView('s1', [user, oldAnswer]) });
    const oldView = h.$$('assistant-message')[0];
    const before = { ...h.app.stats };
    assert.equal(before.fullRenders, 1, 'the loaded answer is rendered once');
    startTurn();

    const tokens = longAnswerTokens(10_000);
    const total = tokens.join('').length;
    // Events arrive much faster than frames: paint once per 16 events (~625 frames).
    tokens.forEach((delta, i) => {
      event({ type: 'text', delta });
      if (i % 16 === 15) h.scheduler.flush();
    });
    event({ type: 'usage', usage: { promptTokens: 100, completionTokens: 10_000, totalDurationMs: 41_000 } });
    event({ type: 'done', reason: 'stop' });
    h.scheduler.flush();

    const stats = h.app.stats;
    const frames = h.scheduler.frames;
    assert.ok(frames >= 600, `painted per frame, not per event (${frames} frames)`);
    assert.equal(stats.fullRenders - before.fullRenders, 0, 'the streaming answer is never rendered from scratch');
    assert.ok(stats.tailRenders - before.tailRenders <= frames + 1, 'at most one tail render per frame');
    // Re-rendering everything each frame would push ~frames × total / 2 characters
    // through marked (≈ 600 × 20,000); rendering only the last block stays a small multiple of the text.
    const work = stats.renderedChars - before.renderedChars;
    assert.ok(work < 5 * total, `Markdown work ${work} chars for a ${total}-char answer`);

    const view = h.$$('assistant-message')[1];
    assert.equal(view.getAttribute('data-state'), 'done');
    assert.equal(h.$$('assistant-message')[0], oldView, 'the earlier answer was not rebuilt');
    // The incrementally built DOM equals a from-scratch render of the whole text.
    const reference = new MarkdownRenderer(h.document, { copy() {}, insert() {}, apply() {} }).render(tokens.join(''));
    const container = h.document.createElement('div');
    container.appendChild(reference);
    assert.equal(view.querySelector('.markdown')?.innerHTML, container.innerHTML);
    assert.ok(view.querySelectorAll('[data-testid="code-block"]').length > 50);
    assert.match(view.textContent ?? '', /10000 tokens/);
  });

  it('streams a 200 KB single line without drawing it whole every frame, and shows all of it at the end', function () {
    this.timeout(30_000);
    h = createHarness();
    startTurn();
    const before = { ...h.app.stats };
    // One paragraph that never ends: the last block is parsed, sanitized and drawn whole each time, so drawing it every frame is quadratic.
    const chunk = 'lorem ipsum dolor sit amet '.repeat(74);
    const deltas = 100;
    for (let i = 0; i < deltas; i++) {
      event({ type: 'text', delta: chunk });
      h.scheduler.flush();
    }
    const total = chunk.length * deltas;
    const work = h.app.stats.renderedChars - before.renderedChars;
    // Every frame would be about deltas / 2 × total (≈ 50 × total); the drawing budget keeps it a small multiple.
    assert.ok(work < 10 * total, `Markdown work ${work} chars for a ${total}-char line`);
    // While it streams, the line keeps growing on screen.
    const shown = () => h.$$('assistant-message')[0].querySelector('.markdown')?.textContent ?? '';
    assert.ok(shown().length > total / 2, `only ${shown().length} of ${total} characters shown while streaming`);
    // Frames keep coming until all that arrived is drawn, even with no new text.
    const whole = chunk.repeat(deltas).trim();
    for (let i = 0; i < 200 && shown().trim() !== whole; i++) h.scheduler.flush();
    assert.equal(shown().trim(), whole, 'all of the line is drawn while the answer still streams');
    event({ type: 'done', reason: 'stop' });
    h.scheduler.flush();
    assert.equal(shown().trim(), whole);
  });

  it('paints only once per frame however many events arrive', () => {
    h = createHarness();
    startTurn();
    for (let i = 0; i < 500; i++) event({ type: 'text', delta: 'word ' });
    assert.equal(h.$('assistant-message')?.querySelector('.markdown'), null, 'nothing painted before the frame');
    h.scheduler.flush();
    assert.equal(h.scheduler.frames, 1);
    assert.equal(h.$('assistant-message')?.textContent?.split('word').length, 501);
  });

  /** The text the answer's `part`-th Markdown part shows now. */
  const shownPart = (part: number) => (h.$$('assistant-message')[0]?.querySelectorAll('.markdown')[part]?.textContent ?? '').trim();
  const shownText = () => shownPart(0);

  it('reveals text that arrives in bursts a little per frame, in order, and everything at once when the part or the answer ends', () => {
    h = createHarness();
    startTurn();
    // The first words show in the first frame: a reveal never delays the first token.
    event({ type: 'text', delta: 'The pipeline has three stages. ' });
    h.scheduler.flush();
    assert.equal(shownText(), 'The pipeline has three stages.');

    // A busy team server sends a few words at a time; they flow in over several frames instead of jumping in.
    const burst = 'First it reads the input and splits it into tokens, then it parses the tokens into a tree, then it walks the tree.';
    event({ type: 'text', delta: burst });
    const full = `The pipeline has three stages. ${burst}`;
    const seen: number[] = [];
    for (let frame = 0; frame < 40 && shownText().length < full.length; frame++) {
      h.scheduler.flush();
      const text = shownText();
      assert.ok(full.startsWith(text), `frame ${frame} shows a prefix of the answer, in order: ${JSON.stringify(text)}`);
      seen.push(text.length);
    }
    assert.equal(shownText(), full, 'all of it shows within 40 frames');
    assert.ok(seen.length >= 5, `revealed over ${seen.length} frames, not at once`);
    assert.ok(seen.length <= 25, `caught up within ${seen.length} frames (about 0.4 s at 60 Hz)`);
    assert.ok(seen[0] < full.length / 2, `the first frame after the burst shows part of it (${seen[0]} of ${full.length} characters)`);
    assert.deepEqual([...seen].sort((a, b) => a - b), seen, 'never goes backwards');
    assert.equal(h.scheduler.settle(), 0, 'no frames are requested once everything shows');

    // Text followed by a tool call is complete: it shows whole at once, above the call's row.
    event({ type: 'text', delta: ' Let me check the parser.'.repeat(8) });
    event({ type: 'toolCall', call: { id: 'c1', name: 'read_file', arguments: { path: 'src/parse.ts' } } });
    h.scheduler.flush();
    assert.equal(shownText(), `${full}${' Let me check the parser.'.repeat(8)}`);

    // The answer's end shows whatever still waits, in the same frame.
    event({ type: 'toolResult', result: { callId: 'c1', name: 'read_file', content: 'export {}', isError: false } });
    const ending = 'It uses a recursive descent parser with one token of lookahead. '.repeat(4);
    event({ type: 'text', delta: 'So: ' });
    h.scheduler.flush();
    event({ type: 'text', delta: ending });
    h.scheduler.flush();
    const lastPart = () => shownPart(1);
    assert.ok(lastPart().length < `So: ${ending}`.trim().length, 'still revealing');
    event({ type: 'done', reason: 'stop' });
    h.scheduler.flush();
    assert.equal(lastPart(), `So: ${ending}`.trim());
  });

  it('never shows half of an emoji while revealing', () => {
    h = createHarness();
    startTurn();
    event({ type: 'text', delta: 'Done ' });
    h.scheduler.flush();
    event({ type: 'text', delta: '🎉'.repeat(40) });
    for (let frame = 0; frame < 40; frame++) {
      h.scheduler.flush();
      const text = shownText();
      assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text), `frame ${frame} shows whole characters: ${JSON.stringify(text)}`);
    }
    assert.equal(shownText(), `Done ${'🎉'.repeat(40)}`);
  });

  it('shows everything that waits at once when frames come late (a hidden view)', () => {
    h = createHarness();
    startTurn();
    event({ type: 'text', delta: 'Hello. ' });
    h.scheduler.flush();
    event({ type: 'text', delta: 'This sentence arrived while the chat was hidden and is shown whole when it comes back. ' });
    h.scheduler.flush();
    assert.ok(shownText().length < 90, 'revealing at 60 Hz');
    h.scheduler.flush(400);
    assert.equal(shownText(), 'Hello. This sentence arrived while the chat was hidden and is shown whole when it comes back.');
  });

  it("replaces a note with an id in place: the model load's note becomes its outcome, a tool's progress one moving line", () => {
    h = createHarness();
    startTurn();
    event({ type: 'status', level: 'info', id: 'model-load', message: 'Loading m:7b… The first answer after a load can take a minute.' });
    h.scheduler.flush();
    const note = h.$('status-notice')!;
    assert.match(note.textContent!, /^Loading m:7b…/);
    event({ type: 'status', level: 'info', id: 'model-load', message: 'Loaded m:7b in 12 s.' });
    event({ type: 'toolCall', call: { id: 'c1', name: 'build.run', arguments: {} } });
    event({ type: 'status', level: 'info', id: 'progress:c1', message: 'build.run: progress 1/3' });
    h.scheduler.flush();
    event({ type: 'status', level: 'warning', id: 'progress:c1', message: 'build.run: progress 2/3' });
    event({ type: 'text', delta: 'Built.' });
    event({ type: 'done', reason: 'stop' });
    h.scheduler.flush();
    const notes = h.$$('status-notice');
    assert.deepEqual(notes.map((n) => n.textContent), ['Loaded m:7b in 12 s.', 'build.run: progress 2/3']);
    assert.equal(notes[0], note, 'the same line, changed in place');
    assert.equal(notes[1].dataset.level, 'warning');
    assert.ok(notes[1].classList.contains('status-warning'));
  });

  it('shows each sub-agent as a card with its role, model, task, tool calls and report', () => {
    h = createHarness();
    startTurn();
    event({ type: 'toolCall', call: { id: 'c1', name: 'run_subagents', arguments: { agents: [] } } });
    event({ type: 'agentSpawn', agent: { id: 'c1.a1', role: 'explorer', model: 'small:1b', task: 'Find where <b>tokens</b> are parsed', parentCallId: 'c1' } });
    event({ type: 'agentEvent', agentId: 'c1.a1', event: { type: 'toolCall', call: { id: 'c1.a1.c2', name: 'grep', arguments: { pattern: 'parse' } } } });
    h.scheduler.flush();
    const card = h.$('subagent-card')!;
    assert.equal(card.getAttribute('data-role'), 'explorer');
    assert.equal(card.getAttribute('data-state'), 'running');
    assert.ok(card.hasAttribute('open'), 'open while it works');
    assert.match(card.textContent ?? '', /Explorer.*small:1b.*working…/);
    assert.equal(card.querySelector('[data-testid="subagent-task"]')?.textContent, 'Find where <b>tokens</b> are parsed', 'the task is text, not HTML');
    assert.equal(card.querySelectorAll('[data-testid="tool-row"]').length, 1, 'its tool call shows inside the card');

    event({ type: 'agentEvent', agentId: 'c1.a1', event: { type: 'toolResult', result: { callId: 'c1.a1.c2', name: 'grep', content: 'src/parse.ts:3', isError: false } } });
    event({ type: 'agentResult', agentId: 'c1.a1', outcome: { reason: 'stop', summary: 'Tokens are parsed in `src/parse.ts`.', durationMs: 2500, usage: { promptTokens: 300, completionTokens: 20 } } });
    h.scheduler.flush();
    assert.equal(card.getAttribute('data-state'), 'stop');
    assert.equal(card.querySelector('[data-testid="subagent-state"]')?.textContent, 'done · 2.5 s · 320 tokens · 1 tool call');
    assert.match(card.querySelector('[data-testid="subagent-result"]')?.textContent ?? '', /Tokens are parsed in src\/parse\.ts\./);
    assert.equal(h.$$('subagent-card').length, 1);
  });

  it("an executor sub-agent's edit opens its diff when its \"+N −M path\" is pressed, like the main agent's", () => {
    h = createHarness();
    startTurn();
    event({ type: 'toolCall', call: { id: 'c1', name: 'run_subagents', arguments: { agents: [] } } });
    event({ type: 'agentSpawn', agent: { id: 'c1.a1', role: 'executor', model: 'qwen2.5-coder:7b', task: 'Make add() add', parentCallId: 'c1' } });
    const edit = { id: 'c1.a1.c1', name: 'edit_file', arguments: { path: 'src/math.js', oldText: 'a - b', newText: 'a + b' } };
    event({ type: 'agentEvent', agentId: 'c1.a1', event: { type: 'toolCall', call: edit } });
    const display = { kind: 'fileChange' as const, path: 'src/math.js', added: 1, removed: 1, created: false };
    event({ type: 'agentEvent', agentId: 'c1.a1', event: { type: 'toolResult', result: { callId: edit.id, name: edit.name, content: 'Edited src/math.js.', isError: false, display } } });
    h.scheduler.flush();
    const button = h.$('subagent-card')!.querySelector<HTMLElement>('[data-testid="tool-change"]')!;
    click(button);
    assert.deepEqual(h.api.of('openToolChange'), [{ type: 'openToolChange', sessionId: 's1', entryId: 'a1', callId: 'c1.a1.c1' }]);
  });

  it("a sub-agent run as one of the user's agents is labelled \"@name (role)\", names its model only when it is not the turn's, and shows why an agent's model was not used", () => {
    h = createHarness();
    h.send({ type: 'models', models: [{ name: 'qwen2.5-coder:7b' }, { name: 'small:1b' }], selected: 'qwen2.5-coder:7b', host: 'http://localhost:11434' });
    startTurn();
    event({ type: 'toolCall', call: { id: 'c1', name: 'run_subagents', arguments: { agents: [] } } });
    event({ type: 'agentSpawn', agent: { id: 'c1.a1', role: 'explorer', agent: 'reviewer', model: 'small:1b', task: 'Review parse.ts', parentCallId: 'c1' } });
    event({ type: 'agentSpawn', agent: { id: 'c1.a2', role: 'researcher', agent: 'docs', model: 'qwen2.5-coder:7b', task: 'Read the docs', parentCallId: 'c1' } });
    const note = '@docs: model "gpt-5" is not available here; this sub-agent uses qwen2.5-coder:7b.';
    event({ type: 'agentEvent', agentId: 'c1.a2', event: { type: 'status', level: 'warning', message: note } });
    event({ type: 'agentSpawn', agent: { id: 'c1.a3', role: 'explorer', model: 'qwen2.5-coder:7b', task: 'Find the tests', parentCallId: 'c1' } });
    h.scheduler.flush();
    const [reviewer, docs, plain] = h.$$('subagent-card');
    const label = (card: Element) => card.querySelector('[data-testid="subagent-label"]')?.textContent;
    const model = (card: Element) => card.querySelector<HTMLElement>('[data-testid="subagent-model"]')!;
    assert.equal(label(reviewer), '@reviewer (explorer)');
    assert.equal(reviewer.getAttribute('data-agent'), 'reviewer');
    assert.equal(model(reviewer).textContent, 'small:1b', 'its own model, not the turn\'s, is named');
    assert.equal(model(reviewer).hidden, false);
    assert.equal(label(docs), '@docs (researcher)');
    assert.equal(model(docs).hidden, true, 'the turn\'s model is not repeated on the card');
    const warning = docs.querySelector('[data-testid="subagent-notice"]')!;
    assert.equal(warning.textContent, note);
    assert.ok(warning.classList.contains('status-warning'), 'the fallback is a warning, not an info line');
    assert.equal(label(plain), 'Explorer', 'a plain role keeps its role name');
    assert.equal(reviewer.querySelector('[data-testid="subagent-notice"]'), null);
  });

  it('shows the agent\'s plan as a live checklist atop the reply, editable once the reply has finished', () => {
    h = createHarness();
    startTurn();
    event({ type: 'todos', items: [{ text: 'Read <parser>', status: 'inProgress' }, { text: 'Fix the bug', status: 'pending' }] });
    h.scheduler.flush();
    const answer = h.$('assistant-message')!;
    const plan = h.$('todo-list')!;
    assert.equal(plan.nextElementSibling, answer.querySelector('.parts'), 'the plan heads the reply, above its text and tool calls');
    assert.match(plan.textContent ?? '', /Plan · 0\/2 done/);
    assert.deepEqual(h.$$('todo-item').map((li) => [li.textContent, li.getAttribute('data-status')]), [['Read <parser>', 'inProgress'], ['Fix the bug', 'pending']]);
    assert.ok(h.$$('todo-check').every((box) => (box as HTMLInputElement).disabled), 'not editable while the agent works');
    assert.equal(h.$('todo-edit')!.hidden, true);

    event({ type: 'todos', items: [{ text: 'Read <parser>', status: 'done' }, { text: 'Fix the bug', status: 'inProgress' }] });
    event({ type: 'done', reason: 'stop' });
    h.scheduler.flush();
    assert.match(plan.textContent ?? '', /Plan · 1\/2 done/);

    // Ticking a step saves the whole plan with that step done.
    const second = h.$$('todo-check')[1] as HTMLInputElement;
    assert.equal(second.disabled, false);
    second.checked = true;
    second.dispatchEvent(new h.window.Event('change'));
    assert.deepEqual(h.api.last('editTodos'), { type: 'editTodos', sessionId: 's1', entryId: 'a1', items: [{ text: 'Read <parser>', status: 'done' }, { text: 'Fix the bug', status: 'done' }] });

    // Rewriting the plan as text, saved with Ctrl+Enter.
    click(h.$('todo-edit')!);
    const editor = h.$('todo-editor') as HTMLTextAreaElement;
    assert.equal(editor.value, '- [x] Read <parser>\n- [>] Fix the bug');
    editor.value = '- [x] Read <parser>\n- [ ] Fix the bug\n\nAdd a test';
    keydown(editor, 'Enter', { ctrlKey: true });
    assert.deepEqual(h.api.last('editTodos')?.items, [
      { text: 'Read <parser>', status: 'done' },
      { text: 'Fix the bug', status: 'pending' },
      { text: 'Add a test', status: 'pending' },
    ]);
    assert.equal(h.$('todo-editor'), null, 'the editor closes on save');
  });

  it('announces a finished answer once through the one live region, never token by token, and keeps answers out of live regions', () => {
    h = createHarness();
    h.send({ type: 'session', session: sessionView('s1', [user, oldAnswer]) });
    startTurn();
    const answer = h.$$('assistant-message')[1];
    const announcer = h.$('announcer')!;
    assert.equal(announcer.getAttribute('aria-live'), 'polite');
    assert.equal(answer.getAttribute('aria-busy'), 'true');
    assert.equal((answer.querySelector('[data-testid="streaming-indicator"]') as HTMLElement).hidden, false);
    // What the region said after each frame in which it changed (records are taken synchronously, frame by frame).
    const announced: string[] = [];
    const observer = new h.window.MutationObserver(() => undefined);
    observer.observe(announcer, { childList: true, subtree: true, characterData: true });
    const frame = () => {
      h.scheduler.flush();
      if (observer.takeRecords().length > 0) announced.push(announcer.textContent ?? '');
    };
    for (const delta of ['Hello', ' **wide**', ' world', '.']) {
      event({ type: 'text', delta });
      frame();
    }
    assert.equal((answer.querySelector('[data-testid="streaming-indicator"]') as HTMLElement).hidden, true);
    event({ type: 'done', reason: 'stop' });
    frame();
    observer.disconnect();
    assert.deepEqual(announced, ['Hearth answered: Hello wide world.'], 'one announcement, with the rendered words, after the last frame');
    assert.equal(answer.getAttribute('aria-busy'), null);
    // No answer is a live region of its own: changes in a finished one (its Retry going away) would be read out of context.
    assert.equal(h.document.querySelectorAll('[data-testid="assistant-message"][aria-live]').length, 0);
  });

  it('re-renders a reference link defined at the end of the answer correctly', () => {
    h = createHarness();
    startTurn();
    for (const delta of ['See [the docs][1].\n\n', 'More text.\n\n', '[1]: https://example.com/docs\n']) {
      event({ type: 'text', delta });
      h.scheduler.flush();
    }
    event({ type: 'done', reason: 'stop' });
    h.scheduler.flush();
    assert.equal(h.$('assistant-message')?.querySelector('a')?.getAttribute('href'), 'https://example.com/docs');
  });

  it('ignores events for another session or unknown entries', () => {
    h = createHarness();
    startTurn();
    event({ type: 'text', delta: 'other' }, 'a1', 's2');
    event({ type: 'text', delta: 'unknown' }, 'zz', 's1');
    h.scheduler.flush();
    assert.equal(h.$('assistant-message')?.querySelector('.markdown'), null);
  });

  it('shows a turn started elsewhere (an editor command) with its input', () => {
    h = createHarness();
    h.send({ type: 'turnStarted', sessionId: 's5', userEntryId: 'u1', assistantEntryId: 'a1', retry: false, input: { text: 'Explain src/a.ts:1-5', context: [{ kind: 'selection', path: 'src/a.ts', range: { startLine: 1, endLine: 5 } }] } });
    assert.equal(h.$('user-message')?.querySelector('.user-text')?.textContent, 'Explain src/a.ts:1-5');
    assert.ok(h.$('stop'));
  });
});

describe('webview errors and retry', () => {
  let h: Harness;
  afterEach(() => h.dispose());

  it('shows the error plainly with Retry when retryable', () => {
    h = createHarness();
    h.send({ type: 'session', session: sessionView('s1', [user]) });
    h.send({ type: 'turnStarted', sessionId: 's1', userEntryId: 'u1', assistantEntryId: 'a1', retry: false, input: { text: 'q', context: [] } });
    h.send({ type: 'event', sessionId: 's1', entryId: 'a1', event: { type: 'error', error: { code: 'connectionDropped', message: 'The connection to the team server dropped. <b>Retry</b>.', retryable: true } } });
    h.send({ type: 'event', sessionId: 's1', entryId: 'a1', event: { type: 'done', reason: 'error' } });
    h.scheduler.flush();
    assert.equal(h.$('error')?.textContent, 'The connection to the team server dropped. <b>Retry</b>.');
    assert.equal(h.$('error')?.querySelector('b'), null);
    click(h.$('retry')!);
    assert.deepEqual(h.api.of('retry'), [{ type: 'retry', sessionId: 's1', model: undefined }]);

    // The retried turn replaces the failed answer instead of adding a duplicate question.
    h.send({ type: 'turnStarted', sessionId: 's1', userEntryId: 'u1', assistantEntryId: 'a2', retry: true });
    assert.equal(h.$$('user-message').length, 2);
    assert.equal(h.$$('assistant-message').length, 1);
    assert.equal(h.$('error'), null);
    assert.equal(h.$('assistant-message')?.getAttribute('data-state'), 'streaming');
  });

  it('offers no Retry for non-retryable errors or older answers', () => {
    h = createHarness();
    const failed = (id: string, replyTo: string, retryable: boolean): AssistantEntry => ({ kind: 'assistant', id, replyTo, model: 'm', parts: [], state: 'done', doneReason: 'error', error: { code: 'modelError', message: `failed ${id}`, retryable }, at: 3 });
    h.send({ type: 'session', session: sessionView('s1', [user, failed('a0', 'u0', true), { ...user, id: 'u1' }, failed('a1', 'u1', false)]) });
    assert.deepEqual(h.$$('error').map((e) => e.textContent), ['failed a0', 'failed a1']);
    assert.equal(h.$('retry'), null);
  });

  it('drops "press Retry" from an older error, whose Retry button is gone, and keeps the rest', () => {
    h = createHarness();
    const failed = (id: string, replyTo: string, message: string): AssistantEntry => ({ kind: 'assistant', id, replyTo, model: 'm', parts: [], state: 'done', doneReason: 'error', error: { code: 'connectionDropped', message, retryable: true }, at: 3 });
    const dropped = 'The connection to the team server at grpcs://team:50051 dropped during this reply (reset). Your conversation is kept: press Retry to send the message again.';
    h.send({ type: 'session', session: sessionView('s1', [user, failed('a0', 'u0', dropped), { ...user, id: 'u1' }, failed('a1', 'u1', dropped)]) });
    assert.deepEqual(h.$$('error').map((e) => e.textContent), [
      'The connection to the team server at grpcs://team:50051 dropped during this reply (reset). Your conversation is kept.',
      dropped,
    ]);
    assert.equal(h.$$('retry').length, 1, 'only the last answer has Retry');
  });

  it('lists installed models for modelNotFound and retries with the chosen one', () => {
    h = createHarness();
    h.send({ type: 'models', models: [{ name: 'llama3.1:8b' }], selected: 'qwen2.5-coder:7b', host: 'http://localhost:11434' });
    const entry: AssistantEntry = {
      kind: 'assistant', id: 'a1', replyTo: 'u0', model: 'qwen2.5-coder:7b', parts: [], state: 'done', doneReason: 'error', at: 3,
      error: { code: 'modelNotFound', message: 'Model qwen2.5-coder:7b is not installed. Pull it with “ollama pull qwen2.5-coder:7b” or pick an installed model.', model: 'qwen2.5-coder:7b', installedModels: ['llama3.1:8b', 'mistral:7b'], retryable: true },
    };
    h.send({ type: 'session', session: sessionView('s1', [user, entry]) });
    assert.deepEqual(h.$$('model-choice').map((b) => b.textContent), ['llama3.1:8b', 'mistral:7b']);
    click(h.$$('model-choice')[1]);
    assert.deepEqual(h.api.of('selectModel'), [{ type: 'selectModel', model: 'mistral:7b' }]);
    assert.deepEqual(h.api.of('retry'), [{ type: 'retry', sessionId: 's1', model: 'mistral:7b' }]);
    assert.equal((h.$('model-picker') as HTMLSelectElement).value, 'mistral:7b');
  });

  it('offers the host setting when Ollama is unreachable', () => {
    h = createHarness();
    const entry: AssistantEntry = { kind: 'assistant', id: 'a1', replyTo: 'u0', model: 'm', parts: [], state: 'done', doneReason: 'error', at: 3, error: { code: 'ollamaUnreachable', message: 'Cannot reach Ollama.', retryable: true } };
    h.send({ type: 'session', session: sessionView('s1', [user, entry]) });
    click(h.$('open-settings')!);
    assert.deepEqual(h.api.of('openSettings'), [{ type: 'openSettings', setting: 'hearth.ollama.host' }]);
  });

  it('shows the commands and settings an error names as code, not as raw backticks', () => {
    h = createHarness();
    const message = 'Hearth could not reach Ollama. Start Ollama with `ollama serve`, or set the `hearth.ollama.host` setting.';
    const entry: AssistantEntry = { kind: 'assistant', id: 'a1', replyTo: 'u0', model: 'm', parts: [], state: 'done', doneReason: 'error', at: 3, error: { code: 'ollamaUnreachable', message, retryable: true } };
    h.send({ type: 'session', session: sessionView('s1', [user, entry]) });
    const shown = h.$('error')!;
    assert.equal(shown.textContent, message.replace(/`/g, ''));
    assert.deepEqual([...shown.querySelectorAll('code')].map((c) => c.textContent), ['ollama serve', 'hearth.ollama.host']);
  });

  it('marks an interrupted answer and offers Retry', () => {
    h = createHarness();
    h.send({ type: 'session', session: sessionView('s1', [user, { ...oldAnswer, state: 'interrupted', doneReason: undefined }]) });
    assert.equal(h.$('assistant-message')?.getAttribute('data-state'), 'interrupted');
    assert.ok(h.$('interrupted-notice'));
    click(h.$('retry')!);
    assert.equal(h.api.of('retry').length, 1);
  });
});

describe('webview undo of a reply’s file changes', () => {
  let h: Harness;
  afterEach(() => h.dispose());

  const edited = (id: string, isError = false): AssistantEntry => ({
    kind: 'assistant', id, replyTo: 'u0', model: 'm', state: 'done', doneReason: 'stop', at: 2,
    parts: [
      { kind: 'toolCall', call: { id: `${id}-c`, name: 'edit_file', arguments: { path: 'src/a.ts' } }, result: { callId: `${id}-c`, name: 'edit_file', content: 'ok', isError } },
      { kind: 'text', text: 'Edited.' },
    ],
  });

  it('offers Undo only on replies that changed files, posts undoTurn and shows what was restored', () => {
    h = createHarness();
    h.send({ type: 'session', session: sessionView('s1', [user, oldAnswer, { ...user, id: 'u1' }, edited('a1'), { ...user, id: 'u2' }, edited('a2', true)]) });
    const undo = h.$$('undo-turn');
    assert.equal(undo.length, 1, 'read-only and failed edits offer no Undo');
    click(undo[0]);
    assert.deepEqual(h.api.of('undoTurn'), [{ type: 'undoTurn', sessionId: 's1', entryId: 'a1' }]);

    h.send({ type: 'turnUndone', sessionId: 's1', entryId: 'a1', restored: ['src/a.ts'], removed: ['src/new.ts'] });
    assert.equal(h.$('undo-notice')?.textContent, 'Changes undone: restored 1 file (src/a.ts); removed 1 new file (src/new.ts).');
    assert.equal(h.$$('undo-turn').length, 0, 'the Undo button is gone once used');
    h.send({ type: 'turnUndone', sessionId: 'other', entryId: 'a2', restored: ['x'], removed: [] });
    assert.equal(h.$$('undo-notice').length, 1);
  });
});

describe('webview: the advice to press Retry, on an older error', () => {
  const cases: [string, string][] = [
    ['Ollama at http://localhost:11434 has no models installed. Install one with `ollama pull qwen2.5-coder:7b`, then press Retry.', 'Ollama at http://localhost:11434 has no models installed. Install one with `ollama pull qwen2.5-coder:7b`.'],
    ['Hearth hit an unexpected error: boom. The message is kept; press Retry, or see Hearth: Show Logs.', 'Hearth hit an unexpected error: boom. The message is kept; see Hearth: Show Logs.'],
    ['The partial answer is kept; press Retry to ask again. If it keeps happening, check the Ollama logs.', 'The partial answer is kept. If it keeps happening, check the Ollama logs.'],
    ['The team server at team did not answer in time. Press Retry.', 'The team server at team did not answer in time.'],
    ['The team server sent an invalid message (bad); the reply was stopped. Press Retry, or tell the server\'s admin.', 'The team server sent an invalid message (bad); the reply was stopped. Tell the server\'s admin.'],
    ['The team server is restarting. Your conversation is kept: press Retry in a moment.', 'The team server is restarting. Your conversation is kept.'],
    ['The model ran out of memory.', 'The model ran out of memory.'],
  ];
  for (const [message, expected] of cases) {
    it(`“${message.slice(0, 48)}…”`, () => assert.equal(withoutRetryHint(message), expected));
  }
});

describe('webview sessions, history, models and status', () => {
  let h: Harness;
  afterEach(() => h.dispose());
  const now = Date.UTC(2025, 5, 15, 12, 0, 0);

  it('shows a friendly empty state for a new chat and clears on New chat', () => {
    h = createHarness();
    h.send({ type: 'session', session: null });
    assert.equal(h.$('empty-state')?.hidden, false);
    assert.match(h.$('empty-state')?.textContent ?? '', /Ollama/);
    assert.match(h.$('empty-state')?.textContent ?? '', /Shift\+Enter/);
    h.send({ type: 'session', session: sessionView('s1', [user, oldAnswer]) });
    assert.equal(h.$('empty-state')?.hidden, true);
    click(h.$('new-chat')!);
    assert.equal(h.api.of('newChat').length, 1);
    assert.equal(h.$$('user-message').length, 0);
    assert.equal(h.$('empty-state')?.hidden, false);
  });

  it('lists sessions newest first with relative dates; opens and deletes (with confirmation)', () => {
    h = createHarness({ now: () => now });
    click(h.$('history-button')!);
    assert.equal(h.$('history-view')?.hidden, false);
    assert.equal(h.api.of('listSessions').length, 1);
    assert.equal(h.$('history-empty')?.hidden, false);
    h.send({
      type: 'sessions',
      sessions: [
        { id: 'old', title: 'Old chat', createdAt: 0, updatedAt: now - 3 * 86_400_000, messageCount: 2 },
        { id: 'new', title: 'Fix the parser', createdAt: 0, updatedAt: now - 5 * 60_000, messageCount: 4 },
      ],
    });
    const items = h.$$('history-item');
    assert.deepEqual(items.map((i) => i.querySelector('.history-title')?.textContent), ['Fix the parser', 'Old chat']);
    assert.deepEqual(items.map((i) => i.querySelector('.history-date')?.textContent), ['5 min ago', '3 days ago']);

    click(items[1].querySelector('[data-testid="history-delete"]')!);
    assert.equal(h.api.of('deleteSession').length, 0, 'the first click only asks to confirm');
    click(h.$$('history-item')[1].querySelector('[data-testid="history-delete"]')!);
    assert.deepEqual(h.api.of('deleteSession'), [{ type: 'deleteSession', sessionId: 'old' }]);
    assert.equal(h.$$('history-item').length, 1);

    click(h.$$('history-item')[0].querySelector('[data-testid="history-export"]')!);
    assert.deepEqual(h.api.of('exportSession'), [{ type: 'exportSession', sessionId: 'new' }]);

    click(h.$$('history-item')[0].querySelector('.history-open')!);
    assert.deepEqual(h.api.of('openSession'), [{ type: 'openSession', sessionId: 'new' }]);
    h.send({ type: 'session', session: sessionView('new', [user]) });
    assert.equal(h.$('history-view')?.hidden, true, 'opening a session returns to the chat');

    click(h.$('history-button')!);
    click(h.$('history-back')!);
    assert.equal(h.$('history-view')?.hidden, true);
  });

  it('a history opened right after a reload stays open when the restored chat arrives late', () => {
    h = createHarness({ now: () => now });
    click(h.$('history-button')!);
    h.send({ type: 'session', session: sessionView('s1', [user, oldAnswer]), restored: true });
    assert.equal(h.$('history-view')?.hidden, false, 'the restored chat fills in behind the history');
    h.send({ type: 'sessions', sessions: [{ id: 's1', title: 'Fix the parser', createdAt: 0, updatedAt: now, messageCount: 2 }] });
    click(h.$$('history-item')[0].querySelector('.history-open')!);
    h.send({ type: 'session', session: sessionView('s1', [user, oldAnswer]) });
    assert.equal(h.$('history-view')?.hidden, true, 'the chat the user opened closes the history');
    assert.equal(h.$$('user-message').length, 1);
  });

  it('says in History how many chats a newer Hearth saved and that they are hidden until the user updates', () => {
    h = createHarness({ now: () => now });
    click(h.$('history-button')!);
    h.send({ type: 'sessions', sessions: [], hiddenNewer: 2 });
    assert.equal(h.$('history-newer')?.hidden, false);
    assert.equal(h.$('history-newer')?.textContent, '2 chats were saved by a newer version of Hearth and are hidden until you update Hearth. They stay on disk untouched.');
    assert.equal(h.$('history-empty')?.hidden, true, 'History does not claim there are no saved chats');
    h.send({ type: 'sessions', sessions: [{ id: 'a', title: 'Fix the parser', createdAt: 0, updatedAt: now, messageCount: 2 }], hiddenNewer: 1 });
    assert.equal(h.$('history-newer')?.textContent, '1 chat was saved by a newer version of Hearth and is hidden until you update Hearth. It stays on disk untouched.');
    h.send({ type: 'sessions', sessions: [{ id: 'a', title: 'Fix the parser', createdAt: 0, updatedAt: now, messageCount: 2 }] });
    assert.equal(h.$('history-newer')?.hidden, true);
  });

  it('finds a chat by its title as the user types, and renames one in place', () => {
    h = createHarness({ now: () => now });
    click(h.$('history-button')!);
    h.send({
      type: 'sessions',
      sessions: [
        { id: 'a', title: 'Fix the parser', createdAt: 0, updatedAt: now - 60_000, messageCount: 2 },
        { id: 'b', title: 'Release notes', createdAt: 0, updatedAt: now - 120_000, messageCount: 2 },
        { id: 'c', title: 'Parser benchmarks', createdAt: 0, updatedAt: now - 180_000, messageCount: 2 },
      ],
    });
    const search = h.$('history-search') as HTMLInputElement;
    const titles = () => h.$$('history-item').map((i) => i.querySelector('.history-title')?.textContent);
    type(search as unknown as HTMLTextAreaElement, 'PARSER');
    assert.deepEqual(titles(), ['Fix the parser', 'Parser benchmarks']);
    type(search as unknown as HTMLTextAreaElement, 'nothing like it');
    assert.deepEqual(titles(), []);
    assert.equal(h.$('history-no-match')?.hidden, false);
    type(search as unknown as HTMLTextAreaElement, '');
    assert.equal(titles().length, 3);

    click(h.$$('history-item')[1].querySelector('[data-testid="history-rename"]')!);
    const input = h.$('history-title-input') as HTMLInputElement;
    assert.equal(input.value, 'Release notes');
    assert.equal(h.$$('history-item')[1].contains(input), true, 'edited in its own row');
    keydown(input, 'Escape');
    assert.equal(h.$('history-title-input'), null, 'Escape cancels');
    assert.equal(h.$('history-view')?.hidden, false, 'and leaves the history open');
    assert.equal(h.api.of('renameSession').length, 0);

    click(h.$$('history-item')[1].querySelector('[data-testid="history-rename"]')!);
    const again = h.$('history-title-input') as HTMLInputElement;
    again.value = '  Notes for   v0.2  ';
    keydown(again, 'Enter');
    assert.deepEqual(h.api.of('renameSession'), [{ type: 'renameSession', sessionId: 'b', title: 'Notes for v0.2' }]);
    assert.deepEqual(titles(), ['Fix the parser', 'Notes for v0.2', 'Parser benchmarks']);

    click(h.$$('history-item')[0].querySelector('[data-testid="history-rename"]')!);
    const empty = h.$('history-title-input') as HTMLInputElement;
    empty.value = '   ';
    keydown(empty, 'Enter');
    assert.equal(h.api.of('renameSession').length, 1, 'an empty title is not sent');
  });

  it('fills the model picker, posts selectModel, and shows fetch errors with Refresh', () => {
    h = createHarness();
    h.send({ type: 'models', models: [{ name: 'a:1b', parameterSize: '1B' }, { name: 'b:7b' }], selected: 'b:7b', host: 'http://localhost:11434' });
    const picker = h.$('model-picker') as HTMLSelectElement;
    assert.deepEqual(Array.from(picker.options).map((o) => o.value), ['a:1b', 'b:7b']);
    assert.equal(picker.value, 'b:7b');
    assert.equal(h.$('model-error')?.hidden, true);
    picker.value = 'a:1b';
    picker.dispatchEvent(new h.window.Event('change', { bubbles: true }));
    assert.deepEqual(h.api.of('selectModel'), [{ type: 'selectModel', model: 'a:1b' }]);

    h.send({ type: 'models', models: [], selected: 'b:7b', host: 'http://localhost:11434', error: { code: 'ollamaUnreachable', message: 'Cannot reach Ollama at http://localhost:11434.', retryable: true } });
    assert.equal(h.$('model-error')?.hidden, false);
    assert.equal(h.$('model-error-text')?.textContent, 'Cannot reach Ollama at http://localhost:11434.');
    click(h.$('model-error')!.querySelector('button')!);
    click(h.$('refresh-models')!);
    assert.equal(h.api.of('refreshModels').length, 2);
  });

  it('shows a banner while the backend is in error', () => {
    h = createHarness();
    h.send({ type: 'status', status: { backend: 'remote', host: 'gpu.team:50051', model: 'm', state: 'error', message: 'Lost the team server; reconnecting.' } });
    assert.equal(h.$('status-banner')?.hidden, false);
    assert.equal(h.$('status-banner')?.textContent, 'Lost the team server; reconnecting.');
    h.send({ type: 'status', status: { backend: 'remote', host: 'gpu.team:50051', model: 'm', state: 'idle' } });
    assert.equal(h.$('status-banner')?.hidden, true);
  });

  it('does not repeat in a banner the error the last answer already shows', () => {
    h = createHarness();
    const down = 'Hearth could not reach Ollama at http://127.0.0.1:11434. Start it with `ollama serve`.';
    h.send({ type: 'session', session: sessionView('s1', []) });
    h.send({ type: 'turnStarted', sessionId: 's1', userEntryId: 'u1', assistantEntryId: 'a1', retry: false, input: { text: 'hi', context: [] } });
    // The status may arrive before or after the answer's error; either way it is shown once.
    h.send({ type: 'status', status: { backend: 'local', host: 'http://127.0.0.1:11434', model: 'm', state: 'error', message: down } });
    h.send({ type: 'event', sessionId: 's1', entryId: 'a1', event: { type: 'error', error: { code: 'ollamaUnreachable', message: down, retryable: true } } });
    h.send({ type: 'event', sessionId: 's1', entryId: 'a1', event: { type: 'done', reason: 'error' } });
    assert.equal(h.$('status-banner')?.hidden, true);
    // A different problem than the one the chat shows still gets the banner.
    h.send({ type: 'status', status: { backend: 'local', host: 'http://127.0.0.1:11434', model: 'm', state: 'error', message: 'Ollama stopped answering.' } });
    assert.equal(h.$('status-banner')?.hidden, false);
  });

  it('posts ready on start', () => {
    h = createHarness();
    h.app.start();
    assert.deepEqual(h.api.messages, [{ type: 'ready' }]);
  });
});
