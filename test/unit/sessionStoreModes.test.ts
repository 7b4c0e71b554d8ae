/**
 * What the session log keeps of modes, rules switches, per-mode models and
 * Continue, read back from disk as a restarted language server would.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SessionStore } from '../../language-server/chat/sessionStore';

describe('session store: chat configuration and Continue survive a restart', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-store-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the mode, the switched-off rules files, each mode’s model and a reply continued in place', () => {
    const store = new SessionStore(dir);
    const id = store.create('m').summary.id;
    store.configure(id, { mode: 'plan', model: 'llama3.2:3b', disabledRules: ['AGENTS.md'] });
    store.configure(id, { mode: 'ask', model: 'qwen2.5-coder:7b' });
    const user = store.addUserEntry(id, { text: 'steps?', context: [] });
    const reply = store.startAssistantEntry(id, user.id, 'qwen2.5-coder:7b', 'ask');
    store.appendEvent(id, reply.id, { type: 'text', delta: 'One, two' });
    store.appendEvent(id, reply.id, { type: 'done', reason: 'length' });
    store.resumeAssistantEntry(id, reply.id);
    store.appendEvent(id, reply.id, { type: 'text', delta: ', three.' });
    store.appendEvent(id, reply.id, { type: 'done', reason: 'stop' });
    store.close();

    const reopened = new SessionStore(dir).get(id)!;
    assert.equal(reopened.summary.mode, 'ask');
    assert.deepEqual(reopened.summary.disabledRules, ['AGENTS.md']);
    assert.deepEqual(reopened.summary.models, { plan: 'llama3.2:3b', ask: 'qwen2.5-coder:7b' });
    const answers = reopened.entries.filter((e) => e.kind === 'assistant');
    assert.equal(answers.length, 1);
    assert.ok(answers[0].kind === 'assistant');
    assert.deepEqual([answers[0].mode, answers[0].state, answers[0].doneReason, answers[0].parts], ['ask', 'done', 'stop', [{ kind: 'text', text: 'One, two, three.' }]]);
  });

  it('ignores a damaged config record instead of trusting it', () => {
    const store = new SessionStore(dir);
    const id = store.create('m').summary.id;
    store.close();
    fs.appendFileSync(path.join(dir, 'sessions', `${id}.jsonl`), `${JSON.stringify({ t: 'config', mode: 'root', disabledRules: [1, 'CLAUDE.md'], models: { yolo: 'x', plan: 5 } })}\n`);
    const reopened = new SessionStore(dir).get(id)!;
    assert.equal(reopened.summary.mode, undefined);
    assert.deepEqual(reopened.summary.disabledRules, ['CLAUDE.md']);
    assert.deepEqual(reopened.summary.models, {});
  });
});
